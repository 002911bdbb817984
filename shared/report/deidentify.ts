/**
 * What the AI narrative may see of a case, built by construction: closed vocabularies, numbers and
 * times as minutes, never free text. Every field is named here (never a spread, so a field added to
 * CaseFacts later stays at home until someone adds it here on purpose):
 *
 * - enums (modality, side, limb, sex, regimen, outcome, intervention kind…) checked against their
 *   lists; a value not on its list is dropped;
 * - numbers (counts, minutes, %, device values);
 * - times as whole minutes from monitoring start (or, without one, from the first fact), so no
 *   clock time or date is sent; the model writes them back as "T+45" and Closeout puts the clock
 *   time in (ai-times.ts);
 * - a device's text only as its terms (ai-terms.ts): words of a fixed clinical vocabulary, spinal
 *   levels and numbers with a clinical unit; everything else in it is dropped;
 * - what the technologist typed is never sent: a typed note not at all, a quick entry only by its
 *   closed fields (the alert's modality, side, amplitude %, the intervention's kind).
 *
 * No name, record number, NPI, facility, room, date, phone, address or free-text field of the
 * case record is read. The request guard (ai-guard.ts) still searches what is sent, as a second
 * wall, for the case's identifiers and the Safe Harbor kinds.
 */
import { EVENT_SIDES, LIMBS, type Modality } from '../domain/modality';
import { channelValues, roundLatency } from '../domain/recorded-setup';
import { type AlertOutcome, type TimelineIssueKind } from '../domain/timeline';
import { ANESTHESIA_REGIMENS, READER_LOCATIONS, SEXES, SIDES, type AnesthesiaRegimen, type ReaderLocation, type Sex } from '../domain/vocabulary';
import { INTERVENTIONS, NOTIFIED_ROLES, CLOSING_STATUSES } from '../domain/quick-entry';
import { termsOf } from './ai-terms';
import { unchangedReasons } from './draft';
import type { CaseFacts, PointFact } from './facts';

/** A moment of the case: whole minutes from the time base, and what the record says of it, as terms. */
export type AiPoint = Readonly<{ minute: number; terms: string }>;

export type AiStimulation = Readonly<{ intensities: readonly number[]; unit: 'mA' | 'V' | null; pulses: number | null; pulseWidthUs: number | null; isiMs: number | null; rateHz: number | null }>;

export type AiBaseline = Readonly<{
  minute: number;
  terms: string;
  /** The peaks the device marked, per channel (the channel named by its terms: "left PTN cortical"). */
  values: ReadonlyArray<Readonly<{ channel: string; peaks: ReadonlyArray<Readonly<{ label: string; latencyMs: number }>>; amplitude: Readonly<{ from: string; to: string; microvolts: number }> | null }>>;
}>;

export type AiModality = Readonly<{
  modality: Modality;
  limb: string | null;
  sides: readonly string[];
  firstActivity: number;
  lastActivity: number;
  activeMinutes: number;
  activityCount: number;
  /** No device recorded it: the technologist's entries say it ran. */
  entered: boolean;
  stimulation: readonly AiStimulation[];
  baselines: readonly AiBaseline[];
}>;

export type AiAlert = Readonly<{
  minute: number;
  modality: Modality | null;
  side: string | null;
  limb: string | null;
  /** From a quick entry's fields; null where the alert came from a device's text. */
  amplitudeDropPct: number | null;
  latencyIncreasePct: number | null;
  terms: string;
  notified: Readonly<{ minute: number; role: string | null }> | null;
  interventions: ReadonlyArray<AiPoint & Readonly<{ kind: string | null }>>;
  outcome: AlertOutcome;
  resolved: AiPoint | null;
  recoveryMinutes: number | null;
  vitals: readonly AiPoint[];
}>;

