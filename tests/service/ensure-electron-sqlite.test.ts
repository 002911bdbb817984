import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli';
import { tempDir } from '../helpers/temp-dir';

// The Electron build of better-sqlite3 cannot be downloaded here; what can be checked is that
// the script finds an existing build, agrees with main on its path, and fails in plain words.
function fakeProject(): string {
  const dir = tempDir();
  fs.mkdirSync(path.join(dir, 'electron', 'tools'), { recursive: true });
  fs.copyFileSync(path.join(ROOT, 'electron', 'tools', 'ensure-electron-sqlite.mjs'), path.join(dir, 'electron', 'tools', 'ensure-electron-sqlite.mjs'));
  fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(dir, 'package.json'));
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  return dir;
}

const run = (dir: string, ...args: string[]) =>
  spawnSync(process.execPath, [path.join(dir, 'electron', 'tools', 'ensure-electron-sqlite.mjs'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, npm_config_nodedir: '/usr' },
    timeout: 120_000,
  });

describe('ensure-electron-sqlite (npm start)', () => {
  const electronVersion = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', 'electron', 'package.json'), 'utf8')).version;

  it('puts the Electron build where main looks for it', () => {
    const dir = fakeProject();
    const printed = run(dir, '--print-path').stdout.trim();
    expect(printed).toBe(path.join(dir, '.native', `electron-${electronVersion}-${process.platform}-${process.arch}`, 'better_sqlite3.node'));
    const main = fs.readFileSync(path.join(ROOT, 'electron', 'main', 'index.ts'), 'utf8');
    expect(main).toContain("'.native',");
    expect(main).toContain('`electron-${process.versions.electron}-${process.platform}-${process.arch}`');
  });

  it('does nothing when the build exists', () => {
    const dir = fakeProject();
    const target = run(dir, '--print-path').stdout.trim();
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, 'built');
    const r = run(dir);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('');
  });

  it('without network or toolchain: exit 1, a plain message, no half-built leftovers', () => {
    const dir = fakeProject();
    const r = run(dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('Closeout could not prepare its database engine for Electron.');
    expect(r.stderr).toContain('Then run "npm start" again.');
    expect(fs.readdirSync(path.join(dir, '.native', 'build'))).toEqual([]);
  });
});
