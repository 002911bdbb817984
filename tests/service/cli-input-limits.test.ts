/**
 * Big and deep inputs, run as the real `closeout` process with its peak memory measured
 * (process.resourceUsage().maxRSS in the child): a case file nested thousands deep is bad input
 * (exit 2, plain words), not an internal error; an event text of 50 MB is kept cut to the event
 * limit, as a device's would be; a case file of hundreds of thousands of events is read as a
 * stream, in memory that does not grow with it. Synthetic data, generated in a temp folder.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCaseFile, caseFileJson } from '../../shared/casefile/codec';
import { EVENT_TEXT_MAX_CHARS } from '../../shared/domain/event-limits';
import { PEOPLE, record } from '../helpers/billing';
import { cli } from '../helpers/cli';
import { testBackend } from '../helpers/backend';
import { closeoutMeasured } from '../helpers/peak-memory';
import { tempDir } from '../helpers/temp-dir';
import { Store } from '../../electron/services/store/store';

/** The bound every input is read within. */
const BOUND_MIB = 200;

/**
 * A case file of `count` events written straight to disk (never one string): the events are
 * device notes a tenth of a second apart; `event(i)` may replace any of them.
 */
function writeCaseFile(file: string, count: number, event?: (i: number) => string | null): void {
  const head = caseFileJson(buildCaseFile({ ...record(), id: `big-case-${count}` }, PEOPLE, [], Date.UTC(2026, 10, 26, 20)));
  const [before, after] = head.split('"events": []');
  const fd = fs.openSync(file, 'w');
  let buf = `${before}"events": [`;
  const t0 = Date.UTC(2026, 10, 26, 14);
  for (let i = 0; i < count; i++) {
    const at = new Date(t0 + i * 100).toISOString();
    const own = event?.(i);
    buf += `${i ? ',' : ''}\n    ${own ?? `{"kind":"note","occurredAt":"${at}","source":"folder:src-1","dedupeKey":"line:${i}","text":"Stimulation threshold ${i % 97} mA at L${(i % 5) + 1}","raw":"${at.slice(11, 19)}","clockZone":"America/Chicago","payload":{"line":${i}}}`}`;
    if (buf.length > 1 << 20) {
      fs.writeSync(fd, buf);
      buf = '';
    }
  }
  fs.writeSync(fd, `${buf}\n  ]${after}`);
  fs.closeSync(fd);
}

function storedTexts(dataDir: string, caseId: string): string[] {
  const store = Store.open({ dataDir });
  try {
    return (store.db.prepare('SELECT text FROM events WHERE case_id = ? ORDER BY id').all(caseId) as { text: string }[]).map((r) => r.text);
  } finally {
    store.close();
  }
}

