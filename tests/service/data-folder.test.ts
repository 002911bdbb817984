/**
 * The data folder holds patient data: every file in it is private to the user Closeout runs as
 * (the database's -wal and -shm journal files included, which hold names and birth dates in the
 * clear), an older folder left readable to others is tightened at start, and an empty or missing
 * database where one was before is refused with nothing touched. Checked on real files with the
 * mode bits and by another OS user (nobody, via setpriv) trying to read each file.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sampleCase, testBackend } from '../helpers/backend';
import { cliProcess } from '../helpers/cli';
import { DB_FILE_NAME, STORE_MARKER } from '../../electron/services/store/open-db';

const parents: string[] = [];
afterEach(() => {
  for (const p of parents.splice(0)) fs.rmSync(p, { recursive: true, force: true });
});

/** A data folder inside a parent everyone may enter, so only the folder's own modes keep others out. */
function openParent(): string {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'closeout-folder-'));
  fs.chmodSync(parent, 0o755);
  parents.push(parent);
  return parent;
}

function* walk(dir: string): Generator<string> {
  yield dir;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else yield p;
  }
}

const mode = (p: string) => fs.statSync(p).mode & 0o777;

/** Can the unprivileged user `nobody` read it (a file) or list it (a folder)? */
function nobodyCanRead(p: string): boolean {
  const isDir = fs.statSync(p).isDirectory();
  const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', '--', isDir ? 'ls' : 'cat', p], { stdio: 'ignore' });
  return r.status === 0;
}

/** Every file's name and bytes: "touch nothing" means this is the same after. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of walk(dir)) if (fs.statSync(p).isFile()) out[path.relative(dir, p)] = fs.readFileSync(p).toString('base64');
  return out;
}

describe('the data folder is private', () => {
  it('creates every file private: the database, its journal files, the logs', async () => {
    const dataDir = path.join(openParent(), 'data');
    const b = testBackend({ dataDir, logToFile: true });
    const c = await b.ok('createCase', sampleCase());
    await b.ok('addNote', { caseId: c.id, text: 'Baseline SSEP obtained', occurredAt: Date.now() - 1000, clientId: 'private-note-1' });
    const files = [...walk(dataDir)];
    // The journal files exist while the database is open: they are what another user read before.
    expect(files.map((f) => path.basename(f))).toEqual(expect.arrayContaining([DB_FILE_NAME, `${DB_FILE_NAME}-wal`, `${DB_FILE_NAME}-shm`]));
    for (const f of files) {
      expect({ f, mode: mode(f) & 0o077 }).toEqual({ f, mode: 0 });
      expect({ f, readable: nobodyCanRead(f) }).toEqual({ f, readable: false });
    }
    expect((await b.ok('getStatus', {})).store).toMatchObject({ state: 'ok', warnings: [] });
    await b.close();
  });

  it('tightens a folder an older version left readable to others, and its files', async () => {
    const dataDir = path.join(openParent(), 'data');
    const first = testBackend({ dataDir, logToFile: true });
    await first.ok('createCase', sampleCase());
    await first.close();
    // As an older Closeout (or a copy with default modes) left it: 0755 folders, 0644 files.
    for (const p of walk(dataDir)) fs.chmodSync(p, fs.statSync(p).isDirectory() ? 0o755 : 0o644);
    expect(nobodyCanRead(path.join(dataDir, DB_FILE_NAME))).toBe(true);

    const b = testBackend({ dataDir, logToFile: true });
    expect((await b.ok('listCases', {})).length).toBe(1);
    for (const f of walk(dataDir)) expect({ f, readable: nobodyCanRead(f), mode: mode(f) & 0o077 }).toEqual({ f, readable: false, mode: 0 });
    await b.close();
  });
});

describe('an empty or missing database where one was before', () => {
  it('is refused, plainly, with every file left as it was; a new folder still starts empty', async () => {
    const dataDir = path.join(openParent(), 'data');
    const b = testBackend({ dataDir });
    await b.ok('createCase', sampleCase());
    await b.close();
    expect(fs.existsSync(path.join(dataDir, STORE_MARKER))).toBe(true);

    fs.truncateSync(path.join(dataDir, DB_FILE_NAME), 0);
    const before = snapshot(dataDir);
    const again = testBackend({ dataDir });
    const store = (await again.ok('getStatus', {})).store;
    expect(store).toMatchObject({ state: 'error', code: 'DB_CORRUPT' });
    expect(store.state === 'error' && store.message).toMatch(/is empty \(0 bytes\), but this folder has held one before\. Closeout has left everything as it is/);
    await again.close();
    const cli = cliProcess(['case', 'list'], { env: { CLOSEOUT_DATA_DIR: dataDir } });
    expect(cli.code).not.toBe(0);
    expect(cli.stderr).toContain('is empty (0 bytes), but this folder has held one before');
    expect(snapshot(dataDir)).toEqual(before);

    // Missing altogether: the same.
    fs.rmSync(path.join(dataDir, DB_FILE_NAME));
    const missing = testBackend({ dataDir });
    expect((await missing.ok('getStatus', {})).store).toMatchObject({ state: 'error', code: 'DB_CORRUPT' });
    await missing.close();
    expect(fs.existsSync(path.join(dataDir, DB_FILE_NAME))).toBe(false);

    // A folder that never held one starts a new database, as on a first start.
    const fresh = testBackend({ dataDir: path.join(openParent(), 'new') });
    expect((await fresh.ok('getStatus', {})).store).toMatchObject({ state: 'ok' });
    await fresh.close();
  });
});
