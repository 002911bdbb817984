/**
 * Case facts: everything a report (and a claim) may say about a case, in one structured object
 * built from the case record and its timeline. Pure. Every fact keeps the id(s) of the event(s)
 * it came from, so each sentence of a report can be traced to what was captured.
 */
import type { CaseRecord } from '../domain/case';
import type { CaseEvent } from '../domain/event';
import { isModality, MODALITY_LABELS, type Modality } from '../domain/modality';
import type { Person } from '../domain/person';
import type { RecordedSetup } from '../domain/recorded-setup';
import { buildTimeline, laneName, type AlertOutcome, type LaneSetup, type Timeline, type TimelineIssue } from '../domain/timeline';
import type { AnesthesiaRegimen, ReaderLocation, Sex } from '../domain/vocabulary';
import { yearsBetween } from '../util/time';

export type PointFact = Readonly<{ at: number; text: string; eventIds: readonly number[] }>;

export type PersonFact = Readonly<{ name: string; credential: string; npi: string | null }>;

/** A baseline, with what the device recorded of it (channels, the peaks it marked) where it says. */
export type BaselineFact = PointFact & Readonly<{ setup: RecordedSetup | null }>;

export type ModalityFact = Readonly<{
  key: string;
  modality: Modality;
  /** "SSEP (lower limb)". */
  label: string;
  limb: string | null;
  sides: readonly string[];
  /** The device's own names for it ("Lower SSEP", "L MEP"). */
  recordedAs: readonly string[];
  firstActivity: number;
  lastActivity: number;
  activeMinutes: number;
  /** Trials, averages and streaming chunks captured. */
  activityCount: number;
  /** No device recorded it: the technologist's entries say it ran (from its baseline to monitoring end). */
  entered: boolean;
  baselines: readonly BaselineFact[];
  /** How the device says it stimulated and recorded it, per device mode (Lane.setups). */
  setups: readonly LaneSetup[];
  /** First and last supporting events (all ids would be thousands of trials). */
  eventIds: readonly number[];
}>;

export type AlertFact = Readonly<{
  at: number;
  modality: Modality | null;
  label: string | null;
  side: string | null;
  limb: string | null;
  text: string;
  /** When the surgeon was told and, where the record names them, who ("Dr Sample, surgeon"). */
  notified: Readonly<{ at: number; who: string | null; eventIds: readonly number[] }> | null;
  interventions: readonly PointFact[];
  resolved: PointFact | null;
  /** The same change also recorded by the other hand (device beside typed, or the reverse). */
  alsoRecorded: Readonly<{ at: number; typed: boolean; eventIds: readonly number[] }> | null;
  outcome: AlertOutcome;
  /** The other hand's recovery saying a different outcome: the record disagrees with itself. */
  otherOutcome: Readonly<{ at: number; outcome: AlertOutcome; typed: boolean; eventIds: readonly number[] }> | null;
  recoveryMinutes: number | null;
  /** Vital signs recorded within 15 minutes of the alert (MAP, temperature…). */
  vitals: readonly PointFact[];
  eventIds: readonly number[];
}>;

export type CaseFacts = Readonly<{
  caseId: string;
  timeZone: string;
  patient: Readonly<{ lastName: string; firstName: string; mrn: string; dateOfBirth: string; sex: Sex; ageYears: number }>;
  procedure: Readonly<{ description: string; cpt: string | null; side: string | null; levels: string }>;
  dateOfService: string;
  facility: string;
  orRoom: string;
  diagnosisCodes: readonly string[];
  surgeon: PersonFact | null;
  technologist: PersonFact | null;
  physician: PersonFact | null;
  readerLocation: ReaderLocation | null;
  anesthesia: Readonly<{ regimen: AnesthesiaRegimen | null; detail: string; changes: readonly PointFact[] }>;
  modalities: readonly ModalityFact[];
  alerts: readonly AlertFact[];
  milestones: readonly PointFact[];
  notes: readonly PointFact[];
  /** The closing comparison with baseline, when one was recorded ("at closure all … at baseline"). */
  closing: PointFact | null;
  monitoring: Readonly<{
    start: number | null;
    end: number | null;
    /** No explicit start/end markers: the span comes from modality activity. */
    derived: boolean;
    minutes: number;
    segments: ReadonlyArray<Readonly<{ start: number; end: number }>>;
    eventIds: readonly number[];
  }>;
  readerPresence: ReadonlyArray<Readonly<{ start: number; end: number | null }>>;
  gaps: ReadonlyArray<Readonly<{ start: number; end: number }>>;
  issues: readonly TimelineIssue[];
  eventCount: number;
}>;

const VITALS_WINDOW_MS = 15 * 60_000;
const CLOSING = /\b(at|by)\s+(closure|closing|the end)\b|\bclosing\s+(status|runs?|data)\b|\bfinal\s+(runs?|responses?|data)\b/i;

function person(p: Person | null): PersonFact | null {
  return p ? { name: `${p.firstName} ${p.lastName}`, credential: p.credential, npi: p.npi } : null;
}

const minutes = (ms: number) => Math.round(ms / 60_000);

export type FactInputs = Readonly<{
  record: CaseRecord;
  people: Readonly<{ surgeon: Person | null; technologist: Person | null; physician: Person | null }>;
}> &
  (Readonly<{ events: readonly CaseEvent[]; timeline?: Timeline }> | Readonly<{ timeline: Timeline; eventCount: number }>);

