import type { ArgsOut, Method, ResultOf } from '../../shared/contract/api';
import type { ServiceContext } from '../services/context';
import { damagedDatabase } from '../services/store/store-errors';

// Each service module is loaded the first time one of its methods is called: a command that
// lists cases does not compile the report drafter, the billing rules or the AI client (#15).
const cases = () => import('../services/cases/case-service');
const casefile = () => import('../services/casefile/casefile-service');
const people = () => import('../services/people/people-service');
const notes = () => import('../services/events/events-service');
const entries = () => import('../services/events/entry-service');
const capture = () => import('../services/capture/capture-handlers');
const report = () => import('../services/report/report-service');
const users = () => import('../services/users/users-service');
const ai = () => import('../services/ai/ai-service');
const billing = () => import('../services/billing/billing-service');
const ehr = () => import('../services/ehr/ehr-service');
const dashboard = () => import('../services/dashboard/dashboard-service');
const audit = () => import('../services/audit/audit-service');
const sync = () => import('../services/sync/sync-service');

/**
 * Load every service module now. The app calls it once it has started (a long-running process
 * whose first opened case should not wait for the report drafter to compile); the CLI never does.
 */
export async function warmHandlers(): Promise<void> {
  await Promise.all([cases, casefile, people, notes, entries, capture, report, users, ai, billing, ehr, dashboard, audit, sync].map((load) => load()));
}

type Handler<M extends Method> = (ctx: ServiceContext, args: ArgsOut<M>) => ResultOf<M> | Promise<ResultOf<M>>;
export type Handlers = { [M in Method]: Handler<M> };

/**
 * Nothing leaves the workstation from a damaged file: before a case file, a PDF, an EHR send or a
 * charge export, the whole-file check runs unless a clean one is less than a day old.
 */
function afterIntegrityCheck<M extends Method>(fn: Handler<M>): Handler<M> {
  return async (ctx, a) => {
    const r = await ctx.integrity?.ensureRecent();
    if (r && !r.ok) throw damagedDatabase(`the data folder (${ctx.store.dataDir})`, r.detail);
    return fn(ctx, a);
  };
}

/** A handler whose module loads on first call (then from the module cache). */
function lazy<T, M extends Method>(load: () => Promise<T>, pick: (m: T) => Handler<M>): Handler<M> {
  return async (ctx, a) => pick(await load())(ctx, a);
}

/**
 * A case's claim is indexed for the cross-case rules and the practice dashboard: refresh it when
 * the case closes, its record (reader, payer, room) changes, it is imported or its report is
 * signed (here, or on the practice server). The change itself has happened: a failure here is
 * logged, not returned.
 */
