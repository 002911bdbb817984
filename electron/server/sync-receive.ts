/**
 * What a workstation sends, kept once: a batch is applied in one transaction, and sending it
 * again (the answer was lost, the workstation restarted) changes nothing. The workstation owns
 * its cases: a case record is replaced only by a newer copy from the workstation that first sent
 * it; another workstation's copy of the same case is refused and counted, never merged.
 */
import type pg from 'pg';
import { z } from 'zod';
import { buildTimeline, type Timeline } from '../../shared/domain/timeline';
import { chargesCsv, type ChargeRow } from '../../shared/billing/charges';
import { actionsOfCase } from './remote-actions';
import type { ActionState, QueueEntry, SignedVersionView, WorklistClaim } from '../../shared/domain/practice-server';

export type { QueueEntry, SignedVersionView, WorklistClaim };
import { eventFromRow, type EventRow as StoredEventRow } from '../../shared/domain/event-row';
import { checkDates, logAccess, logAccessMany, type Actor } from './access-log';
import { ServerError } from './server-error';

const CaseRow = z.looseObject({
  id: z.string().min(1).max(64),
  version: z.number().int().positive(),
  status: z.string().min(1).max(20),
  date_of_service: z.string().max(10),
  updated_at: z.number().int(),
});
const ClaimRow = z.looseObject({
  case_id: z.string().min(1).max(64),
  date_of_service: z.string().max(10),
  clean: z.number().int(),
  blocking: z.number().int(),
  warnings: z.number().int(),
  updated_at: z.number().int(),
});
const DraftRow = z.object({
  caseId: z.string().min(1).max(64),
  draftSha256: z.string().regex(/^[0-9a-f]{64}$/),
  sections: z.array(z.object({ id: z.string().max(40), title: z.string().max(200), text: z.string().max(50_000) })).max(40),
  interpretation: z.object({ written: z.boolean(), suggestion: z.string().max(20_000).nullable() }),
  blockers: z.array(z.string().max(2000)).max(40),
});
const PersonRow = z.looseObject({ id: z.string().min(1).max(64), role: z.string().max(20), npi: z.string().max(20).nullable() });
const VersionRow = z.looseObject({ case_id: z.string().min(1).max(64), version: z.number().int().positive(), content_sha256: z.string().max(64), signed_at: z.number().int() });
const Record_ = z.object({
  entity: z.enum(['person', 'case', 'claim', 'section', 'version', 'draft']),
  key: z.string().min(1).max(200),
  row: z.record(z.string(), z.unknown()).nullable(),
});
const EventRow = z.looseObject({
  id: z.number().int().positive(),
  case_id: z.string().min(1).max(64),
  kind: z.string().min(1).max(40),
  occurred_at: z.number().int(),
  source: z.string().max(200),
  dedupe_key: z.string().max(1000),
});
const AuditRow = z.looseObject({ seq: z.number().int().positive(), action: z.string().max(100), case_id: z.string().max(64).nullable() });

export const PushSchema = z.object({
  records: z.array(Record_).max(1000).default([]),
  events: z.array(EventRow).max(5000).default([]),
  audit: z.array(AuditRow).max(5000).default([]),
});

function rowOf<T>(schema: z.ZodType<T>, row: unknown, what: string): T {
  const r = schema.safeParse(row);
  if (!r.success) throw new ServerError('BAD_INPUT', `A ${what} in the batch is not as expected: ${r.error.issues[0]?.path.join('.') ?? ''} ${r.error.issues[0]?.message ?? ''}`.trim());
  return r.data;
}

export type PushResult = Readonly<{ records: number; events: number; audit: number; refusedCases: readonly string[]; versionConflicts: readonly string[] }>;