export function buildCaseFacts(inp: FactInputs): CaseFacts {
  const c = inp.record;
  const t = inp.timeline ?? ('events' in inp ? buildTimeline(inp.events, { timeZone: c.timeZone }) : (null as never));
  const eventCount = 'events' in inp ? inp.events.length : inp.eventCount;
  const point = (p: { at: number; eventId: number; text: string }): PointFact => ({ at: p.at, text: p.text, eventIds: [p.eventId] });

  const vitals = t.vitals;
  const alerts: AlertFact[] = t.alerts.map((a) => {
    const notified = a.notified ? { at: a.notified.at, who: a.notified.who, eventIds: [a.notified.eventId, ...(a.notified.whoEventId !== undefined ? [a.notified.whoEventId] : [])] } : null;
    const interventions = a.interventions.map(point);
    const resolved = a.resolved ? point(a.resolved) : null;
    const alsoRecorded = a.alsoRecorded ? { at: a.alsoRecorded.at, typed: a.alsoRecorded.typed, eventIds: [a.alsoRecorded.eventId] } : null;
    const otherOutcome = a.otherOutcome ? { at: a.otherOutcome.at, outcome: a.otherOutcome.outcome, typed: a.otherOutcome.typed, eventIds: [a.otherOutcome.eventId] } : null;
    return {
      at: a.at,
      modality: a.modality,
      label: a.modality ? laneName({ modality: a.modality, limb: a.limb }) : null,
      side: a.side,
      limb: a.limb,
      text: a.text,
      notified,
      interventions,
      resolved,
      alsoRecorded,
      outcome: a.outcome,
      otherOutcome,
      recoveryMinutes: a.recoveryMs === null ? null : minutes(a.recoveryMs),
      vitals: vitals.filter((v) => Math.abs(v.at - a.at) <= VITALS_WINDOW_MS).map(point),
      // Every event the alert's facts rest on, in the order the report states them.
      eventIds: [a.eventId, ...[alsoRecorded, notified, ...interventions, resolved, otherOutcome].flatMap((p) => p?.eventIds ?? [])],
    };
  });

  const notes = t.notes.map(point);
  // The last note or milestone that compares the end of the case with baseline.
  const closingCandidates = [...t.notes, ...t.milestones].filter((p) => CLOSING.test(p.text) && /baseline|unchanged|stable|no (significant )?change/i.test(p.text));
  const closingPoint = closingCandidates.sort((a, b) => a.at - b.at).at(-1);

  // Lanes made only of typed facts ("Baseline SSEP obtained", an alert naming a limb) are not
  // modalities of their own: their baselines belong to the recorded lanes of the same modality.
  const recorded = t.lanes.filter((l) => l.trialCount > 0);
  const typedOnly = t.lanes.filter((l) => l.trialCount === 0);
  const lanes = [...recorded, ...typedOnly.filter((l) => !recorded.some((r) => r.modality === l.modality))];
  const modalities: ModalityFact[] = lanes.map((l) => {
    const first = l.intervals[0]?.eventIds[0];
    const lastInterval = l.intervals[l.intervals.length - 1];
    const last = lastInterval?.eventIds[lastInterval.eventIds.length - 1];
    const borrowed = typedOnly.filter((o) => o !== l && o.modality === l.modality && (o.limb === null || o.limb === l.limb)).flatMap((o) => o.baselines);
    const baselines = [...l.baselines, ...borrowed].sort((a, b) => a.at - b.at);
    return {
      key: l.key,
      modality: l.modality,
      label: isModality(l.modality) ? laneName(l) : MODALITY_LABELS[l.modality],
      limb: l.limb,
      sides: l.sides,
      recordedAs: l.names,
      firstActivity: l.firstActivity,
      lastActivity: l.lastActivity,
      activeMinutes: minutes(l.activeMs),
      activityCount: l.trialCount,
      entered: l.entered,
      baselines: baselines.map((b) => ({ at: b.at, text: b.text, eventIds: [b.eventId], setup: b.setup })),
      setups: l.setups,
      eventIds: first === undefined ? [] : first === last || last === undefined ? [first] : [first, last],
    };
  });

  return {
    caseId: c.id,
    timeZone: c.timeZone,
    patient: { ...c.patient, ageYears: yearsBetween(c.patient.dateOfBirth, c.dateOfService) },
    procedure: c.procedure,
    dateOfService: c.dateOfService,
    facility: c.facility,
    orRoom: c.orRoom,
    diagnosisCodes: c.diagnosisCodes,
    surgeon: person(inp.people.surgeon),
    technologist: person(inp.people.technologist),
    physician: person(inp.people.physician),
    readerLocation: c.readerLocation,
    anesthesia: { regimen: c.anesthesia.regimen, detail: c.anesthesia.detail, changes: t.anesthesia.map(point) },
    modalities,
    alerts,
    milestones: t.milestones.map(point),
    notes,
    closing: closingPoint ? point(closingPoint) : null,
    monitoring: {
      start: t.monitoring.start,
      end: t.monitoring.end,
      derived: t.monitoring.derived,
      minutes: minutes(t.monitoring.monitoredMs),
      segments: t.monitoring.segments.map((s) => ({ start: s.start, end: s.end })),
      eventIds: t.monitoring.segments.flatMap((s) => [s.startEventId, s.endEventId].filter((x): x is number => x !== null)),
    },
    readerPresence: t.readerPresence,
    gaps: t.gaps,
    issues: t.issues,
    eventCount,
  };
}
