/**
 * From captured events to the shape of the case: when each modality was active, when
 * monitoring ran, baselines, alerts with what followed them, milestones, and what is missing or
 * doubtful. Pure and deterministic: the report, the billing and the on-screen picture all read
 * this one structure, so they can never disagree.
 */
import type { CaseEvent } from './event';
import type { EventKind } from './event-kinds';
import { isModality, LIMB_LABELS, MODALITIES_WITHOUT_BASELINE, MODALITY_LABELS, type Limb, type Modality } from './modality';
import { mergeSetups, type RecordedSetup } from './recorded-setup';
import { setupOf } from './stored-setup';

export type TimelineOptions = Readonly<{
  /** Trials closer than this belong to one active stretch of a modality. */
  joinGapMs: number;
  /** A stretch of monitoring with no modality activity longer than this is reported as a gap. */
  gapMs: number;
  /** Notification or intervention later than this after an alert is not attached to it. */
  alertFollowUpMs: number;
  /**
   * The technologist's entry and the device's record of one thing, closer than this, are that one
   * thing seen twice: an alert of the same site while it is open (often typed before the export
   * says so), a monitoring end, a notification that names who was told.
   */
  sameChangeMs: number;
  /** IANA zone used for the times quoted in issue messages (the case's zone). */
  timeZone: string;
  /** The events are already in time order (a live report keeps them so): skip the sort. */
  presorted?: boolean;
}>;

export const DEFAULT_TIMELINE_OPTIONS: TimelineOptions = {
  joinGapMs: 10 * 60_000,
  gapMs: 15 * 60_000,
  alertFollowUpMs: 60 * 60_000,
  sameChangeMs: 10 * 60_000,
  timeZone: 'UTC',
};

/**
 * An active stretch. It names its first and last supporting events (by time) and how many there
 * are: a stretch of free-run EMG holds thousands of trials, and listing them all would make every
 * rebuild of the live report copy arrays of that size.
 */
export type Interval = Readonly<{ start: number; end: number; eventIds: readonly number[]; count: number }>;

export type Lane = Readonly<{
  /** "SSEP:lower", "TCMEP:", … one lane per modality and limb. */
  key: string;
  modality: Modality;
  limb: string | null;
  /**
   * The sides its recordings and baselines name. An alert's side is not added: a change on the
   * left says the left was monitored, not that only the left was ("TcMEP (upper limb), left").
   */
  sides: readonly string[];
  /** Site names the device used for it (for the report's "recorded as"). */
  names: readonly string[];
  intervals: readonly Interval[];
  firstActivity: number;
  lastActivity: number;
  activeMs: number;
  baselines: ReadonlyArray<Readonly<{ at: number; eventId: number; text: string; side: string | null; setup: RecordedSetup | null }>>;
  /**
   * How the device says it stimulated and recorded this modality, per device mode ("L MEP" and
   * "R MEP" are one lane with two setups): the earliest stimulation stated (one with an intensity
   * first) and the earliest channel list, with when and where from.
   */
  setups: readonly LaneSetup[];
  activityCount: number;
  /** Recordings proper (trials, averages, start/stop), as opposed to facts typed about the modality. */
  trialCount: number;
  /**
   * No device recorded this modality; the technologist's entries say it ran: from its baseline to
   * the marked end of monitoring. The report says so ("as entered by the technologist").
   */
  entered: boolean;
}>;

/**
 * How an alert ended. A device's "recovered" or a typed full recovery is `recovered`; the
 * technologist may also record a partial recovery or none (the final outcome); `unresolved` is
 * an alert whose outcome nobody recorded.
 */
export type LaneSetup = Readonly<{ name: string | null; at: number; eventIds: readonly number[]; setup: RecordedSetup }>;

export type AlertOutcome = 'recovered' | 'partial' | 'not_recovered' | 'unresolved';

/** A quick entry's own fields, kept on its events (payload.entry). */
export function entryOf(e: Pick<CaseEvent, 'payload'>): Readonly<Record<string, unknown>> | null {
  const entry = e.payload?.['entry'];
  return entry && typeof entry === 'object' ? (entry as Record<string, unknown>) : null;
}

