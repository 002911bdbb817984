/**
 * The report of a case: the deterministic draft kept current from the captured facts, a
 * person's edits laid over it, and sign-off. A signed report never changes; a change after
 * signing is an addendum, signed again, the original kept. Every view, edit, sign and addendum
 * is in the audit log, refusals included.
 */
import { createHash } from 'node:crypto';
import type { ArgsOut, ResultOf } from '../../../shared/contract/api';
import { canonicalJson } from '../../../shared/domain/audit';
import { INTERPRETATION_GAP, SECTION_TITLES, type SectionId } from '../../../shared/report/draft';
import type { Report, ReportSection, ReportVersion, SignedContent } from '../../../shared/report/report';
import { isAiSection } from '../../../shared/report/ai-prompt';
import { checkNarrative } from '../../../shared/report/fact-check';
import { signingBlockers } from '../../../shared/report/sign-rules';
import { isRecordLocked } from '../../../shared/domain/case-status';
import type { CaseRecord } from '../../../shared/domain/case';
import type { ServiceContext } from '../context';
import { liveReportFor } from './live-reports';
import { AppError } from '../store/store-errors';
import type { StoredVersion } from '../store/report-repo';
import { digestEvents } from '../store/events-digest';
import { authorizeUser } from '../users/authorize';

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function versionOf(v: StoredVersion): ReportVersion {
  const content = JSON.parse(v.content) as SignedContent;
  return {
    version: v.version,
    kind: v.kind,
    signerName: v.signerName,
    signerCredential: v.signerCredential,
    signedAt: v.signedAt,
    contentSha256: v.contentSha256,
    sections: content.sections,
    addendumText: content.addendumText,
  };
}

/**
 * On close, the report lag clock: monitoring end, case close, and (when nothing is missing) the
 * draft complete. Called by the handlers inside the close's own transaction.
 */
export function stampReportTimes(ctx: ServiceContext, c: CaseRecord): void {
  const report = buildReport(ctx, c);
  if (report.facts.monitoring.end !== null) ctx.store.report.markTime(c.id, 'monitoring_ended', report.facts.monitoring.end);
  ctx.store.report.markTime(c.id, 'closed', ctx.now());
  if (report.gaps.length === 0) ctx.store.report.markTime(c.id, 'draft_complete', ctx.now());
}

/** The report as it stands now. Pure reads; the caller audits the view. */
export function buildReport(ctx: ServiceContext, c: CaseRecord): Report {
  const lr = liveReportFor(ctx, c);
  const facts = lr.facts();
  const draft = lr.draft();
  const edits = new Map(ctx.store.report.edits(c.id).map((e) => [e.sectionId, e]));
  const versions = ctx.store.report.versions(c.id).map(versionOf);
  const original = versions.find((v) => v.kind === 'original');
  const sections: ReportSection[] = draft.sections.map((s) => {
    const e = edits.get(s.id);
    // Once signed, the report shows what was signed, whatever the facts say since.
    const signed = original?.sections.find((x) => x.id === s.id);
    return {
      id: s.id,
      title: s.title,
      text: signed?.text ?? e?.text ?? s.text,
      generatedText: s.text,
      origin: e ? e.origin : 'draft',
      edited: e ? { by: e.editedBy, at: e.editedAt } : null,
      // A section that offers a suggestion (the interpretation) was edited from that suggestion.
      changedSinceEdit: !!e && e.basedOn !== (s.suggestion ?? s.text),
      gaps: e || signed ? [] : s.gaps,
      eventIds: s.eventIds,
      suggestion: signed ? null : s.suggestion,
    };
  });
  return { caseId: c.id, facts, sections, gaps: sections.flatMap((s) => s.gaps), versions, locked: original !== undefined };
}

export function getReport(ctx: ServiceContext, a: ArgsOut<'getReport'>): ResultOf<'getReport'> {
  const c = ctx.store.cases.mustGet(a.caseId);
  const report = buildReport(ctx, c);
  ctx.store.write(() => {
    ctx.store.audit.append({ actor: ctx.actor, action: 'report.view', caseId: c.id }, ctx.now());
    // The draft counts as complete the first time a closed case's report has no gaps but the
    // interpretation, which is the physician's to write, not the draft's.
    const draftGaps = report.gaps.filter((g) => g !== INTERPRETATION_GAP);
    if (draftGaps.length === 0 && c.status !== 'open' && c.status !== 'capturing') ctx.store.report.markTime(c.id, 'draft_complete', ctx.now());
  });
  return report;
}

