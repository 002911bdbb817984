/**
 * The case-file reader takes each event whole (a byte scan finds its end, JSON.parse reads it)
 * and falls back to the token path for what that cannot do the same way. Differential: every
 * input, cut into chunks at many places, must give exactly what the token path alone gives:
 * the same events, the same verdict, the same problem at the same byte.
 */
import { describe, expect, it } from 'vitest';
import { buildCaseFile, caseFileJson, CaseFileChecker } from '../../shared/casefile/codec';
import type { CaseFileEvent } from '../../shared/casefile/case-file';
import { CaseInputSchema, type CaseRecord } from '../../shared/domain/case';
import { CaseFileReader } from '../../electron/services/casefile/case-file-reader';
import { sampleCase } from '../helpers/backend';
import { byStoreOrder, fileCaseEvents, filePerson } from '../helpers/case-file';
import { at } from '../helpers/events';

/** The reader with the fast path turned off: every value token by token, as before it existed. */
class TokenPathReader extends CaseFileReader {
  override rawValue(): boolean {
    return false;
  }
}

const record: CaseRecord = {
  ...CaseInputSchema.parse(sampleCase({ dateOfService: '2026-11-26', readerLocation: 'remote', surgeonId: 'surgeon', technologistId: 'technologist', physicianId: 'physician' })),
  id: 'case-1',
  status: 'closed',
  timeZone: 'America/Chicago',
  version: 7,
  createdAt: at(-30),
  updatedAt: at(170),
};
const people = { surgeon: filePerson('surgeon'), technologist: filePerson('technologist'), physician: filePerson('physician') };
const sampleJson = (): string => caseFileJson(buildCaseFile(record, people, byStoreOrder(fileCaseEvents()), at(200)));

type Outcome = { events: Array<[number, CaseFileEvent]>; verdict: unknown; problem: unknown };

function read(Reader: typeof CaseFileReader, bytes: Uint8Array, cuts: readonly number[]): Outcome {
  const check = new CaseFileChecker();
  const events: Array<[number, CaseFileEvent]> = [];
  const reader = new Reader(check, (e, n) => events.push([n, e]));
  let from = 0;
  for (const to of [...cuts, bytes.length]) {
    if (reader.done) break;
    reader.push(bytes.subarray(from, to));
    from = to;
  }
  reader.end();
  const problem = reader.problem;
  return { events, verdict: problem ? null : check.finish(reader.complete), problem };
}

/** Cut points: none, every byte near the events, and a spread of chunk sizes. */
function cuttings(n: number): number[][] {
  const out: number[][] = [[]];
  for (const size of [1, 7, 64, 333, 4096]) {
    const cuts: number[] = [];
    for (let i = size; i < n; i += size) cuts.push(i);
    out.push(cuts);
  }
  for (let i = 1; i < n; i += Math.max(1, Math.floor(n / 97))) out.push([i]);
  return out;
}

function expectSame(text: string): Outcome {
  const bytes = new TextEncoder().encode(text);
  const expected = read(TokenPathReader, bytes, []);
  for (const cuts of cuttings(bytes.length)) {
    expect(read(CaseFileReader, bytes, cuts)).toEqual(expected);
  }
  return expected;
}

describe('the case-file reader, events taken whole', () => {
  it('a real case file: the same events and verdict however the bytes arrive', () => {
    // The fast path is really taken: every event of a sound file arrives whole.
    let whole = 0;
    class Counting extends CaseFileReader {
      override raw(bytes: Uint8Array): boolean {
        const taken = super.raw(bytes);
        if (taken) whole++;
        return taken;
      }
    }
    read(Counting, new TextEncoder().encode(sampleJson()), [100, 2000]);
    expect(whole).toBe(byStoreOrder(fileCaseEvents()).length);
    const r = expectSame(sampleJson());
    expect(r.events.length).toBe(byStoreOrder(fileCaseEvents()).length);
    expect(r.verdict).toMatchObject({ ok: true });
  });

  it('an event over the whole-value limit (a 100 KB text) goes token by token: cut as before', () => {
    const doc = JSON.parse(sampleJson());
    doc.events[3].text = `Long ${'x'.repeat(100_000)} end`;
    const r = expectSame(JSON.stringify(doc));
    expect(r.events[3]![1].text.length).toBeLessThanOrEqual(2_000);
  });

  it('a syntax error inside an event: the same message at the same byte', () => {
    const text = sampleJson().replace('"Monitoring start"', '"Monitoring start" "oops"');
    const r = expectSame(text);
    expect(r.problem).toMatchObject({ kind: 'syntax', message: expect.stringMatching(/^Expected ',' or a closing bracket, found '"' at byte \d+$/) });
  });

  it('a file cut off inside an event, and an event nested too deep: the usual problems', () => {
    const json = sampleJson();
    const cut = expectSame(json.slice(0, json.indexOf('"Incision"') + 4));
    expect(cut.problem).toMatchObject({ kind: 'syntax', message: expect.stringMatching(/^The file ends inside the JSON document \(depth \d\)/) });
    const doc = JSON.parse(json);
    let deep: unknown = 1;
    for (let i = 0; i < 80; i++) deep = [deep];
    doc.events[2].payload = { deep };
    const tooDeep = expectSame(JSON.stringify(doc));
    expect(tooDeep.problem).toMatchObject({ kind: 'depth' });
  });

  it('where JSON.parse would differ from the token path (a lone surrogate escape, "__proto__"), the token path reads it', () => {
    const doc = JSON.parse(sampleJson());
    doc.events[1].text = 'lone \\ud800 here';
    doc.events[2].payload = { note: 'x' };
    const text = JSON.stringify(doc).replace('lone \\\\ud800 here', 'lone \\ud800 here').replace('{"note":"x"}', '{"__proto__":{"polluted":true},"note":"x"}');
    const r = expectSame(text);
    expect(r.events.find(([, e]) => e.text.startsWith('lone'))?.[1].text).toBe('lone \uFFFD here');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('bad events are named as before (a missing time, duplicate keys are the checker’s)', () => {
    const doc = JSON.parse(sampleJson());
    delete doc.events[4].occurredAt;
    const r = expectSame(JSON.stringify(doc));
    expect(r.verdict).toMatchObject({ ok: false });
  });
});
