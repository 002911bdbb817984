/**
 * One click to the EHR: the signed report's PDF (kept as sent), queued for every configured
 * destination, delivered by the worker; plus the PDF for "Save as / print", and the settings.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { ArgsOut, ResultOf } from '../../../shared/contract/api';
import { fileNameFor } from '../../../shared/ehr/settings';
import { mdmInput } from '../../../shared/ehr/mdm-input';
import { buildMdm } from '../../../shared/hl7/mdm';
import { zonedIsoDate } from '../../../shared/util/zoned-time';
import type { ServiceContext } from '../context';
import { buildReport } from '../report/report-service';
import { liveReportFor } from '../report/live-reports';
import { AppError } from '../store/store-errors';
import { adminGuard, authorizeUser } from '../users/authorize';

/**
 * The PDF writer (pdf-lib and the fonts: ~25 ms to load in a fresh process) is loaded when a
 * report is first rendered, not by every command that opens the backend.
 */
const pdfModules = () =>
  Promise.all([import('../export/pdf/export-report-pdf'), import('../export/pdf/pdf-coverage'), import('../export/pdf/pdf-assets')]).then(([report, coverage, assets]) => ({
    ...report,
    ...coverage,
    ...assets,
  }));
import { ehrSettings, storeEhrSettings } from './ehr-settings';

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** MSH-10: unique, and within v2.5.1's 20 characters. */
function controlId(now: number): string {
  return `CO${now.toString(36).toUpperCase()}${randomBytes(4).toString('hex').toUpperCase()}`.slice(0, 20);
}

/** The PDF of the newest signed version, rendered once and kept exactly as sent. */
async function signedDocument(ctx: ServiceContext, caseId: string): Promise<{ version: number; pdf: Uint8Array; sha256: string }> {
  const versions = ctx.store.report.versions(caseId);
  if (versions.length === 0) throw new AppError('INVALID_STATE', 'Sign the report first: only a signed report goes to the EHR.');
  const version = Math.max(...versions.map((v) => v.version));
  const kept = ctx.store.delivery.document(caseId, version);
  if (kept) return { version, ...kept };
  const pdf = await (await pdfModules()).exportReportPdf(ctx, caseId, ehrSettings(ctx).letterhead);
  const hash = sha256(pdf);
  ctx.store.write(() => ctx.store.delivery.saveDocument(caseId, version, pdf, hash, ctx.now()));
  // Another call may have stored it first: what is kept is what is sent.
  return { version, ...(ctx.store.delivery.document(caseId, version) ?? { pdf, sha256: hash }) };
}

export async function sendToEhr(ctx: ServiceContext, a: ArgsOut<'sendToEhr'>): Promise<ResultOf<'sendToEhr'>> {
  const c = ctx.store.cases.mustGet(a.caseId);
  const settings = ehrSettings(ctx);
  const chosen = settings.destinations.filter((d) => d.enabled && (!a.destinations || a.destinations.some((x) => x === d.id || x.toLowerCase() === d.name.toLowerCase())));
  if (settings.destinations.filter((d) => d.enabled).length === 0) throw new AppError('INVALID_STATE', 'No EHR destination is set up. An administrator adds one under Settings → EHR.');
  if (chosen.length === 0) throw new AppError('BAD_INPUT', `No enabled destination is called ${a.destinations?.join(', ')}.`);
  const doc = await signedDocument(ctx, c.id);
  const v = ctx.store.report.versions(c.id).find((x) => x.version === doc.version)!;
  const get = (id: string | null) => (id ? ctx.store.people.get(id) : null);
  const facts = liveReportFor(ctx, c).facts();
  const earlier = ctx.store.delivery.forCase(c.id).filter((d) => d.version === doc.version);
  const now = ctx.now();

  // Build every message before queueing any: a problem (no NPI…) is reported, nothing half-queued.
  const queued = chosen.map((dest) => {
    if (dest.kind === 'folder') {
      const reference = fileNameFor(dest.fileNamePattern, { caseId: c.id, mrn: c.patient.mrn, lastName: c.patient.lastName, firstName: c.patient.firstName, dos: c.dateOfService, version: String(doc.version), kind: v.kind, signedAt: zonedIsoDate(v.signedAt, c.timeZone) }, 'pdf');
      return { dest, reference, payload: null };
    }
    const id = controlId(now);
    const built = buildMdm(mdmInput({ record: c, surgeon: get(c.surgeonId), physician: get(c.physicianId), version: v, activityAt: facts.monitoring.start, pdf: doc.pdf, controlId: id, now }, dest));
    if (!built.ok) throw new AppError('BAD_INPUT', `The HL7 message for ${dest.name} cannot be built: ${built.reason}. Fix the case record or the destination settings.`);
    return { dest, reference: id, payload: built.message };
  });
  ctx.store.write(() => {
    for (const q of queued) {
      const again = earlier.some((d) => d.destinationId === q.dest.id);
      ctx.store.delivery.enqueue({ caseId: c.id, version: doc.version, destinationId: q.dest.id, destinationName: q.dest.name, kind: q.dest.kind, reference: q.reference, payload: q.payload, requestedBy: ctx.actor }, now);
      ctx.store.audit.append({ actor: ctx.actor, action: again ? 'ehr.resend' : 'ehr.send', caseId: c.id, detail: { destination: q.dest.id, version: doc.version } }, now);
    }
  });
  ctx.emit({ name: 'deliveryChanged', payload: { caseId: c.id } });
  ctx.delivery?.kick();
  if (a.wait) await ctx.delivery?.idle();
  return ctx.store.delivery.forCase(c.id).map(({ payload: _p, ...d }) => d);
}