export function saveSection(ctx: ServiceContext, a: ArgsOut<'saveSection'>): ResultOf<'saveSection'> {
  const c = ctx.store.cases.mustGet(a.caseId);
  ctx.store.write(() => {
    if (ctx.store.report.versions(c.id).length > 0 || isRecordLocked(c.status)) {
      ctx.store.audit.append({ actor: ctx.actor, action: 'report.edit_refused', caseId: c.id, detail: { code: 'signed' } }, ctx.now());
    }
  });
  if (ctx.store.report.versions(c.id).length > 0 || isRecordLocked(c.status)) {
    throw new AppError('INVALID_STATE', 'This report is signed and cannot change. Add an addendum instead.');
  }
  const report = buildReport(ctx, c);
  const current = report.sections.find((s) => s.id === a.sectionId);
  if (!current) throw new AppError('NOT_FOUND', 'That section does not exist.');
  if (a.origin === 'ai' && a.text !== null) refuseUncheckedAi(ctx, c.id, a.sectionId, a.text, report.facts);
  ctx.store.write(() => {
    if (a.text === null) ctx.store.report.dropEdit(c.id, a.sectionId);
    else ctx.store.report.saveEdit(c.id, { sectionId: a.sectionId, text: a.text, origin: a.origin, basedOn: current.suggestion ?? current.generatedText, editedBy: ctx.actor, editedAt: ctx.now() });
    ctx.store.audit.append({ actor: ctx.actor, action: a.text === null ? 'report.revert_section' : 'report.edit', caseId: c.id, detail: { kind: a.sectionId } }, ctx.now());
  });
  ctx.emit({ name: 'reportChanged', payload: { caseId: c.id } });
  return buildReport(ctx, c);
}

/**
 * AI text goes into the report only when every time, number, side, level and modality it names is
 * one the record holds now (facts may have moved on since the narrative was written).
 */
function refuseUncheckedAi(ctx: ServiceContext, caseId: string, sectionId: SectionId, text: string, facts: Report['facts']): void {
  const refuse = (code: string, message: string, count = 0): never => {
    ctx.store.write(() => ctx.store.audit.append({ actor: ctx.actor, action: 'report.edit_refused', caseId, detail: { code, kind: sectionId, count } }, ctx.now()));
    throw new AppError('BAD_INPUT', message, { text: message });
  };
  if (!isAiSection(sectionId)) refuse('not_ai_section', 'The AI does not write this section; edit it as your own text.');
  const { findings } = checkNarrative(text, facts);
  if (findings.length > 0) {
    const list = [...new Set(findings.map((f) => f.token))].slice(0, 6).join(', ');
    refuse('fact_check', `The AI text names ${findings.length === 1 ? 'a value' : `${findings.length} values`} the record does not hold (${list}). Correct ${findings.length === 1 ? 'it' : 'them'} or use the standard text.`, findings.length);
  }
}

/** Check the signer: a known, active physician with the right PIN. Refusals are audited. */
function checkSigner(ctx: ServiceContext, caseId: string, userRef: string, pin: string) {
  const user = authorizeUser(ctx, userRef, pin, {
    refusedAction: 'report.sign_refused',
    caseId,
    allowed: (role) => role === 'physician',
    notAllowed: (name) => `${name} is not an interpreting physician, so cannot sign reports.`,
    notAllowedCode: 'not_physician',
    nothingDone: 'Nothing was signed.',
    demoVerb: 'sign',
  });
  const person = user.personId ? ctx.store.people.get(user.personId) : null;
  return { user, credential: person?.credential ?? '' };
}

export function signReport(ctx: ServiceContext, a: ArgsOut<'signReport'>): ResultOf<'signReport'> {
  const c = ctx.store.cases.mustGet(a.caseId);
  if (ctx.store.report.versions(c.id).length > 0 || isRecordLocked(c.status)) {
    ctx.store.write(() => ctx.store.audit.append({ actor: ctx.actor, action: 'report.sign_refused', caseId: c.id, detail: { code: 'already_signed' } }, ctx.now()));
    throw new AppError('INVALID_STATE', 'This report is already signed. A change now is an addendum.');
  }
  if (c.status !== 'closed') {
    throw new AppError('INVALID_STATE', 'Close the case before signing: capture has to stop so the report cannot change under the signature.');
  }
  // What the report says is judged before who signs it: no PIN is needed to learn it is not ready.
  const report = buildReport(ctx, c);
  const blockers = signingBlockers(report);
  if (blockers.length > 0) {
    ctx.store.write(() => ctx.store.audit.append({ actor: ctx.actor, action: 'report.sign_refused', caseId: c.id, detail: { code: blockers[0]!.code, count: blockers.length } }, ctx.now()));
    throw new AppError('INVALID_STATE', `Not signed. ${blockers.map((b) => b.message).join(' ')}`);
  }
  const { user, credential } = checkSigner(ctx, c.id, a.userId, a.pin);
  return versionOf(commitOriginal(ctx, c, report, { userId: user.id, name: user.name, credential }, ctx.now(), `user:${user.id}`));
}

