/**
 * Signing from the practice server (#17): the remote physician reads the report as the
 * workstation drafted it and signs that text (its hash); the workstation applies the signature
 * only if its report still says exactly that, then sends the signed report to the EHR as if
 * signed here. A report that moved on since (a late event, an edit) is refused back, with why:
 * nobody's signature lands on a text they did not read.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../../shared/domain/audit';
import { signingBlockers } from '../../../shared/report/sign-rules';
import type { RemoteAuthor, RemoteEdit, RemoteOutcome, RemoteSignature, SignableDraft } from '../../../shared/domain/remote-signing';
import type { UserRole } from '../../../shared/domain/user';
import type { SignedContent } from '../../../shared/report/report';
import type { ServiceContext } from '../context';
import { AppError } from '../store/store-errors';
import { buildReport, commitAddendum, commitOriginal, saveSection, type Signer } from './report-service';

export type { RemoteEdit, RemoteOutcome, RemoteSignature, SignableDraft };

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The report of every closed, unsigned case, as a remote physician would read and sign it. */
export function signableDrafts(ctx: ServiceContext): SignableDraft[] {
  const ids = ctx.store.db.prepare(`SELECT id FROM cases WHERE status = 'closed' AND id NOT IN (SELECT case_id FROM report_versions)`).pluck().all() as string[];
  const out: SignableDraft[] = [];
  for (const id of ids) {
    const c = ctx.store.cases.get(id);
    if (c) out.push(draftOf(ctx, id, buildReport(ctx, c)));
  }
  return out;
}

type Covered = Pick<SignedContent, 'caseId' | 'patient' | 'dateOfService' | 'procedure' | 'sections'>;

/** The hash a remote signature is for: the signed content without who signed, when, and which version. */
function coveredSha(c: Covered): string {
  return sha256(canonicalJson({ caseId: c.caseId, patient: c.patient, dateOfService: c.dateOfService, procedure: c.procedure, sections: c.sections }));
}

function draftOf(ctx: ServiceContext, caseId: string, report: ReturnType<typeof buildReport>): SignableDraft {
  const c = ctx.store.cases.mustGet(caseId);
  const sections = report.sections.map((s) => ({ id: s.id, title: s.title, text: s.text }));
  const draftSha256 = coveredSha({
    caseId: c.id,
    patient: { lastName: c.patient.lastName, firstName: c.patient.firstName, mrn: c.patient.mrn, dateOfBirth: c.patient.dateOfBirth },
    dateOfService: c.dateOfService,
    procedure: c.procedure.description,
    sections,
  });
  const interp = report.sections.find((s) => s.id === 'interpretation');
  return {
    caseId,
    draftSha256,
    sections,
    interpretation: { written: !!interp && interp.origin !== 'draft', suggestion: interp?.suggestion ?? null },
    blockers: signingBlockers(report).map((b) => b.message),
  };
}

/**
 * The local account that names a practice-server user here (their versions, overrides): never
 * able to sign or override here itself, as it has no PIN. Made at their first act.
 */
export function remoteUser(ctx: ServiceContext, author: RemoteAuthor, role: UserRole): Signer {
  const id = `remote:${author.serverUserId}`;
  const existing = ctx.store.users.get(id);
  if (!existing) {
    // User names are unique here, and the person may also have a local account.
    let name = `${author.name} (practice server)`;
    for (let n = 2; ctx.store.users.findByName(name); n++) name = `${author.name} (practice server ${n})`;
    ctx.store.users.insert({ id, name, role, personId: null, pinHash: null, active: true }, ctx.now());
  }
  return { userId: id, name: author.name, credential: author.credential };
}

/**
 * Apply one signature made on the practice server. Idempotent: a signature seen again (its answer
 * to the server was lost) gets the same outcome, and changes nothing.
 */
export function applyRemoteSignature(ctx: ServiceContext, sig: RemoteSignature): RemoteOutcome {
  const seen = answered(ctx, sig.id);
  if (seen) return seen;
  return ctx.store.write((): RemoteOutcome => {
    const result = decide(ctx, sig);
    recordAnswer(ctx, sig.id, sig.caseId, result);
    if (result.state === 'refused') ctx.store.audit.append({ actor: `remote:${sig.signer.serverUserId}`, action: 'report.sign_remote_refused', caseId: sig.caseId, detail: { signatureId: sig.id } }, ctx.now());
    return result;
  });
}

