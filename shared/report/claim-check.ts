/**
 * The fact check's second reading: claims, not only words. fact-check.ts makes sure every time,
 * number, side, level and modality a narrative mentions is one the record holds somewhere; this
 * makes sure each is said of the right thing. A time is read with the claim nearest to it in its
 * sentence (a notification, an intervention, a recovery, a change, a vital sign), and must be a
 * time of that kind; a change must be of the modality and side the record gives it at that time;
 * a count of changes must be the record's count. True values put in the wrong place (the
 * notification and intervention times swapped, an alert moved onto another modality, a second
 * alert made of a recovery's time and a real percentage) are what a model gets wrong that a
 * word-by-word check cannot see.
 *
 * Conservative on purpose: a time is questioned only when it is a time of another kind in the
 * record and not of the kind it is said of; a sentence with no claim word is left to the word check.
 */
import { wallClockFormatter } from '../domain/timeline';
import type { Modality } from '../domain/modality';
import type { CaseFacts } from './facts';

export type ClaimFinding = Readonly<{ start: number; end: number; token: string; kind: 'time' | 'modality' | 'side' | 'number'; message: string }>;

type ClaimKind = 'notified' | 'intervention' | 'recovery' | 'change' | 'vitals';

const CLAIM_WORDS: ReadonlyArray<readonly [ClaimKind, RegExp]> = [
  ['notified', /\b(notified|informed|told|made aware)\b/giu],
  ['intervention', /\b(raised|released|repositioned|irrigat\w*|warm(?:ed|ing)|intervention|relaxed|removed|loosened|lowered)\b/giu],
  ['recovery', /\b(recover\w*|returned|back to baseline|resolved|improved)\b/giu],
  ['change', /\b(fell|drop(?:ped)?|decreas\w*|loss|lost|declin\w*|attenuat\w*|changes?|alert)\b/giu],
  // A reading ("MAP 58 mmHg", "HR of 61"), not a vital sign acted on ("MAP was raised").
  ['vitals', /\b(?:MAP|HR|heart rate|blood pressure|temperature|SpO2)\s*(?:of\s+|was\s+)?\d+/gu],
];

const WHAT: Readonly<Record<ClaimKind, string>> = {
  notified: 'a time the surgeon was notified',
  intervention: 'an intervention time',
  recovery: 'a recovery time',
  change: 'the time of a change',
  vitals: 'a time of a vital sign',
};

/** A time and the nearest claim word must sit this close (same clause, roughly). */
const NEAR = 70;

const NUMBER_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];
// Not the minutes of a clock time ("09:36 Significant change").
const COUNT = new RegExp(`(?<![\\d:.])\\b(\\d+|${NUMBER_WORDS.join('|')})\\s+(?:significant\\s+)?(?:changes?|alerts?)\\b`, 'giu');
const NONE = /\bno\s+(?:significant\s+)?(?:changes?|alerts?)\s+(?:was|were)\s+recorded\b/giu;

/** Sides as IONM writes them short: "Rt", "Lt", and "R"/"L" before a muscle or modality abbreviation ("L TA"). */
export const SIDE_SHORT = /(?<![\p{L}\p{N}])(Rt|Lt|R|L)\.?(?=\s+\p{Lu}[\p{Lu}a-z]{1,5}\b)/gu;

export type Timed = Readonly<{ start: number; end: number; token: string; time: string }>;
export type Named = Readonly<{ start: number; end: number; token: string; modality: Modality | 'EMG' }>;
export type Sided = Readonly<{ start: number; end: number; token: string; side: 'left' | 'right' | 'bilateral' }>;