describe('deep JSON is bad input, on every path that reads JSON', () => {
  it('a case file nested 5,000 deep: exit 2 with a plain message, nothing imported, in little memory', () => {
    const dir = tempDir('closeout-deep-');
    const file = path.join(dir, 'deep.json');
    writeCaseFile(file, 3, (i) => (i === 1 ? `{"kind":"note","occurredAt":"2026-11-26T14:00:00Z","text":"x","payload":{"a":${'['.repeat(5000)}${']'.repeat(5000)}}}` : null));
    const env = { CLOSEOUT_DATA_DIR: tempDir() };
    const r = closeoutMeasured(['case', 'import', file], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^Error: .*deep\.json is nested more than 64 levels deep\. Nothing Closeout reads is nested that deep, so it is damaged or not what Closeout expects\./);
    expect(r.stderr).not.toMatch(/RangeError|call stack|at .*\.js:\d+/);
    expect(r.peakMiB).toBeLessThan(BOUND_MIB);
    const json = closeoutMeasured(['case', 'import', file, '--json'], { env });
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, code: 'BAD_INPUT', message: expect.stringContaining('nested more than 64 levels deep') });
    expect(JSON.parse(closeoutMeasured(['case', 'list', '--json'], { env }).stdout)).toEqual([]);
  });

  it('the same deep JSON as a value: case new, claim --case-file and closeout call say so, exit 2', () => {
    const env = { CLOSEOUT_DATA_DIR: tempDir() };
    const deep = `{"patient":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    const created = closeoutMeasured(['case', 'new', '--json', '-'], { env, input: deep });
    expect(created.code).toBe(2);
    expect(created.stderr).toMatch(/^Error: The case is nested more than 64 levels deep\./);
    const file = path.join(tempDir('closeout-deep-'), 'deep.json');
    writeCaseFile(file, 2, (i) => (i === 0 ? `{"kind":"note","occurredAt":"2026-11-26T14:00:00Z","payload":${'['.repeat(5000)}${']'.repeat(5000)}}` : null));
    const claim = closeoutMeasured(['claim', '--case-file', file], { env });
    expect(claim.code).toBe(2);
    expect(claim.stderr).toMatch(/nested more than 64 levels deep/);
    const call = closeoutMeasured(['call', 'importCaseFile', '--args', '-'], { env, input: `{"file":${fs.readFileSync(file, 'utf8')}}` });
    expect(call.code).toBe(2);
    expect(JSON.parse(call.stdout)).toMatchObject({ ok: false, code: 'BAD_INPUT', message: expect.stringContaining('nested more than 64 levels deep') });
  });

  it("a caller that builds the value itself (the app, the browser bridge) meets the backend's own check", async () => {
    const b = testBackend();
    const deep = JSON.parse(`${'['.repeat(5000)}${']'.repeat(5000)}`) as unknown;
    const refused = await b.fail('importCaseFile', { file: { format: 'closeout-case', version: 1, events: [{ kind: 'note', payload: { deep } }] } });
    expect(refused).toMatchObject({ code: 'BAD_INPUT', message: expect.stringMatching(/^The request is nested more than 64 levels deep\./) });
    expect(await b.ok('listCases', { search: '', limit: 10 })).toEqual([]);
    await b.close();
  });
});

describe('case import of a large file streams', () => {
  it('100,000 and 400,000 events: both imported whole, in memory that does not grow with the file', () => {
    const dir = tempDir('closeout-big-');
    const peaks: number[] = [];
    for (const n of [100_000, 400_000]) {
      const file = path.join(dir, `case-${n}.json`);
      writeCaseFile(file, n);
      const dataDir = tempDir();
      const r = closeoutMeasured(['case', 'import', file, '--json'], { env: { CLOSEOUT_DATA_DIR: dataDir } });
      fs.rmSync(file);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ caseId: `big-case-${n}`, events: n, peopleCreated: 3, notes: [] });
      const store = Store.open({ dataDir });
      const stored = store.db.prepare('SELECT count(*) AS n, min(id) AS first, max(id) AS last FROM events').get() as { n: number; first: number; last: number };
      const last = store.db.prepare('SELECT dedupe_key AS key FROM events ORDER BY id DESC LIMIT 1').get() as { key: string };
      store.close();
      // Every event, in file order.
      expect(stored).toEqual({ n, first: 1, last: n });
      expect(last.key).toBe(`line:${n - 1}`);
      // The scratch database beside the store is gone.
      expect(fs.readdirSync(dataDir).filter((f) => f.startsWith('.import-'))).toEqual([]);
      peaks.push(r.peakMiB);
    }
    console.log(`case import peak RSS: 100k events ${peaks[0]?.toFixed(0)} MiB, 400k events ${peaks[1]?.toFixed(0)} MiB`);
    for (const p of peaks) expect(p).toBeLessThan(BOUND_MIB);
    // Four times the events, about the same memory (the old import held them all: ~2.5 KB each).
    expect((peaks[1] as number) - (peaks[0] as number)).toBeLessThan(30);
  });

  it('a problem deep in a large file is found, with the event named, and nothing is imported', () => {
    const dir = tempDir('closeout-big-');
    const file = path.join(dir, 'bad.json');
    writeCaseFile(file, 200_000, (i) => (i === 150_000 ? '{"kind":"note","text":"no time"}' : i === 199_999 ? '{"kind":"note","occurredAt":"2026-11-26T14:00:00Z","source":"folder:src-1","dedupeKey":"line:7"}' : null));
    const env = { CLOSEOUT_DATA_DIR: tempDir() };
    const r = closeoutMeasured(['case', 'import', file], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('Error: The case file has 2 problems:\n  - Event 150001 has no time.\n  - Events 8 and 200000 have the same source and dedupe key ("folder:src-1", "line:7"): give each event its own key.\n');
    expect(r.peakMiB).toBeLessThan(BOUND_MIB);
    expect(JSON.parse(closeoutMeasured(['case', 'list', '--json'], { env }).stdout)).toEqual([]);
  });
});

describe('one limit for event text', () => {
  it('a case file with a 50 MB event text: imported, that text cut to 2,000 characters and said so, in bounded memory', () => {
    const dir = tempDir('closeout-text-');
    const file = path.join(dir, 'long-text.json');
    const long = 'Free-run EMG burst left L5 '.repeat(2_000_000); // 54 MB
    writeCaseFile(file, 5, (i) => (i === 1 ? `{"kind":"note","occurredAt":"2026-11-26T14:00:01Z","text":"${long}"}` : i === 3 ? `{"kind":"note","occurredAt":"2026-11-26T14:00:03Z","text":"${'x'.repeat(2001)}"}` : null));
    const dataDir = tempDir();
    const r = closeoutMeasured(['case', 'import', file, '--json'], { env: { CLOSEOUT_DATA_DIR: dataDir } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).notes).toEqual(['2 events were longer than an event keeps (2,000 characters of text) and were stored cut (events 2, 4).']);
    expect(r.peakMiB).toBeLessThan(BOUND_MIB);
    const texts = storedTexts(dataDir, 'big-case-5');
    expect([texts[0], texts[2], texts[4]]).toEqual(['Stimulation threshold 0 mA at L1', 'Stimulation threshold 2 mA at L3', 'Stimulation threshold 4 mA at L5']);
    for (const t of [texts[1], texts[3]] as string[]) {
      expect(t.length).toBeLessThanOrEqual(EVENT_TEXT_MAX_CHARS);
      expect(t.length).toBeGreaterThan(EVENT_TEXT_MAX_CHARS - 200);
      expect(t.endsWith('…')).toBe(true);
    }
    expect(texts[1]?.startsWith('Free-run EMG burst left L5 Free-run')).toBe(true);
  });

  it('a typed note keeps the same limit: 2,000 characters are stored, 2,001 refused in plain words', async () => {
    const dataDir = tempDir();
    const created = await cli(dataDir, ['case', 'new', '--json', JSON.stringify({ patient: { lastName: 'Testpatient', firstName: 'Bea', mrn: 'SYN-1', dateOfBirth: '1958-06-30', sex: 'F' }, procedure: { description: 'L4-L5 fusion' }, dateOfService: new Date().toISOString().slice(0, 10) })]);
    const caseId = created.stdout.trim();
    expect((await cli(dataDir, ['note', 'add', caseId, 'n'.repeat(EVENT_TEXT_MAX_CHARS)])).code).toBe(0);
    const refused = await cli(dataDir, ['note', 'add', caseId, 'n'.repeat(EVENT_TEXT_MAX_CHARS + 1)]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('The note is too long (2000 characters at most).');
  });
});
