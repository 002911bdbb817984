/**
 * One row per scrubber rule (billing-rules.md "Rule table for the scrubber"), each citing its
 * sources: a small synthetic case that makes the rule fire, and the clean lumbar case where it
 * does not. The clean case itself must pass every rule.
 */
import { describe, expect, it } from 'vitest';
import { at, ev, trials } from '../helpers/events';
import { claimFor, fired, lumbarEvents, person, RULE_SETS, type ClaimCase } from '../helpers/billing';
import { CHECKED_RULES } from '../../shared/billing/scrubber';
import { RULE_IDS, RuleSetsSchema } from '../../shared/billing/ruleset';
import type { ReaderCase } from '../../shared/billing/claim';

const other = (patch: Partial<ReaderCase> = {}): ReaderCase => ({ caseId: 'other-case-0001', label: '2026-11-26, J.N.', payerType: 'commercial', timeCode: '95940', orRoom: 'OR 5', intervals: [{ start: at(60), end: at(120) }], ...patch });
const medicareRemote = { payer: { type: 'medicare_ffs', name: 'Medicare Part B' }, readerLocation: 'remote' };
const without = (kinds: string[]) => lumbarEvents().filter((e) => !kinds.includes(e.kind));

type Row = Readonly<{ rule: string; sources: readonly string[]; when: string; fires: ClaimCase; message: RegExp; severity?: 'block' | 'warn' }>;

