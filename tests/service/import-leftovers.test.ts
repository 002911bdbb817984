/**
 * A case import stages its events in a scratch database beside the store (PHI, like the store).
 * An import killed midway leaves it behind; the next start of Closeout removes it, and leaves
 * alone the scratch file of an import that is still running.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { removeImportLeftovers } from '../../electron/services/casefile/import-staging';
import { cli, ROOT } from '../helpers/cli';
import { eventually } from '../helpers/patience';
import { tempDir } from '../helpers/temp-dir';

/** A syntactically valid case file of `n` events, written as a stream (big enough to take a while). */
function bigCaseFile(file: string, n: number): void {
  const head = {
    format: 'closeout-case',
    version: 1,
    exportedAt: '2026-11-26T20:00:00.000Z',
    case: { id: 'leftover-case', status: 'open', timeZone: 'UTC', patient: { lastName: 'Testpatient', firstName: 'Lee', mrn: 'SYN-L1', dateOfBirth: '1960-01-01', sex: 'F' }, procedure: { description: 'L4-L5 fusion' }, dateOfService: '2026-11-26' },
    people: [],
  };
  const fd = fs.openSync(file, 'w');
  fs.writeSync(fd, `${JSON.stringify(head).slice(0, -1)},"events":[`);
  const t0 = Date.UTC(2026, 10, 26, 14);
  let buf = '';
  for (let i = 0; i < n; i++) {
    buf += `${i ? ',' : ''}{"kind":"modality_activity","occurredAt":"${new Date(t0 + i * 100).toISOString()}","source":"folder:x","dedupeKey":"k${i}","modality":"SSEP","text":"trial ${i}"}`;
    if (buf.length > 1 << 20) {
      fs.writeSync(fd, buf);
      buf = '';
    }
  }
  fs.writeSync(fd, `${buf}]}`);
  fs.closeSync(fd);
}

const scratch = (dir: string) => fs.readdirSync(dir).filter((f) => f.startsWith('.import-'));

it('an import killed midway leaves its scratch database; the next start removes it', async () => {
  const dataDir = tempDir();
  const file = path.join(tempDir('closeout-leftover-src-'), 'case.json');
  bigCaseFile(file, 1_500_000);
  expect((await cli(dataDir, ['status'])).code).toBe(0);

  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'closeout.js'), 'case', 'import', file], { env: { ...process.env, CLOSEOUT_DATA_DIR: dataDir }, stdio: 'ignore' });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  // Killed once it is staging events (its scratch file is there and growing).
  await eventually(() => {
    const [name] = scratch(dataDir);
    expect(name).toBeDefined();
    expect(fs.statSync(path.join(dataDir, name!)).size).toBeGreaterThan(1 << 20);
  });
  child.kill('SIGKILL');
  await exited;
  expect(scratch(dataDir).length).toBeGreaterThan(0);

  // Any start of Closeout on the folder (here the command line) removes it, and nothing was imported.
  const r = await cli(dataDir, ['case', 'list', '--json']);
  expect(r.code).toBe(0);
  expect(JSON.parse(r.stdout)).toEqual([]);
  expect(scratch(dataDir)).toEqual([]);
});

it('the scratch file of an import still running (another process) is left alone; a dead one is removed', async () => {
  const dir = tempDir();
  // A process that is running, and one that has exited (its pid is free again).
  const alive = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
  const dead = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  await new Promise((resolve) => dead.on('exit', resolve));
  try {
    const live = `.import-${alive.pid}-0123abcd.db`;
    const gone = `.import-${dead.pid}-89abcdef.db`;
    for (const f of [live, gone, `${gone}-journal`, '.import-notes.txt', 'closeout.db']) fs.writeFileSync(path.join(dir, f), 'x');
    expect(removeImportLeftovers(dir).sort()).toEqual([gone, `${gone}-journal`]);
    expect(fs.readdirSync(dir).sort()).toEqual(['.import-notes.txt', live, 'closeout.db'].sort());
  } finally {
    alive.kill('SIGKILL');
  }
});
