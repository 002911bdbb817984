/**
 * Small synthetic cases for the billing engine: a clean one-level lumbar fusion (SSEP and TcMEP
 * upper and lower, free-run EMG in both legs, in-room reader, commercial payer, signed), and a
 * way to change any part of it so a table test can make one rule fire.
 */
import defaultRules from '../../resources/billing/ruleset-default.json';
import payerRules from '../../resources/billing/ruleset-payers.json';
import { CaseInputSchema, type CaseRecord } from '../../shared/domain/case';
import type { CaseEvent } from '../../shared/domain/event';
import type { Person } from '../../shared/domain/person';
import { buildCaseFacts } from '../../shared/report/facts';
import { computeClaim } from '../../shared/billing';
import { BillingDetailsSchema, PracticeBillingSchema, type BillingDetailsInput } from '../../shared/billing/details';
import { resolveRules, RuleSetsSchema, type RuleSets } from '../../shared/billing/ruleset';
import type { ReaderCase, Signature } from '../../shared/billing/claim';
import type { Claim } from '../../shared/billing/scrubber';
import { at, ev, trials } from './events';

export const RULE_SETS: RuleSets = RuleSetsSchema.parse({ base: defaultRules, payers: payerRules });

export const person = (role: Person['role'], last: string, credential: string, npi: string | null = null, id = last): Person => ({ id, role, lastName: last, firstName: 'A', credential, npi, active: true, createdAt: 0, updatedAt: 0 });

export const PEOPLE = {
  surgeon: person('surgeon', 'Cutter', 'MD', '1000000012'),
  technologist: person('technologist', 'Tech', 'CNIM'),
  physician: person('physician', 'Reader', 'MD', '1234567893'),
};

export function record(patch: Record<string, unknown> = {}): CaseRecord {
  return {
    ...CaseInputSchema.parse({
      patient: { lastName: 'Testpatient', firstName: 'Cleo', mrn: 'SYN-2001', dateOfBirth: '1960-02-03', sex: 'F' },
      procedure: { description: 'L4-L5 posterior lumbar fusion', cpt: '22612', side: 'bilateral', levels: 'L4-L5' },
      dateOfService: '2026-11-26',
      facility: 'Synthetic Memorial',
      orRoom: 'OR 3',
      surgeonId: 'Cutter',
      technologistId: 'Tech',
      physicianId: 'Reader',
      readerLocation: 'in_room',
      payer: { type: 'commercial', name: 'Example Health Plan' },
      placeOfService: '22',
      diagnosisCodes: ['M43.16', 'M48.062'],
      anesthesia: { regimen: 'tiva', detail: '' },
      ...patch,
    }),
    id: 'case-1',
    status: 'closed',
    timeZone: 'UTC',
    version: 1,
    createdAt: 0,
    updatedAt: 0,
  };
}

/** Baselines at 20-22 min, monitoring 28 → 163 min (135 min), an alert handled fully. */
export function lumbarEvents(): CaseEvent[] {
  return [
    ...trials('SSEP', 18, 160, 2, { limb: 'upper', modalityName: 'Upper SSEP' }),
    ...trials('SSEP', 19, 160, 2, { limb: 'lower', modalityName: 'Lower SSEP' }),
    ev('baseline', 20, { modality: 'SSEP', text: 'Baseline upper and lower SSEP obtained' }),
    ...trials('TCMEP', 21, 160, 6, { limb: 'upper', side: 'left', modalityName: 'L APB MEP' }),
    ...trials('TCMEP', 21, 160, 6, { limb: 'lower', side: 'left', modalityName: 'L TA MEP' }),
    ev('baseline', 22, { modality: 'TCMEP', text: 'Baseline TcMEP obtained' }),
    ...trials('EMG_FREE', 24, 162, 1, { limb: 'lower', side: 'bilateral', modalityName: 'Free-run EMG legs' }),
    ev('monitoring_start', 28, { text: 'Monitoring start' }),
    ev('milestone', 34, { text: 'Incision' }),
    ev('alert', 96, { modality: 'TCMEP', side: 'left', limb: 'lower', text: 'Left TA TcMEP amplitude down 80% from baseline' }),
    ev('surgeon_notified', 97, { text: 'Surgeon notified' }),
    ev('intervention', 98, { text: 'MAP raised to 85 mmHg' }),
    ev('alert_resolved', 112, { modality: 'TCMEP', side: 'left', text: 'Left TA TcMEP back to baseline' }),
    ev('monitoring_end', 163, { text: 'Monitoring end' }),
  ];
}

export const SIGNED: Signature = { name: 'A Reader', credential: 'MD', at: at(200) };

export type ClaimCase = Readonly<{
  events?: readonly CaseEvent[];
  record?: Record<string, unknown>;
  people?: Partial<typeof PEOPLE>;
  details?: BillingDetailsInput;
  practice?: Record<string, unknown>;
  signature?: Signature | null;
  others?: readonly ReaderCase[];
  sets?: RuleSets;
}>;

export function claimFor(c: ClaimCase = {}): Claim {
  const rec = record(c.record);
  const people = { ...PEOPLE, ...c.people };
  const facts = buildCaseFacts({ record: rec, people, events: c.events ?? lumbarEvents() });
  return computeClaim({
    facts,
    record: rec,
    details: BillingDetailsSchema.parse({ surgeonOrder: ['SSEP', 'TCMEP', 'EMG_FREE'], ...c.details }),
    practice: PracticeBillingSchema.parse(c.practice ?? {}),
    signature: c.signature === undefined ? SIGNED : c.signature,
    rules: resolveRules(c.sets ?? RULE_SETS, rec.payer, rec.dateOfService),
    others: c.others ?? [],
  });
}

/** The ids of the rules that fired. */
export const fired = (claim: Claim) => [...new Set(claim.findings.map((f) => f.rule))].sort();
