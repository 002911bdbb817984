/**
 * The claim for one case, computed from captured facts (pure): base codes from the modalities
 * recorded, the time code from where the reader was and who pays, units from billable minutes,
 * modifiers for the practice's billing role, ICD-10 pointers, place of service, providers, and
 * the event ids behind every line. The scrubber (scrubber.ts) then judges it.
 */
import type { CaseRecord } from '../domain/case';
import type { PayerType } from '../domain/vocabulary';
import type { CaseFacts } from '../report/facts';
import { billableTime, type BillableTime, type Span } from './billable-time';
import { codeInfo, isTimeCode, timeUnits, type TimeCode } from './codes';
import type { BillingDetails, PracticeBilling } from './details';
import { baseCodes, type CodingQuestion, type NotBilled } from './modality-codes';
import type { ResolvedRules } from './ruleset';

export type ChargeLine = Readonly<{
  /** 1-based, as on the claim form. */
  line: number;
  code: string;
  descriptor: string;
  kind: 'base' | 'time' | 'manual';
  modifiers: readonly string[];
  units: number;
  /** Time codes: the billable minutes behind the units. */
  minutes: number | null;
  /** 1-based pointers into the claim's diagnosis codes (at most 4 per line). */
  icdPointers: readonly number[];
  placeOfService: string | null;
  renderingNpi: string | null;
  /** Captured events that support the line. */
  eventIds: readonly number[];
  note: string;
  /** Time codes: when the billed minutes were. */
  intervals: readonly Span[];
}>;

/** Another case of the same reader, as the cross-case rules see it. */
export type ReaderCase = Readonly<{
  caseId: string;
  /** How a billing user tells the case apart: its date of service and the patient's initials ("2026-11-26, J.N."). */
  label: string;
  payerType: PayerType | null;
  timeCode: TimeCode | null;
  orRoom: string;
  intervals: readonly Span[];
}>;

export type Signature = Readonly<{ name: string; credential: string; at: number }>;

export type ClaimInputs = Readonly<{
  facts: CaseFacts;
  record: CaseRecord;
  details: BillingDetails;
  practice: PracticeBilling;
  signature: Signature | null;
  rules: ResolvedRules;
  /** The same reader's other cases whose billed time is near this one's. */
  others: readonly ReaderCase[];
}>;

export type ClaimDraft = Readonly<{
  caseId: string;
  dateOfService: string;
  payer: Readonly<{ type: PayerType | null; name: string }>;
  placeOfService: string | null;
  diagnosisCodes: readonly string[];
  renderingNpi: string | null;
  referringNpi: string | null;
  timeCode: TimeCode | null;
  /** Why that time code (or why none). */
  timeCodeReason: string;
  billable: BillableTime;
  lines: readonly ChargeLine[];
  questions: readonly CodingQuestion[];
  notBilled: readonly NotBilled[];
}>;

const MEDICARE: ReadonlySet<PayerType> = new Set(['medicare_ffs']);

/** Other cases of the reader whose time overlaps `spans` (a reader covering more than one room). */
export function overlapping(spans: readonly Span[], others: readonly ReaderCase[]): ReaderCase[] {
  return others.filter((o) => o.intervals.some((x) => spans.some((s) => x.start < s.end && s.start < x.end)));
}

function chooseTimeCode(inp: ClaimInputs, billable: BillableTime): { code: TimeCode | null; reason: string } {
  const { record: c, details: d, practice, rules } = inp;
  if (practice.role === 'technical') return { code: null, reason: 'Technical-only billing: the monitoring time codes are the reading physician\'s.' };
  if (d.timeCodeOverride) return { code: d.timeCodeOverride, reason: 'Chosen by the biller.' };
  if (!c.readerLocation) return { code: null, reason: 'Physician location (in the OR or remote) is not set.' };
  const payer = c.payer.type ?? 'commercial';
  if (c.readerLocation === 'remote') return { code: rules.params.remoteTimeCode[payer], reason: `Reader remote; ${MEDICARE.has(payer) ? 'Medicare pays remote time as G0453' : 'remote time is 95941 for this payer'}.` };
  const concurrent = overlapping(billable.intervals, inp.others);
  if (concurrent.length && !MEDICARE.has(payer)) return { code: '95941', reason: `Reader in the OR but covering ${concurrent.length + 1} cases at once: 95941.` };
  return { code: '95940', reason: 'Reader in the OR, one on one.' };
}

export function buildClaim(inp: ClaimInputs): ClaimDraft {
  const { facts: f, record: c, details: d, practice } = inp;
  const billable = billableTime(f);
  const coding = baseCodes(f, d);
  const renderingNpi = f.physician?.npi ?? null;
  const pointers = c.diagnosisCodes.slice(0, 4).map((_, i) => i + 1);
  const splitModifier = practice.role === 'professional' ? ['26'] : practice.role === 'technical' ? ['TC'] : [];
  const lines: ChargeLine[] = [];
  const push = (l: Omit<ChargeLine, 'line' | 'descriptor' | 'icdPointers' | 'placeOfService' | 'renderingNpi'>) =>
    lines.push({ ...l, line: lines.length + 1, descriptor: codeInfo(l.code)?.descriptor ?? 'Code entered by hand', icdPointers: pointers, placeOfService: c.placeOfService, renderingNpi });

  for (const b of coding.lines) push({ code: b.code, kind: 'base', modifiers: codeInfo(b.code)?.pcTc ? splitModifier : [], units: b.units, minutes: null, eventIds: b.eventIds, note: b.note, intervals: [] });
  const time = chooseTimeCode(inp, billable);
  // No monitoring recorded yet: no time line (the checklist says what is missing instead).
  if (time.code && (billable.monitoredMinutes > 0 || d.timeUnitsOverride !== null)) {
    const units = d.timeUnitsOverride ?? timeUnits(time.code, billable.minutes);
    const cuts = billable.excluded.map((e) => `${e.minutes} min ${EXCLUSION_WORDS[e.reason]}`);
    push({
      code: time.code,
      kind: 'time',
      modifiers: [],
      units,
      minutes: billable.minutes,
      eventIds: billable.eventIds,
      note: `${billable.minutes} min of monitoring${cuts.length ? ` (${cuts.join('; ')} not counted)` : ''}. ${time.reason}`,
      intervals: billable.intervals,
    });
  }
  for (const m of d.manualLines) {
    push({ code: m.code, kind: isTimeCode(m.code) ? 'time' : 'manual', modifiers: m.modifiers, units: m.units, minutes: null, eventIds: [], note: m.note || 'Entered by hand.', intervals: [] });
  }
  return {
    caseId: c.id,
    dateOfService: c.dateOfService,
    payer: c.payer,
    placeOfService: c.placeOfService,
    diagnosisCodes: c.diagnosisCodes,
    renderingNpi,
    referringNpi: f.surgeon?.npi ?? null,
    timeCode: time.code,
    timeCodeReason: time.reason,
    billable,
    lines,
    questions: coding.questions,
    notBilled: coding.notBilled,
  };
}

const EXCLUSION_WORDS: Readonly<Record<BillableTime['excluded'][number]['reason'], string>> = {
  baselines: 'of baseline acquisition',
  no_activity: 'with no recorded activity',
  after_removal: 'after electrode removal',
  reader_absent: 'without the reader connected',
};
