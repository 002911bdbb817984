/**
 * An event as stored (the workstation's SQLite row, and the copy the practice server keeps of it)
 * and the CaseEvent the rest of the code reads. One mapping, so the server's timeline is the
 * workstation's.
 */
import type { CaseEvent } from './event';
import type { EventKind } from './event-kinds';

export type EventRow = {
  id: number;
  case_id: string;
  kind: EventKind;
  modality: string | null;
  side: string | null;
  limb: string | null;
  modality_name: string | null;
  text: string;
  occurred_at: number;
  received_at: number;
  source: string;
  dedupe_key: string;
  raw: string | null;
  clock_zone: string | null;
  payload: string | null;
};

export function eventFromRow(r: EventRow): CaseEvent {
  return {
    id: r.id,
    caseId: r.case_id,
    kind: r.kind,
    modality: r.modality,
    side: r.side,
    limb: r.limb,
    modalityName: r.modality_name,
    text: r.text,
    occurredAt: r.occurred_at,
    receivedAt: r.received_at,
    source: r.source,
    dedupeKey: r.dedupe_key,
    raw: r.raw,
    clockZone: r.clock_zone,
    payload: r.payload === null ? null : (JSON.parse(r.payload) as Record<string, unknown>),
  };
}
