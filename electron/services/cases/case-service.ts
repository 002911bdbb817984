import type { ArgsOut, ResultOf } from '../../../shared/contract/api';
import { caseDateProblems, changedCaseFields, type CaseFields, type CaseRecord, type FieldErrors } from '../../../shared/domain/case';
import { caseRecordGaps } from '../../../shared/domain/case-gaps';
import { canMoveManually, isRecordLocked, manualMovesFrom } from '../../../shared/domain/case-status';
import { CASE_STATUS_LABELS, PERSON_ROLE_LABELS, type PersonRole } from '../../../shared/domain/vocabulary';
import type { Person } from '../../../shared/domain/person';
import type { ServiceContext } from '../context';
import { AppError } from '../store/store-errors';
import { caseClockOf } from '../demo/demo-clock';

const REFS: ReadonlyArray<readonly [keyof CaseFields & ('surgeonId' | 'technologistId' | 'physicianId'), PersonRole]> = [
  ['surgeonId', 'surgeon'],
  ['technologistId', 'technologist'],
  ['physicianId', 'physician'],
];

/** Day-dependent rules plus "the picked people exist and have the right role". */
function checkCase(ctx: ServiceContext, f: CaseFields): void {
  const fields: FieldErrors = caseDateProblems(f, ctx.today());
  for (const [key, role] of REFS) {
    const id = f[key];
    if (!id) continue;
    const p = ctx.store.people.get(id);
    if (!p) fields[key] = `That ${PERSON_ROLE_LABELS[role].toLowerCase()} is not in the people list.`;
    else if (p.role !== role) fields[key] = `${p.firstName} ${p.lastName} is listed as ${PERSON_ROLE_LABELS[p.role].toLowerCase()}, not ${PERSON_ROLE_LABELS[role].toLowerCase()}.`;
  }
  if (Object.keys(fields).length) throw new AppError('BAD_INPUT', 'Some fields need attention.', fields);
}

export function getCase(ctx: ServiceContext, a: ArgsOut<'getCase'>): ResultOf<'getCase'> {
  const c = ctx.store.cases.mustGet(a.id);
  // Viewing PHI is itself an audited act (HIPAA 164.312(b)).
  ctx.store.write(() => ctx.store.audit.append({ actor: ctx.actor, action: 'case.view', caseId: c.id }, ctx.now()));
  const get = (id: string | null) => (id ? ctx.store.people.get(id) : null);
  const named = { surgeon: get(c.surgeonId), technologist: get(c.technologistId), physician: get(c.physicianId) };
  const people = new Map<string, Person>();
  for (const p of Object.values(named)) if (p) people.set(p.id, p);
  return { case: c, people: named, gaps: caseRecordGaps(c, people), allowedMoves: manualMovesFrom(c.status), clock: caseClockOf(ctx, c.id) };
}

export function createCase(ctx: ServiceContext, f: ArgsOut<'createCase'>): ResultOf<'createCase'> {
  const created = ctx.store.write(() => {
    checkCase(ctx, f);
    const c = ctx.store.cases.insert({ id: ctx.newId(), status: 'open', timeZone: ctx.timeZone, now: ctx.now(), fields: f });
    ctx.store.audit.append({ actor: ctx.actor, action: 'case.create', caseId: c.id }, ctx.now());
    return c;
  });
  ctx.log.info('case.created', { caseId: created.id });
  ctx.emit({ name: 'caseChanged', payload: { caseId: created.id, status: created.status } });
  return created;
}

export function updateCase(ctx: ServiceContext, a: ArgsOut<'updateCase'>): ResultOf<'updateCase'> {
  const updated = ctx.store.write(() => {
    const before = ctx.store.cases.mustGet(a.id);
    if (isRecordLocked(before.status)) {
      throw new AppError('INVALID_STATE', `This case is ${CASE_STATUS_LABELS[before.status].toLowerCase()}. Its record can only change by addendum.`);
    }
    checkCase(ctx, a.fields);
    if (!ctx.store.cases.update(a.id, a.version, a.fields, ctx.now())) {
      throw new AppError('CONFLICT', 'This case was changed elsewhere while you were editing. Your changes were not saved: reload the case and enter them again.');
    }
    const after = ctx.store.cases.mustGet(a.id);
    ctx.store.audit.append({ actor: ctx.actor, action: 'case.update', caseId: a.id, detail: { changed: changedCaseFields(before, after) } }, ctx.now());
    return after;
  });
  ctx.emit({ name: 'caseChanged', payload: { caseId: updated.id, status: updated.status } });
  return updated;
}

export function setCaseStatus(ctx: ServiceContext, a: ArgsOut<'setCaseStatus'>, onClose?: (closed: CaseRecord) => void): ResultOf<'setCaseStatus'> {
  const updated = ctx.store.write(() => {
    const before = ctx.store.cases.mustGet(a.id);
    if (before.status === a.status) return before;
    if (!canMoveManually(before.status, a.status)) {
      throw new AppError(
        'INVALID_STATE',
        `A ${CASE_STATUS_LABELS[before.status].toLowerCase()} case cannot be set to ${CASE_STATUS_LABELS[a.status].toLowerCase()} directly.`,
      );
    }
    if (a.status === 'capturing') {
      // One case at a time per workstation: the export folder and the serial line feed one case.
      const other = ctx.store.cases.capturing();
      if (other && other.id !== a.id) {
        throw new AppError('INVALID_STATE', `${other.patient.lastName}, ${other.patient.firstName} (${other.dateOfService}) is capturing on this workstation. Close that case or stop its capture first.`);
      }
    }
    ctx.store.cases.setStatus(a.id, a.status, ctx.now());
    ctx.store.audit.append({ actor: ctx.actor, action: 'case.status', caseId: a.id, detail: { from: before.status, to: a.status } }, ctx.now());
    const after = ctx.store.cases.mustGet(a.id);
    // What closing means beyond the status (the report's lag clock) is handed in by the caller,
    // inside this transaction: the case service does not know the report.
    if (a.status === 'closed') onClose?.(after);
    return after;
  });
  ctx.emit({ name: 'caseChanged', payload: { caseId: updated.id, status: updated.status } });
  return updated;
}