export type AiFacts = Readonly<{
  /** Tells AiFacts from CaseFacts at run time. */
  deidentified: true;
  /** What the minutes count from. */
  minutesFrom: 'monitoring start' | 'the first recorded fact';
  /** Age in whole years, or "90 or older". */
  patient: Readonly<{ age: string; sex: Sex }>;
  procedure: Readonly<{ cpt: string | null; side: string | null; levels: string }>;
  diagnosisCodes: readonly string[];
  readerLocation: ReaderLocation | null;
  anesthesia: Readonly<{ regimen: AnesthesiaRegimen | null; changes: readonly AiPoint[] }>;
  modalities: readonly AiModality[];
  alerts: readonly AiAlert[];
  milestones: readonly AiPoint[];
  closing: (AiPoint & Readonly<{ status: string | null }>) | null;
  monitoring: Readonly<{
    start: number | null;
    end: number | null;
    derived: boolean;
    minutes: number;
    segments: ReadonlyArray<Readonly<{ start: number; end: number }>>;
  }>;
  /**
   * What the record lets the report conclude about changes from baseline: alerts were recorded;
   * none was, and the record shows it; or none was but the record cannot show it (and why).
   */
  changesFromBaseline: 'alerts recorded' | 'none recorded' | 'cannot be stated';
  cannotBeStatedBecause: readonly string[];
  /** What the record makes uncertain about its own times. */
  uncertainties: readonly TimelineIssueKind[];
}>;

/** Events the technologist typed: their quick-entry fields, or null for a typed note. */
export type TypedFacts = ReadonlyMap<number, Readonly<Record<string, unknown>> | null>;

/** Same list as draft.ts: issues about times themselves, which the draft states as uncertain. */
const UNCERTAIN_KINDS: ReadonlySet<string> = new Set(['clock_jump', 'modality_start_without_stop', 'modality_stop_without_start', 'monitoring_start_without_end', 'monitoring_end_without_start']);

/** HIPAA safe harbor: ages over 89 are aggregated. */
export function safeAge(years: number): string {
  return years > 89 ? '90 or older' : String(Math.max(0, Math.floor(years)));
}

/**
 * The instant the minutes count from: monitoring start, else the earliest time the facts hold,
 * taken to its whole minute so "T+45" reads back as the same clock minute the draft shows.
 */
export function timeBaseOf(facts: CaseFacts): number {
  const times = [
    facts.monitoring.start,
    ...facts.modalities.map((m) => m.firstActivity),
    ...facts.alerts.map((a) => a.at),
    ...facts.milestones.map((m) => m.at),
    ...facts.anesthesia.changes.map((c) => c.at),
    facts.closing?.at ?? null,
  ].filter((t): t is number => t !== null && Number.isFinite(t));
  const base = facts.monitoring.start ?? (times.length ? Math.min(...times) : 0);
  return Math.floor(base / 60_000) * 60_000;
}

