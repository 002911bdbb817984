/**
 * Signing from anywhere (#17): a physician signs, on the practice server, the report of a closed
 * case that names them, exactly as its workstation drafted it (the hash of the text they read).
 * The password is asked again at signing. The workstation applies the signature when its report
 * still says that text, or refuses it with the reason; either way the physician sees the outcome.
 */
import crypto from 'node:crypto';
import type pg from 'pg';
import type { RemoteEdit, RemoteSignature } from '../../shared/domain/remote-signing';
import { logAccess, type Actor } from './access-log';
import type { Account } from './accounts';
import { verifyPassword } from './security/password';
import { ServerError } from './server-error';

export const NO_NPI = 'Your account has no NPI, so no case can be matched to you. Ask the administrator to add it.';

/**
 * The password asked again before a signature (or a signed addendum): a session left open on a
 * shared computer does not sign. A wrong one counts as a failed login (the rate limit holds) and
 * is written to the access log.
 */
export async function confirmPassword(pool: pg.Pool, actor: Actor, account: Account, caseId: string, password: string, refusedAction: string, nothingDone: string): Promise<void> {
  const hash = await pool.query<{ password_hash: string }>('SELECT password_hash FROM users WHERE id = $1', [account.id]);
  if (await verifyPassword(password.slice(0, 256), hash.rows[0]?.password_hash ?? '')) return;
  await pool.query('INSERT INTO login_attempts (username, ip, ok) VALUES ($1, $2, false)', [account.username, actor.ip ?? '?']);
  await logAccess(pool, actor, refusedAction, caseId, { code: 'password' });
  throw new ServerError('UNAUTHENTICATED', `That password is not right. ${nothingDone}`);
}

/**
 * A physician's own words for a report (an interpretation, an addendum): line ends made plain,
 * trimmed, within the workstation's limit, with no character a report cannot hold.
 */
export function cleanReportText(text: string, what: string): string {
  const clean = text.replace(/\r\n?/g, '\n').trim();
  if (!clean) throw new ServerError('BAD_INPUT', `Write the ${what} first.`);
  if (clean.length > 20_000) throw new ServerError('BAD_INPUT', `The ${what} is too long (20,000 characters at most).`);
  // eslint-disable-next-line no-control-regex -- control characters are exactly what it refuses
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(clean)) throw new ServerError('BAD_INPUT', `The ${what} contains characters that cannot be stored.`);
  return clean;
}

/** A signature made here, waiting for (or answered by) its workstation: the wire shape both ends share. */
export type PendingSignature = RemoteSignature;

