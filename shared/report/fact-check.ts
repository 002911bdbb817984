/**
 * Fact check of AI-written report text: every clock time, number, side, spinal level and modality
 * it mentions must be one the record holds. The model is told to keep the draft's times and
 * numbers; this is what holds it to that, token by token, so a reviewer sees exactly which words
 * to look at ("09:41 is not a time in the record").
 *
 * It checks presence, not meaning: "09:36" passes anywhere in the text if 09:36 is a time of the
 * case. That catches invented and mistyped values (09:37 for 09:36, 85% for 80%, right for left,
 * L5-S1 for L4-L5, TcMEP in an SSEP-only case), which is what a model gets wrong.
 */
import type { Modality } from '../domain/modality';
import { wallClockFormatter } from '../domain/timeline';
import { deidentifyFacts, timeBaseOf } from './deidentify';
import { claimFindings, SIDE_SHORT } from './claim-check';
import type { CaseFacts } from './facts';

export type FindingKind = 'time' | 'number' | 'side' | 'level' | 'modality' | 'withheld';
export type Finding = Readonly<{ start: number; end: number; token: string; kind: FindingKind; message: string }>;
export type NarrativeCheck = Readonly<{ ok: boolean; findings: readonly Finding[] }>;

// ---------------------------------------------------------------------------------------------
// Tokens: what a text mentions
// ---------------------------------------------------------------------------------------------

/** `EMG` alone names the family: it is right if any EMG modality was monitored. */
type ModalityMention = Modality | 'EMG';
type Side = 'left' | 'right' | 'bilateral';
type Level = Readonly<{ from: string; to: string | null }>;

export type Mention = Readonly<{ start: number; end: number; token: string }> &
  (
    | Readonly<{ kind: 'time'; time: string }>
    | Readonly<{ kind: 'number'; value: number; unit: string | null }>
    | Readonly<{ kind: 'side'; side: Side }>
    | Readonly<{ kind: 'level'; level: Level }>
    | Readonly<{ kind: 'modality'; modality: ModalityMention }>
  );

const B = '(?<![\\p{L}\\p{N}])';
const BA = '(?![\\p{L}\\p{N}])';

// "9:36", "09:36:45", "9:36 am", "9:36 a.m.", "9.36 pm" (a dot only with am/pm: "9.36" alone is a number).
const TIME = new RegExp(`(?<![\\p{N}:.])(\\d{1,2})(?::(\\d{2})(?::\\d{2})?|[.](\\d{2})(?=\\s?[ap]\\.?\\s?m))(?!\\p{N})(?:\\s?(?:([ap])\\.\\s?m\\.|([ap])\\s?m)(?!\\p{L}))?`, 'giu');

const LEVEL_RANGE_SEP = '\\s*(?:-|–|—|/|\\bto\\b|\\bthrough\\b)\\s*';
const LEVEL = new RegExp(`${B}([CTLS])(\\d{1,2})(?:${LEVEL_RANGE_SEP}([CTLS])?(\\d{1,2}))?${BA}`, 'gu');
const LEVEL_MAX: Readonly<Record<string, number>> = { C: 8, T: 12, L: 5, S: 5 };

/** Codes and names with digits that are neither numbers nor levels: M41.26, ICD-10-CM, SpO2, N2O. */
const CODE = new RegExp(`${B}\\p{L}+-?\\d[\\p{L}\\p{N}]*(?:[.]\\d+)*(?:-\\p{L}[\\p{L}\\p{N}]*)*`, 'gu');