export type AlertEpisode = Readonly<{
  eventId: number;
  at: number;
  modality: Modality | null;
  side: string | null;
  limb: string | null;
  text: string;
  /**
   * Who was told, when the record names them ("Dr Sample, surgeon"); `whoEventId` is the other
   * hand's notification that named them when the first did not.
   */
  notified: Readonly<{ at: number; eventId: number; who: string | null; whoEventId?: number }> | null;
  interventions: ReadonlyArray<Readonly<{ at: number; eventId: number; text: string }>>;
  resolved: Readonly<{ at: number; eventId: number; text: string }> | null;
  /**
   * The same change recorded by the other hand: the device's alert beside the technologist's
   * typed one, or the reverse. One change, not two; the report says both recorded it.
   */
  alsoRecorded: Readonly<{ at: number; eventId: number; typed: boolean }> | null;
  outcome: AlertOutcome;
  /**
   * The other hand's recovery of this alert, minutes from the first, saying a different outcome
   * ("recovered" from the device, "partial" typed): the record disagrees with itself, and the
   * report says so instead of choosing.
   */
  otherOutcome: Readonly<{ at: number; eventId: number; outcome: AlertOutcome; typed: boolean }> | null;
  /** Minutes from onset to recovery, when recovered. */
  recoveryMs: number | null;
}>;

export type MonitoringSegment = Readonly<{ start: number; end: number; startEventId: number | null; endEventId: number | null }>;

export type TimelineIssueKind =
  | 'no_events'
  | 'no_monitoring_markers'
  | 'monitoring_start_without_end'
  | 'monitoring_end_without_start'
  | 'modality_start_without_stop'
  | 'modality_stop_without_start'
  | 'alert_unresolved'
  | 'alert_not_notified'
  | 'no_baseline'
  | 'clock_jump';

export type TimelineIssue = Readonly<{ kind: TimelineIssueKind; message: string; eventIds: readonly number[] }>;

export type PointEvent = Readonly<{ at: number; eventId: number; text: string; kind: EventKind }>;

export type Timeline = Readonly<{
  firstEventAt: number | null;
  lastEventAt: number | null;
  monitoring: Readonly<{
    segments: readonly MonitoringSegment[];
    /** True when no explicit start/end was recorded and the span comes from modality activity. */
    derived: boolean;
    start: number | null;
    end: number | null;
    monitoredMs: number;
  }>;
  lanes: readonly Lane[];
  alerts: readonly AlertEpisode[];
  milestones: readonly PointEvent[];
  anesthesia: readonly PointEvent[];
  vitals: readonly PointEvent[];
  notes: readonly PointEvent[];
  readerPresence: ReadonlyArray<Readonly<{ start: number; end: number | null }>>;
  gaps: ReadonlyArray<Readonly<{ start: number; end: number }>>;
  issues: readonly TimelineIssue[];
}>;

const ACTIVITY_KINDS: ReadonlySet<EventKind> = new Set(['modality_activity', 'baseline', 'alert', 'alert_resolved', 'modality_start', 'modality_stop']);

function byTime(a: CaseEvent, b: CaseEvent): number {
  return a.occurredAt - b.occurredAt || a.id - b.id;
}

/** "08:05" in the case's zone. */
export function wallClockFormatter(timeZone: string): (ms: number) => string {
  const f = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  return (ms) => f.format(ms);
}

/**
 * The case's events split the way the timeline reads them: recordings (trials) per lane, kept in
 * time order with their active stretches joined as they arrive, and the few other events apart.
 * The live report keeps one and adds each new event to it; a rebuild then costs the lanes and the
 * other events, not another pass over tens of thousands of trials.
 */
export class TimelineIndex {
  readonly lanes = new Map<string, LaneAcc>();
  /** Everything but plain recordings: baselines, alerts, milestones, notes… (few), in time order. */
  readonly others: CaseEvent[] = [];
  count = 0;
  first: number | null = null;
  last: number | null = null;
  /** Span of modality activity other than baselines: monitoring when nobody marked it. */
  activityFirst: number | null = null;
  activityLast: number | null = null;

  constructor(readonly joinGapMs: number = DEFAULT_TIMELINE_OPTIONS.joinGapMs) {}

  add(e: CaseEvent): void {
    this.count++;
    if (this.first === null || e.occurredAt < this.first) this.first = e.occurredAt;
    if (this.last === null || e.occurredAt > this.last) this.last = e.occurredAt;
    if (e.kind !== 'modality_activity') insertSorted(this.others, e);
    if (!ACTIVITY_KINDS.has(e.kind) || !isModality(e.modality)) return;
    if (e.kind !== 'baseline') {
      if (this.activityFirst === null || e.occurredAt < this.activityFirst) this.activityFirst = e.occurredAt;
      if (this.activityLast === null || e.occurredAt > this.activityLast) this.activityLast = e.occurredAt;
    }
    const key = `${e.modality}:${e.limb ?? ''}`;
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = new LaneAcc(e.modality, e.limb, this.joinGapMs);
      this.lanes.set(key, lane);
    }
    lane.add(e);
  }
}

