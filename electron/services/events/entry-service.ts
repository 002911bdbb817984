/**
 * What the technologist records by hand: quick entries (structured facts at the keystroke) and
 * typed notes recorded as what the site's rules read them as. Both become events of the kinds the
 * device parsers produce, with source "keyboard" and who typed them, so every view treats a typed
 * fact like an exported one. Events are never edited: a note recorded as an alert stays, marked
 * as superseded by the alert made from it.
 */
import type { ArgsOut, ResultOf } from '../../../shared/contract/api';
import { acceptsEvents, whyNoEvents } from '../../../shared/domain/case-status';
import type { CaseRecord } from '../../../shared/domain/case';
import type { CaseEvent } from '../../../shared/domain/event';
import { NOTE_MAX_AGE_MS, NOTE_MAX_FUTURE_MS } from '../../../shared/domain/event';
import { compileRules, limbOfText, type CompiledRules } from '../../../shared/domain/mapping';
import { readText } from '../../../shared/domain/normalize';
import { entryEvents, type AlertRef, type EntryEvent } from '../../../shared/domain/quick-entry';
import type { ServiceContext } from '../context';
import { liveReportFor } from '../report/live-reports';
import { AppError } from '../store/store-errors';
import { caseNow } from '../../../shared/domain/case-clock';
import { caseClockOf } from '../demo/demo-clock';

/** The site's names-and-words rules, as capture uses them. */
export function siteRules(ctx: ServiceContext): CompiledRules {
  return ctx.capture?.rules() ?? compileRules(ctx.store.capture.listRules());
}

/** Who typed it: the case's technologist, else the account the app runs as. */
export function typedBy(ctx: ServiceContext, c: CaseRecord): string {
  const tech = c.technologistId ? ctx.store.people.get(c.technologistId) : null;
  return tech ? `${tech.firstName} ${tech.lastName}` : ctx.actor;
}

/**
 * A typed time must fit the case's clock (the workstation's, or the demo's): not in the future,
 * not more than a day old.
 */
export function checkTypedTime(
  ctx: ServiceContext,
  caseId: string,
  at: number,
  field: string,
  message = 'That time does not fit the workstation clock, so nothing was stored. Check the time (and the computer clock) and try again.',
): void {
  const now = caseNow(caseClockOf(ctx, caseId), ctx.now());
  if (at > now + NOTE_MAX_FUTURE_MS || at < now - NOTE_MAX_AGE_MS) {
    throw new AppError('BAD_INPUT', message, { [field]: 'The time is in the future or more than a day old.' });
  }
}

/**
 * The one writer of what is typed (notes, quick entries, readings): the events at one time, in one
 * transaction with an audit row, each announced once. The dedupe key makes a resend one record.
 */
export function storeTyped(ctx: ServiceContext, caseId: string, made: readonly EntryEvent[], at: number, key: string, payload: Record<string, unknown> | null, action: string): CaseEvent[] {
  const now = ctx.now();
  const stored = ctx.store.write(() => {
    const fresh = ctx.store.cases.mustGet(caseId);
    if (!acceptsEvents(fresh.status)) throw new AppError('INVALID_STATE', whyNoEvents(fresh.status));
    const rows = made.map((m) =>
      ctx.store.events.append({
        caseId,
        kind: m.kind,
        modality: m.modality,
        side: m.side,
        limb: m.limb,
        modalityName: null,
        text: m.text,
        occurredAt: at,
        receivedAt: now,
        source: 'keyboard',
        dedupeKey: `${key}${m.keySuffix}`,
        raw: null,
        clockZone: ctx.timeZone,
        payload,
      }),
    );
    if (rows.some((r) => r.inserted)) {
      ctx.store.audit.append({ actor: ctx.actor, action, caseId, detail: { kind: made[0]?.kind ?? '', count: rows.length, eventId: rows[0]?.event.id ?? 0 } }, now);
    }
    return rows;
  });
  for (const r of stored) if (r.inserted) ctx.emit({ name: 'eventCaptured', payload: { caseId, event: r.event } });
  return stored.map((r) => r.event);
}