export async function receivePush(pool: pg.Pool, workstationId: string, raw: unknown): Promise<PushResult> {
  const parsed = PushSchema.safeParse(raw);
  if (!parsed.success) throw new ServerError('BAD_INPUT', `The batch is not as expected: ${parsed.error.issues[0]?.path.join('.') ?? ''} ${parsed.error.issues[0]?.message ?? ''}`.trim());
  const { records, events, audit } = parsed.data;
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    const refused: string[] = [];
    const versionConflicts: string[] = [];
    let kept = 0;
    // A case this workstation does not own: nothing of it is taken from this workstation.
    const owned = async (caseId: string): Promise<boolean> => {
      const o = await c.query<{ workstation_id: string }>('SELECT workstation_id FROM ws_cases WHERE case_id = $1', [caseId]);
      const ok = !o.rows[0] || o.rows[0].workstation_id === workstationId;
      if (!ok && !refused.includes(caseId)) refused.push(caseId);
      return ok;
    };
    for (const rec of records) {
      if (rec.entity === 'person') {
        if (!rec.row) continue;
        const row = rowOf(PersonRow, rec.row, 'person');
        const r = await c.query(
          `INSERT INTO ws_people (workstation_id, person_id, role, npi, row) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (workstation_id, person_id) DO UPDATE SET role = excluded.role, npi = excluded.npi, row = excluded.row, received_at = now()`,
          [workstationId, row.id, row.role, row.npi, JSON.stringify(row)],
        );
        kept += r.rowCount ?? 0;
      } else if (rec.entity === 'draft') {
        if (!(await owned(rec.key))) continue;
        if (rec.row === null) {
          const r = await c.query('DELETE FROM ws_drafts WHERE case_id = $1 AND workstation_id = $2', [rec.key, workstationId]);
          kept += r.rowCount ?? 0;
          continue;
        }
        const row = rowOf(DraftRow, rec.row, 'report draft');
        const r = await c.query(
          `INSERT INTO ws_drafts (case_id, workstation_id, draft_sha256, draft) VALUES ($1, $2, $3, $4)
           ON CONFLICT (case_id) DO UPDATE SET draft_sha256 = excluded.draft_sha256, draft = excluded.draft, received_at = now() WHERE ws_drafts.workstation_id = excluded.workstation_id`,
          [row.caseId, workstationId, row.draftSha256, JSON.stringify(row)],
        );
        kept += r.rowCount ?? 0;
      } else if (rec.entity === 'case') {
        if (!rec.row) continue;
        const row = rowOf(CaseRow, rec.row, 'case record');
        if (!(await owned(row.id))) continue;
        const r = await c.query(
          `INSERT INTO ws_cases (case_id, workstation_id, version, status, date_of_service, record, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (case_id) DO UPDATE SET version = excluded.version, status = excluded.status, date_of_service = excluded.date_of_service,
             record = excluded.record, updated_at = excluded.updated_at, received_at = now()
           WHERE ws_cases.workstation_id = excluded.workstation_id AND (excluded.version, excluded.updated_at) >= (ws_cases.version, ws_cases.updated_at)`,
          [row.id, workstationId, row.version, row.status, row.date_of_service, JSON.stringify(row), row.updated_at],
        );
        kept += r.rowCount ?? 0;
      } else if (rec.entity === 'claim') {
        if (!rec.row) continue;
        const row = rowOf(ClaimRow, rec.row, 'claim summary');
        if (!(await owned(row.case_id))) continue;
        const r = await c.query(
          `INSERT INTO ws_claims (case_id, workstation_id, date_of_service, clean, blocking, warnings, row, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
           ON CONFLICT (case_id) DO UPDATE SET date_of_service = excluded.date_of_service, clean = excluded.clean, blocking = excluded.blocking,
             warnings = excluded.warnings, row = excluded.row, updated_at = excluded.updated_at, received_at = now()
           WHERE ws_claims.workstation_id = excluded.workstation_id AND excluded.updated_at >= ws_claims.updated_at`,
          [row.case_id, workstationId, row.date_of_service, row.clean === 1, row.blocking, row.warnings, JSON.stringify(row), row.updated_at],
        );
        kept += r.rowCount ?? 0;
      } else if (rec.entity === 'section') {
        const [caseId, sectionId] = [rec.key.slice(0, rec.key.lastIndexOf('/')), rec.key.slice(rec.key.lastIndexOf('/') + 1)];
        if (!caseId || !sectionId || !(await owned(caseId))) continue;
        const r = await c.query(
          `INSERT INTO ws_sections (case_id, section_id, workstation_id, row) VALUES ($1, $2, $3, $4)
           ON CONFLICT (case_id, section_id) DO UPDATE SET row = excluded.row, received_at = now() WHERE ws_sections.workstation_id = excluded.workstation_id`,
          [caseId, sectionId, workstationId, rec.row === null ? null : JSON.stringify(rec.row)],
        );
        kept += r.rowCount ?? 0;
      } else {
        if (!rec.row) continue;
        const row = rowOf(VersionRow, rec.row, 'signed version');
        if (!(await owned(row.case_id))) continue;
        const r = await c.query(
          `INSERT INTO ws_report_versions (case_id, version, workstation_id, content_sha256, signed_at, row) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
          [row.case_id, row.version, workstationId, row.content_sha256, row.signed_at, JSON.stringify(row)],
        );
        if (r.rowCount === 0) {
          const have = await c.query<{ content_sha256: string }>('SELECT content_sha256 FROM ws_report_versions WHERE case_id = $1 AND version = $2', [row.case_id, row.version]);
          // The same version sent again is nothing; a different text under the same number is said, never merged.
          if (have.rows[0]?.content_sha256 !== row.content_sha256) versionConflicts.push(`${row.case_id}/${row.version}`);
        }
        kept += r.rowCount ?? 0;
      }
    }
    const ev = events.length
      ? await c.query(
          `INSERT INTO ws_events (workstation_id, local_id, case_id, kind, occurred_at, source, dedupe_key, row)
           SELECT $1, (e->>'id')::bigint, e->>'case_id', e->>'kind', (e->>'occurred_at')::bigint, e->>'source', e->>'dedupe_key', e
             FROM jsonb_array_elements($2::jsonb) AS e
            WHERE NOT EXISTS (SELECT 1 FROM ws_cases k WHERE k.case_id = e->>'case_id' AND k.workstation_id <> $1)
           ON CONFLICT DO NOTHING`,
          [workstationId, JSON.stringify(events)],
        )
      : { rowCount: 0 };
    const au = audit.length
      ? await c.query(
          `INSERT INTO ws_audit (workstation_id, seq, case_id, action, row)
           SELECT $1, (a->>'seq')::bigint, a->>'case_id', a->>'action', a FROM jsonb_array_elements($2::jsonb) AS a
           ON CONFLICT DO NOTHING`,
          [workstationId, JSON.stringify(audit)],
        )
      : { rowCount: 0 };
    await c.query('COMMIT');
    return { records: kept, events: ev.rowCount ?? 0, audit: au.rowCount ?? 0, refusedCases: refused, versionConflicts };
  } catch (e) {
    await c.query('ROLLBACK').catch(() => {});
    throw e;
  } finally {
    c.release();
  }
}

/** "Last, First" from a workstation's case record as the server keeps it. */
function patientName(record: Record<string, unknown>): string {
  return `${String(record.patient_last_name ?? '')}, ${String(record.patient_first_name ?? '')}`;
}

export type PracticeCase = Readonly<{
  caseId: string;
  workstation: string;
  status: string;
  dateOfService: string;
  patient: string;
  procedure: string;
  events: number;
  lastEventAt: number | null;
}>;

/** Every workstation's cases over a date range (newest first), each read written to the access log. */
export async function listPracticeCases(pool: pg.Pool, actor: Actor, range: { from?: string | undefined; to?: string | undefined; limit?: number }): Promise<PracticeCase[]> {
  checkDates(range.from, range.to);
  const r = await pool.query<{ case_id: string; name: string; status: string; date_of_service: string; record: Record<string, unknown>; n: string; last: string | null }>(
    `SELECT c.case_id, w.name, c.status, c.date_of_service, c.record,
            (SELECT count(*) FROM ws_events e WHERE e.case_id = c.case_id) AS n,
            (SELECT max(occurred_at) FROM ws_events e WHERE e.case_id = c.case_id) AS last
       FROM ws_cases c JOIN workstations w ON w.id = c.workstation_id
      WHERE ($1::text IS NULL OR c.date_of_service >= $1) AND ($2::text IS NULL OR c.date_of_service <= $2)
      ORDER BY c.date_of_service DESC, c.case_id LIMIT $3`,
    [range.from ?? null, range.to ?? null, Math.min(range.limit ?? 500, 5000)],
  );
  const list = r.rows.map((x) => ({
    caseId: x.case_id,
    workstation: x.name,
    status: x.status,
    dateOfService: x.date_of_service,
    patient: patientName(x.record),
    procedure: String(x.record.procedure_text ?? ''),
    events: Number(x.n),
    lastEventAt: x.last === null ? null : Number(x.last),
  }));
  // Names on a list are PHI read: one access-log row per case shown.
  await logAccessMany(pool, actor, 'case.list', list.map((c) => c.caseId));
  return list;
}

/** One case as the server holds it: the record and its events in time order (read logged). */
export type PracticeCaseDetail = Readonly<{
  record: Record<string, unknown>;
  workstation: string;
  events: Record<string, unknown>[];
  /** The report as the workstation drafted it, while the case is closed and unsigned. */
  draft: Record<string, unknown> | null;
  /** The case's shape (lanes, monitoring, alerts), computed as the workstation computes it. */
  timeline: Timeline;
  timeZone: string;
  signatures: ReadonlyArray<Readonly<{ id: string; signerName: string; signedAt: number; state: string; version: number | null; reason: string | null }>>;
  /** Interpretations written here, and whether the workstation took them. */
  edits: ReadonlyArray<Readonly<{ id: string; authorName: string; at: number; state: string; reason: string | null }>>;
  /** The signed versions, as signed (the original's sections, each addendum's text), oldest first. */
  versions: readonly SignedVersionView[];
  /** Addenda and claim overrides made here, and what the workstation answered. */
  actions: readonly ActionState[];
}>;


function versionView(row: Record<string, unknown>): SignedVersionView | null {
  try {
    const c = JSON.parse(String(row.content)) as { version: number; kind: 'original' | 'addendum'; sections?: Array<{ id: string; title: string; text: string }>; addendumText?: string | null; signer: { name: string; credential: string }; signedAt: number };
    return { version: c.version, kind: c.kind, signerName: c.signer.name, signerCredential: c.signer.credential, signedAt: c.signedAt, sections: c.sections ?? [], addendumText: c.addendumText ?? null };
  } catch {
    return null;
  }
}

export async function readPracticeCase(pool: pg.Pool, actor: Actor, caseId: string, afterLocalId = 0): Promise<PracticeCaseDetail> {
  const c = await pool.query<{ record: Record<string, unknown>; name: string }>('SELECT c.record, w.name FROM ws_cases c JOIN workstations w ON w.id = c.workstation_id WHERE c.case_id = $1', [caseId]);
  const row = c.rows[0];
  if (!row) throw new ServerError('NOT_FOUND', 'There is no such case on the practice server (yet).');
  const all = await pool.query<{ row: StoredEventRow }>('SELECT row FROM ws_events WHERE case_id = $1 ORDER BY occurred_at, local_id', [caseId]);
  const events = all.rows.map((x) => eventFromRow(x.row));
  const ev = { rowCount: events.length, rows: all.rows.filter((x) => x.row.id > afterLocalId) };
  const draft = await pool.query<{ draft: Record<string, unknown> }>('SELECT draft FROM ws_drafts WHERE case_id = $1', [caseId]);
  const edits = await pool.query<{ id: string; author_name: string; at: string; state: string; reason: string | null }>(
    'SELECT id, author_name, at, state, reason FROM remote_edits WHERE case_id = $1 ORDER BY at',
    [caseId],
  );
  const sigs = await pool.query<{ id: string; signer_name: string; signed_at: string; state: string; version: number | null; reason: string | null }>(
    'SELECT id, signer_name, signed_at, state, version, reason FROM remote_signatures WHERE case_id = $1 ORDER BY signed_at',
    [caseId],
  );
  const versions = await pool.query<{ row: Record<string, unknown> }>('SELECT row FROM ws_report_versions WHERE case_id = $1 ORDER BY version', [caseId]);
  const actions = await actionsOfCase(pool, caseId);
  await logAccess(pool, actor, 'case.read', caseId, { events: ev.rowCount });
  return {
    record: row.record,
    workstation: row.name,
    events: ev.rows.map((x) => x.row),
    draft: draft.rows[0]?.draft ?? null,
    timeline: buildTimeline(events),
    timeZone: String(row.record.time_zone ?? 'UTC'),
    signatures: sigs.rows.map((x) => ({ id: x.id, signerName: x.signer_name, signedAt: Number(x.signed_at), state: x.state, version: x.version, reason: x.reason })),
    edits: edits.rows.map((x) => ({ id: x.id, authorName: x.author_name, at: Number(x.at), state: x.state, reason: x.reason })),
    versions: versions.rows.map((x) => versionView(x.row)).filter((v): v is SignedVersionView => v !== null),
    actions,
  };
}


/** Every workstation's claims, not clean first, then oldest first (each listing logged per case). */
export async function claimWorklist(pool: pg.Pool, actor: Actor, range: { from?: string | undefined; to?: string | undefined; limit?: number }): Promise<{ claims: WorklistClaim[]; total: number; notClean: number }> {
  checkDates(range.from, range.to);
  const counts = await pool.query<{ total: number; not_clean: number }>(
    `SELECT count(*)::int AS total, count(*) FILTER (WHERE NOT clean)::int AS not_clean FROM ws_claims
      WHERE ($1::text IS NULL OR date_of_service >= $1) AND ($2::text IS NULL OR date_of_service <= $2)`,
    [range.from ?? null, range.to ?? null],
  );
  const r = await pool.query<{ case_id: string; name: string; date_of_service: string; clean: boolean; blocking: number; warnings: number; row: Record<string, unknown>; record: Record<string, unknown> | null; status: string | null; age: number; o_state: string | null; o_by: string | null; o_reason: string | null; a_state: string | null; a_by: string | null; a_reason: string | null }>(
    `SELECT q.case_id, w.name, q.date_of_service, q.clean, q.blocking, q.warnings, q.row, c.record, c.status,
            (current_date - q.date_of_service::date) AS age, o.state AS o_state, o.author_name AS o_by, o.reason AS o_reason,
            a.state AS a_state, a.author_name AS a_by, a.reason AS a_reason
       FROM ws_claims q JOIN workstations w ON w.id = q.workstation_id LEFT JOIN ws_cases c ON c.case_id = q.case_id
       LEFT JOIN LATERAL (SELECT state, author_name, reason FROM remote_actions r WHERE r.case_id = q.case_id AND r.kind = 'claimOverride' ORDER BY at DESC LIMIT 1) o ON true
       LEFT JOIN LATERAL (SELECT state, author_name, reason FROM remote_actions r WHERE r.case_id = q.case_id AND r.kind = 'billingDetails' ORDER BY at DESC LIMIT 1) a ON true
      WHERE ($1::text IS NULL OR q.date_of_service >= $1) AND ($2::text IS NULL OR q.date_of_service <= $2)
      ORDER BY q.clean, q.date_of_service, q.case_id LIMIT $3`,
    [range.from ?? null, range.to ?? null, Math.min(range.limit ?? 1000, 10_000)],
  );
  const list = r.rows.map((x) => {
    let findings: string[] = [];
    try {
      findings = JSON.parse(String(x.row.top_rules ?? '[]')) as string[];
    } catch {
      findings = [];
    }
    return {
      caseId: x.case_id,
      workstation: x.name,
      patient: x.record ? patientName(x.record) : '',
      dateOfService: x.date_of_service,
      ageDays: Number(x.age),
      clean: x.clean,
      blocking: x.blocking,
      warnings: x.warnings,
      findings,
      minutes: Number(x.row.minutes ?? 0),
      caseStatus: x.status ?? 'unknown',
      // The workstation's "clean" is "may be exported": clean, or overridden with blocking findings.
      overridden: x.clean && x.blocking > 0,
      override: x.o_state ? { state: x.o_state, by: x.o_by ?? '', reason: x.o_reason } : null,
      details: (x.row.charges as { details?: unknown } | undefined)?.details ?? null,
      answers: x.a_state ? { state: x.a_state, by: x.a_by ?? '', reason: x.a_reason } : null,
    };
  });
  await logAccessMany(pool, actor, 'claim.list', list.map((c) => c.caseId));
  return { claims: list, total: counts.rows[0]?.total ?? 0, notClean: counts.rows[0]?.not_clean ?? 0 };
}


/**
 * A physician's cases waiting for their signature, on every workstation: closed, not signed, and
 * naming them as the interpreting physician (their NPI on the workstation's person record). Oldest first.
 */
export async function physicianQueue(pool: pg.Pool, actor: Actor, npi: string | null): Promise<QueueEntry[]> {
  if (!npi) throw new ServerError('BAD_INPUT', 'Your account has no NPI, so no case can be matched to you. Ask the administrator to add it.');
  const r = await pool.query<{ case_id: string; name: string; record: Record<string, unknown>; date_of_service: string; updated_at: string }>(
    `SELECT c.case_id, w.name, c.record, c.date_of_service, c.updated_at
       FROM ws_people p
       JOIN ws_cases c ON c.workstation_id = p.workstation_id AND c.record->>'physician_id' = p.person_id AND c.status = 'closed'
       JOIN workstations w ON w.id = c.workstation_id
      WHERE p.npi = $1 AND p.role = 'physician'
      ORDER BY c.updated_at, c.case_id`,
    [npi],
  );
  const now = Date.now();
  const list = r.rows.map((x) => ({
    caseId: x.case_id,
    workstation: x.name,
    patient: patientName(x.record),
    procedure: String(x.record.procedure_text ?? ''),
    dateOfService: x.date_of_service,
    closedAt: Number(x.updated_at),
    waitingHours: Math.max(0, Math.round(((now - Number(x.updated_at)) / 3_600_000) * 10) / 10),
  }));
  await logAccessMany(pool, actor, 'queue.list', list.map((c) => c.caseId));
  return list;
}

export type PracticeCharges = Readonly<{
  format: 'csv' | 'json';
  content: string;
  cases: number;
  rows: number;
  /** Closed cases whose claim is not exportable (not clean, not overridden), with why. */
  skipped: ReadonlyArray<Readonly<{ caseId: string; workstation: string; dateOfService: string; why: string }>>;
}>;

/**
 * The charges of every workstation's closed cases over dates of service [from, to], as each
 * workstation's own export would write them (the same rules computed the lines there); each case
 * read is logged.
 */
export async function practiceCharges(pool: pg.Pool, actor: Actor, a: { from: string; to: string; format: 'csv' | 'json' }): Promise<PracticeCharges> {
  if (!a.from || !a.to) throw new ServerError('BAD_INPUT', 'Give the dates of service as from=YYYY-MM-DD and to=YYYY-MM-DD.');
  checkDates(a.from, a.to);
  if (a.from > a.to) throw new ServerError('BAD_INPUT', 'The from date is after the to date.');
  const r = await pool.query<{ case_id: string; name: string; date_of_service: string; row: { charges?: { exportable: boolean; rows: ChargeRow[]; why: string | null } } }>(
    `SELECT q.case_id, w.name, q.date_of_service, q.row FROM ws_claims q JOIN workstations w ON w.id = q.workstation_id
      WHERE q.date_of_service BETWEEN $1 AND $2 ORDER BY q.date_of_service, q.case_id`,
    [a.from, a.to],
  );
  const rows: ChargeRow[] = [];
  const skipped: Array<{ caseId: string; workstation: string; dateOfService: string; why: string }> = [];
  let cases = 0;
  for (const x of r.rows) {
    const ch = x.row.charges;
    if (!ch) skipped.push({ caseId: x.case_id, workstation: x.name, dateOfService: x.date_of_service, why: 'Its workstation has not sent the charge lines yet (an older Closeout, or still catching up).' });
    else if (!ch.exportable) skipped.push({ caseId: x.case_id, workstation: x.name, dateOfService: x.date_of_service, why: ch.why ?? 'Not exportable.' });
    else {
      cases += 1;
      rows.push(...ch.rows);
    }
  }
  await logAccessMany(pool, actor, 'charges.export', r.rows.map((x) => x.case_id));
  return { format: a.format, content: a.format === 'csv' ? chargesCsv(rows) : `${JSON.stringify(rows, null, 1)}\n`, cases, rows: rows.length, skipped };
}