/** The events one device mode's setup comes from; `rank` is 1 when `stimulation` states an intensity. */
type SetupFrom = { stimulation: CaseEvent | null; rank: number; channels: CaseEvent | null };

/** One lane while it is being filled. */
class LaneAcc {
  readonly sides = new Set<string>();
  readonly names = new Set<string>();
  /** Recordings, baselines and alerts of this lane, in time order. */
  readonly points: CaseEvent[] = [];
  readonly startStops: CaseEvent[] = [];
  readonly baselines: CaseEvent[] = [];
  activity = 0;
  trials = 0;
  /** Per device mode name, the events its setup comes from (see Lane.setups); read when the lane is built. */
  readonly setupFrom = new Map<string, SetupFrom>();
  /** Active stretches of `points`, kept up to date on in-order appends; null = rebuild. */
  #joined: MutableInterval[] | null = [];

  constructor(
    readonly modality: Modality,
    readonly limb: string | null,
    private readonly joinGapMs: number,
  ) {}

  add(e: CaseEvent): void {
    if (e.side && e.kind !== 'alert' && e.kind !== 'alert_resolved') this.sides.add(e.side);
    if (e.modalityName) this.names.add(e.modalityName);
    this.activity++;
    if (e.kind === 'modality_activity' || e.kind === 'modality_start' || e.kind === 'modality_stop') this.trials++;
    if (e.kind === 'modality_start' || e.kind === 'modality_stop') {
      insertSorted(this.startStops, e);
      return;
    }
    if (e.kind === 'baseline') insertSorted(this.baselines, e);
    if (e.payload && e.payload['setup'] !== undefined) this.noteSetup(e);
    const last = this.points[this.points.length - 1];
    if (!last || byTime(last, e) <= 0) {
      this.points.push(e);
      if (this.#joined) joinOne(this.#joined, e, this.joinGapMs);
    } else {
      insertSorted(this.points, e);
      this.#joined = null;
    }
  }

  /**
   * Cheap shape checks only: an EDF mode file states its stimulus on every sweep, so this runs per
   * trial; the stored payload is validated once, when the lane is built.
   */
  private noteSetup(e: CaseEvent): void {
    const raw = e.payload?.['setup'];
    if (!raw || typeof raw !== 'object') return;
    const { stimulation, channels } = raw as { stimulation?: unknown; channels?: unknown };
    const name = e.modalityName ?? '';
    let from = this.setupFrom.get(name);
    if (!from) {
      from = { stimulation: null, rank: -1, channels: null };
      this.setupFrom.set(name, from);
    }
    if (Array.isArray(stimulation) && stimulation.length > 0) {
      const first = stimulation[0] as { intensities?: unknown } | null;
      const rank = Array.isArray(first?.intensities) && first.intensities.length > 0 ? 1 : 0;
      if (!from.stimulation || rank > from.rank || (rank === from.rank && byTime(e, from.stimulation) < 0)) {
        from.stimulation = e;
        from.rank = rank;
      }
    }
    if (Array.isArray(channels) && channels.length > 0 && (!from.channels || byTime(e, from.channels) < 0)) from.channels = e;
  }

  setups(): LaneSetup[] {
    const out: LaneSetup[] = [];
    for (const [name, f] of [...this.setupFrom].sort(([a], [b]) => a.localeCompare(b))) {
      const from = [f.stimulation, f.channels].filter((x): x is CaseEvent => x !== null);
      const setup = mergeSetups(from.map((e) => setupOf(e.payload)));
      if (!setup || from.length === 0) continue;
      out.push({ name: name || null, at: (f.stimulation ?? (f.channels as CaseEvent)).occurredAt, eventIds: [...new Set(from.map((e) => e.id))], setup });
    }
    return out;
  }

  joined(): Interval[] {
    if (!this.#joined) {
      const j: MutableInterval[] = [];
      for (const p of this.points) joinOne(j, p, this.joinGapMs);
      this.#joined = j;
    }
    return this.#joined.map(freeze);
  }
}

function insertSorted(list: CaseEvent[], e: CaseEvent): void {
  const last = list[list.length - 1];
  if (!last || byTime(last, e) <= 0) {
    list.push(e);
    return;
  }
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (byTime(list[mid] as CaseEvent, e) <= 0) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, e);
}

