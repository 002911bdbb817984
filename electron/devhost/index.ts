/**
 * Browser dev host: the real backend plus the WebSocket bridge, serving the renderer to an
 * ordinary browser. `npm run dev:web` runs it with Vite's dev server (hot reload); without --dev
 * it serves the built renderer (out/renderer), as the browser tests do.
 *
 *   node out/main/devhost.js [--dev] [--data-dir DIR] [--port N] [--no-demo]
 *   node out/main/devhost.js --demo [--speed N]     (npm run demo: a fresh workstation whose demo
 *                                                   case is played live by the simulated devices;
 *                                                   its temp data folder is removed at stop)
 *   node out/main/devhost.js --app-data             (npm start without Electron: the app's own data
 *                                                   folder, as the desktop app would use it)
 *   … --join-practice URL --fingerprint FP --code C  (join a practice server at start: npm run practice-demo)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createBackend } from '../backend/host';
import { envAiKey } from '../services/ai/ai-config';
import { startBridge } from './ws-bridge';
import { startSocatPair } from './socat-pair';
import { defaultDataDir } from '../services/paths';
import { version } from '../../package.json';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');

const { values } = parseArgs({
  options: {
    dev: { type: 'boolean', default: false },
    'data-dir': { type: 'string' },
    port: { type: 'string' },
    'no-demo': { type: 'boolean', default: false },
    demo: { type: 'boolean', default: false },
    'app-data': { type: 'boolean', default: false },
    speed: { type: 'string' },
    // Join a practice server at start (npm run practice-demo): its address, fingerprint and one-time code.
    'join-practice': { type: 'string' },
    fingerprint: { type: 'string' },
    code: { type: 'string' },
  },
});

// --demo starts from an empty workstation every time, so the demo always plays from the start;
// that throwaway folder (and the serial pair's) is removed when the demo stops.
const throwaway: string[] = [];
const tempFolder = (prefix: string) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  throwaway.push(dir);
  return dir;
};
const dataDir = path.resolve(
  values['data-dir'] ??
    (values.demo
      ? tempFolder('closeout-demo-')
      : values['app-data']
        ? defaultDataDir()
        : (process.env['CLOSEOUT_DATA_DIR'] ?? path.join(root, '.closeout-dev'))),
);
const speed = values.speed ? Number(values.speed) : values.demo ? 30 : 60;
if (!(speed >= 1 && speed <= 100_000)) {
  process.stderr.write('--speed must be a number from 1 to 100000.\n');
  process.exit(2);
}
const pty = values.demo ? await startSocatPair(tempFolder('closeout-pty-')) : null;
const backend = createBackend({
  dataDir,
  actor: 'devhost',
  appVersion: version,
  ...(values['no-demo'] ? {} : { demo: { runtime: await import('../demo/demo-runtime'), speed, ...(pty ? { serial: { appPath: pty.appPath, devicePath: pty.devicePath } } : {}) } }),
  logToFile: true,
  capture: true,
  aiKey: envAiKey(),
});
const status = backend.status();
if (status.store.state === 'error') {
  process.stderr.write(`Closeout dev host: ${status.store.message}\n`);
}

let viteOrigin: string | undefined;
let closeVite: (() => Promise<void>) | undefined;
if (values.dev) {
  // Dev-only dependencies, loaded at run time so the app bundle never contains them.
  const vite = await import('vite');
  const react = (await import('@vitejs/plugin-react')).default;
  const server = await vite.createServer({
    configFile: false,
    root: path.join(root, 'renderer'),
    plugins: [react()],
    server: { host: '127.0.0.1', port: 5173 },
  });
  await server.listen();
  viteOrigin = server.resolvedUrls?.local[0]?.replace(/\/$/, '');
  closeVite = () => server.close();
}

const bridge = await startBridge({
  backend,
  staticDir: values.dev ? undefined : path.join(root, 'out', 'renderer'),
  allowedOrigins: viteOrigin ? [viteOrigin] : [],
  port: values.port ? Number(values.port) : 0,
});

const url = viteOrigin
  ? `${viteOrigin}/?bridge=${encodeURIComponent(bridge.wsUrl)}&token=${bridge.token}`
  : bridge.pageUrl;
process.stdout.write(
  throwaway.includes(dataDir)
    ? `Closeout dev host (demo data: ${dataDir}, removed when you stop it with Ctrl+C)\n`
    : `Closeout dev host (data: ${dataDir}, kept when you stop it)\n`,
);
if (values.demo) {
  process.stdout.write(
    `Demo: the synthetic spine case plays at ${speed}× through the real folder watcher${pty ? ' and, over a socat serial pair, the real serial reader' : ' (serial part skipped: socat not found)'}.\n`,
  );
}
process.stdout.write(`Open: ${url}\n`);
if (values['join-practice']) {
  const r = await backend.call('enrollSync', { url: values['join-practice'], fingerprint: values.fingerprint ?? '', code: values.code ?? '' });
  process.stdout.write(r.ok ? `Joined the practice server at ${values['join-practice']}.\n` : `Could not join the practice server: ${r.message}\n`);
}

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  pty?.close();
  await bridge.close();
  await closeVite?.();
  await backend.close();
  for (const dir of throwaway) fs.rmSync(dir, { recursive: true, force: true });
  if (throwaway.includes(dataDir)) process.stdout.write('Demo stopped; its data folder was removed.\n');
  process.exit(0);
};
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
