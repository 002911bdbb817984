import type { ArgsOut, Method, ResultOf } from '../../shared/contract/api';
import type { ServiceContext } from '../services/context';
import * as cases from '../services/cases/case-service';
import * as casefile from '../services/casefile/casefile-service';
import * as people from '../services/people/people-service';
import * as notes from '../services/events/notes-service';
import * as entries from '../services/events/entry-service';
import * as capture from '../services/capture/capture-handlers';
import * as report from '../services/report/report-service';
import * as users from '../services/users/users-service';
import * as ai from '../services/ai/ai-service';
import * as billing from '../services/billing/billing-service';
import * as ehr from '../services/ehr/ehr-service';
import * as dashboard from '../services/dashboard/dashboard-service';
import * as audit from '../services/audit/audit-service';

export type Handlers = { [M in Method]: (ctx: ServiceContext, args: ArgsOut<M>) => ResultOf<M> | Promise<ResultOf<M>> };

/**
 * A case's claim is indexed for the cross-case rules and the practice dashboard: refresh it when
 * the case closes, its record (reader, payer, room) changes, it is imported or its report is
 * signed. The change itself has happened: a failure here is logged, not returned.
 */
function reindexClaim(ctx: ServiceContext, caseId: string): void {
  const c = ctx.store.cases.get(caseId);
  if (!c) return;
  try {
    billing.caseClaim(ctx, c);
  } catch (e) {
    ctx.log.warn('billing.index_failed', { caseId, error: e instanceof Error ? e.name : 'unknown' });
  }
}

/**
 * Above this many events an imported case's claim is not computed during the import: computing
 * it holds every event (about 1.3 KB each), and an import is bounded in memory whatever its size.
 * The claim is computed when first needed instead: opened, on the dashboard (claims missing from
 * the index are computed there), or when a case of the same reader needs its neighbours.
 */
export const IMPORT_CLAIM_MAX_EVENTS = 50_000;

/** After an import: the case's claim is indexed now, unless the case is too large to do so within bounds. */
export function afterImport(ctx: ServiceContext, r: ResultOf<'importCaseFile'>): ResultOf<'importCaseFile'> {
  if (r.events <= IMPORT_CLAIM_MAX_EVENTS) reindexClaim(ctx, r.caseId);
  return r;
}

/** Run a handler, then refresh the claim index of the case it names. */
function thenReindex<A, R>(fn: (ctx: ServiceContext, a: A) => R, caseIdOf: (a: A, r: R) => string) {
  return (ctx: ServiceContext, a: A): R => {
    const r = fn(ctx, a);
    reindexClaim(ctx, caseIdOf(a, r));
    return r;
  };
}

/** Contract method → service function. `getStatus` is answered by the host itself. */
export const handlers: Omit<Handlers, 'getStatus'> = {
  listCases: cases.listCases,
  getCase: cases.getCase,
  createCase: cases.createCase,
  updateCase: thenReindex(cases.updateCase, (_a, r) => r.id),
  setCaseStatus: thenReindex(cases.setCaseStatus, (_a, r) => r.id),
  exportCaseFile: casefile.exportCaseFile,
  importCaseFile: (ctx, a) => afterImport(ctx, casefile.importCaseFile(ctx, a)),
  listEvents: notes.listEvents,
  addNote: notes.addNote,
  addEntry: entries.addEntry,
  acceptNoteReading: entries.acceptNoteReading,
  getTimeline: notes.getTimeline,
  dropMarker: notes.dropMarker,
  listPeople: people.listPeople,
  createPerson: people.createPerson,
  updatePerson: people.updatePerson,
  verifyAudit: audit.verifyAudit,
  getReport: report.getReport,
  saveSection: report.saveSection,
  signReport: thenReindex(report.signReport, (a) => a.caseId),
  addAddendum: report.addAddendum,
  getAiStatus: ai.getAiStatus,
  saveAiSettings: ai.saveAiSettings,
  setAiKey: ai.setAiKey,
  startAiNarrative: ai.startAiNarrative,
  cancelAiNarrative: ai.cancelAiNarrative,
  getAiNarrative: ai.getAiNarrative,
  getClaim: billing.getClaim,
  saveBillingDetails: billing.saveBillingDetails,
  overrideClaim: billing.overrideClaim,
  exportCharges: billing.exportCharges,
  claimFromCaseFile: billing.claimFromCaseFile,
  sendToEhr: ehr.sendToEhr,
  listDeliveries: ehr.listDeliveries,
  exportPdf: ehr.exportPdf,
  getEhrSettings: ehr.getEhrSettings,
  saveEhrSettings: ehr.saveEhrSettings,
  getBillingSettings: billing.getBillingSettings,
  saveBillingSettings: billing.saveBillingSettings,
  listUsers: users.listUsers,
  saveUser: users.saveUser,
  setUserPin: users.setUserPin,
  listSources: capture.listSources,
  saveSource: capture.saveSource,
  deleteSource: capture.deleteSource,
  listSerialPorts: capture.listSerialPorts,
  getCaptureStatus: capture.getCaptureStatus,
  listCaptureFiles: capture.listCaptureFiles,
  releaseHeldFile: capture.releaseHeldFile,
  listMappingRules: capture.listMappingRules,
  saveMappingRule: capture.saveMappingRule,
  deleteMappingRule: capture.deleteMappingRule,
  getDashboard: dashboard.getDashboard,
};