export function buildTimeline(events: readonly CaseEvent[], options: Partial<TimelineOptions> = {}): Timeline {
  const opts: TimelineOptions = { ...DEFAULT_TIMELINE_OPTIONS, ...options };
  const sorted = opts.presorted ? events : [...events].sort(byTime);
  const index = new TimelineIndex(opts.joinGapMs);
  for (const e of sorted) index.add(e);
  return timelineFromIndex(index, opts);
}

export function timelineFromIndex(index: TimelineIndex, options: Partial<TimelineOptions> = {}): Timeline {
  const opts: TimelineOptions = { ...DEFAULT_TIMELINE_OPTIONS, ...options };
  const clock = wallClockFormatter(opts.timeZone);
  const issues: TimelineIssue[] = [];
  const issue = (kind: TimelineIssueKind, message: string, eventIds: readonly number[] = []) => issues.push({ kind, message, eventIds });

  if (index.count === 0 || index.first === null || index.last === null) {
    issue('no_events', 'No events were captured for this case.');
    return {
      firstEventAt: null,
      lastEventAt: null,
      monitoring: { segments: [], derived: true, start: null, end: null, monitoredMs: 0 },
      lanes: [],
      alerts: [],
      milestones: [],
      anesthesia: [],
      vitals: [],
      notes: [],
      readerPresence: [],
      gaps: [],
      issues,
    };
  }

  const others = index.others;
  const recordedLanes = buildLanes(index, opts, issue, clock);
  const monitoring = buildMonitoring(index, recordedLanes, issue, clock, opts.sameChangeMs);
  const lanes = withEnteredSpans(recordedLanes, monitoring);
  const alerts = buildAlerts(others, opts, issue, clock);
  const superseded = new Set(others.flatMap((e) => (typeof e.payload?.['fromNote'] === 'number' ? [e.payload['fromNote'] as number] : [])));
  const points = (kinds: readonly EventKind[]) =>
    others.filter((e) => kinds.includes(e.kind)).map((e) => ({ at: e.occurredAt, eventId: e.id, text: e.text, kind: e.kind }));

  // A baseline recorded for the modality as a whole ("baseline SSEP obtained", no limb) covers
  // each of its limbs.
  const wholeModality = new Set(lanes.filter((l) => l.limb === null && l.baselines.length > 0).map((l) => l.modality));
  for (const lane of lanes) {
    // EMG listens for activity and TOF is anesthesia's check: neither has a baseline to miss.
    if (lane.baselines.length === 0 && !MODALITIES_WITHOUT_BASELINE.has(lane.modality) && !wholeModality.has(lane.modality)) {
      issue('no_baseline', `No baseline recorded for ${laneName(lane)}.`);
    }
  }
  detectClockJumps(others, issue, clock);

  return {
    firstEventAt: index.first,
    lastEventAt: index.last,
    monitoring,
    lanes,
    alerts,
    milestones: points(['milestone']),
    anesthesia: points(['anesthesia_change']),
    vitals: points(['vitals']),
    // A typed note recorded as what it reads as (an alert…) is that fact now, not a note too.
    notes: points(['note', 'marker']).filter((n) => !superseded.has(n.eventId)),
    readerPresence: buildPresence(others),
    gaps: buildGaps(monitoring.segments, lanes, opts.gapMs),
    issues,
  };
}

/**
 * Where no device recorded a modality at all, the technologist's entries are the record: a
 * baseline typed for it means it ran from that baseline to the end of the monitoring segment it
 * falls in, when that end was marked. Without a marked end nothing is assumed.
 */
function withEnteredSpans(lanes: readonly Lane[], monitoring: Timeline['monitoring']): Lane[] {
  if (monitoring.derived) return [...lanes];
  const recorded = new Set(lanes.filter((l) => l.trialCount > 0).map((l) => l.modality));
  return lanes.map((l) => {
    if (l.trialCount > 0 || recorded.has(l.modality) || l.baselines.length === 0) return l;
    const from = l.baselines[0]!.at;
    const seg = monitoring.segments.find((g) => g.endEventId !== null && g.end >= from);
    if (!seg) return l;
    const span: Interval = { start: from, end: seg.end, eventIds: [l.baselines[0]!.eventId, seg.endEventId as number], count: 2 };
    const intervals = mergeIntervals([...l.intervals, span], 0);
    return {
      ...l,
      intervals,
      firstActivity: intervals[0]!.start,
      lastActivity: Math.max(...intervals.map((i) => i.end)),
      activeMs: intervals.reduce((sum, i) => sum + (i.end - i.start), 0),
      entered: true,
    };
  });
}

