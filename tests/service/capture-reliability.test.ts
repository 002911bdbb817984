import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { writeCadwellSyntheticFile } from '../../electron/bench/vendor-bench';
import { DB_FILE_NAME } from '../../electron/services/store/open-db';
import { TESTDATA, tempDir } from '../helpers/temp-dir';
import { cli, ROOT } from '../helpers/cli';
import { eventually } from '../helpers/capture';
import { sampleCase } from '../helpers/backend';
import { mutateSome, seededRng } from '../fixtures/vendor/chunking';

const BIN = path.join(ROOT, 'bin', 'closeout.js');
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

/** The synthetic benchmark patient, so the file is not held as another patient's. */
const BENCH_PATIENT = { lastName: 'Benchmark', firstName: 'Testpatient', mrn: '000000', dateOfBirth: '1960-01-01', sex: 'U' };

async function newCase(dataDir: string): Promise<string> {
  const r = await cli(dataDir, ['case', 'new', '--json', JSON.stringify(sampleCase({ patient: BENCH_PATIENT, dateOfService: '2026-11-26' }))]);
  expect(r.stderr).toBe('');
  return r.stdout.trim();
}

function rows(dataDir: string): { n: number; keys: string[] } {
  const db = new Database(path.join(dataDir, DB_FILE_NAME), { readonly: true, fileMustExist: true });
  try {
    const keys = (db.prepare("SELECT dedupe_key AS k FROM events WHERE source LIKE 'folder:%' ORDER BY k").all() as { k: string }[]).map((r) => r.k);
    return { n: keys.length, keys };
  } finally {
    db.close();
  }
}

function capture(dataDir: string, caseId: string, dir: string, untilIdle: boolean): ChildProcess {
  const child = spawn(process.execPath, [BIN, '--data-dir', dataDir, 'capture', '--case', caseId, '--watch', dir, ...(untilIdle ? ['--exit-when-idle'] : [])], { stdio: 'ignore' });
  children.push(child);
  return child;
}

const exited = (c: ChildProcess) => new Promise<number | null>((resolve) => (c.exitCode !== null ? resolve(c.exitCode) : c.once('exit', (code) => resolve(code))));

describe('capture survives a crash (real processes, SIGKILL)', () => {
  it('kill -9 mid-ingest, restart: nothing stored is lost, nothing is duplicated, the rest is read', async () => {
    const exportDir = tempDir('closeout-export-');
    // Large enough that reading it takes several slices (and seconds).
    await writeCadwellSyntheticFile(path.join(exportDir, 'case_data.json'), { targetBytes: 120 * 2 ** 20, modes: 4, seed: 7 });

    // Reference: the same file read once, without interruption.
    const refDir = tempDir();
    const refCase = await newCase(refDir);
    expect(await exited(capture(refDir, refCase, exportDir, true))).toBe(0);
    const reference = rows(refDir);
    expect(reference.n).toBeGreaterThan(1000);

    // Crash run.
    const dataDir = tempDir();
    const caseId = await newCase(dataDir);
    const first = capture(dataDir, caseId, exportDir, false);
    const partial = await eventually(() => {
      const r = fs.existsSync(path.join(dataDir, DB_FILE_NAME)) ? rows(dataDir) : { n: 0, keys: [] };
      expect(r.n).toBeGreaterThan(0);
      return r;
    });
    first.kill('SIGKILL');
    await exited(first);
    const afterKill = rows(dataDir);
    expect(afterKill.n).toBeGreaterThanOrEqual(partial.n);
    expect(afterKill.n).toBeLessThan(reference.n);

    // Restart: files are read again where needed; keys make the overlap harmless.
    expect(await exited(capture(dataDir, caseId, exportDir, true))).toBe(0);
    const final = rows(dataDir);
    expect(final.n).toBe(reference.n);
    expect(final.keys).toEqual(reference.keys);
    expect(new Set(final.keys).size).toBe(final.n);
    // Every row stored before the kill is still there.
    const kept = new Set(final.keys);
    expect(afterKill.keys.every((k) => kept.has(k))).toBe(true);
  });
});

describe('damaged copies of real test files (short fuzz; the long run is in npm run bench)', () => {
  it('no crash, a clear per-file status, other files still read', async () => {
    const exportDir = tempDir('closeout-export-');
    const dataDir = tempDir();
    const rng = seededRng(11);
    const originals = fs.readdirSync(path.join(TESTDATA, 'edf')).filter((f) => /\.(edf|bdf)$/.test(f));
    let n = 0;
    for (const f of originals) {
      const bytes = fs.readFileSync(path.join(TESTDATA, 'edf', f));
      for (let i = 0; i < 6; i++) {
        const m = mutateSome(new Uint8Array(bytes), rng);
        fs.writeFileSync(path.join(exportDir, `m${n++}-${f}`), m.subarray(0, Math.max(0, m.length - Math.floor(rng() * 3000))));
      }
    }
    for (const f of fs.readdirSync(path.join(TESTDATA, 'hl7'))) {
      if (!/\.(hl7|txt)$/.test(f)) continue;
      const bytes = fs.readFileSync(path.join(TESTDATA, 'hl7', f));
      fs.writeFileSync(path.join(exportDir, `m${n++}-${f.replace(/\.txt$/, '.hl7')}`), mutateSome(new Uint8Array(bytes), rng));
    }
    fs.writeFileSync(path.join(exportDir, 'good.txt'), ['a', 'Date: 11/26/2026', 'c', 'd', 'e', 'f', 'Start 08:00:00 x', '1 08:05:00 Incision'].join('\r\n'));
    const caseId = (await cli(dataDir, ['case', 'new', '--json', JSON.stringify(sampleCase({ dateOfService: '2026-11-26' }))])).stdout.trim();
    const r = await cli(dataDir, ['capture', '--case', caseId, '--watch', exportDir, '--exit-when-idle']);
    expect(r.code).toBe(0);
    const files = JSON.parse((await cli(dataDir, ['call', 'listCaptureFiles', '--args', '{}'])).stdout) as { path: string; status: string; message: string | null }[];
    expect(files.length).toBe(n + 1);
    for (const f of files) {
      expect(['done', 'error', 'held', 'ignored']).toContain(f.status);
      if (f.status === 'error') expect(f.message?.length).toBeGreaterThan(10);
    }
    const events = JSON.parse((await cli(dataDir, ['events', 'list', caseId, '--json'])).stdout) as { text: string }[];
    expect(events.map((e) => e.text)).toContain('Incision');
  });
});