/** The alert a recovery answers: the one named, else the latest one without an outcome. */
function alertFor(ctx: ServiceContext, c: CaseRecord, alertEventId: number | null): AlertRef {
  if (alertEventId !== null) {
    const e = ctx.store.events.get(c.id, alertEventId);
    if (!e || e.kind !== 'alert') throw new AppError('BAD_INPUT', 'That alert is not on this case.', { alertEventId: 'Choose one of the case’s alerts.' });
    return { modality: e.modality, side: e.side, limb: e.limb };
  }
  const open = liveReportFor(ctx, c).timeline().alerts.filter((a) => a.outcome === 'unresolved');
  const last = open.at(-1);
  if (!last) throw new AppError('BAD_INPUT', 'There is no alert without an outcome on this case: record the alert first.', { alertEventId: 'No open alert.' });
  return { modality: last.modality, side: last.side, limb: last.limb };
}

export function addEntry(ctx: ServiceContext, a: ArgsOut<'addEntry'>): ResultOf<'addEntry'> {
  checkTypedTime(ctx, a.caseId, a.occurredAt, 'occurredAt');
  if (a.keyedAt !== null) checkTypedTime(ctx, a.caseId, a.keyedAt, 'keyedAt');
  const c = ctx.store.cases.mustGet(a.caseId);
  if (!acceptsEvents(c.status)) throw new AppError('INVALID_STATE', whyNoEvents(c.status));
  const alert = a.entry.kind === 'alert_resolved' ? alertFor(ctx, c, a.entry.alertEventId) : null;
  const made = entryEvents(a.entry, alert, limbOfText);
  // The original keystroke stays beside a corrected time.
  const payload = { entry: a.entry, typedBy: typedBy(ctx, c), ...(a.keyedAt !== null && a.keyedAt !== a.occurredAt ? { keyedAt: a.keyedAt } : {}) };
  return storeTyped(ctx, c.id, made, a.occurredAt, `entry:${a.clientId}`, payload, 'event.entry');
}

/** How the site's rules read a typed note, offered beside it (never applied by itself). */
export function noteReading(ctx: ServiceContext, text: string): Record<string, unknown> | null {
  const r = readText(text, null, siteRules(ctx));
  if (!r.kind || r.kind === 'note' || r.kind === 'marker') return null;
  return { kind: r.kind, modality: r.modality, side: r.side, limb: r.limb, notified: r.notified };
}

export function acceptNoteReading(ctx: ServiceContext, a: ArgsOut<'acceptNoteReading'>): ResultOf<'acceptNoteReading'> {
  const c = ctx.store.cases.mustGet(a.caseId);
  const note = ctx.store.events.get(c.id, a.noteId);
  if (!note || note.kind !== 'note' || note.source !== 'keyboard') throw new AppError('NOT_FOUND', 'That typed note is not on this case.');
  // Read again now: the rules may have changed since the note was typed.
  const r = readText(note.text, null, siteRules(ctx));
  if (!r.kind || r.kind === 'note' || r.kind === 'marker') throw new AppError('BAD_INPUT', 'The site’s rules read this note as a plain note now: nothing to record.');
  const base = { modality: r.modality as EntryEvent['modality'], side: r.side as EntryEvent['side'], limb: r.limb as EntryEvent['limb'], text: note.text };
  const made: EntryEvent[] = [{ keySuffix: '', kind: r.kind, ...base }, ...(r.notified ? [{ keySuffix: ':notified', kind: 'surgeon_notified' as const, ...base }] : [])];
  return storeTyped(ctx, c.id, made, note.occurredAt, `reading:${note.id}`, { fromNote: note.id, typedBy: typedBy(ctx, c) }, 'event.note_reading');
}
