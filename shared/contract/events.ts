/** Events the backend pushes to every connected UI. No polling: the UI updates from these. */
import type { CaseEvent } from '../domain/event';
import type { CaseStatus } from '../domain/vocabulary';
import type { SourceStatus } from '../domain/capture-source';
import type { AiRun } from '../report/ai-run';
import type { SyncStatus } from '../domain/sync';

export type PushEvents = {
  caseChanged: Readonly<{ caseId: string; status: CaseStatus }>;
  eventCaptured: Readonly<{ caseId: string; event: CaseEvent }>;
  /** Many events at once (a file read in bulk): reload rather than receive each. */
  eventsCaptured: Readonly<{ caseId: string; count: number }>;
  captureStatus: Readonly<{ sources: readonly SourceStatus[] }>;
  peopleChanged: Readonly<Record<string, never>>;
  /** The report of a case changed (edit, signature, addendum). */
  reportChanged: Readonly<{ caseId: string }>;
  /** The AI narrative of a case moved on (a section grew, or the run ended): the whole run, replace. */
  aiNarrative: Readonly<{ caseId: string; run: AiRun }>;
  /** The claim of a case changed for a reason other than its events (billing answers, override). */
  claimChanged: Readonly<{ caseId: string }>;
  /** A delivery of the case's report to the EHR was queued or moved on. */
  deliveryChanged: Readonly<{ caseId: string }>;
  /** Where the workstation stands with the practice server changed (synced, N waiting, unreachable). */
  syncStatus: SyncStatus;
  /** Another program (the CLI, a second window) changed the database: reload what is shown. */
  storeChanged: Readonly<Record<string, never>>;
};
export type PushEventName = keyof PushEvents;
export type PushMessage = { [K in PushEventName]: Readonly<{ name: K; payload: PushEvents[K] }> }[PushEventName];

export const PUSH_EVENT_NAMES = ['caseChanged', 'eventCaptured', 'eventsCaptured', 'captureStatus', 'peopleChanged', 'reportChanged', 'aiNarrative', 'claimChanged', 'deliveryChanged', 'syncStatus', 'storeChanged'] as const satisfies readonly PushEventName[];
