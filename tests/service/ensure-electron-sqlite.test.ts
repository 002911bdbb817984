import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli';
import { closedPort, fakeProject, offlineEnv } from '../helpers/launcher';
import { tempDir } from '../helpers/temp-dir';

// The Electron build of better-sqlite3 is never downloaded by a test (the downloads are pointed at
// a refused loopback port); what can be checked is that the script finds an existing build,
// agrees with main on its path, and fails in plain words.
const run = async (dir: string, ...args: string[]) =>
  spawnSync(process.execPath, [path.join(dir, 'electron', 'tools', 'ensure-electron-sqlite.mjs'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...offlineEnv(await closedPort(), tempDir()), npm_config_nodedir: '/usr' },
  });

describe('ensure-electron-sqlite (npm start)', () => {
  const electronVersion = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', 'electron', 'package.json'), 'utf8')).version;

  it('puts the Electron build where main looks for it', async () => {
    const dir = fakeProject();
    const printed = (await run(dir, '--print-path')).stdout.trim();
    expect(printed).toBe(path.join(dir, '.native', `electron-${electronVersion}-${process.platform}-${process.arch}`, 'better_sqlite3.node'));
    const main = fs.readFileSync(path.join(ROOT, 'electron', 'main', 'index.ts'), 'utf8');
    expect(main).toContain("'.native',");
    expect(main).toContain('`electron-${process.versions.electron}-${process.platform}-${process.arch}`');
  });

  it('does nothing when the build exists', async () => {
    const dir = fakeProject();
    const target = (await run(dir, '--print-path')).stdout.trim();
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, 'built');
    const r = await run(dir);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('');
  });

  it('without network: exit 1, a plain message, no half-built leftovers', async () => {
    const dir = fakeProject();
    const r = await run(dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('Closeout could not prepare its database engine for Electron.');
    expect(r.stderr).toContain('Then run "npm start" again.');
    expect(fs.readdirSync(path.join(dir, '.native', 'build'))).toEqual([]);
  });
});
