import { useEffect, useState } from 'react';
import type { CaseEvent } from '../../../../shared/domain/event';
import { EVENT_KIND_LABELS, type EventKind } from '../../../../shared/domain/event-kinds';
import { isModality, modalityLabel } from '../../../../shared/domain/modality';
import { localClock } from '../../../../shared/util/time';
import { useClient, useQuery } from '../../api/hooks';
import { ErrorBanner } from '../../components/Field';
import { ReadingOffer } from './NoteBox';
import { readingOf } from './note-reading';

/** Kinds that arrive as streams (every trial, every vital sign): hidden from the list by default. */
const STREAM_KINDS: readonly EventKind[] = ['modality_activity', 'vitals'];

/** Newest first by when it happened; stable for equal times. */
function byNewest(a: CaseEvent, b: CaseEvent): number {
  return b.occurredAt - a.occurredAt || b.id - a.id;
}

function mergeEvents(list: readonly CaseEvent[], more: readonly CaseEvent[]): CaseEvent[] {
  const byId = new Map(list.map((e) => [e.id, e]));
  for (const e of more) byId.set(e.id, e);
  return [...byId.values()].sort(byNewest);
}

/**
 * The case's events, newest first. Loaded once, then kept current by pushed `eventCaptured`
 * messages: a captured fact shows up without a refresh and without polling.
 */
export function EventList({ caseId }: { caseId: string }) {
  const client = useClient();
  const sources = useQuery('listSources', {});
  const sourceLabel = (e: CaseEvent): string => {
    const source = e.source;
    if (source === 'keyboard') return typeof e.payload?.['typedBy'] === 'string' ? `typed by ${e.payload['typedBy']}` : 'typed';
    const [kind, id] = source.split(':');
    const s = sources.data?.find((x) => x.id === id);
    return s?.name || (kind === 'folder' ? 'export folder' : kind === 'serial' ? 'serial port' : source);
  };
  // Every trial of every modality is in the timeline picture, and vitals stream every minute:
  // by default the list keeps to the facts a person reads.
  const [showTrials, setShowTrials] = useState(false);
  const initial = useQuery(
    'listEvents',
    { caseId, limit: 1000, excludeKinds: showTrials ? [] : [...STREAM_KINDS] },
    (m) => m.name === 'eventsCaptured' && m.payload.caseId === caseId,
    300,
  );
  const [events, setEvents] = useState<CaseEvent[]>([]);
  const [fresh, setFresh] = useState<ReadonlySet<number>>(new Set());

  // Merge, never replace: a (re)load can finish after a pushed event was already shown, and
  // events are append-only, so the union by id is always right.
  useEffect(() => {
    const loaded = initial.data;
    if (loaded) setEvents((list) => mergeEvents(showTrials ? list : list.filter((e) => !STREAM_KINDS.includes(e.kind)), loaded));
  }, [initial.data, showTrials]);

  useEffect(
    () =>
      client.on('eventCaptured', ({ caseId: id, event }) => {
        if (id !== caseId || (!showTrials && STREAM_KINDS.includes(event.kind))) return;
        setEvents((list) => mergeEvents(list, [event]));
        setFresh((s) => new Set(s).add(event.id));
      }),
    [client, caseId, showTrials],
  );

  // A typed note recorded as what it reads as stays in the list, marked (events are never edited).
  const superseded = new Map<number, EventKind>();
  for (const e of events) if (typeof e.payload?.['fromNote'] === 'number') superseded.set(e.payload['fromNote'] as number, e.kind);

  return (
    <div className="events">
      <label className="check small muted">
        <input type="checkbox" checked={showTrials} onChange={(e) => setShowTrials(e.target.checked)} /> Show each trial and vital sign
      </label>
      <ErrorBanner message={initial.error?.message} />
      {initial.data && events.length === 0 && <p className="empty">No events yet. Captured events and your notes appear here.</p>}
      <ol className="event-list" aria-label="Events">
        {events.map((e) => (
          <li key={e.id} className={`event${fresh.has(e.id) ? ' fresh' : ''}${superseded.has(e.id) ? ' superseded' : ''}`} data-kind={e.kind}>
            <time className="mono" dateTime={new Date(e.occurredAt).toISOString()}>
              {localClock(e.occurredAt)}
            </time>
            <span className={`kind kind-${e.kind}`}>{EVENT_KIND_LABELS[e.kind]}</span>
            <span className="event-text">
              {e.modality && <strong>{isModality(e.modality) ? modalityLabel(e.modality, e.side, e.limb) : e.modality} </strong>}
              {e.text}
              {superseded.has(e.id) && <span className="muted small"> (recorded as {EVENT_KIND_LABELS[superseded.get(e.id)!].toLowerCase()})</span>}
              {typeof e.payload?.['keyedAt'] === 'number' && <span className="muted small"> (time corrected; keyed {localClock(e.payload['keyedAt'] as number)})</span>}
              {!superseded.has(e.id) && readingOf(e) && <ReadingOffer caseId={caseId} note={e} onDone={() => undefined} compact />}
            </span>
            <span className="source muted small">{sourceLabel(e)}</span>
          </li>
        ))}
      </ol>
    </div>
  );
}