/** Site and vendor names → our modality ids; the more specific first (they are tried in order at each position). */
const MODALITY_NAMES: ReadonlyArray<readonly [string, ModalityMention]> = [
  ['d[-\\s]?waves?', 'DWAVE'],
  ['(?:triggered|trig|stimulated)[-\\s]?emgs?|t[-\\s]?emgs?|(?:pedicle\\s+)?screw\\s+stim(?:ulation)?', 'EMG_TRIGGERED'],
  ['(?:cranial|facial)[-\\s]nerve(?:\\s+emgs?)?|facial\\s+emgs?', 'EMG_CRANIAL'],
  ['(?:free[-\\s]?run(?:ning)?|spontaneous)(?:\\s+emgs?)?|s[-\\s]?emgs?', 'EMG_FREE'],
  ['h[-\\s]?reflex(?:es)?', 'HREFLEX'],
  ['train[-\\s]of[-\\s]four|tof', 'TOF'],
  ['baeps?|baers?|abrs?|(?:brainstem\\s+)?auditory\\s+evoked\\s+(?:potentials?|responses?)', 'BAEP'],
  ['veps?|visual\\s+evoked\\s+(?:potentials?|responses?)', 'VEP'],
  ['ecog|electrocorticogra\\p{L}*', 'ECOG'],
  ['phase\\s+reversal', 'PHASE_REVERSAL'],
  ['dorsal\\s+column\\s+mapping|dcm', 'DCM'],
  ['(?:(?:sub)?cortical\\s+)?motor\\s+mapping|(?:sub)?cortical\\s+(?:motor\\s+)?stimulation', 'MOTOR_MAPPING'],
  ['(?:tc|tce|tes)[-\\s]?meps?|(?:transcranial\\s+(?:electrical\\s+)?)?motor[-\\s]evoked\\s+(?:potentials?|responses?)|meps?|cmaps?', 'TCMEP'],
  ['s?seps?|somatosensory(?:[-\\s]evoked\\s+(?:potentials?|responses?))?', 'SSEP'],
  ['eegs?|electroencephalogra\\p{L}*', 'EEG'],
  ['emgs?|electromyogra\\p{L}*', 'EMG'],
];
const MODALITY = new RegExp(`${B}(?:${MODALITY_NAMES.map(([p]) => `(${p})`).join('|')})${BA}`, 'giu');

/** "left" as a verb and "right" as an adverb are not sides. */
const SIDE = new RegExp(`${B}(left|right|bilateral(?:ly)?|both\\s+sides)${BA}(?!\\s+(?:the|it|him|her|them|in\\s+place|intact|unchanged|behind|away|now)\\b)`, 'giu');
const NOT_A_SIDE = /\ball\s+right$/i;

const UNITS: ReadonlyArray<readonly [string, string]> = [
  ['mm\\s?hg', 'mmHg'],
  ['%|percent|per\\s?cent', '%'],
  ['milliamp(?:ere)?s?|ma', 'mA'],
  ['milliseconds?|msecs?|ms', 'ms'],
  ['microvolts?|[µμu]v', 'µV'],
  ['millivolts?|mv', 'mV'],
  ['minutes?|mins?', 'min'],
  ['hours?|hrs?|h', 'h'],
  ['seconds?|secs?|s', 's'],
  ['(?:°|º|degrees?\\s*)\\s?(?:c|celsius)|c', '°C'],
  ['(?:°|º|degrees?\\s*)\\s?(?:f|fahrenheit)', '°F'],
  ['(?:mcg|[µμu]g|micrograms?)(?:\\s?/\\s?kg)?(?:\\s?/\\s?(?:min|h|hr))?', 'mcg'],
  ['(?:mg|milligrams?)(?:\\s?/\\s?kg)?(?:\\s?/\\s?(?:min|h|hr))?', 'mg'],
  ['ml|millilit(?:er|re)s?', 'mL'],
  ['kg', 'kg'],
  ['hz|hertz', 'Hz'],
  ['mac', 'MAC'],
  ['bpm|beats?\\s+per\\s+minute', 'bpm'],
  ['mm', 'mm'],
  ['cm', 'cm'],
  ['k?ohms?|k?Ω', 'ohm'],
  ['years?[-\\s]old|years?|yrs?|y/?o', 'year'],
];
const UNIT = new RegExp(`^(?:\\s?-?\\s?)(?:${UNITS.map(([p]) => `(${p})`).join('|')})(?![\\p{L}\\p{N}])`, 'iu');

const NUMBER = /(?<![\p{L}\p{N}.,])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(?!\p{N})(?:st|nd|rd|th)?/gu;
const HOURS_AND_MINUTES = /^\s*(?:and\s+)?(\d+)\s?-?\s?(?:minutes?|mins?)(?![\p{L}\p{N}])/iu;
/** "1. Baseline…" at the start of a line is list numbering, not a value. */
const LIST_MARKER = /(?:^|\n)[ \t]*$/;

const SMALL = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
/** Number words count only with a unit ("eighty percent"): "one of the modalities" is no value. */
const byLength = (xs: readonly string[]) => [...xs].sort((a, b) => b.length - a.length).join('|');
const WORD_NUMBER = new RegExp(`${B}(?:(${byLength(TENS.filter(Boolean))})(?:[-\\s](${byLength(SMALL.slice(1, 10))}))?|(${byLength(SMALL)}))(?!\\p{L})(?=\\s?-?\\s?\\p{L}|\\s?%)`, 'giu');