export function laneName(l: Pick<Lane, 'modality' | 'limb'>): string {
  const limb = l.limb ? LIMB_LABELS[l.limb as Limb]?.toLowerCase() ?? l.limb : null;
  return limb ? `${MODALITY_LABELS[l.modality]} (${limb})` : MODALITY_LABELS[l.modality];
}

type Issue = (kind: TimelineIssueKind, message: string, eventIds?: readonly number[]) => void;
type Clock = (ms: number) => string;

function buildLanes(index: TimelineIndex, opts: TimelineOptions, issue: Issue, clock: Clock): Lane[] {
  const lastAt = index.last as number;
  const lanes: Lane[] = [];
  for (const [key, a] of index.lanes) {
    const explicit: Interval[] = [];
    const starts: CaseEvent[] = [];
    for (const e of a.startStops) {
      if (e.kind === 'modality_start') starts.push(e);
      else {
        const start = starts.shift();
        if (start) explicit.push({ start: start.occurredAt, end: e.occurredAt, eventIds: [start.id, e.id], count: 2 });
        else issue('modality_stop_without_start', `${laneName(a)} was stopped at ${clock(e.occurredAt)} without a recorded start.`, [e.id]);
      }
    }
    for (const s of starts) {
      // Started and never stopped: counted to the last event, and said so.
      explicit.push({ start: s.occurredAt, end: lastAt, eventIds: [s.id], count: 1 });
      issue('modality_start_without_stop', `${laneName(a)} was started at ${clock(s.occurredAt)} and never stopped; counted until the last event (${clock(lastAt)}).`, [s.id]);
    }
    const intervals = mergeIntervals([...explicit, ...a.joined()], opts.joinGapMs);
    if (intervals.length === 0) continue;
    lanes.push({
      key,
      modality: a.modality,
      limb: a.limb,
      sides: [...a.sides].sort(),
      names: [...a.names].sort(),
      intervals,
      firstActivity: intervals[0]!.start,
      lastActivity: Math.max(...intervals.map((i) => i.end)),
      activeMs: intervals.reduce((s, i) => s + (i.end - i.start), 0),
      baselines: a.baselines.map((b) => ({ at: b.occurredAt, eventId: b.id, text: b.text, side: b.side, setup: setupOf(b.payload) })),
      setups: a.setups(),
      activityCount: a.activity,
      trialCount: a.trials,
      entered: false,
    });
  }
  const order = (m: Modality) => ['SSEP', 'TCMEP', 'DWAVE', 'EMG_FREE', 'EMG_TRIGGERED', 'EMG_CRANIAL', 'EEG', 'ECOG', 'BAEP', 'VEP', 'HREFLEX', 'DCM', 'MOTOR_MAPPING', 'PHASE_REVERSAL', 'TOF'].indexOf(m);
  return lanes.sort((x, y) => order(x.modality) - order(y.modality) || (x.limb ?? '').localeCompare(y.limb ?? ''));
}

type MutableInterval = { start: number; end: number; first: number; last: number; count: number };

const freeze = (m: MutableInterval): Interval => ({ start: m.start, end: m.end, eventIds: m.first === m.last ? [m.first] : [m.first, m.last], count: m.count });

/** Add one point (in time order) to a lane's active stretches. */
function joinOne(out: MutableInterval[], p: CaseEvent, joinGapMs: number): void {
  const last = out[out.length - 1];
  if (last && p.occurredAt - last.end <= joinGapMs) {
    if (p.occurredAt >= last.end) {
      last.end = p.occurredAt;
      last.last = p.id;
    }
    last.count++;
  } else out.push({ start: p.occurredAt, end: p.occurredAt, first: p.id, last: p.id, count: 1 });
}

function mergeIntervals(list: readonly Interval[], joinGapMs: number): Interval[] {
  const s = [...list].sort((a, b) => a.start - b.start);
  const out: MutableInterval[] = [];
  for (const i of s) {
    const last = out[out.length - 1];
    const first = i.eventIds[0] as number;
    const end = i.eventIds[i.eventIds.length - 1] as number;
    if (last && i.start - last.end <= joinGapMs) {
      if (i.end >= last.end) {
        last.end = i.end;
        last.last = end;
      }
      last.count += i.count;
    } else out.push({ start: i.start, end: i.end, first, last: end, count: i.count });
  }
  return out.map(freeze);
}