export function listDeliveries(ctx: ServiceContext, a: ArgsOut<'listDeliveries'>): ResultOf<'listDeliveries'> {
  ctx.store.cases.mustGet(a.caseId);
  return ctx.store.delivery.forCase(a.caseId).map(({ payload: _p, ...d }) => d);
}

/** The report as a PDF for "Save as / print": the signed one as kept, else a DRAFT. */
export async function exportPdf(ctx: ServiceContext, a: ArgsOut<'exportPdf'>): Promise<ResultOf<'exportPdf'>> {
  const c = ctx.store.cases.mustGet(a.caseId);
  const signed = ctx.store.report.versions(c.id).length > 0;
  const { exportReportPdf, glyphWarnings, loadPdfAssets, toPdfLetterhead } = await pdfModules();
  const pdf = signed ? (await signedDocument(ctx, c.id)).pdf : await exportReportPdf(ctx, c.id, ehrSettings(ctx).letterhead);
  ctx.store.write(() => ctx.store.audit.append({ actor: ctx.actor, action: 'report.export_pdf', caseId: c.id, detail: { signed, bytes: pdf.length } }, ctx.now()));
  const name = fileNameFor('{mrn}_{dos}_IONM_{caseId}_v{version}', { caseId: c.id, mrn: c.patient.mrn, lastName: '', firstName: '', dos: c.dateOfService, version: signed ? String(ctx.store.report.versions(c.id).length) : 'draft', kind: '', signedAt: '' }, 'pdf');
  const report = buildReport(ctx, c);
  const warnings = await glyphWarnings({ record: c, report, facts: report.facts, letterhead: toPdfLetterhead(ehrSettings(ctx).letterhead) }, await loadPdfAssets());
  return { fileName: name, signed, base64: Buffer.from(pdf).toString('base64'), bytes: pdf.length, warnings };
}

export function getEhrSettings(ctx: ServiceContext): ResultOf<'getEhrSettings'> {
  return ehrSettings(ctx);
}

export function saveEhrSettings(ctx: ServiceContext, a: ArgsOut<'saveEhrSettings'>): ResultOf<'saveEhrSettings'> {
  const user = authorizeUser(ctx, a.userId, a.pin, adminGuard('ehr.settings_refused', 'where reports are sent'));
  commitEhrSettings(ctx, a.settings, `user:${user.id}`);
  return ehrSettings(ctx);
}

/**
 * Store where reports go (checked already), audited as `actor`: the one path for an administrator
 * here and for the practice server's settings (`remote` says which version of the server's).
 */
export function commitEhrSettings(ctx: ServiceContext, settings: ArgsOut<'saveEhrSettings'>['settings'], actor: string, remote?: Readonly<Record<string, unknown>>, alsoInTransaction?: () => void): void {
  ctx.store.write(() => {
    storeEhrSettings(ctx, settings);
    alsoInTransaction?.();
    ctx.store.audit.append({ actor, action: 'ehr.settings', caseId: null, detail: { destinations: settings.destinations.map((d) => `${d.kind}:${d.id}`), ...(remote ? { remote } : {}) } }, ctx.now());
  });
  ctx.delivery?.kick();
  // Open report screens show which destinations a click will send to.
  ctx.emit({ name: 'storeChanged', payload: {} });
}
