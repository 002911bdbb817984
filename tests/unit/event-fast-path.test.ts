import { describe, expect, it } from 'vitest';
import { CaseFileEventSchema } from '../../shared/casefile/case-file';
import { readWellFormedEvent } from '../../shared/casefile/event-fast-path';
import { buildCaseFile } from '../../shared/casefile/codec';
import { EVENT_KINDS } from '../../shared/domain/event-kinds';
import { byStoreOrder, fileCaseEvents } from '../helpers/case-file';

/** A small seeded generator: the same cases on every run, many of them. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const KEYS = ['kind', 'occurredAt', 'receivedAt', 'source', 'dedupeKey', 'modality', 'side', 'limb', 'modalityName', 'text', 'raw', 'clockZone', 'payload'];

/** Values a hand-edited or broken file may hold where a field is expected. */
const ODD_VALUES: unknown[] = [
  null,
  '',
  'x',
  'x'.repeat(201),
  'x'.repeat(1001),
  0,
  1.5,
  true,
  [],
  ['a'],
  {},
  { a: 1 },
  '2026-11-26T08:15:00.000Z',
  '2026-11-26T08:15:00Z',
  '2026-11-26T08:15:00.123456-05:00',
  '2026-11-26T08:15:00',
  '2026-11-26 08:15:00Z',
  '2026-02-30T08:15:00Z',
  '2024-02-29T23:59:59+14:00',
  '2026-11-26T24:00:00Z',
  '2026-11-26T08:15:00.000+05',
  'modality_start',
  'not_a_kind',
  'EMG_FREE',
  'import',
];

function mutate(base: Record<string, unknown>, r: () => number): Record<string, unknown> {
  const e: Record<string, unknown> = structuredClone(base);
  const changes = 1 + Math.floor(r() * 3);
  for (let i = 0; i < changes; i++) {
    const what = r();
    const key = KEYS[Math.floor(r() * KEYS.length)]!;
    if (what < 0.25) delete e[key];
    else if (what < 0.9) e[key] = structuredClone(ODD_VALUES[Math.floor(r() * ODD_VALUES.length)]);
    else if (what < 0.95) e['unexpected'] = 1;
    else e['payload'] = Math.floor(r() * 2) === 0 ? Object.create(null) : JSON.parse('{"__proto__": {"x": 1}}');
  }
  return e;
}

describe('reading a well-formed case-file event without zod', () => {
  const events = buildCaseFile(
    { id: 'case-1', status: 'closed', timeZone: 'America/Chicago', version: 1, createdAt: Date.parse('2026-11-26T07:00:00.000Z'), updatedAt: Date.parse('2026-11-26T12:00:00.000Z'), ...minimalFields() },
    { surgeon: null, technologist: null, physician: null },
    byStoreOrder(fileCaseEvents()),
    Date.parse('2026-11-26T12:00:00.000Z'),
  ).events as unknown as Record<string, unknown>[];

  it('reads every event Closeout itself writes, into exactly what the schema gives', () => {
    expect(events.length).toBeGreaterThan(5);
    for (const raw of events) {
      const wire = JSON.parse(JSON.stringify(raw)) as unknown;
      const fast = readWellFormedEvent(wire);
      const slow = CaseFileEventSchema.parse(wire);
      expect(fast).not.toBeNull();
      expect(fast).toStrictEqual(slow);
      expect(Object.keys(fast!)).toEqual(Object.keys(slow));
    }
  });

  it('reads the shortest event a person may write (defaults filled in as the schema does)', () => {
    const raw = { kind: 'note', occurredAt: '2026-11-26T08:15:00-05:00' };
    expect(readWellFormedEvent(raw)).toStrictEqual(CaseFileEventSchema.parse(raw));
    for (const kind of EVENT_KINDS) expect(readWellFormedEvent({ ...raw, kind })).not.toBeNull();
  });

  it('is never wider than the schema: on 20,000 mutated events it answers only where zod agrees, with the same value', () => {
    const r = rng(15);
    let taken = 0;
    let left = 0;
    for (let i = 0; i < 20_000; i++) {
      const raw = mutate(JSON.parse(JSON.stringify(events[i % events.length])) as Record<string, unknown>, r);
      const fast = readWellFormedEvent(raw);
      const slow = CaseFileEventSchema.safeParse(raw);
      if (fast === null) {
        left += 1;
        continue;
      }
      taken += 1;
      expect(slow.success, JSON.stringify(raw)).toBe(true);
      expect(fast).toStrictEqual(slow.data);
      expect(Object.keys(fast)).toEqual(Object.keys(slow.data!));
    }
    // Both paths were exercised, many times.
    expect(taken).toBeGreaterThan(1000);
    expect(left).toBeGreaterThan(1000);
  });

  it('leaves anything odd to zod: not an object, an array, a class instance, an unknown key, a wrong type', () => {
    const ok = { kind: 'note', occurredAt: '2026-11-26T08:15:00Z' };
    for (const raw of [null, 1, 'note', [], [ok], new Date(), { ...ok, extra: 1 }, { ...ok, kind: 'Note' }, { ...ok, text: null }, { ...ok, source: '' }, { ...ok, payload: [] }, { ...ok, receivedAt: undefined }]) {
      expect(readWellFormedEvent(raw)).toBeNull();
    }
  });
});

function minimalFields() {
  return {
    patient: { lastName: 'Test', firstName: 'Synthetic', mrn: 'T-1', dateOfBirth: '1970-01-01', sex: 'U' as const },
    procedure: { description: 'Posterior lumbar fusion', cpt: null, side: null, levels: '' },
    dateOfService: '2026-11-26',
    facility: '',
    orRoom: '',
    surgeonId: null,
    technologistId: null,
    physicianId: null,
    readerLocation: null,
    payer: { type: null, name: '' },
    placeOfService: null,
    diagnosisCodes: [],
    anesthesia: { regimen: null, detail: '' },
  };
}
