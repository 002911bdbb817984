/**
 * Live reports of recently viewed cases, shared by the report, billing, export, entries and the
 * AI narrative: each keeps its events indexed, so while a case captures a refresh reads only the
 * events stored since the last one (the bench's "incremental update").
 */
import type { CaseRecord } from '../../../shared/domain/case';
import type { Person } from '../../../shared/domain/person';
import { LiveReport } from '../../../shared/report/live-report';
import type { ServiceContext } from '../context';

/** The people a case names, resolved. */
export function peopleOf(ctx: ServiceContext, c: CaseRecord) {
  const get = (id: string | null): Person | null => (id ? ctx.store.people.get(id) : null);
  return { surgeon: get(c.surgeonId), technologist: get(c.technologistId), physician: get(c.physicianId) };
}

const LIVE_LIMIT = 8;
const live = new WeakMap<ServiceContext['store'], Map<string, { report: LiveReport; key: string }>>();

export function liveReportFor(ctx: ServiceContext, c: CaseRecord): LiveReport {
  let byCase = live.get(ctx.store);
  if (!byCase) {
    byCase = new Map();
    live.set(ctx.store, byCase);
  }
  const people = peopleOf(ctx, c);
  // Record edits and people edits change the facts: they are part of the cache key.
  const key = `${c.version}|${[people.surgeon, people.technologist, people.physician].map((p) => (p ? `${p.id}@${p.updatedAt}` : '-')).join(',')}`;
  let entry = byCase.get(c.id);
  if (!entry) {
    entry = { report: new LiveReport(c, people), key };
    byCase.set(c.id, entry);
    if (byCase.size > LIVE_LIMIT) byCase.delete(byCase.keys().next().value as string);
  } else if (entry.key !== key) {
    entry.report.setRecord(c, people);
    entry.key = key;
  }
  entry.report.add(ctx.store.events.forReport(c.id, entry.report.maxId));
  return entry.report;
}