/** How a recovery says the alert ended: a typed one says it; a device's "recovered" is a recovery. */
function outcomeOf(r: CaseEvent): Exclude<AlertOutcome, 'unresolved'> {
  const recovery = entryOf(r)?.['recovery'];
  return recovery === 'partial' ? 'partial' : recovery === 'none' ? 'not_recovered' : 'recovered';
}

/** Typed by the technologist (quick entry, note), as opposed to read from a device. */
const isTyped = (e: CaseEvent): boolean => e.source === 'keyboard';

function buildMonitoring(index: TimelineIndex, lanes: readonly Lane[], issue: Issue, clock: Clock, sameChangeMs: number): Timeline['monitoring'] {
  const segments: MonitoringSegment[] = [];
  let open: CaseEvent | null = null;
  let ended: CaseEvent | null = null;
  for (const e of index.others) {
    if (e.kind === 'monitoring_start') {
      if (open) continue; // a second start inside a running segment changes nothing
      open = e;
    } else if (e.kind === 'monitoring_end') {
      // The same end marked by the other hand minutes later (the technologist's key and the
      // device's marker): the first one ended monitoring, as the first start began it.
      if (!open && ended && isTyped(ended) !== isTyped(e) && e.occurredAt - ended.occurredAt <= sameChangeMs) continue;
      ended = e;
      if (!open) {
        issue('monitoring_end_without_start', `Monitoring end at ${clock(e.occurredAt)} has no matching start.`, [e.id]);
        continue;
      }
      segments.push({ start: open.occurredAt, end: e.occurredAt, startEventId: open.id, endEventId: e.id });
      open = null;
    }
  }
  const lastLane = lanes.reduce<Lane | null>((a, l) => (a === null || l.lastActivity > a.lastActivity ? l : a), null);
  if (open) {
    const end = Math.max(open.occurredAt, lastLane?.lastActivity ?? open.occurredAt);
    segments.push({ start: open.occurredAt, end, startEventId: open.id, endEventId: null });
    // Say what stands in for the end, as what it is (a recording of a named modality), or that nothing does.
    const stand = lastLane && lastLane.lastActivity > open.occurredAt ? `the last ${laneName(lastLane)} recording (${clock(end)}) stands in for it` : 'nothing was recorded after it, so no time is counted';
    issue('monitoring_start_without_end', `Monitoring started at ${clock(open.occurredAt)} but no end was recorded; ${stand}.`, [open.id]);
  }
  if (segments.length > 0) {
    return { segments, derived: false, start: segments[0]!.start, end: segments[segments.length - 1]!.end, monitoredMs: segments.reduce((s, g) => s + (g.end - g.start), 0) };
  }
  // No markers: take the span of non-baseline modality activity, and say it is derived.
  if (index.activityFirst === null || index.activityLast === null || lanes.length === 0) {
    issue('no_monitoring_markers', 'No monitoring start or end was recorded and no modality activity was captured.');
    return { segments: [], derived: true, start: null, end: null, monitoredMs: 0 };
  }
  const start = index.activityFirst;
  const end = index.activityLast;
  issue('no_monitoring_markers', `No monitoring start or end was recorded; monitoring time is taken from modality activity (${clock(start)}–${clock(end)}). Confirm it.`);
  return { segments: [{ start, end, startEventId: null, endEventId: null }], derived: true, start, end, monitoredMs: end - start };
}