export function claimFindings(text: string, facts: CaseFacts, mentions: Readonly<{ times: readonly Timed[]; modalities: readonly Named[]; sides: readonly Sided[] }>): ClaimFinding[] {
  const clock = wallClockFormatter(facts.timeZone);
  const timesOf: Record<ClaimKind, Set<string>> = {
    notified: new Set(facts.alerts.flatMap((a) => (a.notified ? [clock(a.notified.at)] : []))),
    intervention: new Set([...facts.alerts.flatMap((a) => a.interventions.map((i) => clock(i.at))), ...facts.anesthesia.changes.map((c) => clock(c.at))]),
    recovery: new Set(facts.alerts.flatMap((a) => (a.resolved ? [clock(a.resolved.at)] : []))),
    change: new Set(facts.alerts.map((a) => clock(a.at))),
    vitals: new Set(facts.alerts.flatMap((a) => a.vitals.map((v) => clock(v.at)))),
  };
  const out: ClaimFinding[] = [];

  // Sentences: what a claim word may be read with.
  const sentences: Array<{ start: number; end: number }> = [];
  for (const m of text.matchAll(/[^.;!?\n]+/g)) sentences.push({ start: m.index, end: m.index + m[0].length });
  const words: Array<{ kind: ClaimKind; at: number }> = [];
  for (const [kind, re] of CLAIM_WORDS) for (const m of text.matchAll(re)) words.push({ kind, at: m.index + m[0].length / 2 });

  for (const t of mentions.times) {
    const s = sentences.find((x) => t.start >= x.start && t.start < x.end);
    if (!s) continue;
    const mid = (t.start + t.end) / 2;
    // "change at 09:36 recovered by 09:52": a time that follows its preposition mid-sentence
    // belongs to the words before it; "At 09:36 the amplitude fell" to the words after.
    const before = text.slice(s.start, t.start);
    const leansBack = /\b(at|by|until|till|from|to)\s*$/i.test(before) && /\S/.test(before.replace(/\b(at|by|until|till|from|to)\s*$/i, ''));
    const weight = (w: { at: number }) => Math.abs(w.at - mid) * (leansBack && w.at < mid ? 0.5 : 1);
    const near = words.filter((w) => w.at >= s.start && w.at < s.end && Math.abs(w.at - mid) <= NEAR).sort((a, b) => weight(a) - weight(b))[0];
    if (!near) continue;
    if (timesOf[near.kind].has(t.time)) {
      if (near.kind === 'change') checkChange(t, s, facts, clock, mentions, out);
      continue;
    }
    const other = (Object.keys(timesOf) as ClaimKind[]).find((k) => k !== near.kind && timesOf[k].has(t.time));
    if (other) out.push({ start: t.start, end: t.end, token: t.token, kind: 'time', message: `${t.token} is not ${WHAT[near.kind]} in the record (it is ${WHAT[other]})` });
  }

  // Counts of changes.
  const n = facts.alerts.length;
  for (const m of text.matchAll(COUNT)) {
    const w = m[1]!.toLowerCase();
    const said = /^\d+$/.test(w) ? Number(w) : NUMBER_WORDS.indexOf(w);
    if (said !== n) out.push({ start: m.index, end: m.index + m[0].length, token: m[0], kind: 'number', message: `The record holds ${n} significant change${n === 1 ? '' : 's'}, not ${said}` });
  }
  if (n > 0) for (const m of text.matchAll(NONE)) out.push({ start: m.index, end: m.index + m[0].length, token: m[0], kind: 'number', message: `The record holds ${n} significant change${n === 1 ? '' : 's'}` });
  return out;
}

/** A change said at an alert's time must be that alert's modality and side. */
function checkChange(t: Timed, s: Readonly<{ start: number; end: number }>, facts: CaseFacts, clock: (ms: number) => string, mentions: Parameters<typeof claimFindings>[2], out: ClaimFinding[]): void {
  const alerts = facts.alerts.filter((a) => clock(a.at) === t.time);
  const inSentence = <T extends { start: number }>(xs: readonly T[]) => xs.filter((x) => x.start >= s.start && x.start < s.end);
  for (const m of inSentence(mentions.modalities)) {
    const ok = alerts.some((a) => a.modality === null || a.modality === m.modality || (m.modality === 'EMG' && a.modality.startsWith('EMG_')));
    if (!ok) out.push({ start: m.start, end: m.end, token: m.token, kind: 'modality', message: `The change at ${t.time} is in ${alerts.map((a) => a.label ?? 'no named modality').join(', ')}, not ${m.token}` });
  }
  for (const x of inSentence(mentions.sides)) {
    const ok = alerts.some((a) => a.side === null || a.side === x.side || a.side === 'bilateral');
    if (!ok) out.push({ start: x.start, end: x.end, token: x.token, kind: 'side', message: `The change at ${t.time} is on the ${alerts.map((a) => a.side).join(', ')} side, not "${x.token}"` });
  }
}
