/**
 * What the live report reads of a case's events (EventsRepo.forReport: one JSON text per chunk of
 * rows) is what the rows hold, checked against the plain row reader (`after`, SELECT *) on a real
 * SQLite file: across the chunk boundary, with another case's events interleaved, long texts and
 * setups read row by row, any character, and from any starting id.
 */
import { describe, expect, it } from 'vitest';
import type { CaseEvent } from '../../shared/domain/event';
import { Store } from '../../electron/services/store/store';
import type { NewEvent } from '../../electron/services/store/events-repo';
import { sampleCase, testBackend } from '../helpers/backend';

/** What forReport gives for a stored row: the fields the report uses, the rest emptied. */
const asReportReads = (e: CaseEvent): CaseEvent => ({
  ...e,
  receivedAt: e.occurredAt,
  dedupeKey: '',
  raw: null,
  clockZone: null,
  payload: e.payload !== null && (e.kind !== 'modality_activity' || JSON.stringify(e.payload).includes('"setup"')) ? e.payload : null,
});

const ODD = 'O\'Brien "quoted" \\back\\slash\\ tab\t new\nline \u2028 sep é ß 王伟 김민준 😀 \u0000nul';

describe('EventsRepo.forReport', () => {
  it('reads what the rows hold, in id order, across chunks, long fields row by row', async () => {
    const b = testBackend();
    const mine = (await b.ok('createCase', sampleCase())).id;
    const other = (await b.ok('createCase', sampleCase())).id;
    await b.close();
    const store = Store.open({ dataDir: b.dataDir });
    try {
      const t0 = Date.UTC(2026, 0, 1, 8);
      const ev = (caseId: string, i: number, over: Partial<NewEvent> = {}): NewEvent => ({
        caseId,
        kind: 'modality_activity',
        modality: i % 5 === 0 ? 'TCMEP' : 'SSEP',
        side: i % 5 === 0 ? 'left' : 'bilateral',
        limb: 'lower',
        modalityName: i % 5 === 0 ? 'L MEP' : 'Lower SSEP',
        text: '',
        occurredAt: t0 + i * 431,
        receivedAt: t0 + i * 431 + 7,
        source: 'folder:test',
        dedupeKey: `k${i}`,
        raw: String(i),
        clockZone: 'UTC',
        payload: { record: i },
        ...over,
      });
      const setup = { setup: { channels: Array.from({ length: 40 }, (_, k) => ({ name: `Ch ${k} ${ODD}`, filter: '30-1000 Hz' })) } };
      store.write(() => {
        for (let i = 0; i < 70_000; i++) {
          // Another case's events in between (a second room on the same workstation).
          if (i % 1000 === 7) store.events.append(ev(other, i, { dedupeKey: `o${i}` }));
          const special =
            i === 3
              ? { kind: 'baseline' as const, payload: setup }
              : i === 4
                ? { kind: 'alert' as const, text: `Amplitude down 80% ${ODD} ${'x'.repeat(1900)}`, payload: null }
                : i === 5
                  ? { kind: 'note' as const, modality: null, side: null, limb: null, modalityName: null, text: ODD, payload: { by: ODD } }
                  : i === 6
                    ? { payload: { setup: { small: true } } }
                    : i === 8
                      ? { payload: null }
                      : i === 9
                        ? { text: `trial with a long text ${'z'.repeat(600)}` }
                      : i === 65_540
                        ? { kind: 'note' as const, text: 'x'.repeat(513), payload: { long: 'y'.repeat(600) } }
                        : {};
          store.events.append(ev(mine, i, special));
        }
      });
      const expected = store.events.after(mine, 0).map(asReportReads);
      expect(expected).toHaveLength(70_000);
      const got = store.events.forReport(mine, 0);
      expect(got).toHaveLength(70_000);
      expect(got).toEqual(expected);
      // The long ones and the odd characters came through whole.
      expect(got.find((e) => e.kind === 'baseline')!.payload).toEqual(setup);
      expect(got.find((e) => e.kind === 'alert')!.text).toHaveLength(`Amplitude down 80% ${ODD} `.length + 1900);
      expect(got.filter((e) => e.kind === 'note').map((e) => e.text)).toEqual([ODD, 'x'.repeat(513)]);
      // A trial's own payload ({record}) is not read; a setup is.
      expect(got[0]!.payload).toBeNull();
      expect(got[6]!.payload).toEqual({ setup: { small: true } });
      expect([got[9]!.text.length, got[9]!.payload]).toEqual([623, null]);

      // From any starting id, as the live report asks for what came since.
      for (const from of [got[0]!.id, got[65_535]!.id, got[65_536]!.id, got[69_998]!.id, got[69_999]!.id]) {
        expect(store.events.forReport(mine, from)).toEqual(expected.filter((e) => e.id > from));
      }
      expect(store.events.forReport(mine, got[69_999]!.id)).toEqual([]);
      expect(store.events.forReport('no-such-case', 0)).toEqual([]);
      expect(store.events.forReport(other, 0).map((e) => e.caseId)).toEqual(Array(70).fill(other));
    } finally {
      store.close();
    }
  });
});
