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

function run(cmd, args, cwd) {
  // npm passes its own config as npm_config_* variables; a machine-wide nodedir (set on some
  // build hosts) would make node-gyp compile against Node's headers instead of Electron's.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_config_(nodedir|target|runtime|disturl|arch)$/i.test(k)));
  const r = spawnSync(cmd, args, { cwd, env, stdio: 'inherit', shell: process.platform === 'win32' });
  return r.status === 0;
}

function main() {
  let electronVersion;
  try {
    electronVersion = readVersion('electron');
  } catch {
    console.error('Closeout: Electron is not installed. Run "npm install" first.');
    process.exit(1);
  }
  const target = bindingPath(electronVersion);
  if (process.argv.includes('--print-path')) {
    console.log(target);
    return;
  }
  if (fs.existsSync(target)) return;

  const sqliteVersion = readVersion('better-sqlite3');
  console.log(`Closeout: preparing the database engine for Electron ${electronVersion} (one time only)…`);
  const scratch = path.join(root, '.native', 'build', `better-sqlite3-${sqliteVersion}-electron-${electronVersion}`);
  fs.rmSync(scratch, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(scratch), { recursive: true });
  const src = path.dirname(require.resolve('better-sqlite3/package.json'));
  fs.cpSync(src, scratch, { recursive: true, filter: (p) => !p.includes(`${path.sep}build${path.sep}`) });

  const prebuild = path.join(path.dirname(require.resolve('prebuild-install/package.json')), 'bin.js');
  const electronArgs = [`--runtime=electron`, `--target=${electronVersion}`, `--arch=${process.arch}`];
  // 1. A published prebuilt binary for this Electron (fast, needs the network).
  let ok = run(process.execPath, [prebuild, ...electronArgs, '--tag-prefix=v'], scratch);
  // 2. Otherwise compile against Electron's headers (needs a C++ toolchain).
  if (!ok) {
    const nodeGyp = path.join(path.dirname(require.resolve('node-gyp/package.json')), 'bin', 'node-gyp.js');
    ok = run(
      process.execPath,
      [nodeGyp, 'rebuild', '--release', `--target=${electronVersion}`, `--arch=${process.arch}`, '--dist-url=https://electronjs.org/headers', '--runtime=electron'],
      scratch,
    );
  }
  const built = path.join(scratch, 'build', 'Release', 'better_sqlite3.node');
  if (!ok || !fs.existsSync(built)) {
    fs.rmSync(scratch, { recursive: true, force: true });
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
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.copyFileSync(built, target);
  fs.rmSync(scratch, { recursive: true, force: true });
  console.log(`Closeout: database engine ready (${path.relative(root, target)}).`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