export async function reindexClaim(ctx: ServiceContext, caseId: string): Promise<void> {
  const c = ctx.store.cases.get(caseId);
  if (!c) return;
  try {
    (await billing()).caseClaim(ctx, c);
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
export async function afterImport(ctx: ServiceContext, r: ResultOf<'importCaseFile'>): Promise<ResultOf<'importCaseFile'>> {
  if (r.events <= IMPORT_CLAIM_MAX_EVENTS) await reindexClaim(ctx, r.caseId);
  return r;
}

/** Run a handler, then refresh the claim index of the case it names. */
function thenReindex<M extends Method>(fn: Handler<M>, caseIdOf: (a: ArgsOut<M>, r: ResultOf<M>) => string): Handler<M> {
  return async (ctx, a) => {
    const r = await fn(ctx, a);
    await reindexClaim(ctx, caseIdOf(a, r));
    return r;
  };
}

/** Contract method → service function. `getStatus` is answered by the host itself. */
export const handlers: Omit<Handlers, 'getStatus'> = {
  // A lookup in the store: listing cases must not load the case service and the report drafter behind it.
  listCases: (ctx, a) => ctx.store.cases.list(a.search, a.limit),
  getCase: lazy(cases, (m) => m.getCase),
  createCase: lazy(cases, (m) => m.createCase),
  updateCase: thenReindex(lazy(cases, (m) => m.updateCase), (_a, r) => r.id),
  // On close, the report's lag clock is stamped in the same transaction: the step belongs to the
  // report, so it is handed to the case service here rather than the two services importing each other.
  setCaseStatus: thenReindex(async (ctx, a) => {
    const [c, r] = await Promise.all([cases(), report()]);
    return c.setCaseStatus(ctx, a, (closed) => r.stampReportTimes(ctx, closed));
  }, (_a, r) => r.id),
  exportCaseFile: afterIntegrityCheck(lazy(casefile, (m) => m.exportCaseFile)),
  importCaseFile: async (ctx, a) => afterImport(ctx, (await casefile()).importCaseFile(ctx, a)),
  listEvents: lazy(notes, (m) => m.listEvents),
  addNote: lazy(notes, (m) => m.addNote),
  addEntry: lazy(entries, (m) => m.addEntry),
  acceptNoteReading: lazy(entries, (m) => m.acceptNoteReading),
  getTimeline: lazy(notes, (m) => m.getTimeline),
  dropMarker: lazy(notes, (m) => m.dropMarker),
  listPeople: lazy(people, (m) => m.listPeople),
  createPerson: lazy(people, (m) => m.createPerson),
  updatePerson: lazy(people, (m) => m.updatePerson),
  verifyAudit: lazy(audit, (m) => m.verifyAudit),
  getReport: lazy(report, (m) => m.getReport),
  saveSection: lazy(report, (m) => m.saveSection),
  signReport: thenReindex(lazy(report, (m) => m.signReport), (a) => a.caseId),
  addAddendum: lazy(report, (m) => m.addAddendum),
  getAiStatus: lazy(ai, (m) => m.getAiStatus),
  saveAiSettings: lazy(ai, (m) => m.saveAiSettings),
  setAiKey: lazy(ai, (m) => m.setAiKey),
  startAiNarrative: lazy(ai, (m) => m.startAiNarrative),
  cancelAiNarrative: lazy(ai, (m) => m.cancelAiNarrative),
  getAiNarrative: lazy(ai, (m) => m.getAiNarrative),
  getClaim: lazy(billing, (m) => m.getClaim),
  saveBillingDetails: lazy(billing, (m) => m.saveBillingDetails),
  overrideClaim: lazy(billing, (m) => m.overrideClaim),
  exportCharges: afterIntegrityCheck(lazy(billing, (m) => m.exportCharges)),
  claimFromCaseFile: lazy(billing, (m) => m.claimFromCaseFile),
  sendToEhr: afterIntegrityCheck(lazy(ehr, (m) => m.sendToEhr)),
  listDeliveries: lazy(ehr, (m) => m.listDeliveries),
  exportPdf: afterIntegrityCheck(lazy(ehr, (m) => m.exportPdf)),
  getEhrSettings: lazy(ehr, (m) => m.getEhrSettings),
  saveEhrSettings: lazy(ehr, (m) => m.saveEhrSettings),
  getBillingSettings: lazy(billing, (m) => m.getBillingSettings),
  saveBillingSettings: lazy(billing, (m) => m.saveBillingSettings),
  listUsers: lazy(users, (m) => m.listUsers),
  saveUser: lazy(users, (m) => m.saveUser),
  setUserPin: lazy(users, (m) => m.setUserPin),
  listSources: lazy(capture, (m) => m.listSources),
  saveSource: lazy(capture, (m) => m.saveSource),
  deleteSource: lazy(capture, (m) => m.deleteSource),
  listSerialPorts: lazy(capture, (m) => m.listSerialPorts),
  getCaptureStatus: lazy(capture, (m) => m.getCaptureStatus),
  listCaptureFiles: lazy(capture, (m) => m.listCaptureFiles),
  releaseHeldFile: lazy(capture, (m) => m.releaseHeldFile),
  listMappingRules: lazy(capture, (m) => m.listMappingRules),
  saveMappingRule: lazy(capture, (m) => m.saveMappingRule),
  deleteMappingRule: lazy(capture, (m) => m.deleteMappingRule),
  getDashboard: lazy(dashboard, (m) => m.getDashboard),
  getSyncStatus: lazy(sync, (m) => m.getSyncStatus),
  enrollSync: lazy(sync, (m) => m.enrollSync),
  syncNow: lazy(sync, (m) => m.syncNow),
};
