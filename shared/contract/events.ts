/** Events the backend pushes to every connected UI. No polling: the UI updates from these. */
import type { CaseEvent } from '../domain/event';
import type { CaseStatus } from '../domain/vocabulary';

export type PushEvents = {
  caseChanged: Readonly<{ caseId: string; status: CaseStatus }>;
  eventCaptured: Readonly<{ caseId: string; event: CaseEvent }>;
  peopleChanged: Readonly<Record<string, never>>;
};
export type PushEventName = keyof PushEvents;
export type PushMessage = { [K in PushEventName]: Readonly<{ name: K; payload: PushEvents[K] }> }[PushEventName];

export const PUSH_EVENT_NAMES = ['caseChanged', 'eventCaptured', 'peopleChanged'] as const satisfies readonly PushEventName[];
