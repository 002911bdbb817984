/**
 * The deterministic report draft: every section a post-op IONM report holds (ionm-domain.md,
 * billing-rules.md §4–5), written from the case facts alone. Every time and number comes from a
 * fact; what is missing is said plainly as a gap ("Closing status: not recorded"), never made up.
 */
import { ANESTHESIA_REGIMEN_LABELS, READER_LOCATION_LABELS, SEX_LABELS, SIDE_LABELS } from '../domain/vocabulary';
import { LIMB_LABELS, MODALITIES_WITHOUT_BASELINE, MODALITY_LABELS } from '../domain/modality';
import { wallClockFormatter } from '../domain/timeline';
import { baselineValuesText, describeChannel, describeStimulation } from '../domain/recorded-setup';
import type { AlertFact, CaseFacts, ModalityFact, PersonFact } from './facts';
import { SECTION_IDS, SECTION_TITLES, type SectionId } from './sections';

export { SECTION_IDS, SECTION_TITLES, type SectionId };


export type DraftSection = Readonly<{
  id: SectionId;
  title: string;
  text: string;
  /** What this section lacks, in the words the report shows. */
  gaps: readonly string[];
  /** Events the section's statements rest on. */
  eventIds: readonly number[];
  /**
   * Wording offered to a person, never put in the report by itself: the interpretation is the
   * physician's, so the draft only suggests what the record supports.
   */
  suggestion: string | null;
}>;

/** What the interpretation section says until the interpreting physician writes or adopts one. */
export const INTERPRETATION_PENDING = 'Interpretation: not yet written by the interpreting physician.';
export const INTERPRETATION_GAP = 'Interpretation: not written by the interpreting physician';
/**
 * Sentences that stand in for the physician's words. None may be signed; the first is what
 * earlier versions put in every draft (and some AI answers copied).
 */
export const PLACEHOLDER_SENTENCES: readonly string[] = ['Interpretation to be confirmed by the interpreting physician', INTERPRETATION_PENDING.replace(/\.$/, '')];

export type Draft = Readonly<{ sections: readonly DraftSection[]; gaps: readonly string[] }>;

const NOT_RECORDED = 'not recorded';

function who(p: PersonFact | null): string | null {
  return p ? `${p.name}${p.credential ? `, ${p.credential}` : ''}` : null;
}