const ROWS: readonly Row[] = [
  { rule: 'R01', sources: ['S5', 'S7'], when: '95941 billed to Medicare FFS', fires: { record: medicareRemote, details: { timeCodeOverride: '95941' } }, message: /95941 is not valid for Medicare/ },
  { rule: 'R02', sources: ['S1', 'S3'], when: 'Medicare, reader in the OR, billed as G0453', fires: { record: { payer: { type: 'medicare_ffs', name: 'Medicare' } }, details: { timeCodeOverride: 'G0453' } }, message: /in-room one-on-one time is 95940/ },
  { rule: 'R03', sources: ['S31', 'S27'], when: 'time code with no base study', fires: { events: [ev('monitoring_start', 28), ...trials('TOF', 30, 150, 10), ev('monitoring_end', 150)] }, message: /add-on code, but no base study/ },
  { rule: 'R04', sources: ['S2', 'S12', 'S13'], when: 'reader = operating surgeon', fires: { record: { physicianId: 'Cutter' }, people: { physician: person('surgeon', 'Cutter', 'MD', '1000000012') } }, message: /is the operating surgeon/ },
  { rule: 'R05', sources: ['S5', 'S26'], when: 'no monitoring start/end marked', fires: { events: without(['monitoring_start', 'monitoring_end']) }, message: /taken from modality activity/ },
  { rule: 'R06', sources: ['S2', 'S5', 'S12'], when: 'units entered by hand differ from the minutes', fires: { details: { timeUnitsOverride: 10 } }, message: /10 units of 95940 billed, but 135 documented minutes earn 9/, severity: 'warn' },
  { rule: 'R07', sources: ['S19', 'S5'], when: '7 minutes of 95940', fires: { events: [...lumbarEvents().filter((e) => e.kind !== 'monitoring_end'), ev('monitoring_end', 29)].filter((e) => e.kind !== 'monitoring_start').concat(ev('monitoring_start', 22)) }, message: /7 min of monitoring is below one unit of 95940 \(8 min needed\)/, severity: 'warn' },
  { rule: 'R08', sources: ['S8', 'S3'], when: 'in-room minutes overlap another 95940 case of the reader', fires: { details: { timeCodeOverride: '95940' }, others: [other()] }, message: /60 min overlap the reader's case of 2026-11-26, J.N., OR 5 \(95940 from 09:00\)/ },
  { rule: 'R09', sources: ['S3'], when: 'Medicare G0453 > 4 units in a clock hour across patients', fires: { record: medicareRemote, others: [other({ payerType: 'medicare_ffs', timeCode: 'G0453', intervals: [{ start: at(60), end: at(90) }] })] }, message: /In the hour from 09:00 the reader's G0453 time across Medicare patients is 90 min/ },
  { rule: 'R10', sources: ['S15', 'S13', 'S19', 'S22'], when: 'remote reader covering 4 cases, limit 3', fires: { record: { readerLocation: 'remote' }, others: [other({ timeCode: '95941' }), other({ caseId: 'b', timeCode: '95941' }), other({ caseId: 'c', timeCode: '95941' })] }, message: /covered 4 cases at once; this payer allows 3/, severity: 'warn' },
  { rule: 'R11', sources: ['S1', 'S11'], when: '95940 while the reader was remote', fires: { record: { readerLocation: 'remote' }, details: { timeCodeOverride: '95940' } }, message: /95940 is billed but the reader was remote/ },
  { rule: 'R12', sources: ['S11'], when: '95940 and 95941 on one claim', fires: { details: { manualLines: [{ code: '95941', units: 2 }] } }, message: /in-room \(95940\) and a remote/, severity: 'warn' },
  { rule: 'R13', sources: ['S13'], when: 'billed time outside anesthesia', fires: { details: { anesthesia: { start: at(40), end: at(200) } } }, message: /runs outside anesthesia \(08:40–11:20\)/, severity: 'warn' },
  { rule: 'R14', sources: ['S16', 'S21', 'S23'], when: 'technologist without credential', fires: { people: { technologist: person('technologist', 'Tech', '') } }, message: /Technologist A Tech has no credential/, severity: 'warn' },
  { rule: 'R15', sources: ['S16', 'S21', 'S22'], when: 'reader location not set', fires: { record: { readerLocation: null } }, message: /Physician location/ },
  { rule: 'R16', sources: ['S35', 'S47'], when: 'report not signed', fires: { signature: null }, message: /not signed yet/ },
  { rule: 'R17', sources: ['S35', 'S32'], when: '95955 × 2 (MUE 1)', fires: { details: { manualLines: [{ code: '95955', units: 2 }] } }, message: /2 units of 95955; the MUE allows 1/ },
  { rule: 'R18', sources: ['S34', 'S35'], when: '95938 with 95926', fires: { details: { manualLines: [{ code: '95926', units: 1, modifiers: [] }] } }, message: /95938 \(upper and lower SSEP\) is billed with 95926/ },
  { rule: 'R19', sources: ['S34', 'S35'], when: '95928 + 95929 instead of 95939', fires: { events: lumbarEvents().filter((e) => e.modality !== 'TCMEP'), details: { manualLines: [{ code: '95928', units: 1 }, { code: '95929', units: 1 }] } }, message: /upper and lower MEP in one session is 95939/, severity: 'warn' },
  { rule: 'R20', sources: ['S6', 'S30', 'S42'], when: 'deleted 95920', fires: { details: { manualLines: [{ code: '95920', units: 2 }] } }, message: /95920 was deleted; use 95940 \/ 95941 \/ G0453/ },
  { rule: 'R21', sources: ['S38', 'S46'], when: '95937 where only train-of-four was recorded', fires: { events: [...lumbarEvents(), ...trials('TOF', 30, 150, 30)], details: { manualLines: [{ code: '95937', units: 1 }] } }, message: /train-of-four/ },
  { rule: 'R22', sources: ['S32'], when: '95955 on a craniotomy', fires: { record: { procedure: { description: 'Craniotomy for tumor resection', cpt: '61510', side: 'left', levels: '' } }, events: [...lumbarEvents(), ...trials('EEG', 30, 150, 5)] }, message: /95955 \(EEG in non-intracranial surgery\) on an intracranial procedure/, severity: 'warn' },
  { rule: 'R23', sources: ['S27', 'S28'], when: '95861 billed twice', fires: { details: { manualLines: [{ code: '95861', units: 1 }] } }, message: /95861 appears twice/, severity: 'warn' },
  { rule: 'R24', sources: ['S5', 'S29'], when: 'modifier 51 on a time code', fires: { details: { manualLines: [{ code: '95941', units: 1, modifiers: ['51'] }] } }, message: /Modifier 51 on 95941/ },
  { rule: 'R25', sources: ['S35', 'S32'], when: 'professional billing, split code without 26', fires: { practice: { role: 'professional' }, details: { manualLines: [{ code: '95955', units: 1 }] } }, message: /95955 lacks modifier 26/ },
  { rule: 'R26', sources: ['S43'], when: '59 without a documented distinct service', fires: { details: { manualLines: [{ code: '95907', units: 1, modifiers: ['59'] }] } }, message: /95907 carries 59 with no documented distinct service/, severity: 'warn' },
  { rule: 'R27', sources: ['S13', 'S19', 'S48'], when: 'TcMEP billed without a baseline', fires: { events: lumbarEvents().filter((e) => !(e.kind === 'baseline' && e.modality === 'TCMEP')) }, message: /No baseline recorded for TcMEP/, severity: 'warn' },
  { rule: 'R28', sources: ['S5', 'S19', 'S24'], when: 'alert without notification', fires: { events: without(['surgeon_notified']) }, message: /Alert at 09:36 \(TcMEP \(lower limb\)\): the time the surgeon was told not recorded/, severity: 'warn' },
  { rule: 'R29', sources: ['S9', 'S45'], when: 'Medicare, uncovered procedure, no ABN', fires: { record: { payer: { type: 'medicare_ffs', name: 'Medicare' }, procedure: { description: 'Total knee arthroplasty', cpt: '27447', side: 'left', levels: '' } } }, message: /not among the covered indications/, severity: 'warn' },
  { rule: 'R30', sources: ['S9', 'S17'], when: 'carotid endarterectomy monitored with EMG only', fires: { record: { procedure: { description: 'Left carotid endarterectomy', cpt: '35301', side: 'left', levels: '' } }, events: [ev('monitoring_start', 28), ...trials('EMG_FREE', 28, 150, 1, { limb: 'lower', side: 'bilateral' }), ev('monitoring_end', 150)] }, message: /tests the pathway usually at risk in aorta, carotid/, severity: 'warn' },
  { rule: 'R31', sources: ['S32', 'S46'], when: 'POS 11 (office)', fires: { record: { placeOfService: '11' } }, message: /Place of service 11 is not a surgical setting/, severity: 'warn' },
  { rule: 'R32', sources: ['S17', 'S18'], when: 'payer whose policy is unconfirmed (Cigna)', fires: { record: { payer: { type: 'commercial', name: 'Cigna Open Access' } } }, message: /Cigna Open Access's IONM policy is not confirmed/, severity: 'warn' },
  { rule: 'C01', sources: [], when: 'TcMEP limbs unknown', fires: { events: lumbarEvents().map((e) => (e.modality === 'TCMEP' && e.kind === 'modality_activity' ? { ...e, limb: null } : e)) }, message: /TcMEP: which limbs were tested\?/ },
  { rule: 'C02', sources: [], when: 'no diagnosis code', fires: { record: { diagnosisCodes: [] } }, message: /No diagnosis code/ },
  { rule: 'C03', sources: [], when: 'surgeon without NPI', fires: { people: { surgeon: person('surgeon', 'Cutter', 'MD', null) } }, message: /has no NPI \(the referring provider\)/, severity: 'warn' },
  { rule: 'C04', sources: [], when: 'nothing recorded yet', fires: { events: [] }, message: /Nothing billable is recorded yet/ },
];

describe('scrubber rules (one row per rule, each with its sources)', () => {
  it('the clean lumbar case passes every rule', () => {
    const c = claimFor();
    expect(c.findings).toEqual([]);
    expect(c.clean).toBe(true);
  });

  it('every rule of the reference has a check and a row here; the rule set names its sources', () => {
    expect([...CHECKED_RULES].sort()).toEqual([...RULE_IDS].sort());
    expect(ROWS.map((r) => r.rule).sort()).toEqual([...RULE_IDS].sort());
    for (const r of ROWS) expect(RULE_SETS.base.rules[r.rule]!.sources).toEqual(r.sources);
    for (const id of new Set(ROWS.flatMap((r) => r.sources))) expect(RULE_SETS.base.sources[id], id).toMatch(/^https?:\/\//);
  });

  for (const r of ROWS) {
    it(`${r.rule} [${r.sources.join(', ') || 'Closeout coding'}]: ${r.when}`, () => {
      const claim = claimFor(r.fires);
      const hits = claim.findings.filter((f) => f.rule === r.rule);
      expect(hits.map((h) => h.message).join('\n')).toMatch(r.message);
      const sev = r.severity ?? 'block';
      expect(hits[0]!.severity).toBe(sev);
      expect(claim.clean).toBe(sev === 'block' ? false : claim.findings.every((f) => f.severity !== 'block'));
      expect(hits[0]!.action.length).toBeGreaterThan(10);
      expect(hits[0]!.sources.map((s) => s.id)).toEqual(r.sources);
    });
  }
});

describe('rule sets are data', () => {
  it('a rule switched off does not run; a payer set raises a warning to blocking and lowers the concurrency limit', () => {
    const base = RULE_SETS.base;
    const off = RuleSetsSchema.parse({ base: { ...base, rules: { ...base.rules, R31: { ...base.rules.R31!, severity: 'off' } } }, payers: [] });
    expect(fired(claimFor({ record: { placeOfService: '11' }, sets: off }))).not.toContain('R31');

    const oneOther = { record: { readerLocation: 'remote', payer: { type: 'commercial', name: 'AmeriHealth Select' } }, others: [other({ timeCode: '95941' })] };
    const c = claimFor(oneOther);
    expect(c.findings.find((f) => f.rule === 'R10')).toMatchObject({ severity: 'block', message: 'The reader covered 2 cases at once; this payer allows 1.' });
    // The payer set changed the severity only: the rule keeps its sources and flags.
    expect(c.findings.find((f) => f.rule === 'R10')!.sources.map((s) => s.id)).toEqual(['S15', 'S13', 'S19', 'S22']);
    expect(c.rulesLabel).toBe('closeout-default 2026.1 + amerihealth-1to1 2013.10');
    // Before the AmeriHealth policy took effect the default limit (3) applies.
    expect(fired(claimFor({ ...oneOther, record: { ...oneOther.record, dateOfService: '2013-09-30' } }))).not.toContain('R10');
  });

  it('a broken rule set is refused with a plain message', () => {
    const bad = RuleSetsSchema.safeParse({ base: { ...RULE_SETS.base, rules: { R01: RULE_SETS.base.rules.R01 } } });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0]!.message).toBe('The default rule set must define every rule (R01-R32, C01-C04).');
  });
});
