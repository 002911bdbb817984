/**
 * What the AI narrative may see of a case: a whitelist, built field by field from the case facts
 * (never a spread, so a field added to CaseFacts later stays at home until someone adds it here on
 * purpose), with every free text scrubbed against the case's own identifiers.
 *
 * Safe-harbor thinking (45 CFR 164.514(b)(2)): no names, record numbers, NPIs, facility, room, and
 * no element of a date but the year; ages over 89 become "90 or older". Clock times stay: "09:36"
 * carries no date, and the report cannot be written without them.
 *
 * The same matcher scrubs the texts and checks the outgoing request (ai-narrative's guard), so
 * what the scrubber misses the guard misses too: the table tests in ai-deidentify.test.ts are the
 * contract.
 */
import { EVENT_SIDES, LIMBS, type Modality } from '../domain/modality';
import { baselineValuesText, describeChannel, describeStimulation } from '../domain/recorded-setup';
import { wallClockFormatter, type AlertOutcome } from '../domain/timeline';
import { SEX_LABELS, SIDE_LABELS, type AnesthesiaRegimen, type ReaderLocation, type Sex } from '../domain/vocabulary';
import type { Draft, SectionId } from './draft';
import type { CaseFacts, PersonFact, PointFact } from './facts';

// ---------------------------------------------------------------------------------------------
// The de-identified facts
// ---------------------------------------------------------------------------------------------

/** A moment of the case as a wall-clock time in the case's zone ("09:36") and what was recorded. */
export type AiPoint = Readonly<{ time: string; text: string }>;

export type AiModality = Readonly<{
  modality: Modality;
  label: string;
  limb: string | null;
  sides: readonly string[];
  recordedAs: readonly string[];
  firstActivity: string;
  lastActivity: string;
  activeMinutes: number;
  activityCount: number;
  /** The device's stimulation and channels as the draft words them (describeStimulation…). */
  stimulation: readonly string[];
  recording: readonly string[];
  /** `values`: the peaks the device marked at that baseline, as the draft words them. */
  baselines: ReadonlyArray<AiPoint & Readonly<{ values: string }>>;
}>;

export type AiAlert = Readonly<{
  time: string;
  modality: Modality | null;
  label: string | null;
  side: string | null;
  limb: string | null;
  text: string;
  notified: string | null;
  interventions: readonly AiPoint[];
  resolved: AiPoint | null;
  outcome: AlertOutcome;
  recoveryMinutes: number | null;
  vitals: readonly AiPoint[];
}>;

/** Who was there, by credential only ("CNIM", "MD"): never a name or an NPI. */
export type AiPerson = Readonly<{ credential: string }>;

export type AiFacts = Readonly<{
  /** Tells AiFacts from CaseFacts at run time (fact-check accepts both). */
  deidentified: true;
  /** Age in whole years, or "90 or older". */
  patient: Readonly<{ age: string; sex: Sex }>;
  /** Always "day of surgery": the date itself is an identifier. */
  dateOfService: 'day of surgery';
  procedure: Readonly<{ description: string; cpt: string | null; side: string | null; levels: string }>;
  diagnosisCodes: readonly string[];
  surgeon: AiPerson | null;
  technologist: AiPerson | null;
  physician: AiPerson | null;
  readerLocation: ReaderLocation | null;
  anesthesia: Readonly<{ regimen: AnesthesiaRegimen | null; detail: string; changes: readonly AiPoint[] }>;
  modalities: readonly AiModality[];
  alerts: readonly AiAlert[];
  milestones: readonly AiPoint[];
  /** The technologist's notes, each scrubbed against the case's identifiers. */
  notes: readonly AiPoint[];
  closing: AiPoint | null;
  monitoring: Readonly<{
    start: string | null;
    end: string | null;
    derived: boolean;
    minutes: number;
    segments: ReadonlyArray<Readonly<{ start: string; end: string }>>;
  }>;
  /** What the record makes uncertain about its own times (the draft says these too). */
  uncertainties: readonly string[];
}>;

/** Same list as draft.ts: issues about times themselves, which the draft states as uncertain. */
const UNCERTAIN_KINDS: ReadonlySet<string> = new Set(['clock_jump', 'modality_start_without_stop', 'modality_stop_without_start', 'monitoring_start_without_end', 'monitoring_end_without_start']);

export const REMOVED = '[removed]';

/** HIPAA safe harbor: ages over 89 are aggregated. */
export function safeAge(years: number): string {
  return years > 89 ? '90 or older' : String(Math.max(0, Math.trunc(years)));
}

/**
 * The whitelist. Every field is named here; free text (notes included) goes through `scrubText`.
 * People's names, NPIs, MRN, dates, facility and room are left out entirely.
 */