/** The answer already given to a signature or edit from the server (its answer was lost on the way back), if any. */
export function answered(ctx: ServiceContext, id: string): RemoteOutcome | null {
  const seen = ctx.store.db.prepare('SELECT outcome, version, reason FROM sync_remote_signatures WHERE id = ?').get(id) as { outcome: string; version: number | null; reason: string | null } | undefined;
  if (!seen) return null;
  return seen.outcome === 'applied' ? { state: 'applied', version: seen.version ?? 0 } : { state: 'refused', reason: seen.reason ?? '' };
}

export function recordAnswer(ctx: ServiceContext, id: string, caseId: string, o: RemoteOutcome): void {
  ctx.store.db
    .prepare('INSERT INTO sync_remote_signatures (id, case_id, outcome, version, reason, at) VALUES (?, ?, ?, ?, ?, ?)')
    .run(id, caseId, o.state, o.state === 'applied' && o.version > 0 ? o.version : null, o.state === 'refused' ? o.reason : null, ctx.now());
}

function decide(ctx: ServiceContext, sig: RemoteSignature): RemoteOutcome {
  const c = ctx.store.cases.get(sig.caseId);
  if (!c) return { state: 'refused', reason: 'This workstation no longer has the case.' };
  const remote = { signatureId: sig.id, npi: sig.signer.npi };
  const versions = ctx.store.report.versions(c.id);
  const last = versions.at(-1);
  if (last) {
    // Signed here and on the server at once: both are kept, in order, and the second says so.
    const original = versions[0]!;
    const sameText = coveredSha(JSON.parse(original.content) as SignedContent) === sig.draftSha256;
    const when = new Date(sig.signedAt).toISOString().replace('T', ' ').slice(0, 16);
    const text = `Also signed on the practice server by ${sig.signer.name}${sig.signer.credential ? `, ${sig.signer.credential}` : ''} at ${when} UTC, for ${sameText ? 'the same report text' : 'an earlier draft of this report'}, while it was being signed on this workstation (version ${original.version}, ${original.signerName}). Both signatures are kept.`;
    const stored = commitAddendum(ctx, c, last, remoteUser(ctx, sig.signer, 'physician'), text, Math.max(sig.signedAt, last.signedAt + 1), `remote:${sig.signer.serverUserId}`, remote);
    return { state: 'applied', version: stored.version };
  }
  if (c.status !== 'closed') return { state: 'refused', reason: 'The case was reopened on the workstation after you read it; it comes back to your queue when it is closed again.' };
  const report = buildReport(ctx, c);
  const draft = draftOf(ctx, c.id, report);
  if (draft.draftSha256 !== sig.draftSha256) {
    return { state: 'refused', reason: 'The report changed on the workstation after you read it (a new event or an edit). Read it again and sign.' };
  }
  if (draft.blockers.length > 0) return { state: 'refused', reason: `Not signed. ${draft.blockers.join(' ')}` };
  const stored = commitOriginal(ctx, c, report, remoteUser(ctx, sig.signer, 'physician'), sig.signedAt, `remote:${sig.signer.serverUserId}`, remote);
  return { state: 'applied', version: stored.version };
}

/** After a remote signature: the signed report goes to every EHR destination, as a signature here would. */
export async function deliverAfterRemoteSignature(ctx: ServiceContext, caseId: string): Promise<void> {
  const ehr = await import('../ehr/ehr-service');
  if (!ehr.getEhrSettings(ctx).destinations.some((d) => d.enabled)) return;
  try {
    await ehr.sendToEhr(ctx, { caseId, wait: false });
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    ctx.log.warn('sync.remote_delivery_not_started', { code: e.code });
  }
}

/**
 * Apply an interpretation written on the practice server: saved as that physician's own text
 * (the audit names them), as if typed here. Refused when the report is signed already.
 * Idempotent as signatures are (same table, same answer).
 */
export function applyRemoteEdit(ctx: ServiceContext, edit: RemoteEdit): RemoteOutcome {
  const seen = answered(ctx, edit.id);
  if (seen) return seen;
  let outcome: RemoteOutcome;
  try {
    // The edit is the remote physician's: the audit and the section's "edited by" name them.
    saveSection({ ...ctx, actor: `remote:${edit.author.serverUserId}` }, { caseId: edit.caseId, sectionId: edit.sectionId, text: edit.text, origin: 'person' });
    outcome = { state: 'applied', version: 0 };
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    outcome = { state: 'refused', reason: e.message };
  }
  recordAnswer(ctx, edit.id, edit.caseId, outcome);
  return outcome;
}
