#!/usr/bin/env node
/**
 * `npm start`: the Electron app where this computer can run it; otherwise the same app in the
 * browser, so a newcomer always sees Closeout work.
 *
 * The desktop app needs two things npm cannot always fetch: Electron's own binary (about 100 MB,
 * downloaded on first use) and an Electron build of the database engine (downloaded, or compiled
 * with a C++ toolchain). A hospital's locked-down network, a proxy or a machine without build tools
 * stops either. Then we say so in one paragraph, keep the tools' output in .native/start.log, and
 * open the browser host (the real backend behind a loopback bridge) on the app's own data folder,
 * seeded with the demo case exactly as the app's first start would.
 *
 *   node electron/tools/start.mjs          (npm start)
 *   CLOSEOUT_START=browser                 skip Electron
 *   CLOSEOUT_START=electron                never fall back (fail as Electron fails)
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { buildStale, electronViteArgs } from './build-state.mjs';
import { electronVersion, ensureElectronSqlite } from './ensure-electron-sqlite.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(path.join(root, 'package.json'));
const logFile = path.join(root, '.native', 'start.log');

function openLog() {
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const fd = fs.openSync(logFile, 'w');
  fs.writeSync(fd, `Closeout npm start, ${new Date().toISOString()}, Node ${process.version}, ${process.platform}-${process.arch}\n`);
  return fd;
}

function note(fd, text) {
  fs.writeSync(fd, `\n== ${text}\n`);
}

/** Mirrors electron/install.js isInstalled(): the binary for this version is unpacked and named. */
export function electronInstalled(dir = path.dirname(require.resolve('electron/package.json'))) {
  try {
    const version = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
    if (fs.readFileSync(path.join(dir, 'dist', 'version'), 'utf8').replace(/^v/, '').trim() !== version) return false;
    const exe = fs.readFileSync(path.join(dir, 'path.txt'), 'utf8');
    return fs.existsSync(path.join(dir, 'dist', exe));
  } catch {
    return false;
  }
}

/** A window needs a display: Linux without X11 or Wayland (a server, an SSH session) has none. */
export function displayMissing(env = process.env, platform = process.platform) {
  return platform === 'linux' && !env['DISPLAY'] && !env['WAYLAND_DISPLAY'];
}

const ONLINE_AGAIN = 'Run "npm start" again once this computer can reach the internet (or with a C++ toolchain for the engine).';

/** Why the desktop app cannot start here ({why, then}), or null when it can. Does the one-time downloads. */
function prepareDesktop(fd) {
  if (process.env['CLOSEOUT_START'] === 'browser') return { asked: true, why: 'CLOSEOUT_START=browser', then: '' };
  if (displayMissing()) {
    return { why: 'there is no graphical display here (DISPLAY and WAYLAND_DISPLAY are not set)', then: 'On a desktop session, "npm start" opens the desktop app.' };
  }
  if (!electronInstalled()) {
    console.log('Closeout: getting the desktop app ready (one time: Electron, about 100 MB)…');
    note(fd, 'electron/install.js');
    const r = spawnSync(process.execPath, [require.resolve('electron/install.js')], { cwd: root, stdio: ['ignore', fd, fd], timeout: 15 * 60_000 });
    if (r.error) note(fd, `install.js: ${r.error.message}`);
    if (!electronInstalled()) {
      return { why: 'Electron (the desktop runtime, about 100 MB) could not be downloaded, because this network does not reach it or a proxy blocks it', then: ONLINE_AGAIN };
    }
  }
  note(fd, `better-sqlite3 for Electron ${electronVersion()}`);
  if (!ensureElectronSqlite({ output: fd, onWork: () => console.log('Closeout: preparing the database engine for Electron (one time)…') })) {
    return { why: 'its database engine could not be prepared for Electron, which needs internet access or a C++ build toolchain', then: ONLINE_AGAIN };
  }
  return null;
}

function electronVite(args, stdio) {
  return spawn(process.execPath, electronViteArgs(...args), { cwd: root, stdio });
}

function exitWith(child) {
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

/** Try the system's way of opening a link; a machine without one just shows the link. */
function openInBrowser(url) {
  if (process.env['CLOSEOUT_NO_OPEN'] === '1' || displayMissing()) return;
  const [cmd, args] =
    process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url]] : process.platform === 'darwin' ? ['open', [url]] : ['xdg-open', [url]];
  try {
    const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
    child.on('error', () => {});
    child.unref();
  } catch {
    // nothing to open it with: the printed link is enough
  }
}

async function startBrowserHost(reason, fd) {
  const log = path.relative(process.cwd(), logFile) || logFile;
  if (reason.asked) console.log(`Closeout: opening the app in your web browser (${reason.why}).`);
  else console.log(
    [
      '',
      `Closeout cannot open its desktop window on this computer: ${reason.why}.`,
      'The same app opens in your web browser instead, on this computer only (nothing is served to the',
      "network), with the app's own data folder and, on a first start, the demo case.",
      `${reason.then ? `${reason.then} ` : ''}Details: ${log}.`,
      '',
    ].join('\n'),
  );
  if (buildStale()) {
    console.log('Closeout: building the app (a few seconds)…');
    note(fd, 'electron-vite build');
    const built = await new Promise((resolve) => electronVite(['build'], ['ignore', fd, fd]).on('exit', (code) => resolve(code === 0)));
    if (!built) {
      console.error(`Closeout could not build the app: see ${logFile}.`);
      process.exit(1);
    }
  }
  const host = spawn(process.execPath, [path.join(root, 'out', 'main', 'devhost.js'), '--app-data'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  let pending = '';
  host.stdout.setEncoding('utf8');
  host.stdout.on('data', (chunk) => {
    process.stdout.write(chunk);
    pending += chunk;
    const m = /^Open: (\S+)$/m.exec(pending);
    if (m) {
      openInBrowser(m[1]);
      pending = '';
    } else if (pending.length > 10_000) pending = pending.slice(-1000);
  });
  exitWith(host);
}

async function main() {
  const fd = openLog();
  let reason;
  try {
    reason = prepareDesktop(fd);
  } catch (e) {
    note(fd, `unexpected: ${e instanceof Error ? e.stack : String(e)}`);
    reason = { why: 'preparing the desktop app failed unexpectedly', then: '' };
  }
  if (reason === null) {
    fs.closeSync(fd);
    // electron-vite builds out/ and launches Electron on it; its output is the app's.
    exitWith(electronVite(['preview'], 'inherit'));
    return;
  }
  note(fd, `browser host: ${reason.why}`);
  if (process.env['CLOSEOUT_START'] === 'electron') {
    console.error(`Closeout cannot start the desktop app: ${reason.why}. Details: ${logFile}.`);
    process.exit(1);
  }
  await startBrowserHost(reason, fd);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
