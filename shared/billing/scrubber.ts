/**
 * The pre-bill scrubber: every rule of billing-rules.md (R01-R32) the data allows, plus the
 * coding checks (C01-C04), run over a claim. Severities, actions and parameters come from the
 * resolved rule set (data); a rule set to "off" does not run. Pure.
 */
import { wallClockFormatter } from '../domain/timeline';
import { MODALITY_LABELS } from '../domain/modality';
import { zonedIsoDate, zoneOffsetMs } from '../util/zoned-time';
import type { Span } from './billable-time';
import { codeInfo, isTimeCode, minutesForUnits, timeUnits } from './codes';
import { overlapping, type ChargeLine, type ClaimDraft, type ClaimInputs } from './claim';
import { MODALITIES_WITHOUT_BASELINE } from '../domain/modality';

export type Finding = Readonly<{
  rule: string;
  severity: 'block' | 'warn';
  title: string;
  message: string;
  action: string;
  sources: ReadonlyArray<Readonly<{ id: string; url: string | null }>>;
  /** false: the rule rests on text the reference could not verify. */
  confirmed: boolean;
  line: number | null;
  eventIds: readonly number[];
}>;

/** A rule that could not be evaluated, and why (e.g. anesthesia times not entered). */
export type Unchecked = Readonly<{ rule: string; why: string }>;

export type Claim = ClaimDraft &
  Readonly<{
    findings: readonly Finding[];
    unchecked: readonly Unchecked[];
    /** No blocking finding. */
    clean: boolean;
    rulesLabel: string;
  }>;

type Hit = Readonly<{ message: string; line?: number; eventIds?: readonly number[] }>;
type Ctx = Readonly<{ inp: ClaimInputs; claim: ClaimDraft; clock: (ms: number) => string; unchecked: (why: string) => void }>;
type Check = (x: Ctx) => Hit[];

const SPLIT_MODS = /^(59|XE|XP|XS|XU)$/;
const minutesOf = (ms: number) => Math.round(ms / 60_000);
const timeLines = (c: ClaimDraft) => c.lines.filter((l) => l.kind === 'time');
const codes = (c: ClaimDraft) => new Set(c.lines.map((l) => l.code));
const isMedicare = (x: Ctx) => x.inp.record.payer.type === 'medicare_ffs';

function overlapMs(a: readonly Span[], b: readonly Span[]): number {
  let ms = 0;
  for (const x of a) for (const y of b) ms += Math.max(0, Math.min(x.end, y.end) - Math.max(x.start, y.start));
  return ms;
}

/** Most cases running at one instant: this one plus the overlapping others. */
function maxConcurrent(mine: readonly Span[], others: ReadonlyArray<readonly Span[]>): number {
  const edges: Array<[number, number]> = [];
  for (const s of mine) edges.push([s.start, 1], [s.end, -1]);
  for (const spans of others) for (const s of spans) edges.push([s.start, 1], [s.end, -1]);
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  // Count only instants inside this case's own time.
  let best = 0;
  let n = 0;
  for (const [t, d] of edges) {
    n += d;
    if (d > 0 && mine.some((s) => t >= s.start && t < s.end)) best = Math.max(best, n);
  }
  return best;
}

