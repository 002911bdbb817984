/**
 * Workstations joined to the practice server. An administrator makes a one-time code for a named
 * workstation; the workstation trades it (once, before it expires) for its own credential, which
 * it sends with every call. A credential is kept only as a hash and can be revoked.
 */
import crypto from 'node:crypto';
import type pg from 'pg';
import { newEnrollCode, newToken, normalizeEnrollCode, tokenHash } from './security/tokens';
import { ServerError } from './server-error';

export type Workstation = Readonly<{ id: string; name: string; enrolledAt: string; lastSeenAt: string | null; revokedAt: string | null }>;

type Row = { id: string; name: string; enrolled_at: Date; last_seen_at: Date | null; revoked_at: Date | null };

function toWorkstation(r: Row): Workstation {
  return { id: r.id, name: r.name, enrolledAt: r.enrolled_at.toISOString(), lastSeenAt: r.last_seen_at?.toISOString() ?? null, revokedAt: r.revoked_at?.toISOString() ?? null };
}

export async function createEnrollCode(pool: pg.Pool, opts: { workstationName: string; createdBy: string; hours?: number }): Promise<{ code: string; expiresAt: string }> {
  const name = opts.workstationName.trim();
  if (name.length < 1 || name.length > 80) throw new ServerError('BAD_INPUT', 'Name the workstation (1 to 80 characters), e.g. "OR 3".');
  const hours = opts.hours ?? 24;
  if (!Number.isFinite(hours) || hours <= 0 || hours > 24 * 7) throw new ServerError('BAD_INPUT', 'A code lasts from a few minutes to 7 days (--hours).');
  const code = newEnrollCode();
  const expiresAt = new Date(Date.now() + hours * 3_600_000);
  await pool.query('INSERT INTO enroll_codes (code_hash, workstation_name, created_by, expires_at) VALUES ($1, $2, $3, $4)', [tokenHash(code), name, opts.createdBy, expiresAt]);
  return { code, expiresAt: expiresAt.toISOString() };
}

/** Trade a code for a workstation credential: the code works once. */
export async function enroll(pool: pg.Pool, code: string): Promise<{ workstation: Workstation; credential: string }> {
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    const r = await c.query<{ workstation_name: string }>(
      `UPDATE enroll_codes SET used_at = now() WHERE code_hash = $1 AND used_at IS NULL AND expires_at > now() RETURNING workstation_name`,
      [tokenHash(normalizeEnrollCode(code))],
    );
    const name = r.rows[0]?.workstation_name;
    if (!name) {
      await c.query('ROLLBACK');
      throw new ServerError('UNAUTHENTICATED', 'That enrollment code is not valid: it may be mistyped, used already, or expired. Ask the administrator for a new one.');
    }
    const credential = newToken();
    const id = crypto.randomUUID();
    const w = await c.query<Row>('INSERT INTO workstations (id, name, credential_hash) VALUES ($1, $2, $3) RETURNING *', [id, name, tokenHash(credential)]);
    await c.query('UPDATE enroll_codes SET workstation_id = $2 WHERE code_hash = $1', [tokenHash(normalizeEnrollCode(code)), id]);
    await c.query('COMMIT');
    return { workstation: toWorkstation(w.rows[0]!), credential };
  } catch (e) {
    await c.query('ROLLBACK').catch(() => {});
    throw e;
  } finally {
    c.release();
  }
}

/** The workstation a credential belongs to, unless revoked. */
export async function workstationByCredential(pool: pg.Pool, credential: string): Promise<Workstation | null> {
  if (!credential || credential.length > 100) return null;
  const r = await pool.query<Row>('UPDATE workstations SET last_seen_at = now() WHERE credential_hash = $1 AND revoked_at IS NULL RETURNING *', [tokenHash(credential)]);
  return r.rows[0] ? toWorkstation(r.rows[0]) : null;
}

export async function listWorkstations(pool: pg.Pool): Promise<Workstation[]> {
  return (await pool.query<Row>('SELECT * FROM workstations ORDER BY name, enrolled_at')).rows.map(toWorkstation);
}

export async function revokeWorkstation(pool: pg.Pool, id: string, by: string | null): Promise<Workstation> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new ServerError('BAD_INPUT', 'Give the workstation ID (from "closeout-server workstation list").');
  const r = await pool.query<Row>('UPDATE workstations SET revoked_at = coalesce(revoked_at, now()), revoked_by = coalesce(revoked_by, $2) WHERE id = $1 RETURNING *', [id, by]);
  if (!r.rows[0]) throw new ServerError('NOT_FOUND', `There is no workstation ${id}.`);
  return toWorkstation(r.rows[0]);
}