const oneOf = <T extends string>(list: readonly T[], v: unknown): T | null => (typeof v === 'string' && (list as readonly string[]).includes(v) ? (v as T) : null);
const finiteOrNull = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export function deidentifyFacts(facts: CaseFacts, typed: TypedFacts): AiFacts {
  const base = timeBaseOf(facts);
  const minute = (t: number) => Math.floor(t / 60_000) - base / 60_000;
  const isTyped = (ids: readonly number[]) => ids.some((id) => typed.has(id));
  const entryOf = (ids: readonly number[]) => {
    for (const id of ids) {
      const e = typed.get(id);
      if (e) return e;
    }
    return null;
  };
  // A typed text is never sent: only its closed fields, read by the caller of `point`.
  const terms = (p: Pick<PointFact, 'text' | 'eventIds'>) => (isTyped(p.eventIds) ? '' : termsOf(p.text));
  const point = (p: PointFact): AiPoint => ({ minute: minute(p.at), terms: terms(p) });
  const side = (s: string | null) => oneOf(EVENT_SIDES, s);
  const limb = (l: string | null) => oneOf(LIMBS, l);

  const modalities: AiModality[] = facts.modalities.map((m) => ({
    modality: m.modality,
    limb: limb(m.limb),
    sides: m.sides.map(side).filter((x): x is NonNullable<typeof x> => x !== null),
    firstActivity: minute(m.firstActivity),
    lastActivity: minute(m.lastActivity),
    activeMinutes: m.activeMinutes,
    activityCount: m.activityCount,
    entered: m.entered,
    stimulation: m.setups.flatMap((s) =>
      s.setup.stimulation.map((x) => ({ intensities: [...x.intensities], unit: x.unit, pulses: x.pulses, pulseWidthUs: x.pulseWidthUs, isiMs: x.isiMs, rateHz: x.rateHz })),
    ),
    baselines: m.baselines.map((b) => ({
      ...point(b),
      values: channelValues(b.setup).map((v) => ({
        channel: termsOf(v.channel.name),
        // Peak labels are the device's names for components ("P37", "N20"): only that shape is sent.
        peaks: v.peaks.filter((p) => /^[NP]\d{0,3}$/.test(p.label)).map((p) => ({ label: p.label, latencyMs: roundLatency(p.latencyMs) })),
        amplitude: v.amplitude && /^[NP]\d{0,3}$/.test(v.amplitude.from) && /^[NP]\d{0,3}$/.test(v.amplitude.to) ? v.amplitude : null,
      })),
    })),
  }));

  const alerts: AiAlert[] = facts.alerts.map((a) => {
    const entry = entryOf([a.eventIds[0] ?? -1]);
    return {
      minute: minute(a.at),
      modality: a.modality,
      side: side(a.side),
      limb: limb(a.limb),
      amplitudeDropPct: entry ? finiteOrNull(entry['amplitudeDropPct']) : null,
      latencyIncreasePct: entry ? finiteOrNull(entry['latencyIncreasePct']) : null,
      terms: isTyped([a.eventIds[0] ?? -1]) ? '' : termsOf(a.text),
      notified: a.notified ? { minute: minute(a.notified.at), role: oneOf(NOTIFIED_ROLES, entryOf(a.notified.eventIds)?.['role']) ?? (a.notified.who && /\bsurgeon\b/i.test(a.notified.who) ? 'surgeon' : null) } : null,
      interventions: a.interventions.map((i) => ({ ...point(i), kind: oneOf(Object.keys(INTERVENTIONS), entryOf(i.eventIds)?.['action']) })),
      outcome: a.outcome,
      resolved: a.resolved ? point(a.resolved) : null,
      recoveryMinutes: a.recoveryMinutes,
      vitals: a.vitals.map(point),
    };
  });

  const why = unchangedReasons(facts);
  return {
    deidentified: true,
    minutesFrom: facts.monitoring.start !== null ? 'monitoring start' : 'the first recorded fact',
    patient: { age: safeAge(facts.patient.ageYears), sex: oneOf(SEXES, facts.patient.sex) ?? 'U' },
    procedure: {
      cpt: facts.procedure.cpt && /^\d{4}[0-9A-Z]$/.test(facts.procedure.cpt) ? facts.procedure.cpt : null,
      side: oneOf(SIDES, facts.procedure.side),
      // Levels only: the field is typed text, so only what reads as spinal levels goes.
      levels: termsOf(facts.procedure.levels).split(/[\s,.]+/).filter((t) => /^[CTLS]\d{1,2}(?:-[CTLS]\d{1,2})?$/.test(t)).join(', '),
    },
    diagnosisCodes: facts.diagnosisCodes.filter((c) => /^[A-TV-Z]\d[0-9A-Z](?:\.[0-9A-Z]{1,4})?$/.test(c)),
    readerLocation: oneOf(READER_LOCATIONS, facts.readerLocation),
    anesthesia: { regimen: oneOf(ANESTHESIA_REGIMENS, facts.anesthesia.regimen), changes: facts.anesthesia.changes.map(point) },
    modalities,
    alerts,
    milestones: facts.milestones.map(point),
    closing: facts.closing
      ? { ...point(facts.closing), status: oneOf(Object.keys(CLOSING_STATUSES), entryOf(facts.closing.eventIds)?.['status']) }
      : null,
    monitoring: {
      start: facts.monitoring.start === null ? null : minute(facts.monitoring.start),
      end: facts.monitoring.end === null ? null : minute(facts.monitoring.end),
      derived: facts.monitoring.derived,
      minutes: facts.monitoring.minutes,
      segments: facts.monitoring.segments.map((s) => ({ start: minute(s.start), end: minute(s.end) })),
    },
    changesFromBaseline: facts.alerts.length > 0 ? 'alerts recorded' : why.length === 0 ? 'none recorded' : 'cannot be stated',
    cannotBeStatedBecause: facts.alerts.length > 0 ? [] : why,
    uncertainties: [...new Set(facts.issues.filter((i) => UNCERTAIN_KINDS.has(i.kind)).map((i) => i.kind))],
  };
}

