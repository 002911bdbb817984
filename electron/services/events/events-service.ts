import type { ArgsOut, ResultOf } from '../../../shared/contract/api';
import type { ServiceContext } from '../context';
import { liveReportFor } from '../report/live-reports';
import { AppError } from '../store/store-errors';
import { checkTypedTime, noteReading, storeTyped } from './entry-service';
import { caseNow } from '../../../shared/domain/case-clock';
import { caseClockOf } from '../demo/demo-clock';

export function listEvents(ctx: ServiceContext, a: ArgsOut<'listEvents'>): ResultOf<'listEvents'> {
  ctx.store.cases.mustGet(a.caseId);
  return ctx.store.events.listNewestFirst(a.caseId, a.limit, a.before, a.excludeKinds);
}

/**
 * Store a typed note at the instant its Enter key was pressed. The client's id makes a resend
 * (after a reconnect) land on the same row instead of a duplicate.
 */
export function addNote(ctx: ServiceContext, a: ArgsOut<'addNote'>): ResultOf<'addNote'> {
  checkTypedTime(ctx, a.caseId, a.occurredAt, 'occurredAt', 'The note time does not fit the workstation clock, so it was not stored. Check the computer clock and try again.');
  // A plain note is read by the site's rules as device text is; the reading is offered beside
  // it ("reads like an alert"), never applied by itself.
  const reading = a.kind === 'note' ? noteReading(ctx, a.text) : null;
  const note = { keySuffix: '', kind: a.kind, modality: null, side: null, limb: null, text: a.text } as const;
  return storeTyped(ctx, a.caseId, [note], a.occurredAt, `note:${a.clientId}`, reading ? { reading } : null, 'event.note')[0]!;
}

export function getTimeline(ctx: ServiceContext, a: ArgsOut<'getTimeline'>): ResultOf<'getTimeline'> {
  // The live report keeps the case's events indexed: refreshing reads only what is new.
  return liveReportFor(ctx, ctx.store.cases.mustGet(a.caseId)).timeline();
}

/** Marker from the global shortcut: the time is the key press, the case is the one capturing. */
export function dropMarker(ctx: ServiceContext, a: ArgsOut<'dropMarker'>): ResultOf<'dropMarker'> {
  const c = ctx.store.cases.capturing();
  if (!c) throw new AppError('INVALID_STATE', 'No case is capturing, so the marker was not stored. Start capture on the case first.');
  // The shortcut reports the real keystroke; on a case with its own clock (the demo) it is read on that clock.
  return addNote(ctx, { caseId: c.id, text: 'Marker', occurredAt: caseNow(caseClockOf(ctx, c.id), a.occurredAt), clientId: a.clientId, kind: 'marker' });
}
