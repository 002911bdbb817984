import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { ROOT } from './cli';
import { tempDir } from './temp-dir';

/**
 * A copy of the project's launch tools in a temp folder, sharing this checkout's node_modules and
 * out/ except Electron's package, which is copied without its binary (as on a fresh install), or
 * with a stand-in binary when `electron: 'installed'`. What the tools write (.native/, the log)
 * stays in the temp folder.
 */
export function fakeProject(opts: { electron?: 'missing' | 'installed' } = {}): string {
  const dir = tempDir('closeout-project-');
  fs.mkdirSync(path.join(dir, 'electron', 'tools'), { recursive: true });
  for (const f of fs.readdirSync(path.join(ROOT, 'electron', 'tools'))) {
    fs.copyFileSync(path.join(ROOT, 'electron', 'tools', f), path.join(dir, 'electron', 'tools', f));
  }
  fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(dir, 'package.json'));
  fs.symlinkSync(path.join(ROOT, 'out'), path.join(dir, 'out'));
  const modules = path.join(dir, 'node_modules');
  fs.mkdirSync(modules);
  for (const name of fs.readdirSync(path.join(ROOT, 'node_modules'))) {
    if (name !== 'electron') fs.symlinkSync(path.join(ROOT, 'node_modules', name), path.join(modules, name));
  }
  const electron = path.join(modules, 'electron');
  fs.cpSync(path.join(ROOT, 'node_modules', 'electron'), electron, {
    recursive: true,
    filter: (p) => !p.startsWith(path.join(ROOT, 'node_modules', 'electron', 'dist')) && !p.endsWith('path.txt'),
  });
  if (opts.electron === 'installed') {
    const version = JSON.parse(fs.readFileSync(path.join(electron, 'package.json'), 'utf8')).version as string;
    fs.mkdirSync(path.join(electron, 'dist'));
    fs.writeFileSync(path.join(electron, 'dist', 'version'), version);
    fs.writeFileSync(path.join(electron, 'dist', 'electron'), '#!/bin/sh\nexit 1\n', { mode: 0o755 });
    fs.writeFileSync(path.join(electron, 'path.txt'), 'electron');
  }
  return dir;
}

/** A loopback port nothing listens on: every download from it is refused at once. */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * An environment in which every one-time download of `npm start` fails as on a closed hospital
 * network (Electron's binary, the prebuilt engine, Electron's headers), whatever this machine's
 * own network and caches hold.
 */
export function offlineEnv(port: number, scratch: string): NodeJS.ProcessEnv {
  const refused = `http://127.0.0.1:${port}`;
  return {
    ELECTRON_MIRROR: `${refused}/`,
    electron_config_cache: path.join(scratch, 'electron-cache'),
    npm_config_better_sqlite3_binary_host: refused,
    CLOSEOUT_ELECTRON_HEADERS_URL: refused,
    npm_config_devdir: path.join(scratch, 'node-gyp'),
    npm_config_cache: path.join(scratch, 'npm-cache'),
  };
}