function list(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function sentence(s: string): string {
  const t = s.trim();
  return t === '' || /[.!?]$/.test(t) ? t : `${t}.`;
}

export function buildDraft(f: CaseFacts): Draft {
  const clock = wallClockFormatter(f.timeZone);
  const sections: DraftSection[] = [
    patientSection(f),
    modalitiesSection(f, clock),
    anesthesiaSection(f, clock),
    baselinesSection(f, clock),
    eventsSection(f, clock),
    notesSection(f, clock),
    closingSection(f, clock),
    interpretationSection(f, clock),
    monitoringSection(f, clock),
  ];
  return { sections, gaps: sections.flatMap((s) => s.gaps) };
}

type Clock = (ms: number) => string;

/** Timeline issues about times themselves: a report must not state such times as certain. */
const UNCERTAIN: readonly string[] = ['clock_jump', 'modality_start_without_stop', 'modality_stop_without_start', 'monitoring_start_without_end', 'monitoring_end_without_start'];

function patientSection(f: CaseFacts): DraftSection {
  const gaps: string[] = [];
  const p = f.patient;
  const proc = f.procedure;
  const where = [f.facility, f.orRoom].filter(Boolean).join(', ');
  const lines = [
    `${p.lastName}, ${p.firstName} (MRN ${p.mrn}), ${p.ageYears}-year-old ${SEX_LABELS[p.sex].toLowerCase()}.`,
    `Procedure: ${proc.description}${proc.cpt ? ` (CPT ${proc.cpt})` : ''}${proc.levels ? `, ${proc.levels}` : ''}${proc.side ? `, ${SIDE_LABELS[proc.side as keyof typeof SIDE_LABELS]?.toLowerCase() ?? proc.side}` : ''}, on ${f.dateOfService}${where ? ` at ${where}` : ''}.`,
  ];
  const surgeon = who(f.surgeon);
  if (surgeon) lines.push(`Surgeon: ${surgeon}.`);
  else {
    lines.push(`Surgeon: ${NOT_RECORDED}.`);
    gaps.push(`Surgeon: ${NOT_RECORDED}`);
  }
  if (f.diagnosisCodes.length) lines.push(`Indication (ICD-10-CM): ${f.diagnosisCodes.join(', ')}.`);
  else {
    lines.push(`Indication: ${NOT_RECORDED}.`);
    gaps.push(`Indication (diagnosis): ${NOT_RECORDED}`);
  }
  return { id: 'patient', title: 'Patient, procedure and indication', text: lines.join('\n'), gaps, eventIds: [], suggestion: null };
}

function modalitiesSection(f: CaseFacts, clock: Clock): DraftSection {
  if (f.modalities.length === 0) {
    return { id: 'modalities', title: 'Modalities monitored', text: `Modalities: ${NOT_RECORDED} (no modality activity was captured).`, gaps: [`Modalities: ${NOT_RECORDED}`], eventIds: [], suggestion: null };
  }
  const lines = f.modalities.map((m) => {
    const sides = m.sides.length ? `, ${m.sides.join('/')}` : '';
    const as = m.recordedAs.length ? ` (recorded as ${m.recordedAs.map((n) => `"${n}"`).join(', ')})` : '';
    if (m.entered) return `- ${m.label}${sides}: ${clock(m.firstActivity)}–${clock(m.lastActivity)}, ${m.activeMinutes} min, as entered by the technologist (no device recordings).`;
    if (m.activityCount === 0) return `- ${m.label}${sides}: named in the record; no recordings were captured.`;
    return `- ${m.label}${sides}${as}: ${clock(m.firstActivity)}–${clock(m.lastActivity)}, ${m.activeMinutes} min active, ${m.activityCount} recording${m.activityCount === 1 ? '' : 's'}.${setupSentences(m, clock)}`;
  });
  const ids = f.modalities.flatMap((m) => [...m.eventIds, ...m.setups.flatMap((s) => s.eventIds)]);
  return { id: 'modalities', title: 'Modalities monitored', text: lines.join('\n'), gaps: [], eventIds: [...new Set(ids)], suggestion: null };
}

/**
 * " Stimulation: … (as at 08:22). Recording: …." from what the device export states, per device
 * mode when the modality has several ("L MEP", "R MEP"); nothing where it states nothing (a typed
 * modality, an export without settings).
 */
function setupSentences(m: ModalityFact, clock: Clock): string {
  const many = m.setups.length > 1;
  const stimulation: string[] = [];
  const recording: string[] = [];
  for (const s of m.setups) {
    const tag = many && s.name ? `${s.name}: ` : '';
    const stim = s.setup.stimulation.map(describeStimulation).filter((x) => x !== '');
    if (stim.length) stimulation.push(`${tag}${stim.join('; ')} (as at ${clock(s.at)})`);
    if (s.setup.channels.length) recording.push(`${tag}${s.setup.channels.map(describeChannel).join(', ')}`);
  }
  const out: string[] = [];
  if (stimulation.length) out.push(`Stimulation: ${stimulation.join('; ')}.`);
  if (recording.length) out.push(`Recording: ${recording.join('; ')}.`);
  return out.length ? ` ${out.join(' ')}` : '';
}

function anesthesiaSection(f: CaseFacts, clock: Clock): DraftSection {
  const gaps: string[] = [];
  const lines: string[] = [];
  if (f.anesthesia.regimen) lines.push(`Regimen: ${ANESTHESIA_REGIMEN_LABELS[f.anesthesia.regimen]}${f.anesthesia.detail ? `; ${f.anesthesia.detail}` : ''}.`);
  else {
    lines.push(`Regimen: ${NOT_RECORDED}.`);
    gaps.push(`Anesthesia regimen: ${NOT_RECORDED}`);
  }
  for (const c of f.anesthesia.changes) lines.push(`${clock(c.at)} ${sentence(c.text)}`);
  return { id: 'anesthesia', title: 'Anesthesia', text: lines.join('\n'), gaps, eventIds: f.anesthesia.changes.flatMap((c) => c.eventIds), suggestion: null };
}

/**
 * Modalities without a baseline run in the evoked-potential sense: EMG is read live against
 * silence (free-run) or per stimulation (triggered), and train-of-four is an anesthesia check.
 * A baseline typed for one of them is still reported; its absence is not a gap.
 */

function baselinesSection(f: CaseFacts, clock: Clock): DraftSection {
  const gaps: string[] = [];
  const lines: string[] = [];
  const ids: number[] = [];
  // One line per baseline event (a baseline typed for "SSEP" covers both of its limbs).
  const seen = new Set<number>();
  for (const m of f.modalities) {
    if (m.baselines.length === 0 && MODALITIES_WITHOUT_BASELINE.has(m.modality)) continue;
    if (m.baselines.length === 0) {
      lines.push(`${m.label}: baseline ${NOT_RECORDED}.`);
      gaps.push(`Baseline for ${m.label}: ${NOT_RECORDED}`);
      continue;
    }
    for (const b of m.baselines) {
      const id = b.eventIds[0] ?? -1;
      if (seen.has(id)) continue;
      seen.add(id);
      // Values belong to one limb's channels: named with it ("SSEP (lower limb)"); a typed baseline
      // may cover the modality's every limb.
      const values = baselineValuesText(b.setup);
      lines.push(`${clock(b.at)} ${values ? m.label : MODALITY_LABELS[m.modality]}: ${b.text ? sentence(b.text) : 'baseline obtained.'}${values ? ` ${values}.` : ''}`);
      ids.push(...b.eventIds);
    }
  }
  if (f.modalities.length === 0) {
    lines.push(`Baselines: ${NOT_RECORDED}.`);
    gaps.push(`Baselines: ${NOT_RECORDED}`);
  }
  return { id: 'baselines', title: 'Baseline findings', text: lines.join('\n'), gaps, eventIds: ids, suggestion: null };
}

/** "TcMEP, left lower limb". */
function alertSite(a: AlertFact): string {
  if (!a.modality) return 'monitoring';
  const limb = a.limb ? (LIMB_LABELS as Record<string, string>)[a.limb]?.toLowerCase() : null;
  const where = [a.side, limb].filter(Boolean).join(' ');
  return where ? `${MODALITY_LABELS[a.modality]}, ${where}` : MODALITY_LABELS[a.modality];
}

/** Lower-case a sentence's first letter for use mid-sentence, but not an acronym ("MAP"). */
function midSentence(s: string): string {
  const t = s.trim().replace(/[.]$/, '');
  return /^[A-Z][a-z]/.test(t) ? t[0]!.toLowerCase() + t.slice(1) : t;
}

function alertLines(a: AlertFact, clock: Clock): string[] {
  const what = alertSite(a);
  const lines = [`${clock(a.at)} Significant change in ${what}: ${sentence(a.text)}`];
  // One change seen by both hands: said once, with where else it is recorded.
  if (a.alsoRecorded) lines.push(`  Also ${a.alsoRecorded.typed ? 'entered by the technologist' : "in the device's record"} at ${clock(a.alsoRecorded.at)}.`);
  // The latest reading of each vital sign before the change (MAP, HR, temperature…).
  const latest = new Map<string, (typeof a.vitals)[number]>();
  for (const v of a.vitals) if (v.at <= a.at) latest.set(v.text.split(/\s/)[0] ?? v.text, v);
  if (latest.size) {
    const shown = [...latest.values()].sort((x, y) => x.at - y.at);
    lines.push(`  Vital signs before the change: ${shown.map((v) => `${v.text} (${clock(v.at)})`).join(', ')}.`);
  }
  if (!a.notified) lines.push(`  Time the surgeon was notified: ${NOT_RECORDED}.`);
  else if (a.notified.who) lines.push(`  Notified at ${clock(a.notified.at)}: ${a.notified.who}.`);
  else lines.push(`  Surgeon notified at ${clock(a.notified.at)}.`);
  for (const i of a.interventions) lines.push(`  ${clock(i.at)} Intervention: ${sentence(i.text)}`);
  const after = a.recoveryMinutes !== null ? ` after ${a.recoveryMinutes} min` : '';
  if (!a.resolved) lines.push(`  Recovery or final outcome: ${NOT_RECORDED}.`);
  else if (a.outcome === 'partial') lines.push(`  ${clock(a.resolved.at)} Partially recovered${after}: ${sentence(a.resolved.text)}`);
  else if (a.outcome === 'not_recovered') lines.push(`  ${clock(a.resolved.at)} Did not recover (final outcome): ${sentence(a.resolved.text)}`);
  else lines.push(`  ${clock(a.resolved.at)} Recovered${after}: ${sentence(a.resolved.text)}`);
  if (a.otherOutcome) lines.push(`  ${clock(a.otherOutcome.at)} ${a.otherOutcome.typed ? 'The technologist entered' : "The device's record says"}: ${OUTCOME_WORDS[a.otherOutcome.outcome]}.`);
  return lines;
}

const OUTCOME_WORDS: Readonly<Record<AlertFact['outcome'], string>> = {
  recovered: 'recovered',
  partial: 'partially recovered',
  not_recovered: 'did not recover (final outcome)',
  unresolved: 'no outcome',
};

/** The two hands' recoveries of one alert disagree: the gap that asks which is right. */
function outcomeConflict(a: AlertFact, clock: Clock): string | null {
  if (!a.otherOutcome || !a.resolved) return null;
  const first = `${OUTCOME_WORDS[a.outcome]} (${a.otherOutcome.typed ? 'device' : 'typed'}, ${clock(a.resolved.at)})`;
  const second = `${OUTCOME_WORDS[a.otherOutcome.outcome]} (${a.otherOutcome.typed ? 'typed' : 'device'}, ${clock(a.otherOutcome.at)})`;
  return `Alert at ${clock(a.at)}: outcome recorded as ${first} and as ${second}; record which is right, or edit this section`;
}

function eventsSection(f: CaseFacts, clock: Clock): DraftSection {
  type Item = { at: number; lines: string[]; ids: readonly number[] };
  const items: Item[] = [
    ...f.milestones.map((m) => ({ at: m.at, lines: [`${clock(m.at)} ${sentence(m.text)}`], ids: m.eventIds })),
    ...f.alerts.map((a) => ({ at: a.at, lines: alertLines(a, clock), ids: a.eventIds })),
  ].sort((a, b) => a.at - b.at);
  const gaps: string[] = [];
  for (const a of f.alerts) {
    if (!a.notified) gaps.push(`Alert at ${clock(a.at)}: time the surgeon was notified ${NOT_RECORDED}`);
    if (!a.resolved) gaps.push(`Alert at ${clock(a.at)}: outcome ${NOT_RECORDED}`);
    const conflict = outcomeConflict(a, clock);
    if (conflict) gaps.push(conflict);
  }
  let head: string;
  if (f.alerts.length > 0) head = `${f.alerts.length} significant change${f.alerts.length > 1 ? 's were' : ' was'} recorded.`;
  else {
    const missing = unchangedNotEstablished(f, clock);
    if (missing.length === 0) head = NO_CHANGE_RECORDED;
    else {
      head = `No alert was recorded, but whether responses stayed at baseline cannot be stated from this record: ${list(missing)}.`;
      gaps.push(`Changes from baseline: cannot be stated (${missing.join('; ')})`);
    }
  }
  return { id: 'events', title: 'Intraoperative events', text: [head, ...items.flatMap((i) => i.lines)].join('\n'), gaps, eventIds: items.flatMap((i) => i.ids), suggestion: null };
}

/**
 * What was written as a note, by the technologist or in a device's export, word for word: the
 * record holds it, so the report does. A note read as an event (recorded as an alert, a
 * baseline…) is that event now, and the note that states the closing status is that section.
 * Never written by the AI (it is not sent notes), so an accepted narrative cannot drop one.
 */
function notesSection(f: CaseFacts, clock: Clock): DraftSection {
  const closingIds = new Set(f.closing?.eventIds ?? []);
  const notes = f.notes.filter((n) => !n.eventIds.some((id) => closingIds.has(id)));
  const lines = notes.map((n) => `${clock(n.at)} ${n.text.trim() || 'Marker (no text).'}`);
  return { id: 'notes', title: 'Notes as recorded', text: lines.length ? lines.join('\n') : 'No notes were recorded.', gaps: [], eventIds: notes.flatMap((n) => n.eventIds), suggestion: null };
}

/** A closing comparison that says every modality ended at baseline (not one that says changes persist). */
const AT_BASELINE = /\b(all|every)\b[^.;]*\b(at|back to|returned to)\s+baseline\b|\bunchanged\b|\bno\s+(significant\s+)?changes?\b|\bstable\b/i;
const NOT_AT_BASELINE = /\bpersist|\bnot\s+(at|back to|returned to)\s+baseline|\bbelow\s+baseline|\bremain(s|ed)?\s+(reduced|decreased|diminished|absent|lost)\b/i;

export function closingSaysAtBaseline(text: string): boolean {
  return AT_BASELINE.test(text) && !NOT_AT_BASELINE.test(text);
}

/**
 * Changes the record calls final and unrecovered while the closing says all is at baseline: the
 * record contradicts itself, and the report must not state both as if they agreed. (A partial
 * recovery is not final: responses may have come back by closure.)
 */
function closingContradicts(f: CaseFacts): AlertFact[] {
  if (!f.closing || !closingSaysAtBaseline(f.closing.text)) return [];
  return f.alerts.filter((a) => a.outcome === 'not_recovered' && a.resolved !== null && a.resolved.at <= f.closing!.at);
}

function closingSection(f: CaseFacts, clock: Clock): DraftSection {
  if (!f.closing) return { id: 'closing', title: 'Closing status', text: `Closing status: ${NOT_RECORDED}.`, gaps: [`Closing status: ${NOT_RECORDED}`], eventIds: [], suggestion: null };
  const gaps = closingContradicts(f).map(
    (a) => `Closing status: says all at baseline, but the change in ${alertSite(a)} at ${clock(a.at)} is recorded as not recovered (final outcome, ${clock(a.resolved!.at)}); record which is right, or edit this section`,
  );
  return { id: 'closing', title: 'Closing status', text: `${clock(f.closing.at)} ${sentence(f.closing.text)}`, gaps, eventIds: f.closing.eventIds, suggestion: null };
}

/** The two sentences that state a clinical conclusion about an uneventful case. */
export const NO_CHANGE_RECORDED = 'No significant change from baseline was recorded.';
export const NO_CHANGE_OCCURRED = 'No significant changes from baseline occurred during monitoring.';

/** Modalities with recordings, as the report names them (train-of-four is anesthesia's check, not monitoring). */
function monitoredModalities(f: CaseFacts): CaseFacts['modalities'] {
  return f.modalities.filter((m) => m.modality !== 'TOF' && (m.activityCount > 0 || m.entered));
}

/**
 * Why the record cannot support "no significant change from baseline", or nothing when it can:
 * recordings of monitored modalities, each with its baseline where it has one, over monitoring
 * whose start and end were marked, with no stretch of monitoring left unrecorded. A report states
 * only what the record holds; an empty or note-only record supports no clinical conclusion.
 */
export function unchangedNotEstablished(f: CaseFacts, clock: Clock): string[] {
  return missingForUnchanged(f, clock).map((m) => m.text);
}

/**
 * The same reasons in closed words, without times or names (what the AI narrative is told):
 * "no modality recordings", "no baseline for SSEP", "monitoring start and end not marked",
 * "monitoring end not marked", "a stretch of monitoring with nothing recorded".
 */
export function unchangedReasons(f: CaseFacts): string[] {
  return [...new Set(missingForUnchanged(f, () => '').map((m) => m.reason))];
}

function missingForUnchanged(f: CaseFacts, clock: Clock): Array<{ reason: string; text: string }> {
  const why: Array<{ reason: string; text: string }> = [];
  const monitored = monitoredModalities(f);
  if (monitored.length === 0) why.push({ reason: 'no modality recordings', text: 'no modality recordings were captured' });
  for (const m of monitored) {
    if (m.baselines.length === 0 && !MODALITIES_WITHOUT_BASELINE.has(m.modality)) why.push({ reason: `no baseline for ${MODALITY_LABELS[m.modality]}`, text: `no baseline was recorded for ${m.label}` });
  }
  if (f.monitoring.start === null || f.monitoring.end === null || f.monitoring.derived) why.push({ reason: 'monitoring start and end not marked', text: 'monitoring start and end were not marked' });
  else if (f.issues.some((i) => i.kind === 'monitoring_start_without_end')) why.push({ reason: 'monitoring end not marked', text: 'monitoring end was not marked' });
  // "No change from baseline" speaks of the time after a baseline: a stretch that ends before the
  // first one is baseline acquisition (a case typed by hand records nothing until "baseline obtained").
  const baselineTimes = monitored.flatMap((m) => m.baselines.map((b) => b.at));
  const firstBaseline = baselineTimes.length ? Math.min(...baselineTimes) : -Infinity;
  for (const g of f.gaps) {
    if (g.end <= firstBaseline) continue;
    why.push({ reason: 'a stretch of monitoring with nothing recorded', text: `nothing was recorded from ${clock(g.start)} to ${clock(g.end)}` });
  }
  return why;
}

/**
 * The interpretation is the physician's. The draft leaves the section empty (a gap) and offers a
 * suggestion made only of what the record supports: what was monitored, each change with what
 * followed it, the closing comparison, and "no significant change" only where the record shows it.
 */
function interpretationSection(f: CaseFacts, clock: Clock): DraftSection {
  const lines: string[] = [];
  const monitored = [...new Set(monitoredModalities(f).map((m) => MODALITY_LABELS[m.modality]))];
  if (monitored.length) lines.push(`${list(monitored)} ${monitored.length > 1 ? 'were' : 'was'} monitored.`);
  if (f.alerts.length === 0 && unchangedNotEstablished(f, clock).length === 0) lines.push(NO_CHANGE_OCCURRED);
  for (const a of f.alerts) {
    const what = alertSite(a);
    const did = a.interventions.length ? ` after ${list(a.interventions.map((i) => midSentence(i.text)))}` : '';
    if (a.otherOutcome) {
      // The record says two things: the suggestion states neither as the outcome.
      lines.push(`The change in ${what} at ${clock(a.at)}: its outcome is recorded two ways (${OUTCOME_WORDS[a.outcome]}; ${OUTCOME_WORDS[a.otherOutcome.outcome]}).`);
    } else if (a.outcome === 'recovered' && a.resolved) {
      lines.push(`The change in ${what} at ${clock(a.at)} recovered by ${clock(a.resolved.at)}${did}.`);
    } else if (a.outcome === 'partial' && a.resolved) {
      lines.push(`The change in ${what} at ${clock(a.at)} partially recovered by ${clock(a.resolved.at)}${did}.`);
    } else if (a.outcome === 'not_recovered' && a.resolved) {
      lines.push(`The change in ${what} at ${clock(a.at)} did not recover (final outcome recorded at ${clock(a.resolved.at)}).`);
    } else {
      lines.push(`The change in ${what} at ${clock(a.at)} has no recorded recovery.`);
    }
  }
  // A closing that contradicts a final outcome is the physician's to settle, not a sentence to adopt.
  if (f.closing && closingContradicts(f).length === 0) lines.push(`At closing: ${sentence(f.closing.text).replace(/^at closure,?\s*/i, '')}`);
  return {
    id: 'interpretation',
    title: 'Interpretation and conclusion',
    text: INTERPRETATION_PENDING,
    gaps: [INTERPRETATION_GAP],
    eventIds: f.alerts.flatMap((a) => a.eventIds),
    suggestion: lines.length ? lines.join('\n') : null,
  };
}

function monitoringSection(f: CaseFacts, clock: Clock): DraftSection {
  const gaps: string[] = [];
  const lines: string[] = [];
  if (f.monitoring.start !== null && f.monitoring.end !== null) {
    const segs = f.monitoring.segments.length > 1 ? ` in ${f.monitoring.segments.length} periods (${f.monitoring.segments.map((s) => `${clock(s.start)}–${clock(s.end)}`).join(', ')})` : '';
    lines.push(`Monitoring from ${clock(f.monitoring.start)} to ${clock(f.monitoring.end)}${segs}: ${f.monitoring.minutes} min${f.monitoring.derived ? ' (taken from modality activity; no start/stop was marked)' : ''}.`);
    if (f.monitoring.derived) gaps.push('Monitoring start/stop times: not marked (taken from modality activity)');
  } else {
    lines.push(`Monitoring start and end: ${NOT_RECORDED}.`);
    gaps.push(`Monitoring start and end: ${NOT_RECORDED}`);
  }
  const tech = who(f.technologist);
  lines.push(tech ? `Technologist: ${tech}, in attendance in the operating room.` : `Technologist: ${NOT_RECORDED}.`);
  if (!tech) gaps.push(`Technologist: ${NOT_RECORDED}`);
  const reader = who(f.physician);
  const where = f.readerLocation ? READER_LOCATION_LABELS[f.readerLocation].toLowerCase() : null;
  lines.push(reader ? `Interpreting physician: ${reader}${where ? `, ${where}` : ''}.` : `Interpreting physician: ${NOT_RECORDED}.`);
  if (!reader) gaps.push(`Interpreting physician: ${NOT_RECORDED}`);
  if (reader && !where) gaps.push(`Physician location (in the OR or remote): ${NOT_RECORDED}`);
  // What the record itself makes uncertain: said in the report, and listed until resolved.
  const uncertain = f.issues.filter((i) => UNCERTAIN.includes(i.kind));
  for (const i of uncertain) {
    lines.push(`Uncertain: ${i.message}`);
    gaps.push(`Uncertain: ${i.message}`);
  }
  return { id: 'monitoring', title: 'Monitoring times and personnel', text: lines.join('\n'), gaps, eventIds: f.monitoring.eventIds, suggestion: null };
}
