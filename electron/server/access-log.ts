/**
 * The access log: who read or changed what, when. Every read of a case's PHI is written here
 * before the answer leaves the server (HIPAA §164.312(b)); administrators export it by date.
 */
import type pg from 'pg';
import { isIsoDate } from '../../shared/util/time';
import { ServerError } from './server-error';

export type Actor = Readonly<{ kind: 'user' | 'workstation' | 'admin-cli'; id: string; name: string; ip: string | null }>;

export type AccessEntry = Readonly<{ id: number; at: string; actorKind: Actor['kind']; actorId: string; actorName: string; action: string; caseId: string | null; ip: string | null; detail: unknown }>;

export async function logAccess(db: pg.Pool | pg.PoolClient, actor: Actor, action: string, caseId: string | null = null, detail: unknown = null): Promise<void> {
  await db.query('INSERT INTO access_log (actor_kind, actor_id, actor_name, action, case_id, ip, detail) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
    actor.kind,
    actor.id,
    actor.name,
    action,
    caseId,
    actor.ip,
    detail === null ? null : JSON.stringify(detail),
  ]);
}

/** A date range of a request: each date YYYY-MM-DD (a real one) when given. */
export function checkDates(...dates: ReadonlyArray<string | undefined>): void {
  for (const d of dates) if (d !== undefined && !isIsoDate(d)) throw new ServerError('BAD_INPUT', 'Give dates as YYYY-MM-DD.');
}

/** One read of PHI per case shown (a list, a worklist, an export): one row each, in one statement. */
export async function logAccessMany(db: pg.Pool | pg.PoolClient, actor: Actor, action: string, caseIds: readonly string[]): Promise<void> {
  if (caseIds.length === 0) return;
  await db.query('INSERT INTO access_log (actor_kind, actor_id, actor_name, action, case_id, ip) SELECT $1, $2, $3, $4, unnest($5::text[]), $6', [actor.kind, actor.id, actor.name, action, caseIds, actor.ip]);
}

/** Entries from `from` to `to` (dates, inclusive, UTC), oldest first. */
export async function readAccessLog(pool: pg.Pool, range: { from?: string | undefined; to?: string | undefined; caseId?: string | undefined; limit?: number }): Promise<AccessEntry[]> {
  checkDates(range.from, range.to);
  if (range.from && range.to && range.from > range.to) throw new ServerError('BAD_INPUT', 'The from date is after the to date.');
  const r = await pool.query<{ id: string; at: Date; actor_kind: Actor['kind']; actor_id: string; actor_name: string; action: string; case_id: string | null; ip: string | null; detail: unknown }>(
    `SELECT * FROM access_log
      WHERE ($1::date IS NULL OR at >= $1::date) AND ($2::date IS NULL OR at < $2::date + 1) AND ($3::text IS NULL OR case_id = $3)
      ORDER BY id LIMIT $4`,
    [range.from ?? null, range.to ?? null, range.caseId ?? null, range.limit ?? 1_000_000],
  );
  return r.rows.map((x) => ({ id: Number(x.id), at: x.at.toISOString(), actorKind: x.actor_kind, actorId: x.actor_id, actorName: x.actor_name, action: x.action, caseId: x.case_id, ip: x.ip, detail: x.detail }));
}

export function accessLogCsv(entries: readonly AccessEntry[]): string {
  const cell = (v: unknown) => {
    const s = v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v);
    // A leading = + - @ would run as a formula in a spreadsheet.
    const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
    return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  const head = 'at,actor_kind,actor_id,actor_name,action,case_id,ip,detail';
  return `${[head, ...entries.map((e) => [e.at, e.actorKind, e.actorId, e.actorName, e.action, e.caseId, e.ip, e.detail].map(cell).join(','))].join('\r\n')}\r\n`;
}