/** What the scrubber puts where an identifier was. */
export const REMOVED = '[removed]';

// ---------------------------------------------------------------------------------------------
// Identifiers: what to look for
// ---------------------------------------------------------------------------------------------

/**
 * The case's identifiers, ready to match: plain data (it may cross IPC), compiled on use.
 * Holds PHI: never log it.
 */
export type Identifiers = Readonly<{
  /** Names matched on their own as whole words (patient names, staff last names). */
  names: readonly string[];
  /** Names matched only together ("Ada Cutter", "Cutter, Ada"): staff first names alone are too common a word. */
  fullNames: ReadonlyArray<Readonly<{ first: string; last: string }>>;
  mrns: readonly string[];
  /** ISO dates (birth, service), matched in every common written form. */
  dates: readonly string[];
  /** NPIs and other numbers matched whole. */
  numbers: readonly string[];
  /** Facility and other phrases matched whole. */
  phrases: readonly string[];
  /** An age over 89 is itself an identifier (safe harbor): matched as "92-year-old", "92 yo", "age 92". */
  ages: readonly number[];
}>;

type NameLike = Readonly<{ firstName: string; lastName: string; npi?: string | null }>;

/**
 * What else identifies the case beyond its facts: the people records (exact first/last split;
 * CaseFacts only has "First Last"), and any other phrase (an alias, a relative's name).
 */
export type IdentifierSources = Readonly<{
  people?: ReadonlyArray<NameLike | null | undefined>;
  phrases?: readonly string[];
}>;

export function identifiersOf(facts: CaseFacts, more: IdentifierSources = {}): Identifiers {
  const names: string[] = [facts.patient.lastName, facts.patient.firstName];
  const fullNames: Array<{ first: string; last: string }> = [{ first: facts.patient.firstName, last: facts.patient.lastName }];
  const numbers: string[] = [];
  const addPerson = (p: NameLike) => {
    names.push(p.lastName);
    fullNames.push({ first: p.firstName, last: p.lastName });
    if (p.npi) numbers.push(p.npi);
  };
  for (const p of [facts.surgeon, facts.technologist, facts.physician]) {
    if (!p) continue;
    // "First Last" from the facts: the first word is the given name, the rest the surname.
    const words = p.name.trim().split(/\s+/);
    addPerson({ firstName: words[0] ?? '', lastName: words.slice(1).join(' '), npi: p.npi });
  }
  for (const p of more.people ?? []) if (p) addPerson(p);
  return {
    names: unique(names.filter((n) => n.trim() !== '')),
    fullNames: fullNames.filter((n) => n.first.trim() !== '' && n.last.trim() !== ''),
    mrns: facts.patient.mrn ? [facts.patient.mrn] : [],
    dates: unique([facts.patient.dateOfBirth, facts.dateOfService].filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d))),
    numbers: unique(numbers),
    phrases: unique([facts.facility, ...(more.phrases ?? [])].filter((p) => p.trim() !== '')),
    ages: facts.patient.ageYears > 89 ? [facts.patient.ageYears] : [],
  };
}