const CHECKS: Readonly<Record<string, Check>> = {
  R01: ({ claim, inp }) =>
    inp.record.payer.type === 'medicare_ffs' ? claim.lines.filter((l) => l.code === '95941').map((l) => ({ message: '95941 is not valid for Medicare fee-for-service.', line: l.line })) : [],
  R02: (x) => {
    if (!isMedicare(x)) return [];
    const loc = x.inp.record.readerLocation;
    return timeLines(x.claim).flatMap((l) => {
      if (loc === 'remote' && l.code !== 'G0453') return [{ message: `The reader was remote but the time is billed as ${l.code}; Medicare pays remote monitoring as G0453.`, line: l.line }];
      if (loc === 'in_room' && l.code === 'G0453') return [{ message: 'G0453 is billed but the reader was in the OR; in-room one-on-one time is 95940.', line: l.line }];
      return [];
    });
  },
  R03: ({ claim }) => {
    const t = timeLines(claim);
    return t.length && !claim.lines.some((l) => l.kind !== 'time' && codeInfo(l.code)?.kind === 'base') ? t.map((l) => ({ message: `${l.code} is an add-on code, but no base study is on the claim.`, line: l.line })) : [];
  },
  R04: ({ inp }) => {
    const { surgeonId, physicianId } = inp.record;
    const f = inp.facts;
    const same = (surgeonId && surgeonId === physicianId) || (f.physician?.npi && f.physician.npi === f.surgeon?.npi);
    return same ? [{ message: 'The interpreting physician is the operating surgeon; the surgeon cannot bill IONM.' }] : [];
  },
  R05: ({ claim, inp }) => {
    if (!timeLines(claim).some((l) => l.minutes !== null)) return [];
    const issues = inp.facts.issues.filter((i) => i.kind === 'monitoring_start_without_end' || i.kind === 'monitoring_end_without_start' || i.kind === 'no_monitoring_markers');
    if (claim.billable.marked && issues.length === 0) return [];
    return [{ message: issues[0]?.message ?? 'No monitoring start or end was recorded.', eventIds: issues.flatMap((i) => i.eventIds) }];
  },
  R06: ({ claim }) =>
    timeLines(claim).flatMap((l) => {
      if (l.minutes === null || !isTimeCode(l.code)) return [];
      const due = timeUnits(l.code, l.minutes);
      return l.units !== due ? [{ message: `${l.units} unit${l.units === 1 ? '' : 's'} of ${l.code} billed, but ${l.minutes} documented minutes earn ${due}.`, line: l.line }] : [];
    }),
  R07: ({ claim }) =>
    timeLines(claim).flatMap((l) => {
      if (l.minutes === null || !isTimeCode(l.code) || timeUnits(l.code, l.minutes) > 0) return [];
      return [{ message: `${l.minutes} min of monitoring is below one unit of ${l.code} (${minutesForUnits(l.code, 1)} min needed).`, line: l.line }];
    }),
  R08: ({ claim, inp, clock }) => {
    const t = timeLines(claim).find((l) => l.code === '95940' || l.code === 'G0453');
    if (!t) return [];
    return inp.others
      .filter((o) => o.timeCode === '95940' || o.timeCode === 'G0453')
      .flatMap((o) => {
        const ms = overlapMs(t.intervals, o.intervals);
        if (ms < 60_000) return [];
        const first = o.intervals.find((x) => t.intervals.some((s) => x.start < s.end && s.start < x.end))!;
        const room = o.orRoom ? `, ${o.orRoom}` : '';
        return [{ message: `${minutesOf(ms)} min overlap the reader's case of ${o.label}${room} (${o.timeCode} from ${clock(first.start)}): the same minutes cannot be billed twice.`, line: t.line }];
      });
  },
  R09: ({ claim, inp }) => {
    const t = timeLines(claim).find((l) => l.code === 'G0453');
    if (!t || !(inp.record.payer.type === 'medicare_ffs')) return [];
    const cap = inp.rules.params.g0453MinutesPerClockHour;
    const medicare = inp.others.filter((o) => o.payerType === 'medicare_ffs' && o.timeCode === 'G0453');
    const zone = inp.record.timeZone;
    const hits: Hit[] = [];
    const seen = new Set<number>();
    for (const s of t.intervals) {
      const offset = zoneOffsetMs(s.start, zone);
      for (let h = Math.floor((s.start + offset) / 3_600_000) * 3_600_000 - offset; h < s.end; h += 3_600_000) {
        if (seen.has(h)) continue;
        seen.add(h);
        const hour = [{ start: h, end: h + 3_600_000 }];
        const total = overlapMs(t.intervals, hour) + medicare.reduce((sum, o) => sum + overlapMs(o.intervals, hour), 0);
        if (minutesOf(total) > cap) {
          const label = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(h);
          hits.push({ message: `In the hour from ${label} the reader's G0453 time across Medicare patients is ${minutesOf(total)} min (${Math.ceil(minutesOf(total) / 15)} units; at most ${cap / 15} per clock hour).`, line: t.line });
        }
      }
    }
    return hits;
  },
  R10: ({ claim, inp }) => {
    const spans = claim.billable.intervals;
    const near = overlapping(spans, inp.others);
    if (!near.length) return [];
    const n = maxConcurrent(spans, near.map((o) => o.intervals));
    const limit = inp.rules.params.concurrencyLimit;
    return n > limit ? [{ message: `The reader covered ${n} cases at once; this payer allows ${limit}.` }] : [];
  },
  R11: ({ claim, inp }) => {
    const t = timeLines(claim).find((l) => l.code === '95940');
    if (!t) return [];
    if (inp.record.readerLocation === 'remote') return [{ message: '95940 is billed but the reader was remote.', line: t.line }];
    const concurrent = overlapping(t.intervals, inp.others);
    return concurrent.length ? [{ message: `95940 is billed but the reader was also covering ${concurrent.length} other case${concurrent.length > 1 ? 's' : ''} at the time.`, line: t.line }] : [];
  },
  R12: ({ claim }) => {
    const t = timeLines(claim);
    const inRoom = t.filter((l) => l.code === '95940');
    const remote = t.filter((l) => l.code === '95941' || l.code === 'G0453');
    // A hand-entered time line has no documented segment of its own: it overlaps by default.
    const clash = inRoom.some((a) => remote.some((b) => !a.intervals.length || !b.intervals.length || overlapMs(a.intervals, b.intervals) > 0));
    return clash ? [{ message: 'Both an in-room (95940) and a remote (95941/G0453) time code cover the same minutes.', line: remote[0]!.line }] : [];
  },
  R13: ({ claim, inp, clock, unchecked }) => {
    const t = timeLines(claim).find((l) => l.intervals.length);
    if (!t) return [];
    const { start, end } = inp.details.anesthesia;
    if (start === null || end === null) {
      unchecked('Anesthesia start and end are not entered.');
      return [];
    }
    const first = t.intervals[0]!.start;
    const last = t.intervals[t.intervals.length - 1]!.end;
    if (first < start || last > end) return [{ message: `Billed monitoring (${clock(first)}–${clock(last)}) runs outside anesthesia (${clock(start)}–${clock(end)}).`, line: t.line }];
    return [];
  },
  R14: ({ inp }) => {
    const tech = inp.facts.technologist;
    if (!tech) return [{ message: 'No technologist is recorded for the case.' }];
    return tech.credential ? [] : [{ message: `Technologist ${tech.name} has no credential recorded.` }];
  },
  R15: ({ inp }) => {
    const p = inp.facts.physician;
    const out: Hit[] = [];
    if (!p) out.push({ message: 'No interpreting physician is recorded.' });
    else if (!p.credential) out.push({ message: `${p.name} has no credential recorded.` });
    if (!inp.record.readerLocation) out.push({ message: 'Physician location (in the OR or remote) is not set.' });
    return out;
  },
  R16: ({ inp }) => {
    const s = inp.signature;
    if (!s) return [{ message: 'The report is not signed yet.' }];
    return !s.name || !s.credential || !s.at ? [{ message: 'The signature lacks the signer\'s name, credential or time.' }] : [];
  },
  R17: ({ claim }) =>
    claim.lines.flatMap((l) => {
      const mue = codeInfo(l.code)?.mue;
      return mue && l.units > mue ? [{ message: `${l.units} units of ${l.code}; the MUE allows ${mue} per date of service.`, line: l.line }] : [];
    }),
  R18: ({ claim }) => {
    const c = codes(claim);
    const out: Hit[] = [];
    if (c.has('95938')) for (const p of ['95925', '95926']) if (c.has(p)) out.push({ message: `95938 (upper and lower SSEP) is billed with ${p}, which it already includes.` });
    if (c.has('95939')) for (const p of ['95928', '95929']) if (c.has(p)) out.push({ message: `95939 (upper and lower MEP) is billed with ${p}, which it already includes.` });
    return out;
  },
  R19: ({ claim }) => {
    const c = codes(claim);
    const out: Hit[] = [];
    if (c.has('95928') && c.has('95929')) out.push({ message: '95928 and 95929 are billed separately; upper and lower MEP in one session is 95939.' });
    if (c.has('95925') && c.has('95926')) out.push({ message: '95925 and 95926 are billed separately; upper and lower SSEP in one session is 95938.' });
    return out;
  },
  R20: ({ claim }) =>
    claim.lines.flatMap((l) => {
      const info = codeInfo(l.code);
      return info?.kind === 'deleted' ? [{ message: `${l.code} was deleted; use ${info.replacedBy}.`, line: l.line }] : [];
    }),
  R21: ({ claim, inp }) => {
    const line = claim.lines.find((l) => l.code === '95937');
    if (!line) return [];
    const onlyTof = inp.facts.modalities.some((m) => m.modality === 'TOF');
    return onlyTof ? [{ message: '95937 is billed but the record shows train-of-four (anesthesia\'s check), not repetitive nerve stimulation.', line: line.line }] : [];
  },
  R22: ({ claim, inp }) => {
    const p = inp.record.procedure;
    const re = new RegExp(inp.rules.params.intracranialProcedure, 'i');
    const intracranial = re.test(p.description) || (p.cpt !== null && re.test(p.cpt));
    return claim.lines.flatMap((l) => {
      if (l.code === '95955' && intracranial) return [{ message: '95955 (EEG in non-intracranial surgery) on an intracranial procedure.', line: l.line }];
      if (l.code === '95829' && !intracranial) return [{ message: '95829 (electrocorticography) on a procedure that is not a craniotomy.', line: l.line }];
      return [];
    });
  },
  R23: ({ claim }) => {
    const seen = new Map<string, ChargeLine>();
    const out: Hit[] = [];
    for (const l of claim.lines) {
      if (codeInfo(l.code)?.kind !== 'base') continue;
      if (seen.has(l.code)) out.push({ message: `${l.code} appears twice; base studies are billed once per session.`, line: l.line });
      else if (l.units > 1 && !['95870', '95962', '95937'].includes(l.code)) out.push({ message: `${l.units} units of ${l.code}; base studies are billed once per session.`, line: l.line });
      seen.set(l.code, l);
    }
    return out;
  },
  R24: ({ claim }) => timeLines(claim).filter((l) => l.modifiers.includes('51')).map((l) => ({ message: `Modifier 51 on ${l.code}.`, line: l.line })),
  R25: ({ claim, inp }) => {
    const role = inp.practice.role;
    if (role === 'global') return [];
    const need = role === 'professional' ? '26' : 'TC';
    return claim.lines.filter((l) => l.kind !== 'time' && codeInfo(l.code)?.pcTc && !l.modifiers.includes(need)).map((l) => ({ message: `${l.code} lacks modifier ${need} (${role} billing).`, line: l.line }));
  },
  R26: ({ claim }) =>
    claim.lines.filter((l) => l.modifiers.some((m) => SPLIT_MODS.test(m)) && (l.kind !== 'manual' || l.note === '' || l.note === 'Entered by hand.')).map((l) => ({ message: `${l.code} carries ${l.modifiers.filter((m) => SPLIT_MODS.test(m)).join('/')} with no documented distinct service.`, line: l.line })),
  R27: ({ claim, inp }) => {
    const billed = new Set(claim.lines.flatMap((l) => (l.kind === 'base' ? inp.facts.modalities.filter((m) => l.eventIds.some((id) => m.eventIds.includes(id))).map((m) => m.modality) : [])));
    const out: Hit[] = [];
    for (const m of inp.facts.modalities) {
      if (!billed.has(m.modality) || MODALITIES_WITHOUT_BASELINE.has(m.modality) || m.baselines.length) continue;
      out.push({ message: `No baseline recorded for ${m.label}.`, eventIds: m.eventIds });
    }
    const order = inp.details.surgeonOrder;
    if (order === null) out.push({ message: "The surgeon's order for monitoring (which modalities) is not recorded." });
    else for (const mod of billed) if (!order.includes(mod)) out.push({ message: `${MODALITY_LABELS[mod]} is billed but not in the surgeon's order.` });
    return out;
  },
  R28: ({ inp, clock }) =>
    inp.facts.alerts.flatMap((a) => {
      const missing = [!a.notified && 'the time the surgeon was told', a.interventions.length === 0 && 'the intervention', a.outcome === 'unresolved' && 'the outcome'].filter(Boolean);
      return missing.length ? [{ message: `Alert at ${clock(a.at)}${a.label ? ` (${a.label})` : ''}: ${missing.join(', ')} not recorded.`, eventIds: a.eventIds }] : [];
    }),
  R29: (x) => {
    if (!isMedicare(x) || x.inp.details.abnOnFile) return [];
    return indication(x) ? [] : [{ message: `"${x.inp.record.procedure.description}" is not among the covered indications of the Medicare LCD, and no ABN is on file.` }];
  },
  R30: (x) => {
    const ind = indication(x);
    if (!ind) {
      x.unchecked('The procedure is not one of the recognised types (spine, vascular, intracranial, cranial nerve).');
      return [];
    }
    const billed = x.inp.facts.modalities.filter((m) => m.activityCount > 0 && !['TOF'].includes(m.modality));
    if (!billed.length) return [];
    return billed.some((m) => ind.modalities.includes(m.modality)) ? [] : [{ message: `None of the monitored modalities (${billed.map((m) => m.label).join(', ')}) tests the pathway usually at risk in ${ind.name.toLowerCase()} surgery.` }];
  },
  R31: ({ inp }) => {
    const pos = inp.record.placeOfService;
    return pos && !inp.rules.params.surgicalPlacesOfService.includes(pos) ? [{ message: `Place of service ${pos} is not a surgical setting.` }] : [];
  },
  R32: ({ inp }) => {
    if (inp.rules.outOfDate) return [{ message: `No rule set covers the date of service ${inp.record.dateOfService}.` }];
    const name = inp.record.payer.name.toLowerCase();
    const hit = inp.rules.params.unconfirmedPayerNames.find((n) => name.includes(n));
    return hit && inp.rules.applied.length === 0 ? [{ message: `${inp.record.payer.name}'s IONM policy is not confirmed in the rule set for this date of service.` }] : [];
  },
  C01: ({ claim }) => claim.questions.map((q) => ({ message: q.message })),
  C02: ({ claim, inp }) => {
    const out: Hit[] = [];
    if (!inp.record.payer.type) out.push({ message: 'Payer type is not set.' });
    if (!inp.record.placeOfService) out.push({ message: 'Place of service is not set.' });
    if (!inp.record.diagnosisCodes.length) out.push({ message: 'No diagnosis code (ICD-10-CM) on the case.' });
    if (inp.facts.physician && !claim.renderingNpi) out.push({ message: `${inp.facts.physician.name} has no NPI (the rendering provider).` });
    const start = claim.billable.intervals[0]?.start;
    if (start !== undefined) {
      const day = zonedIsoDate(start, inp.record.timeZone);
      if (day !== claim.dateOfService) out.push({ message: `Monitoring started on ${day} but the date of service is ${claim.dateOfService}; a case is reported on the day monitoring started.` });
    }
    return out;
  },
  C03: ({ claim, inp }) => (inp.facts.surgeon && !claim.referringNpi ? [{ message: `Surgeon ${inp.facts.surgeon.name} has no NPI (the referring provider).` }] : []),
  C04: ({ claim }) => (claim.lines.length === 0 && claim.questions.length === 0 ? [{ message: 'Nothing billable is recorded yet: no modality recordings and no monitoring time.' }] : []),
};

