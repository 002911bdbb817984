/**
 * Case files (shared/casefile): export a stored case with its people and events; import one into
 * this workstation's store in one transaction, matching people already in the list.
 */
import type { ArgsOut, ResultOf } from '../../../shared/contract/api';
import { buildCaseFile, caseFileInputs, parseCaseFile } from '../../../shared/casefile/codec';
import type { CaseFilePerson } from '../../../shared/casefile/case-file';
import type { Person, PersonFields } from '../../../shared/domain/person';
import { CASE_STATUS_LABELS, type CaseStatus } from '../../../shared/domain/vocabulary';
import type { ServiceContext } from '../context';
import { mustGetCase } from '../cases/case-service';
import { AppError } from '../store/store-errors';

export function exportCaseFile(ctx: ServiceContext, a: ArgsOut<'exportCaseFile'>): ResultOf<'exportCaseFile'> {
  // One IMMEDIATE transaction: a consistent snapshot while capture may be writing, and the
  // export is audited (it hands out PHI) exactly when it happens.
  const file = ctx.store.write(() => {
    const c = mustGetCase(ctx, a.caseId);
    const get = (id: string | null) => (id ? ctx.store.people.get(id) : null);
    const people = { surgeon: get(c.surgeonId), technologist: get(c.technologistId), physician: get(c.physicianId) };
    const details = ctx.store.billing.details(c.id) as Record<string, unknown> | null;
    const original = ctx.store.report.versions(c.id).find((v) => v.kind === 'original');
    const signature = original ? { name: original.signerName, credential: original.signerCredential, signedAt: new Date(original.signedAt).toISOString() } : null;
    const f = buildCaseFile(c, people, ctx.store.events.all(c.id), ctx.now(), details || signature ? { details, signature } : undefined);
    ctx.store.audit.append({ actor: ctx.actor, action: 'case.export', caseId: c.id, detail: { events: f.events.length, people: f.people.length } }, ctx.now());
    return f;
  });
  ctx.log.info('case.exported', { caseId: a.caseId, count: file.events.length });
  return file;
}

/**
 * What a case's status becomes here. Capture belongs to the workstation in the OR, and the signed
 * report is not in the file, so neither a capturing nor a signed state is carried over.
 */
function importedStatus(status: CaseStatus): { status: CaseStatus; note: string | null } {
  switch (status) {
    case 'open':
    case 'closed':
      return { status, note: null };
    case 'capturing':
      return { status: 'open', note: 'The case was capturing where it was exported; it is open here. Start capture on it only if this workstation should feed it.' };
    case 'signed':
    case 'sent':
    case 'amended':
      return {
        status: 'closed',
        note: `The case was ${CASE_STATUS_LABELS[status].toLowerCase()} where it was exported; it is closed here because its signed report is not part of the case file.`,
      };
  }
}

const fold = (s: string) => s.trim().toLocaleLowerCase();

/** The same person already in the list: same role and NPI, or same role, names and credential. */
function findPerson(ctx: ServiceContext, p: CaseFilePerson, everyone: readonly Person[]): Person | null {
  if (p.npi) {
    const byNpi = ctx.store.people.findByRoleNpi(p.role, p.npi);
    if (byNpi) return byNpi;
  }
  return (
    everyone.find(
      (q) =>
        q.role === p.role &&
        fold(q.lastName) === fold(p.lastName) &&
        fold(q.firstName) === fold(p.firstName) &&
        fold(q.credential) === fold(p.credential) &&
        // Two different NPIs are two different people, whatever their names.
        (q.npi === null || p.npi === null || q.npi === p.npi),
    ) ?? null
  );
}

export function importCaseFile(ctx: ServiceContext, a: ArgsOut<'importCaseFile'>): ResultOf<'importCaseFile'> {
  const parsed = parseCaseFile(a.file);
  if (!parsed.ok) throw new AppError('BAD_INPUT', parsed.message);
  const file = parsed.value;
  const inputs = caseFileInputs(file);
  const { status, note } = importedStatus(inputs.record.status);

  const result = ctx.store.write(() => {
    const now = ctx.now();
    const caseId = a.asNew ? ctx.newId() : inputs.record.id;
    if (!a.asNew && ctx.store.cases.get(caseId)) {
      throw new AppError('CONFLICT', `This case (ID ${caseId}) is already on this workstation, so nothing was imported. Import it as a new case to keep both copies.`);
    }

    const ids = new Map<string, string>();
    let peopleCreated = 0;
    let peopleMatched = 0;
    const everyone = ctx.store.people.list();
    for (const p of file.people) {
      const found = findPerson(ctx, p, everyone);
      if (found) {
        ids.set(p.id, found.id);
        peopleMatched++;
        continue;
      }
      const { id: _key, ...fields } = p;
      const created = ctx.store.people.insert(ctx.newId(), fields satisfies PersonFields, now);
      ctx.store.audit.append({ actor: ctx.actor, action: 'person.create', caseId: null, detail: { personId: created.id, role: created.role, via: 'case.import' } }, now);
      everyone.push(created);
      ids.set(p.id, created.id);
      peopleCreated++;
    }

    const { id: _id, status: _s, timeZone, version: _v, createdAt, updatedAt, ...fields } = inputs.record;
    const ref = (key: string | null) => (key === null ? null : (ids.get(key) ?? null));
    ctx.store.cases.insert({
      id: caseId,
      status,
      timeZone,
      now: createdAt,
      updatedAt,
      fields: { ...fields, surgeonId: ref(fields.surgeonId), technologistId: ref(fields.technologistId), physicianId: ref(fields.physicianId) },
    });

    for (const e of inputs.events) {
      const { id: _eid, ...event } = e;
      // parseCaseFile refuses repeated (source, key) pairs, so every event is new to this case.
      if (!ctx.store.events.append({ ...event, caseId }).inserted) throw new Error('case file event not stored');
    }

    // The billing answers travel with the case; the signature does not (its report is not in the file).
    if (file.billing?.details) ctx.store.billing.saveDetails(caseId, file.billing.details, ctx.actor, now);

    ctx.store.audit.append(
      {
        actor: ctx.actor,
        action: 'case.import',
        caseId,
        detail: { fromCaseId: inputs.record.id, asNew: a.asNew, events: inputs.events.length, peopleCreated, peopleMatched, status },
      },
      now,
    );
    return { caseId, status, events: inputs.events.length, peopleCreated, peopleMatched, notes: note ? [note] : [] };
  });

  ctx.log.info('case.imported', { caseId: result.caseId, count: result.events, status: result.status });
  ctx.emit({ name: 'caseChanged', payload: { caseId: result.caseId, status: result.status } });
  if (result.peopleCreated > 0) ctx.emit({ name: 'peopleChanged', payload: {} });
  return result;
}