function unique<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}

// ---------------------------------------------------------------------------------------------
// Folding with a position map
// ---------------------------------------------------------------------------------------------

/**
 * Fold one character the way case-list.ts foldForSearch does ("Núñez" → "nunez"), and a little
 * further: format characters (soft hyphen, zero-width space) vanish so they cannot split a name,
 * and typographic dashes and quotes become plain ones.
 */
function foldChar(ch: string): string {
  return ch
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\p{M}\p{Cf}]/gu, '')
    .replace(/ł/g, 'l')
    .replace(/ø/g, 'o')
    .replace(/ß/g, 'ss')
    .replace(/æ/g, 'ae')
    .replace(/œ/g, 'oe')
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .replace(/[\u2018\u2019\u02bc`´]/g, "'");
}

type Folded = Readonly<{ text: string; starts: readonly number[]; ends: readonly number[] }>;

/** The folded text and, for each folded character, the span of the original it came from. */
export function foldWithMap(text: string): Folded {
  let out = '';
  const starts: number[] = [];
  const ends: number[] = [];
  let i = 0;
  for (const ch of text) {
    const f = foldChar(ch);
    for (let k = 0; k < f.length; k++) {
      starts.push(i);
      ends.push(i + ch.length);
    }
    out += f;
    i += ch.length;
  }
  return { text: out, starts, ends };
}

// ---------------------------------------------------------------------------------------------
// Matching
// ---------------------------------------------------------------------------------------------

export type IdentifierKind = 'name' | 'mrn' | 'date' | 'number' | 'phrase' | 'age';
export type IdentifierMatch = Readonly<{ kind: IdentifierKind; start: number; end: number; text: string }>;

type Matcher = ReadonlyArray<Readonly<{ kind: IdentifierKind; re: RegExp }>>;

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const NOT_AN = '(?<![\\p{L}\\p{N}])';
const NOT_AN_AFTER = '(?![\\p{L}\\p{N}])';
/** Between the words of a name or phrase: a little punctuation or space ("O'Brien", "O Brien", "OBrien"). */
const JOIN = "[^\\p{L}\\p{N}]{0,3}";

/** Surname particles that are ordinary words on their own. */
const PARTICLES: ReadonlySet<string> = new Set(['de', 'la', 'le', 'del', 'della', 'di', 'da', 'das', 'dos', 'du', 'van', 'von', 'der', 'den', 'ter', 'ten', 'y', 'e', 'st', 'bin', 'ibn', 'al', 'el']);

function words(s: string): string[] {
  return foldWithMap(s).text.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}

function phrasePattern(s: string): string | null {
  const w = words(s);
  return w.length ? w.map(esc).join(JOIN) : null;
}

/** A name as a whole, and each of its words long enough not to be a particle or an initial. */
function namePatterns(name: string): string[] {
  const w = words(name);
  const out: string[] = [];
  const whole = phrasePattern(name);
  if (whole && w.join('').length >= 2) out.push(whole);
  if (w.length > 1) for (const part of w) if (part.length >= 3 && !PARTICLES.has(part)) out.push(esc(part));
  return out;
}

/**
 * An MRN with or without separators and case ("MX-0077", "mx0077", "MX 0077"), and without the
 * leading zeros of its number part ("MX-77") when what is left is still specific (≥ 4 characters,
 * or ≥ 5 digits for an all-digit MRN). A digit part of ≥ 4 digits is matched on its own too
 * ("MRN ending 0077").
 */
function mrnPatterns(mrn: string): string[] {
  const core = foldWithMap(mrn).text.replace(/[^\p{L}\p{N}]/gu, '');
  if (core.length === 0) return [];
  const runs = core.match(/\p{L}+|\p{N}+/gu) ?? [];
  const SEP = '[\\s./_-]?';
  const charsOf = (run: string) => [...run].map(esc).join(SEP);
  const hasLetters = /\p{L}/u.test(core);
  const significant = runs.map((r) => (/^\p{N}/u.test(r) ? r.replace(/^0+(?=\d)/, '') : r)).join('');
  const zerosOptional = hasLetters ? significant.length >= 4 : significant.length >= 5;
  const parts = runs.map((r) => {
    const m = /^(0+)(\d+)$/.exec(r);
    if (!m || !zerosOptional) return charsOf(r);
    return `(?:0${SEP}){0,${m[1]!.length}}${charsOf(m[2]!)}`;
  });
  const out = [parts.join(SEP)];
  if (hasLetters) for (const r of runs) if (/^\p{N}{4,}$/u.test(r)) out.push(esc(r));
  return out;
}

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

/**
 * Every common written form of a calendar date: ISO, US and European numeric with any of - / .
 * and with or without zero padding or century, compact (19610412, 04121961, 12041961), with month
 * names (12-APR-1961, 12 April 1961, April 12, 1961, 1961-Apr-12), month and year (April 1961),
 * and day and month by name without a year (12 April, April 12th). A numeric day/month without a
 * year ("04/12") is not matched: it reads like a ratio or a level too often.
 */
function datePatterns(iso: string): string[] {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return [];
  const [y4, mm, dd] = [m[1]!, m[2]!, m[3]!];
  const y2 = y4.slice(2);
  const month = Number(mm);
  const day = Number(dd);
  const full = MONTHS[month - 1]!;
  const abbr = full.slice(0, 3);
  const MN = `(?:${full}|${abbr}${full === 'september' ? 't?' : ''}\\.?)`;
  const M = month < 10 ? `0?${month}` : mm;
  const D = day < 10 ? `0?${day}` : dd;
  const ORD = '(?:st|nd|rd|th)?';
  const YY = `(?:${y4}|${y2})`;
  const S = '(?:\\s*[-/.]\\s*|\\s+)';
  const W = '[\\s.,-]*';
  const num = (p: string) => `(?<!\\p{N})${p}(?!\\p{N})`;
  return [
    num(`${y4}${S}${M}${S}${D}`),
    num(`${M}${S}${D}${S}${YY}`),
    num(`${D}${S}${M}${S}${YY}`),
    num(`${y4}${mm}${dd}`),
    num(`${mm}${dd}${y4}`),
    num(`${dd}${mm}${y4}`),
    num(`${M}${S}${y4}`),
    `(?<!\\p{N})${D}${ORD}${W}(?:of\\s+)?${MN}${W}${YY}(?!\\p{N})`,
    `(?<!\\p{L})${MN}${W}${D}${ORD}${W}${YY}(?!\\p{N})`,
    `(?<!\\p{N})${y4}${S}${MN}${S}${D}(?!\\p{N})`,
    `(?<!\\p{L})${MN}${W}${y4}(?!\\p{N})`,
    `(?<!\\p{N})${D}${ORD}\\s*(?:of\\s+)?${MN}(?!\\p{L})`,
    `(?<!\\p{L})${MN}\\s*${D}${ORD}(?![\\p{L}\\p{N}])`,
  ];
}

const compiled = new WeakMap<Identifiers, Matcher>();

function matcherFor(ids: Identifiers): Matcher {
  const hit = compiled.get(ids);
  if (hit) return hit;
  const group = (kind: IdentifierKind, patterns: readonly string[], bounded: boolean) => {
    const ps = [...new Set(patterns)].sort((a, b) => b.length - a.length);
    if (ps.length === 0) return [];
    const body = ps.map((p) => `(?:${p})`).join('|');
    return [{ kind, re: new RegExp(bounded ? `${NOT_AN}(?:${body})${NOT_AN_AFTER}` : body, 'gu') }];
  };
  const fullNamePatterns = ids.fullNames.flatMap(({ first, last }) => {
    const f = phrasePattern(first);
    const l = phrasePattern(last);
    if (!f || !l) return [];
    // "Ada Cutter", "Ada B. Cutter", "Cutter, Ada", "Cutter Ada".
    return [`${f}\\s+(?:\\p{L}\\.?\\s+)?${l}`, `${l}${JOIN}${f}`];
  });
  const m: Matcher = [
    ...group('name', [...ids.names.flatMap(namePatterns), ...fullNamePatterns], true),
    ...group('mrn', ids.mrns.flatMap(mrnPatterns), true),
    ...group('date', ids.dates.flatMap(datePatterns), false),
    ...group('number', ids.numbers.map((n) => n.replace(/\D/g, '')).filter((n) => n.length >= 4).map((n) => `(?<!\\p{N})${esc(n)}(?!\\p{N})`), false),
    ...group('phrase', ids.phrases.map(phrasePattern).filter((p): p is string => p !== null), true),
    ...group('age', ids.ages.flatMap((a) => [`${a}${JOIN}(?:years?|yrs?|yo|y/o)(?:${JOIN}old)?`, `(?:age[ds]?|aged)${JOIN}${a}`]), true),
  ];
  compiled.set(ids, m);
  return m;
}

/**
 * Every place an identifier occurs in `text`, as spans of the original text (overlaps merged).
 * The match text is PHI: use it in tests, never in a log.
 */
export function findIdentifierMatches(text: string, ids: Identifiers): IdentifierMatch[] {
  const folded = foldWithMap(text);
  const raw: Array<{ kind: IdentifierKind; start: number; end: number }> = [];
  for (const { kind, re } of matcherFor(ids)) {
    re.lastIndex = 0;
    for (let m = re.exec(folded.text); m; m = re.exec(folded.text)) {
      if (m[0].length === 0) {
        re.lastIndex++;
        continue;
      }
      const start = folded.starts[m.index]!;
      let end = folded.ends[m.index + m[0].length - 1]!;
      // Swallow characters that folded to nothing right after the match (a trailing accent).
      while (end < text.length) {
        const cp = text.codePointAt(end)!;
        const ch = String.fromCodePoint(cp);
        if (foldChar(ch) !== '') break;
        end += ch.length;
      }
      raw.push({ kind, start, end });
    }
  }
  raw.sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: Array<{ kind: IdentifierKind; start: number; end: number }> = [];
  for (const r of raw) {
    const last = merged[merged.length - 1];
    if (last && r.start < last.end) last.end = Math.max(last.end, r.end);
    else merged.push({ ...r });
  }
  return merged.map((r) => ({ ...r, text: text.slice(r.start, r.end) }));
}

/** The identifiers found in `text` (PHI: for tests and for refusing a request, never for a log). */
export function findIdentifiers(text: string, ids: Identifiers): string[] {
  return findIdentifierMatches(text, ids).map((m) => m.text);
}

/** `text` with every identifier replaced by "[removed]". */
export function scrubText(text: string, ids: Identifiers): string {
  if (text === '') return text;
  const matches = findIdentifierMatches(text, ids);
  if (matches.length === 0) return text;
  let out = '';
  let at = 0;
  for (const m of matches) {
    out += text.slice(at, m.start) + REMOVED;
    at = m.end;
  }
  return out + text.slice(at);
}

/**
 * Undo JSON string escapes so a serialized request is searched as the text it carries: in
 * `"\nNunez"` the name follows a letter `n` in the raw JSON, and a whole-word search would miss it.
 */
export function jsonTextForScan(serialized: string): string {
  return serialized.replace(/\\(u[0-9a-fA-F]{4}|["\\/bfnrt])/g, (_, e: string) => {
    if (e[0] === 'u') return String.fromCharCode(parseInt(e.slice(1), 16));
    return e === '"' || e === '\\' || e === '/' ? e : ' ';
  });
}