function indication(x: Ctx): { name: string; modalities: readonly string[] } | null {
  const p = x.inp.record.procedure;
  return x.inp.rules.params.coveredIndications.find((i) => {
    const re = new RegExp(i.procedure, 'i');
    return re.test(p.description) || (p.cpt !== null && re.test(p.cpt));
  }) ?? null;
}

export function scrubClaim(inp: ClaimInputs, claim: ClaimDraft): Claim {
  const clock = wallClockFormatter(inp.record.timeZone);
  const findings: Finding[] = [];
  const unchecked: Unchecked[] = [];
  for (const [rule, check] of Object.entries(CHECKS)) {
    const def = inp.rules.rules[rule];
    if (!def || def.severity === 'off') continue;
    const hits = check({ inp, claim, clock, unchecked: (why) => unchecked.push({ rule, why }) });
    for (const h of hits) {
      findings.push({
        rule,
        severity: def.severity,
        title: def.title,
        message: h.message,
        action: def.action,
        sources: def.sources.map((id) => ({ id, url: inp.rules.sources[id] ?? null })),
        confirmed: def.confirmed,
        line: h.line ?? null,
        eventIds: h.eventIds ?? [],
      });
    }
  }
  // Blocking first, then in rule order: the list reads as a to-do list.
  findings.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'block' ? -1 : 1));
  return { ...claim, findings, unchecked, clean: !findings.some((f) => f.severity === 'block'), rulesLabel: inp.rules.label };
}

/** Every rule id with a check here (the table test walks it). */
export const CHECKED_RULES: readonly string[] = Object.keys(CHECKS);

