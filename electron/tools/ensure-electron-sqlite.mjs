#!/usr/bin/env node
/**
 * Make sure an Electron-ABI build of better-sqlite3 exists before `npm start` / `npm run dev`.
 *
 * node_modules keeps Node's build (so `npm test` and the CLI work); the app loads this second
 * copy through better-sqlite3's `nativeBinding` option. Built once per Electron version and
 * platform into .native/ (git-ignored). Never run from postinstall.
 *
 *   node electron/tools/ensure-electron-sqlite.mjs            build if missing
 *   node electron/tools/ensure-electron-sqlite.mjs --print-path
 *
 * `npm start` (start.mjs) calls ensureElectronSqlite() with the tools' output sent to its log.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(path.join(root, 'package.json'));

function readVersion(pkg) {
  return JSON.parse(fs.readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')).version;
}

export function bindingPath(electronVersion, platform = process.platform, arch = process.arch) {
  // Keep in step with electronSqliteBinding() in electron/main/index.ts.
  return path.join(root, '.native', `electron-${electronVersion}-${platform}-${arch}`, 'better_sqlite3.node');
}

function run(cmd, args, cwd, output) {
  // npm passes its own config as npm_config_* variables; a machine-wide nodedir (set on some
  // build hosts) would make node-gyp compile against Node's headers instead of Electron's.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_config_(nodedir|target|runtime|disturl|arch)$/i.test(k)));
  const r = spawnSync(cmd, args, { cwd, env, stdio: ['ignore', output, output], shell: process.platform === 'win32' });
  return r.status === 0;
}

export function electronVersion() {
  return readVersion('electron');
}

/** Where Electron's headers come from; a hospital mirror can stand in (CLOSEOUT_ELECTRON_HEADERS_URL). */
const headersUrl = () => process.env['CLOSEOUT_ELECTRON_HEADERS_URL'] || 'https://electronjs.org/headers';

/**
 * Build (or download) the Electron build of better-sqlite3 if it is missing. The tools' own
 * output goes to `output` ('inherit', or a file descriptor of a log); `onWork` is called before
 * any slow step. Returns whether the build exists.
 */
export function ensureElectronSqlite({ output = 'inherit', onWork = () => {} } = {}) {
  const version = electronVersion();
  const target = bindingPath(version);
  if (fs.existsSync(target)) return true;
  onWork();

  const sqliteVersion = readVersion('better-sqlite3');
  const scratch = path.join(root, '.native', 'build', `better-sqlite3-${sqliteVersion}-electron-${version}`);
  fs.rmSync(scratch, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(scratch), { recursive: true });
  const src = path.dirname(require.resolve('better-sqlite3/package.json'));
  fs.cpSync(src, scratch, { recursive: true, filter: (p) => !p.includes(`${path.sep}build${path.sep}`) });

  const prebuild = path.join(path.dirname(require.resolve('prebuild-install/package.json')), 'bin.js');
  const electronArgs = [`--runtime=electron`, `--target=${version}`, `--arch=${process.arch}`];
  // 1. A published prebuilt binary for this Electron (fast, needs the network).
  let ok = run(process.execPath, [prebuild, ...electronArgs, '--tag-prefix=v'], scratch, output);
  // 2. Otherwise compile against Electron's headers (needs a C++ toolchain).
  if (!ok) {
    const nodeGyp = path.join(path.dirname(require.resolve('node-gyp/package.json')), 'bin', 'node-gyp.js');
    ok = run(
      process.execPath,
      [nodeGyp, 'rebuild', '--release', `--target=${version}`, `--arch=${process.arch}`, `--dist-url=${headersUrl()}`, '--runtime=electron'],
      scratch,
      output,
    );
  }
  const built = path.join(scratch, 'build', 'Release', 'better_sqlite3.node');
  if (!ok || !fs.existsSync(built)) {
    fs.rmSync(scratch, { recursive: true, force: true });
    return false;
  }
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.copyFileSync(built, target);
  fs.rmSync(scratch, { recursive: true, force: true });
  return true;
}

function main() {
  let version;
  try {
    version = electronVersion();
  } catch {
    console.error('Closeout: Electron is not installed. Run "npm install" first.');
    process.exit(1);
  }
  const target = bindingPath(version);
  if (process.argv.includes('--print-path')) {
    console.log(target);
    return;
  }
  if (fs.existsSync(target)) return;
  if (!ensureElectronSqlite({ onWork: () => console.log(`Closeout: preparing the database engine for Electron ${version} (one time only)…`) })) {
    console.error(
      [
        '',
        'Closeout could not prepare its database engine for Electron.',
        'It needs internet access (to download a prebuilt engine, or Electron\'s headers to compile one),',
        'and for compiling a C++ build toolchain:',
        '  Windows: Visual Studio Build Tools with "Desktop development with C++"',
        '  Linux:   build-essential and python3',
        '  macOS:   xcode-select --install',
        'Then run "npm start" again.',
      ].join('\n'),
    );
    process.exit(1);
  }
  console.log(`Closeout: database engine ready (${path.relative(root, target)}).`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