function buildAlerts(sorted: readonly CaseEvent[], opts: TimelineOptions, issue: Issue, clock: Clock): AlertEpisode[] {
  type Open = { e: CaseEvent; notified: AlertEpisode['notified']; interventions: { at: number; eventId: number; text: string }[]; resolved: CaseEvent | null; also: CaseEvent | null; other: CaseEvent | null };
  const all: Open[] = [];
  const open: Open[] = [];
  const sameSite = (a: CaseEvent, b: CaseEvent) => a.modality === b.modality && (!a.side || !b.side || a.side === b.side);
  const notifiedBy = new Map<Open, CaseEvent>();
  const notifiedTyped = (o: Open) => {
    const by = notifiedBy.get(o);
    return by !== undefined && isTyped(by);
  };
  for (const e of sorted) {
    if (e.kind === 'alert') {
      // The technologist's alert and the device's for the same site, minutes apart: one change.
      const twin = open.find((o) => !o.also && isTyped(o.e) !== isTyped(e) && sameSite(o.e, e) && (!o.e.limb || !e.limb || o.e.limb === e.limb) && e.occurredAt - o.e.occurredAt <= opts.sameChangeMs);
      if (twin) {
        twin.also = e;
        continue;
      }
      const o: Open = { e, notified: null, interventions: [], resolved: null, also: null, other: null };
      all.push(o);
      open.push(o);
      continue;
    }
    // Follow-ups attach to the most recent open alert still within reach.
    const recent = [...open].reverse().find((o) => e.occurredAt - o.e.occurredAt <= opts.alertFollowUpMs);
    if (e.kind === 'surgeon_notified') {
      const target = [...open].reverse().find((o) => !o.notified && e.occurredAt - o.e.occurredAt <= opts.alertFollowUpMs);
      if (target) {
        target.notified = { at: e.occurredAt, eventId: e.id, who: whoWasTold(e) };
        notifiedBy.set(target, e);
      } else {
        // The same notification by the other hand, minutes apart ("Surgeon notified" from the device,
        // "Dr Sample, surgeon" typed): it names who the first one did not.
        const who = whoWasTold(e);
        const twin = who ? [...all].reverse().find((o) => o.notified && !o.notified.who && notifiedTyped(o) !== isTyped(e) && Math.abs(e.occurredAt - o.notified.at) <= opts.sameChangeMs) : undefined;
        if (twin?.notified) twin.notified = { ...twin.notified, who, whoEventId: e.id };
      }
    } else if (e.kind === 'intervention' && recent) {
      recent.interventions.push({ at: e.occurredAt, eventId: e.id, text: e.text });
    } else if (e.kind === 'alert_resolved') {
      // Oldest open alert of the same modality/side; else the oldest open alert when the
      // resolution names no modality.
      const target = open.find((o) => e.modality && sameSite(o.e, e)) ?? (e.modality ? undefined : open[0]);
      if (target) {
        target.resolved = e;
        open.splice(open.indexOf(target), 1);
      } else {
        // The other hand's recovery of an alert already resolved, minutes apart: the same recovery,
        // unless it says a different outcome.
        const twin = [...all].reverse().find((o) => o.resolved && !o.other && isTyped(o.resolved) !== isTyped(e) && (!e.modality || sameSite(o.e, e)) && Math.abs(e.occurredAt - o.resolved.occurredAt) <= opts.sameChangeMs);
        if (twin?.resolved && outcomeOf(twin.resolved) !== outcomeOf(e)) twin.other = e;
      }
    }
  }
  return all.map((o) => {
    const when = clock(o.e.occurredAt);
    const r = o.resolved;
    const outcome: AlertOutcome = r ? outcomeOf(r) : 'unresolved';
    if (!o.resolved) issue('alert_unresolved', `The alert at ${when} has no recorded recovery or final outcome.`, [o.e.id]);
    if (!o.notified) issue('alert_not_notified', `The alert at ${when} has no recorded time the surgeon was notified.`, [o.e.id]);
    return {
      eventId: o.e.id,
      at: o.e.occurredAt,
      modality: isModality(o.e.modality) ? o.e.modality : null,
      side: o.e.side,
      limb: o.e.limb,
      text: o.e.text,
      notified: o.notified,
      interventions: o.interventions,
      resolved: r ? { at: r.occurredAt, eventId: r.id, text: r.text } : null,
      alsoRecorded: o.also ? { at: o.also.occurredAt, eventId: o.also.id, typed: isTyped(o.also) } : null,
      outcome,
      otherOutcome: o.other ? { at: o.other.occurredAt, eventId: o.other.id, outcome: outcomeOf(o.other), typed: isTyped(o.other) } : null,
      recoveryMs: r && (outcome === 'recovered' || outcome === 'partial') ? r.occurredAt - o.e.occurredAt : null,
    };
  });
}

