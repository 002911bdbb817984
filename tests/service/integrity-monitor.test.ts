/**
 * The whole-file check moved off the start (#15 item 2): run in a worker thread at idle and on a
 * schedule, and before anything leaves the workstation when the last clean check is over a day
 * old. Damage found while running is said in the words of damage found at open, and nothing more
 * is written. Real SQLite, real worker thread, a real file scribbled over behind the backend.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { IntegrityMonitor, quickCheckInWorker } from '../../electron/services/store/integrity-monitor';
import { DB_FILE_NAME, lastCheckedOk } from '../../electron/services/store/open-db';
import { sampleCase, testBackend } from '../helpers/backend';
import { eventually } from '../helpers/patience';
import { tempDir } from '../helpers/temp-dir';

const DAY = 24 * 3600_000;

/** A data folder whose file has table pages well past its header (so a scribble hits data, not the schema). */
async function folderWithData(): Promise<string> {
  const dataDir = tempDir();
  const b = testBackend({ dataDir });
  await b.ok('createCase', sampleCase());
  await b.close();
  const raw = new Database(path.join(dataDir, DB_FILE_NAME));
  raw.exec(`CREATE TABLE filler (x TEXT);
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400) INSERT INTO filler SELECT hex(randomblob(500)) FROM n;`);
  raw.pragma('wal_checkpoint(TRUNCATE)');
  raw.close();
  return dataDir;
}

/** Scribble over table pages in place (same file, as a failing disk or a sync tool would). */
function scribble(file: string): Buffer {
  const fd = fs.openSync(file, 'r+');
  const junk = Buffer.alloc(20_000, 0xa5);
  fs.writeSync(fd, junk, 0, junk.length, 40_000);
  fs.closeSync(fd);
  return fs.readFileSync(file).subarray(40_000, 60_000);
}

describe('the integrity check off the start', () => {
  it('runs in a worker thread, read-only: ok on a sound file, what SQLite found on a damaged one', async () => {
    const dataDir = await folderWithData();
    const file = path.join(dataDir, DB_FILE_NAME);
    expect(await quickCheckInWorker(file)).toBe('ok');
    const before = fs.readFileSync(file);
    scribble(file);
    const after = fs.readFileSync(file);
    expect(await quickCheckInWorker(file)).not.toBe('ok');
    expect(fs.readFileSync(file).equals(after)).toBe(true);
    expect(before.equals(after)).toBe(false);
  });

  it('before a case leaves the workstation: checked when the last clean check is over a day old, and damage stops every write', async () => {
    const dataDir = await folderWithData();
    const file = path.join(dataDir, DB_FILE_NAME);
    let clock = Date.now();
    const b = testBackend({ dataDir, now: () => clock });
    const [c] = await b.ok('listCases', {});
    // A recent clean check (this open's, or the one before): the export goes straight out.
    expect(lastCheckedOk(dataDir)).not.toBeNull();
    await b.ok('exportCaseFile', { caseId: c!.id });

    const damaged = scribble(file);
    clock += 2 * DAY;
    const e = await b.fail('exportCaseFile', { caseId: c!.id });
    expect(e.code).toBe('DB_CORRUPT');
    expect(e.message).toMatch(/^The case database in the data folder \(.*\) is damaged \(.*\)\. Closeout has left it untouched\. Do not delete it: contact support, who can recover it\.$/);
    // From now on nothing is written, and the status says why.
    const note = await b.fail('addNote', { caseId: c!.id, text: 'after the damage', occurredAt: clock, clientId: 'after-damage-1' });
    expect(note.code).toBe('DB_CORRUPT');
    expect((await b.ok('getStatus', {})).store).toMatchObject({ state: 'error', code: 'DB_CORRUPT' });
    expect(fs.readFileSync(file).subarray(40_000, 60_000).equals(damaged)).toBe(true);
    await b.close();
  });

  it('at idle, then on its schedule: a long-running backend finds damage that came in while it ran', async () => {
    const dataDir = await folderWithData();
    const file = path.join(dataDir, DB_FILE_NAME);
    const found: string[] = [];
    const recorded: number[] = [];
    let clock = Date.now();
    const m = new IntegrityMonitor({ file, now: () => clock, checkedOkAt: null, idleMs: 1_000, everyMs: DAY, onDamage: (d) => found.push(d), recordOk: (at) => recorded.push(at) });
    m.start(20);
    // Not idle yet: a call just came in.
    m.touch();
    clock += 500;
    await new Promise((r) => setTimeout(r, 200));
    expect(m.last).toBeNull();
    clock += 1_000;
    await eventually(() => expect(m.last).toMatchObject({ ok: true }));
    expect(recorded).toHaveLength(1);
    // Within the day: not checked again.
    scribble(file);
    clock += 3600_000;
    await new Promise((r) => setTimeout(r, 200));
    expect(found).toEqual([]);
    // A day on, at idle: found.
    clock += DAY;
    await eventually(() => expect(found).toHaveLength(1));
    expect(m.last).toMatchObject({ ok: false });
    await m.stop();
  });
});
