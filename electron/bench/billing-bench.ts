/**
 * Billing speed: the claim and every scrubber rule for one case from its facts (12-hour case,
 * 50,000 events), and the whole `getClaim` call on a real store holding 10,000 cases, where the
 * cross-case rules (overlap, concurrency, Medicare's per-hour cap) read the reader's other cases
 * through the claim index.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { computeClaim } from '../../shared/billing';
import { BillingDetailsSchema, DEFAULT_PRACTICE_BILLING } from '../../shared/billing/details';
import { resolveRules } from '../../shared/billing/ruleset';
import { CaseInputSchema, type CaseFields, type CaseRecord } from '../../shared/domain/case';
import type { Person } from '../../shared/domain/person';
import { buildCaseFacts } from '../../shared/report/facts';
import { createBackend } from '../backend/host';
import { DEFAULT_RULE_SETS } from '../services/billing/billing-service';
import { Store } from '../services/store/store';
import { median, type BenchRow } from './bench-row';
import { syntheticCaseEvents } from './report-bench';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 26, 7, 0, 0);

const fields = (patch: Record<string, unknown> = {}): CaseFields =>
  CaseInputSchema.parse({
    patient: { lastName: 'Bench', firstName: 'Synthetic', mrn: 'B-1', dateOfBirth: '1970-01-01', sex: 'U' },
    procedure: { description: 'T4-L2 posterior spinal fusion', cpt: '22802', side: 'bilateral', levels: 'T4-L2' },
    dateOfService: '2026-11-26',
    readerLocation: 'remote',
    payer: { type: 'commercial', name: 'Example Health Plan' },
    placeOfService: '22',
    diagnosisCodes: ['M41.125'],
    ...patch,
  });

export function benchClaimOneCase(runs: number): BenchRow {
  const person = (role: Person['role'], last: string, npi: string | null): Person => ({ id: last, role, lastName: last, firstName: 'B', credential: role === 'technologist' ? 'CNIM' : 'MD', npi, active: true, createdAt: 0, updatedAt: 0 });
  const record: CaseRecord = { ...fields({ surgeonId: 'S', technologistId: 'T', physicianId: 'R' }), id: 'bench', status: 'closed', timeZone: 'UTC', version: 1, createdAt: 0, updatedAt: 0 };
  const people = { surgeon: person('surgeon', 'S', '1000000012'), technologist: person('technologist', 'T', null), physician: person('physician', 'R', '1234567893') };
  const facts = buildCaseFacts({ record, people, events: syntheticCaseEvents() });
  const details = BillingDetailsSchema.parse({ limbs: { TCMEP: ['upper', 'lower'] }, emgExtremities: 4, surgeonOrder: ['SSEP', 'TCMEP', 'EMG_FREE'] });
  // Three other cases of the reader overlap, so the cross-case checks have work to do.
  const others = [0, 1, 2].map((i) => ({ caseId: `o${i}`, label: `2026-01-0${i + 1}, B.O.`, payerType: 'commercial' as const, timeCode: '95941' as const, orRoom: `OR ${i}`, intervals: [{ start: T0 + i * 3_600_000, end: T0 + (i + 3) * 3_600_000 }] }));
  const times: number[] = [];
  for (let i = 0; i < runs + 5; i++) {
    const t0 = performance.now();
    const claim = computeClaim({ facts, record, details, practice: DEFAULT_PRACTICE_BILLING, signature: { name: 'R', credential: 'MD', at: T0 + DAY }, rules: resolveRules(DEFAULT_RULE_SETS, record.payer, record.dateOfService), others });
    const ms = performance.now() - t0;
    if (claim.lines.length === 0) throw new Error('bench claim has no lines');
    if (i >= 5) times.push(ms);
  }
  const m = median(times);
  return { measure: `Claim + all ${Object.keys(DEFAULT_RULE_SETS.base.rules).length} rules, one case from its facts (12 h, 50,000 events)`, target: '≤ 10 ms', median: `${m.toFixed(2)} ms`, pass: m <= 10 };
}

/** 10,000 stored cases (40 readers, 2-3 a day for a year), then getClaim on one of them. */
export async function benchClaimCrossCase(opts: { cases?: number; runs?: number } = {}): Promise<BenchRow> {
  const total = opts.cases ?? 10_000;
  const runs = opts.runs ?? 15;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'closeout-bench-billing-'));
  try {
    const store = Store.open({ dataDir: dir });
    const readers = Array.from({ length: 40 }, (_, i) => `reader-${i}`);
    store.write(() => {
      for (const id of readers) store.db.prepare("INSERT INTO people (id, role, last_name, first_name, credential, npi, active, created_at, updated_at) VALUES (?, 'physician', ?, 'B', 'MD', NULL, 1, 0, 0)").run(id, id);
      for (let i = 0; i < total; i++) {
        const reader = readers[i % readers.length] as string;
        const day = Math.floor(i / readers.length / 3);
        const start = T0 - day * DAY + (i % 3) * 2 * 3_600_000;
        const dos = new Date(start).toISOString().slice(0, 10);
        const id = `case-${i}`;
        store.cases.insert({ id, status: 'closed', timeZone: 'UTC', now: start, fields: fields({ physicianId: reader, dateOfService: dos }) });
        store.billing.index({ caseId: id, readerId: reader, payerType: i % 4 ? 'commercial' : 'medicare_ffs', timeCode: i % 4 ? '95941' : 'G0453', orRoom: `OR ${i % 9}`, dateOfService: dos, minutes: 300, clean: true, blocking: 0, warnings: 0, topRules: [], intervals: [{ start, end: start + 300 * 60_000 }] }, start);
      }
    });
    // The measured cases: today's, reader-0's, each with its own event history, each asked once
    // (cold: its facts are built from the store in the call).
    const events = syntheticCaseEvents(2_000);
    store.write(() => {
      for (let k = 0; k < runs + 3; k++) {
        const target = store.cases.insert({ id: `bench-target-${k}`, status: 'closed', timeZone: 'UTC', now: T0, fields: fields({ physicianId: 'reader-0' }) });
        for (const e of events) {
          const { id: _id, caseId: _c, ...rest } = e;
          store.events.append({ ...rest, caseId: target.id });
        }
      }
    });
    store.close();
    const backend = createBackend({ dataDir: dir, actor: 'bench', appVersion: 'bench' });
    const times: number[] = [];
    for (let i = 0; i < runs + 3; i++) {
      const t0 = performance.now();
      const r = await backend.call('getClaim', { caseId: `bench-target-${i}` });
      const ms = performance.now() - t0;
      if (!r.ok) throw new Error(r.message);
      // The reader's other cases that day were found (the cross-case rules had work to do).
      if (i === 0 && !(r.value as { findings: Array<{ rule: string }> }).findings.some((f) => f.rule === 'R10' || f.rule === 'R08')) throw new Error('bench: no cross-case finding');
      if (i >= 3) times.push(ms);
    }
    await backend.close();
    const m = median(times);
    return { measure: `getClaim (case read from SQLite, 2,000 events) + cross-case rules over ${total.toLocaleString('en-US')} stored cases`, target: '≤ 200 ms', median: `${m.toFixed(1)} ms`, pass: m <= 200 };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchBilling(opts: { runs?: number; cases?: number } = {}): Promise<BenchRow[]> {
  return [benchClaimOneCase(opts.runs ?? 30), await benchClaimCrossCase({ ...(opts.cases ? { cases: opts.cases } : {}), ...(opts.runs ? { runs: opts.runs } : {}) })];
}
