/**
 * Case files (shared/casefile): export a stored case with its people and events; import one into
 * this workstation's store in one transaction, matching people already in the list. An import
 * reads the file one event at a time (streamed from bytes, or from a value in memory), checks
 * each against the same rules and limits, stages the events beside the store (import-staging.ts)
 * and moves them in with the case at the end.
 */
import type { ArgsOut, ResultOf } from '../../../shared/contract/api';
import { buildCaseFile, caseFileInputs, CaseFileChecker, feedCaseFileValue, type CaseFileCheck, type CaseFileHead } from '../../../shared/casefile/codec';
import type { CaseFileImport, CaseFilePerson } from '../../../shared/casefile/case-file';
import type { CaseRecord } from '../../../shared/domain/case';
import { tooDeepMessage } from '../../../shared/util/json-depth';
import type { Person, PersonFields } from '../../../shared/domain/person';
import { CASE_STATUS_LABELS, type CaseStatus } from '../../../shared/domain/vocabulary';
import type { ServiceContext } from '../context';
import { AppError } from '../store/store-errors';
import { CaseFileReader } from './case-file-reader';
import { ImportStaging } from './import-staging';

export function exportCaseFile(ctx: ServiceContext, a: ArgsOut<'exportCaseFile'>): ResultOf<'exportCaseFile'> {
  // One IMMEDIATE transaction: a consistent snapshot while capture may be writing, and the
  // export is audited (it hands out PHI) exactly when it happens.
  const file = ctx.store.write(() => {
    const c = ctx.store.cases.mustGet(a.caseId);
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

/** Bytes of a case file as they are read (a file, standard input). */
export type CaseFileBytes = AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

/**
 * Import a case file already in memory (the contract's `importCaseFile`: parsed JSON). The same
 * checks, limits and single transaction as a streamed file.
 */
export function importCaseFile(ctx: ServiceContext, a: ArgsOut<'importCaseFile'>): ResultOf<'importCaseFile'> {
  const check = new CaseFileChecker();
  const staging = ImportStaging.open(ctx.store.db);
  try {
    const complete = feedCaseFileValue(check, a.file, (e, n) => staging.add(e, n));
    return finishImport(ctx, check, staging, complete, a.asNew);
  } finally {
    staging.close();
  }
}

/**
 * Import a case file read as a stream of bytes (`closeout case import FILE`): one event at a time,
 * staged in batches beside the store, so a million-event file is read in the memory of a few
 * thousand. `name` is how messages name the input ("case.json", "The input").
 */
export async function importCaseFileStream(ctx: ServiceContext, bytes: CaseFileBytes, a: Readonly<{ asNew: boolean; name: string }>): Promise<CaseFileImport> {
  const check = new CaseFileChecker();
  const staging = ImportStaging.open(ctx.store.db);
  try {
    const reader = new CaseFileReader(check, (e, n) => staging.add(e, n));
    let conflictChecked = a.asNew;
    for await (const chunk of bytes) {
      reader.push(chunk);
      if (reader.done) break;
      // A case already here is refused as soon as the file names it, not after reading it all
      // (the final check, in the import's transaction, still stands).
      const id = conflictChecked ? null : check.caseId;
      if (id !== null) {
        conflictChecked = true;
        if (ctx.store.cases.get(id)) throw new AppError('CONFLICT', alreadyHere(id));
      }
    }
    reader.end();
    const problem = reader.problem;
    if (problem?.kind === 'depth') throw new AppError('BAD_INPUT', `${tooDeepMessage(a.name)} (It goes deeper at byte ${problem.offset}.)`);
    if (problem) throw new AppError('BAD_INPUT', `${a.name} is not valid JSON (${problem.message}), so it is not a Closeout case file.`);
    return finishImport(ctx, check, staging, reader.complete, a.asNew);
  } finally {
    staging.close();
  }
}

function alreadyHere(caseId: string): string {
  return `This case (ID ${caseId}) is already on this workstation, so nothing was imported. Import it as a new case to keep both copies.`;
}

/**
 * The verdict on a file whose events are all staged and, when it is good, the import. Two events
 * of the file with the same source and dedupe key are found by the store's own unique index as
 * the events move in (no sort of every staged key first: ~5% of a 100k-event import, #15); they
 * are looked for in the staging only when that index objects, or when the file has other problems
 * to report them with. Either way such a file is refused, naming the events.
 */
function finishImport(ctx: ServiceContext, check: CaseFileChecker, staging: ImportStaging, complete: boolean, asNew: boolean): CaseFileImport {
  staging.flush();
  const findDuplicates = () => staging.finish((first, n, source, key) => check.duplicate(first, n, source, key));
  const checked = check.finish(complete);
  if (!checked.ok) {
    findDuplicates();
    return commit(ctx, check.finish(complete), staging, asNew);
  }
  try {
    return commit(ctx, checked, staging, asNew);
  } catch (e) {
    if ((e as { code?: unknown }).code !== 'SQLITE_CONSTRAINT_UNIQUE') throw e;
    findDuplicates();
    const again = check.finish(complete);
    if (again.ok) throw e;
    throw new AppError('BAD_INPUT', again.message);
  }
}

/** Store a checked case file: its people, the case and the staged events, in one transaction. */
function commit(ctx: ServiceContext, checked: CaseFileCheck, staging: ImportStaging, asNew: boolean): CaseFileImport {
  if (!checked.ok) throw new AppError('BAD_INPUT', checked.message);
  const file = checked.head;
  const record = caseRecordOf(file);
  const { status, note } = importedStatus(record.status);

  const result = ctx.store.write(() => {
    const now = ctx.now();
    const caseId = asNew ? ctx.newId() : record.id;
    if (!asNew && ctx.store.cases.get(caseId)) {
      throw new AppError('CONFLICT', alreadyHere(caseId));
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

    const { id: _id, status: _s, timeZone, version: _v, createdAt, updatedAt, ...fields } = record;
    const ref = (key: string | null) => (key === null ? null : (ids.get(key) ?? null));
    ctx.store.cases.insert({
      id: caseId,
      status,
      timeZone,
      now: createdAt,
      updatedAt,
      fields: { ...fields, surgeonId: ref(fields.surgeonId), technologistId: ref(fields.technologistId), physicianId: ref(fields.physicianId) },
    });

    // The case is new: every staged event goes in, or the store's unique index refuses two with
    // the same source and key, and nothing of the import is kept (finishImport names them).
    const events = staging.moveInto(caseId);
    if (events !== staging.count) throw new Error('case file events not all stored');

    // The billing answers travel with the case; the signature does not (its report is not in the file).
    if (file.billing?.details) ctx.store.billing.saveDetails(caseId, file.billing.details, ctx.actor, now);

    ctx.store.audit.append(
      {
        actor: ctx.actor,
        action: 'case.import',
        caseId,
        detail: { fromCaseId: record.id, asNew, events, peopleCreated, peopleMatched, status },
      },
      now,
    );
    return { caseId, status, events, peopleCreated, peopleMatched, notes: [...(note ? [note] : []), ...checked.notes] };
  });

  ctx.log.info('case.imported', { caseId: result.caseId, count: result.events, status: result.status });
  ctx.emit({ name: 'caseChanged', payload: { caseId: result.caseId, status: result.status } });
  if (result.peopleCreated > 0) ctx.emit({ name: 'peopleChanged', payload: {} });
  return result;
}

/** The case record of a checked file (the events are not needed for it). */
function caseRecordOf(file: CaseFileHead): CaseRecord {
  return caseFileInputs({ ...file, events: [] }).record;
}