/** "Dr Sample, surgeon" from a quick entry; a device's sentence names nobody we can rely on. */
/** "Dr Sample", "Dr. Ana de Vries": a title and up to three capitalised words (case matters: no `i` flag). */
const DR_NAME = String.raw`[Dd]r\.?\s+\p{Lu}[\p{L}'’-]*(?:\s+(?:(?:de|van|von|der|da|di|le|la)\s+)?\p{Lu}[\p{L}'’-]*){0,2}`;
const TOLD = String.raw`(?:[Nn]otified|[Ii]nformed|[Tt]old|[Aa]ware)`;
const ROLE = String.raw`([Ss]urgeon|[Aa]nesthesiologist|[Aa]nesthetist|CRNA)`;
/** The name right beside the notification word, as a device or a technologist writes it. */
const NAMED_NOTIFIED = [
  new RegExp(String.raw`(?:\b${ROLE}[,:]?\s+)?(${DR_NAME})(?:\s*\(${ROLE}\))?,?\s+(?:was\s+|made\s+)?${TOLD}\b`, 'u'),
  new RegExp(String.raw`\b${TOLD}\s+(?:the\s+)?(?:${ROLE},?\s+)?(${DR_NAME})(?:\s*\(${ROLE}\))?`, 'u'),
];

/**
 * Who was told, by name and role: a quick entry says it in its fields; a device's or a typed
 * note's text only when a name stands right beside the notification ("surgeon Dr Sample
 * notified", "notified Dr Sample (surgeon)"). "Surgeon notified" names nobody.
 */
function whoWasTold(e: CaseEvent): string | null {
  const entry = entryOf(e);
  if (entry) {
    const who = typeof entry['who'] === 'string' ? entry['who'].trim() : '';
    const role = typeof entry['role'] === 'string' ? entry['role'] : '';
    if (!who) return null;
    return role ? `${who}, ${role}` : who;
  }
  for (const re of NAMED_NOTIFIED) {
    const m = re.exec(e.text);
    if (!m) continue;
    const name = (m[2] as string).replace(/^[Dd]r\.?\s+/, 'Dr ').trim();
    const role = (m[1] ?? m[3])?.toLowerCase();
    return role ? `${name}, ${role === 'crna' ? 'CRNA' : role}` : name;
  }
  return null;
}

function buildPresence(sorted: readonly CaseEvent[]): Timeline['readerPresence'] {
  const out: { start: number; end: number | null }[] = [];
  for (const e of sorted) {
    const last = out[out.length - 1];
    if (e.kind === 'physician_joined' && (!last || last.end !== null)) out.push({ start: e.occurredAt, end: null });
    else if (e.kind === 'physician_left' && last && last.end === null) last.end = e.occurredAt;
  }
  return out;
}

function buildGaps(segments: readonly MonitoringSegment[], lanes: readonly Lane[], gapMs: number): Timeline['gaps'] {
  if (lanes.length === 0) return [];
  const covered = mergeIntervals(lanes.flatMap((l) => l.intervals), 0);
  const gaps: { start: number; end: number }[] = [];
  for (const seg of segments) {
    let cursor = seg.start;
    for (const c of covered) {
      if (c.end < seg.start || c.start > seg.end) continue;
      if (c.start - cursor > gapMs) gaps.push({ start: cursor, end: c.start });
      cursor = Math.max(cursor, c.end);
    }
    if (seg.end - cursor > gapMs) gaps.push({ start: cursor, end: seg.end });
  }
  return gaps;
}

/**
 * A device clock that jumps (backwards, or by hours) between consecutive events of one live
 * stream. Only serial sources arrive in device order; a folder delivers file after file, each
 * starting earlier than the last one ended, which is not a jump.
 */
function detectClockJumps(events: readonly CaseEvent[], issue: Issue, clock: Clock): void {
  const bySource = new Map<string, CaseEvent[]>();
  for (const e of events) {
    if (!e.source.startsWith('serial:')) continue;
    const list = bySource.get(e.source) ?? [];
    list.push(e);
    bySource.set(e.source, list);
  }
  for (const [source, list] of bySource) {
    list.sort((a, b) => a.id - b.id);
    for (let i = 1; i < list.length; i++) {
      const prev = list[i - 1]!;
      const cur = list[i]!;
      const dt = cur.occurredAt - prev.occurredAt;
      const arrival = cur.receivedAt - prev.receivedAt;
      // Device time going back while arrival moved forward, or leaping hours ahead of arrival.
      if ((dt < -5 * 60_000 && arrival >= 0) || dt - arrival > 6 * 3600_000) {
        issue('clock_jump', `The clock of ${source} jumped from ${clock(prev.occurredAt)} to ${clock(cur.occurredAt)}; times from it after that point may be wrong.`, [prev.id, cur.id]);
        break;
      }
    }
  }
}