function unitAt(text: string, from: number): { unit: string; length: number } | null {
  const m = UNIT.exec(text.slice(from, from + 40));
  if (!m) return null;
  const i = m.slice(1).findIndex((g) => g !== undefined);
  return { unit: UNITS[i]![1], length: m[0].length };
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Everything a text mentions that the check looks at, in text order. */
export function scanMentions(text: string): Mention[] {
  const out: Mention[] = [];
  // Consumed spans are blanked (same length) so later scanners neither see them nor shift offsets.
  let rest = text;
  const take = (start: number, end: number) => {
    rest = rest.slice(0, start) + ' '.repeat(end - start) + rest.slice(end);
  };
  const each = (re: RegExp, fn: (m: RegExpExecArray) => boolean) => {
    re.lastIndex = 0;
    const source = rest;
    for (let m = re.exec(source); m; m = re.exec(source)) {
      // Taken meanwhile by this same pass ("15" of "2 hours 15 minutes").
      if (rest.slice(m.index, m.index + m[0].length) !== m[0]) continue;
      if (fn(m)) take(m.index, m.index + m[0].length);
    }
  };
  const level = (start: number, end: number, from: string, to: string | null) => {
    out.push({ kind: 'level', start, end, token: text.slice(start, end), level: { from, to } });
    take(start, end);
  };

  each(TIME, (m) => {
    let h = Number(m[1]);
    const min = Number(m[2] ?? m[3]);
    const ampm = (m[4] ?? m[5])?.toLowerCase();
    if (min > 59) return false;
    if (ampm) {
      if (h < 1 || h > 12) return false;
      h = (h % 12) + (ampm === 'p' ? 12 : 0);
    } else if (h > 23 || m[2] === undefined) return false;
    out.push({ kind: 'time', start: m.index, end: m.index + m[0].length, token: text.slice(m.index, m.index + m[0].length), time: `${pad2(h)}:${pad2(min)}` });
    return true;
  });

  each(LEVEL, (m) => {
    const valid = (l: string, n: number) => n >= 1 && n <= (LEVEL_MAX[l] ?? 0);
    if (!valid(m[1]!, Number(m[2]))) return false;
    const from = `${m[1]}${Number(m[2])}`;
    const letter = m[3] ?? m[1]!;
    if (m[4] !== undefined && valid(letter, Number(m[4]))) level(m.index, m.index + m[0].length, from, `${letter}${Number(m[4])}`);
    // "L5 to 10 mA": the level alone; the rest is read on.
    else level(m.index, m.index + 1 + m[2]!.length, from, null);
    return false;
  });

  each(MODALITY, (m) => {
    const i = m.slice(1).findIndex((g) => g !== undefined);
    out.push({ kind: 'modality', start: m.index, end: m.index + m[0].length, token: m[0], modality: MODALITY_NAMES[i]![1] });
    return true;
  });

  each(CODE, () => true);

  each(SIDE, (m) => {
    if (NOT_A_SIDE.test(text.slice(Math.max(0, m.index - 4), m.index + m[0].length))) return false;
    const w = m[1]!.toLowerCase();
    const side: Side = w.startsWith('left') ? 'left' : w.startsWith('right') ? 'right' : 'bilateral';
    out.push({ kind: 'side', start: m.index, end: m.index + m[0].length, token: m[0], side });
    return true;
  });

  // "Rt", "Lt", and "L"/"R" before a muscle or modality abbreviation ("L TA", "R APB").
  each(SIDE_SHORT, (m) => {
    const w = m[1]!.toLowerCase();
    out.push({ kind: 'side', start: m.index, end: m.index + m[0].length, token: m[0], side: w.startsWith('l') ? 'left' : 'right' });
    return true;
  });

  each(WORD_NUMBER, (m) => {
    const after = m.index + m[0].length;
    const u = unitAt(rest, after);
    if (!u) return false;
    const tens = m[1] ? TENS.indexOf(m[1].toLowerCase()) * 10 : 0;
    const ones = m[2] ? SMALL.indexOf(m[2].toLowerCase()) : 0;
    const value = m[3] ? SMALL.indexOf(m[3].toLowerCase()) : tens + ones;
    const end = after + u.length;
    out.push({ kind: 'number', start: m.index, end, token: text.slice(m.index, end), value, unit: u.unit });
    take(m.index, end);
    return false;
  });

  each(NUMBER, (m) => {
    if (LIST_MARKER.test(rest.slice(0, m.index)) && /^[.)]\s/.test(rest.slice(m.index + m[0].length, m.index + m[0].length + 2))) return false;
    let value = Number(`${m[1]!.replace(/,/g, '')}${m[2] !== undefined ? `.${m[2]}` : ''}`);
    let end = m.index + m[0].length;
    const ordinal = /(?:st|nd|rd|th)$/.test(m[0]);
    let unit: string | null = null;
    const u = ordinal ? null : unitAt(rest, end);
    if (u) {
      unit = u.unit;
      end += u.length;
      // "2 hours 15 minutes" is one duration: 135 min.
      const hm = unit === 'h' ? HOURS_AND_MINUTES.exec(rest.slice(end, end + 30)) : null;
      if (hm) {
        value = value * 60 + Number(hm[1]);
        unit = 'min';
        end += hm[0].length;
      }
    }
    out.push({ kind: 'number', start: m.index, end, token: text.slice(m.index, end), value, unit });
    take(m.index, end);
    return false;
  });

  return out.sort((a, b) => a.start - b.start);
}