export type Signer = Readonly<{ userId: string; name: string; credential: string }>;

function patientOf(c: CaseRecord): SignedContent['patient'] {
  return { lastName: c.patient.lastName, firstName: c.patient.firstName, mrn: c.patient.mrn, dateOfBirth: c.patient.dateOfBirth };
}

/**
 * The report as it stands, signed: stored as version 1, the case marked signed, the audit entry
 * carrying the text's hash and the events' digest. The one path for a PIN at the workstation and
 * for a physician who signed on the practice server (`remote` in the audit entry's detail says so).
 */
export function commitOriginal(ctx: ServiceContext, c: CaseRecord, report: Report, signer: Signer, signedAt: number, actor: string, remote?: Readonly<Record<string, unknown>>): StoredVersion {
  const content: SignedContent = {
    caseId: c.id,
    version: 1,
    kind: 'original',
    patient: patientOf(c),
    dateOfService: c.dateOfService,
    procedure: c.procedure.description,
    sections: report.sections.map((s) => ({ id: s.id, title: s.title, text: s.text })),
    addendumText: null,
    parentSha256: null,
    signer,
    signedAt,
  };
  const text = canonicalJson(content);
  const stored: StoredVersion = { version: 1, kind: 'original', content: text, contentSha256: sha256(text), signerUserId: signer.userId, signerName: signer.name, signerCredential: signer.credential, signedAt };
  ctx.store.write(() => {
    ctx.store.report.insertVersion(c.id, stored);
    ctx.store.cases.setStatus(c.id, 'signed', signedAt);
    ctx.store.report.markTime(c.id, 'signed', signedAt);
    ctx.store.report.markTime(c.id, 'draft_complete', signedAt);
    // The signing entry carries what was signed (the text's hash) and what it was drawn from (the
    // events' digest): it sits in the anchored chain, so neither can be rewritten to match an edit.
    // The same signing entry wherever it was signed (audit verify finds it); `remote` says where.
    ctx.store.audit.append({ actor, action: 'report.sign', caseId: c.id, detail: { version: 1, contentSha256: stored.contentSha256, events: digestEvents(ctx.store.db, c.id), ...(remote ? { remote } : {}) } }, signedAt);
  });
  ctx.emit({ name: 'caseChanged', payload: { caseId: c.id, status: 'signed' } });
  ctx.emit({ name: 'reportChanged', payload: { caseId: c.id } });
  return stored;
}

/** An addendum after the newest version: stored, the case marked amended, audited. */
export function commitAddendum(ctx: ServiceContext, c: CaseRecord, last: StoredVersion, signer: Signer, addendum: string, signedAt: number, actor: string, remote?: Readonly<Record<string, unknown>>): StoredVersion {
  const content: SignedContent = {
    caseId: c.id,
    version: last.version + 1,
    kind: 'addendum',
    patient: patientOf(c),
    dateOfService: c.dateOfService,
    procedure: c.procedure.description,
    sections: [],
    addendumText: addendum,
    parentSha256: last.contentSha256,
    signer,
    signedAt,
  };
  const text = canonicalJson(content);
  const stored: StoredVersion = { version: last.version + 1, kind: 'addendum', content: text, contentSha256: sha256(text), signerUserId: signer.userId, signerName: signer.name, signerCredential: signer.credential, signedAt };
  ctx.store.write(() => {
    ctx.store.report.insertVersion(c.id, stored);
    ctx.store.cases.setStatus(c.id, 'amended', signedAt);
    ctx.store.audit.append({ actor, action: 'report.addendum', caseId: c.id, detail: { version: stored.version, contentSha256: stored.contentSha256, events: digestEvents(ctx.store.db, c.id), ...(remote ? { remote } : {}) } }, signedAt);
  });
  ctx.emit({ name: 'caseChanged', payload: { caseId: c.id, status: 'amended' } });
  ctx.emit({ name: 'reportChanged', payload: { caseId: c.id } });
  return stored;
}

export function addAddendum(ctx: ServiceContext, a: ArgsOut<'addAddendum'>): ResultOf<'addAddendum'> {
  const c = ctx.store.cases.mustGet(a.caseId);
  const versions = ctx.store.report.versions(c.id);
  const last = versions.at(-1);
  if (!last) throw new AppError('INVALID_STATE', 'The report is not signed yet: edit it directly, then sign.');
  const { user, credential } = checkSigner(ctx, c.id, a.userId, a.pin);
  return versionOf(commitAddendum(ctx, c, last, { userId: user.id, name: user.name, credential }, a.text, ctx.now(), `user:${user.id}`));
}

export { SECTION_TITLES };
export type { SectionId };