export function deidentifyFacts(facts: CaseFacts, identifiers: Identifiers = identifiersOf(facts)): AiFacts {
  const clock = wallClockFormatter(facts.timeZone);
  const scrub = (s: string) => scrubText(s, identifiers);
  // Sides and limbs are vocabulary; anything else in those slots is dropped, not passed on.
  const side = (s: string | null) => (s !== null && (EVENT_SIDES as readonly string[]).includes(s) ? s : null);
  const limb = (l: string | null) => (l !== null && (LIMBS as readonly string[]).includes(l) ? l : null);
  const point = (p: PointFact): AiPoint => ({ time: clock(p.at), text: scrub(p.text) });
  const credential = (p: PersonFact | null): AiPerson | null => (p ? { credential: scrub(p.credential) } : null);
  return {
    deidentified: true,
    patient: { age: safeAge(facts.patient.ageYears), sex: facts.patient.sex },
    dateOfService: 'day of surgery',
    procedure: {
      description: scrub(facts.procedure.description),
      cpt: facts.procedure.cpt,
      side: facts.procedure.side,
      levels: scrub(facts.procedure.levels),
    },
    diagnosisCodes: [...facts.diagnosisCodes],
    surgeon: credential(facts.surgeon),
    technologist: credential(facts.technologist),
    physician: credential(facts.physician),
    readerLocation: facts.readerLocation,
    anesthesia: { regimen: facts.anesthesia.regimen, detail: scrub(facts.anesthesia.detail), changes: facts.anesthesia.changes.map(point) },
    modalities: facts.modalities.map((m) => ({
      modality: m.modality,
      label: scrub(m.label),
      limb: limb(m.limb),
      sides: m.sides.map(side).filter((x): x is string => x !== null),
      recordedAs: m.recordedAs.map(scrub),
      firstActivity: clock(m.firstActivity),
      lastActivity: clock(m.lastActivity),
      activeMinutes: m.activeMinutes,
      activityCount: m.activityCount,
      stimulation: m.setups.flatMap((s) => s.setup.stimulation.map((x) => scrub(describeStimulation(x)))),
      recording: m.setups.flatMap((s) => s.setup.channels.map((x) => scrub(describeChannel(x)))),
      baselines: m.baselines.map((b) => ({ ...point(b), values: scrub(baselineValuesText(b.setup)) })),
    })),
    alerts: facts.alerts.map((a) => ({
      time: clock(a.at),
      modality: a.modality,
      label: a.label === null ? null : scrub(a.label),
      side: side(a.side),
      limb: limb(a.limb),
      text: scrub(a.text),
      notified: a.notified ? clock(a.notified.at) : null,
      interventions: a.interventions.map(point),
      resolved: a.resolved ? point(a.resolved) : null,
      outcome: a.outcome,
      recoveryMinutes: a.recoveryMinutes,
      vitals: a.vitals.map(point),
    })),
    milestones: facts.milestones.map(point),
    notes: facts.notes.map(point),
    closing: facts.closing ? point(facts.closing) : null,
    monitoring: {
      start: facts.monitoring.start === null ? null : clock(facts.monitoring.start),
      end: facts.monitoring.end === null ? null : clock(facts.monitoring.end),
      derived: facts.monitoring.derived,
      minutes: facts.monitoring.minutes,
      segments: facts.monitoring.segments.map((s) => ({ start: clock(s.start), end: clock(s.end) })),
    },
    uncertainties: facts.issues.filter((i) => UNCERTAIN_KINDS.has(i.kind)).map((i) => scrub(i.message)),
  };
}

// ---------------------------------------------------------------------------------------------
// The draft, as the AI may see it
// ---------------------------------------------------------------------------------------------

export type AiDraftSection = Readonly<{ id: SectionId; title: string; text: string }>;

/**
 * The deterministic draft with identifiers taken out. The patient section is rebuilt from the
 * de-identified facts rather than scrubbed: it is made of identifiers (name, MRN, date, facility,
 * room, exact age), and a scrub would leave the room and an uncapped age behind.
 */
export function deidentifyDraft(draft: Draft, facts: AiFacts, identifiers: Identifiers): AiDraftSection[] {
  return draft.sections.map((s) => ({
    id: s.id,
    title: s.title,
    text: s.id === 'patient' ? patientSectionText(facts) : scrubText(s.text, identifiers),
  }));
}

function patientSectionText(f: AiFacts): string {
  const sex = SEX_LABELS[f.patient.sex].toLowerCase();
  const p = f.procedure;
  const side = p.side ? ((SIDE_LABELS as Record<string, string>)[p.side]?.toLowerCase() ?? p.side) : '';
  const lines = [
    f.patient.age === '90 or older' ? `Age 90 or older, ${sex}.` : `${f.patient.age}-year-old ${sex}.`,
    `Procedure: ${p.description}${p.cpt ? ` (CPT ${p.cpt})` : ''}${p.levels ? `, ${p.levels}` : ''}${side ? `, ${side}` : ''}, on the day of surgery.`,
    f.surgeon ? `Surgeon: ${REMOVED}${f.surgeon.credential ? `, ${f.surgeon.credential}` : ''}.` : 'Surgeon: not recorded.',
    f.diagnosisCodes.length ? `Indication (ICD-10-CM): ${f.diagnosisCodes.join(', ')}.` : 'Indication: not recorded.',
  ];
  return lines.join('\n');
}

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