// ---------------------------------------------------------------------------------------------
// What the record holds
// ---------------------------------------------------------------------------------------------

type NumberFact = Readonly<{ value: number; unit: string | null; structural: boolean }>;

export type RecordValues = Readonly<{
  times: ReadonlySet<string>;
  numbers: readonly NumberFact[];
  sides: ReadonlySet<Side>;
  levels: ReadonlySet<string>;
  ranges: ReadonlySet<string>;
  modalities: ReadonlySet<ModalityMention>;
}>;

const rangeKey = (l: Level) => `${l.from}-${l.to}`;

const cache = new WeakMap<object, RecordValues>();

/**
 * The times, numbers, sides, levels and modalities a case's facts hold: what the AI was given
 * (its de-identified facts, every device text's terms included, typed texts' too: a person editing
 * the narrative may quote them), its minutes read back as the clock times of the case.
 */
export function recordValues(facts: CaseFacts): RecordValues {
  const hit = cache.get(facts);
  if (hit) return hit;
  const f = deidentifyFacts(facts, new Map());
  const times = new Set<string>();
  const clock = wallClockFormatter(facts.timeZone);
  const base = timeBaseOf(facts);
  const MINUTE_KEYS = new Set(['minute', 'firstActivity', 'lastActivity', 'start', 'end']);
  const addTimes = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(addTimes);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (MINUTE_KEYS.has(k) && typeof x === 'number') times.add(clock(base + x * 60_000));
        else addTimes(x);
      }
    }
  };
  addTimes(f);
  const numbers: NumberFact[] = [];
  const sides = new Set<Side>();
  const levels = new Set<string>();
  const ranges = new Set<string>();
  const modalities = new Set<ModalityMention>();
  const addModality = (m: ModalityMention) => {
    modalities.add(m);
    if (m.startsWith('EMG_')) modalities.add('EMG');
  };

  // Every string of the facts is scanned the same way the AI text is: a value a fact text holds
  // ("MAP raised to 85 mmHg") is a value of the record.
  const walk = (v: unknown) => {
    if (typeof v === 'string') {
      for (const t of scanMentions(v)) {
        if (t.kind === 'time') times.add(t.time);
        else if (t.kind === 'number') numbers.push({ value: t.value, unit: t.unit, structural: false });
        else if (t.kind === 'side') sides.add(t.side);
        else if (t.kind === 'level') {
          levels.add(t.level.from);
          if (t.level.to) {
            levels.add(t.level.to);
            ranges.add(rangeKey(t.level));
          }
        } else addModality(t.modality);
      }
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(f);

  // Structured values and the counts a report states ("2 significant changes", "in 2 periods").
  const num = (value: number, unit: string | null) => numbers.push({ value, unit, structural: true });
  for (const m of f.modalities) {
    num(m.activeMinutes, 'min');
    num(m.activityCount, 'count');
    for (const st of m.stimulation) {
      for (const i of st.intensities) num(i, st.unit);
      if (st.pulses !== null) num(st.pulses, null);
      if (st.pulseWidthUs !== null) num(st.pulseWidthUs, null);
      if (st.isiMs !== null) num(st.isiMs, 'ms');
      if (st.rateHz !== null) num(st.rateHz, 'Hz');
    }
    for (const b of m.baselines) {
      for (const v of b.values) {
        for (const p of v.peaks) num(p.latencyMs, 'ms');
        if (v.amplitude) num(v.amplitude.microvolts, 'µV');
      }
    }
    addModality(m.modality);
    for (const s of m.sides) if (s === 'left' || s === 'right' || s === 'bilateral') sides.add(s);
  }
  for (const a of f.alerts) {
    if (a.recoveryMinutes !== null) num(a.recoveryMinutes, 'min');
    if (a.amplitudeDropPct !== null) num(a.amplitudeDropPct, '%');
    if (a.latencyIncreasePct !== null) num(a.latencyIncreasePct, '%');
    num(a.interventions.length, 'count');
    if (a.modality) addModality(a.modality);
    if (a.side === 'left' || a.side === 'right' || a.side === 'bilateral') sides.add(a.side);
  }
  const side = f.procedure.side;
  if (side === 'left' || side === 'right' || side === 'bilateral') sides.add(side);
  num(f.monitoring.minutes, 'min');
  num(f.monitoring.segments.length, 'count');
  num(f.alerts.length, 'count');
  num(f.modalities.length, 'count');
  num(new Set(f.modalities.map((m) => m.modality)).size, 'count');
  if (f.patient.age === '90 or older') num(90, 'year');
  else num(Number(f.patient.age), 'year');

  const values: RecordValues = { times, numbers, sides, levels, ranges, modalities };
  cache.set(facts, values);
  return values;
}

// ---------------------------------------------------------------------------------------------
// The check
// ---------------------------------------------------------------------------------------------

function numberInRecord(value: number, unit: string | null, rec: RecordValues): boolean {
  const same = (a: number, b: number) => Math.abs(a - b) < 1e-9;
  return rec.numbers.some((n) => {
    if (same(n.value, value)) {
      if (unit === null || n.unit === unit) return true;
      // A number a fact text states without a unit ("MAP 58") may be given its unit.
      if (n.unit === null && !n.structural) return true;
    }
    // "2.25 hours" for 135 min.
    if (unit === 'h' && n.unit === 'min' && same(n.value, value * 60)) return true;
    return false;
  });
}

function verdict(t: Mention, rec: RecordValues): string | null {
  switch (t.kind) {
    case 'time':
      return rec.times.has(t.time) ? null : `${t.token} is not a time in the record`;
    case 'number':
      return numberInRecord(t.value, t.unit, rec) ? null : `${t.token} does not appear in the record`;
    case 'side':
      return rec.sides.has(t.side) || (t.side === 'bilateral' && rec.sides.has('left') && rec.sides.has('right')) ? null : `"${t.token}" is not a side in the record`;
    case 'level': {
      const ok = t.level.to === null ? rec.levels.has(t.level.from) : rec.ranges.has(rangeKey(t.level)) || (rec.levels.has(t.level.from) && rec.levels.has(t.level.to));
      return ok ? null : `${t.token} is not a level in the record`;
    }
    case 'modality':
      return rec.modalities.has(t.modality) ? null : `${t.token} is not a modality in the record`;
  }
}

export function checkNarrative(sectionText: string, facts: CaseFacts): NarrativeCheck {
  const rec = recordValues(facts);
  const findings: Finding[] = [];
  const mentions = scanMentions(sectionText);
  for (const t of mentions) {
    const message = verdict(t, rec);
    if (message) findings.push({ start: t.start, end: t.end, token: t.token, kind: t.kind, message });
  }
  // Values the record holds, said of the wrong thing (a time with the wrong event, a change on
  // the wrong modality, a count of changes).
  const pick = <K extends Mention['kind']>(k: K) => mentions.filter((m): m is Extract<Mention, { kind: K }> => m.kind === k);
  for (const c of claimFindings(sectionText, facts, { times: pick('time'), modalities: pick('modality'), sides: pick('side') })) {
    if (!findings.some((f) => f.start < c.end && c.start < f.end)) findings.push(c);
  }
  // The model saw "[removed]" where a name was withheld; copied into the report it reads as a
  // redaction, so it must be written out or left out by the reviewer.
  for (const m of sectionText.matchAll(/\[removed\]/g)) {
    findings.push({ start: m.index, end: m.index + m[0].length, token: m[0], kind: 'withheld', message: 'This stands for text withheld from the AI (a name or place): write it out or leave it out.' });
  }
  findings.sort((a, b) => a.start - b.start);
  return { ok: findings.length === 0, findings };
}