export async function signRemotely(pool: pg.Pool, actor: Actor, account: Account, caseId: string, input: { draftSha256: string; password: string }): Promise<PendingSignature> {
  if (!account.npi) throw new ServerError('FORBIDDEN', NO_NPI);
  await confirmPassword(pool, actor, account, caseId, input.password, 'case.sign_refused', 'Nothing was signed.');
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    const found = await c.query<{ workstation_id: string; status: string; draft_sha256: string | null; draft: { blockers?: string[] } | null }>(
      `SELECT k.workstation_id, k.status, d.draft_sha256, d.draft
         FROM ws_cases k
         JOIN ws_people p ON p.workstation_id = k.workstation_id AND p.person_id = k.record->>'physician_id' AND p.role = 'physician' AND p.npi = $2
         LEFT JOIN ws_drafts d ON d.case_id = k.case_id
        WHERE k.case_id = $1
        FOR UPDATE OF k`,
      [caseId, account.npi],
    );
    const row = found.rows[0];
    if (!row) throw new ServerError('FORBIDDEN', 'This case does not name you as its interpreting physician, so you cannot sign it.');
    if (row.status !== 'closed' || !row.draft_sha256) throw new ServerError('CONFLICT', 'This case is not waiting for a signature (it is open, or signed already).');
    // Signed here already (waiting, or taken by the workstation before its new status arrived):
    // a second signature of the same report would be a second, meaningless version.
    const earlier = await c.query(`SELECT 1 FROM remote_signatures WHERE case_id = $1 AND state IN ('pending', 'applied')`, [caseId]);
    if ((earlier.rowCount ?? 0) > 0) throw new ServerError('CONFLICT', 'This report is signed already. A change now is an addendum.');
    if (row.draft_sha256 !== input.draftSha256) {
      throw new ServerError('CONFLICT', 'The report changed on the workstation while you were reading it (a new event or an edit). Read it again, then sign.');
    }
    if (row.draft?.blockers?.length) throw new ServerError('CONFLICT', `Not signed. ${row.draft.blockers.join(' ')}`);
    const sig: PendingSignature = {
      id: crypto.randomUUID(),
      caseId,
      draftSha256: input.draftSha256,
      signer: { serverUserId: account.id, name: account.displayName, credential: account.credential, npi: account.npi },
      signedAt: Date.now(),
    };
    try {
      await c.query(
        `INSERT INTO remote_signatures (id, case_id, workstation_id, draft_sha256, signer_user_id, signer_name, signer_credential, signer_npi, signed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [sig.id, caseId, row.workstation_id, sig.draftSha256, account.id, sig.signer.name, sig.signer.credential, sig.signer.npi, sig.signedAt],
      );
    } catch (e) {
      if ((e as { code?: string }).code === '23505') throw new ServerError('CONFLICT', 'This report is signed already and waiting for its workstation to take the signature.');
      throw e;
    }
    await logAccess(c, actor, 'case.sign', caseId, { signatureId: sig.id, draftSha256: sig.draftSha256 });
    await c.query('COMMIT');
    return sig;
  } catch (e) {
    await c.query('ROLLBACK').catch(() => {});
    throw e;
  } finally {
    c.release();
  }
}

/** Signatures waiting for this workstation to apply them, oldest first. */
export async function pendingFor(pool: pg.Pool, workstationId: string): Promise<PendingSignature[]> {
  const r = await pool.query<{ id: string; case_id: string; draft_sha256: string; signer_user_id: string; signer_name: string; signer_credential: string; signer_npi: string | null; signed_at: string }>(
    `SELECT * FROM remote_signatures WHERE workstation_id = $1 AND state = 'pending' ORDER BY signed_at LIMIT 100`,
    [workstationId],
  );
  return r.rows.map((x) => ({
    id: x.id,
    caseId: x.case_id,
    draftSha256: x.draft_sha256,
    signer: { serverUserId: x.signer_user_id, name: x.signer_name, credential: x.signer_credential, npi: x.signer_npi },
    signedAt: Number(x.signed_at),
  }));
}

/** The workstation's answer: applied as version N, or refused with why. */
export async function settle(pool: pg.Pool, workstationId: string, id: string, outcome: unknown): Promise<void> {
  const o = outcome as { state?: unknown; version?: unknown; reason?: unknown };
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new ServerError('BAD_INPUT', 'Not a signature id.');
  if (o.state !== 'applied' && o.state !== 'refused') throw new ServerError('BAD_INPUT', 'The outcome is "applied" or "refused".');
  const version = o.state === 'applied' && Number.isInteger(o.version) ? Number(o.version) : null;
  const reason = o.state === 'refused' ? String(o.reason ?? '').slice(0, 2000) : null;
  await pool.query(`UPDATE remote_signatures SET state = $3, version = $4, reason = $5, settled_at = now() WHERE id = $1 AND workstation_id = $2 AND state = 'pending'`, [
    id,
    workstationId,
    o.state,
    version,
    reason,
  ]);
}

export type PendingEdit = RemoteEdit;

/** The physician's interpretation, written here for a case that names them; the workstation applies it as their own text. */
export async function writeInterpretation(pool: pg.Pool, actor: Actor, account: Account, caseId: string, text: string): Promise<PendingEdit> {
  if (!account.npi) throw new ServerError('FORBIDDEN', NO_NPI);
  const clean = cleanReportText(text, 'interpretation');
  const found = await pool.query<{ workstation_id: string; status: string }>(
    `SELECT k.workstation_id, k.status FROM ws_cases k
       JOIN ws_people p ON p.workstation_id = k.workstation_id AND p.person_id = k.record->>'physician_id' AND p.role = 'physician' AND p.npi = $2
      WHERE k.case_id = $1`,
    [caseId, account.npi],
  );
  const row = found.rows[0];
  if (!row) throw new ServerError('FORBIDDEN', 'This case does not name you as its interpreting physician.');
  if (!['open', 'capturing', 'closed'].includes(row.status)) throw new ServerError('CONFLICT', 'This report is signed; a change now is an addendum.');
  const edit: PendingEdit = { id: crypto.randomUUID(), caseId, sectionId: 'interpretation', text: clean, author: { serverUserId: account.id, name: account.displayName }, at: Date.now() };
  await pool.query(
    `INSERT INTO remote_edits (id, case_id, workstation_id, section_id, text, author_user_id, author_name, at) VALUES ($1, $2, $3, 'interpretation', $4, $5, $6, $7)`,
    [edit.id, caseId, row.workstation_id, edit.text, account.id, account.displayName, edit.at],
  );
  await logAccess(pool, actor, 'case.interpretation', caseId, { editId: edit.id });
  return edit;
}

export async function pendingEditsFor(pool: pg.Pool, workstationId: string): Promise<PendingEdit[]> {
  const r = await pool.query<{ id: string; case_id: string; text: string; author_user_id: string; author_name: string; at: string }>(
    `SELECT * FROM remote_edits WHERE workstation_id = $1 AND state = 'pending' ORDER BY at LIMIT 100`,
    [workstationId],
  );
  return r.rows.map((x) => ({ id: x.id, caseId: x.case_id, sectionId: 'interpretation', text: x.text, author: { serverUserId: x.author_user_id, name: x.author_name }, at: Number(x.at) }));
}

export async function settleEdit(pool: pg.Pool, workstationId: string, id: string, outcome: unknown): Promise<void> {
  const o = outcome as { state?: unknown; reason?: unknown };
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new ServerError('BAD_INPUT', 'Not an edit id.');
  if (o.state !== 'applied' && o.state !== 'refused') throw new ServerError('BAD_INPUT', 'The outcome is "applied" or "refused".');
  await pool.query(`UPDATE remote_edits SET state = $3, reason = $4, settled_at = now() WHERE id = $1 AND workstation_id = $2 AND state = 'pending'`, [
    id,
    workstationId,
    o.state,
    o.state === 'refused' ? String(o.reason ?? '').slice(0, 2000) : null,
  ]);
}
