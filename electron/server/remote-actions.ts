/**
 * What people do on the practice server for one case, after it is signed or while its claim waits
 * (#17): the interpreting physician's addendum to the signed report (signed with their password),
 * and a biller's override of a claim that is not clean (with a reason). Each waits here for the
 * case's workstation, which applies it in that person's name through its own commit path (the
 * same versions, overrides and audit entries as if done there) or refuses it with why; the
 * person sees the outcome on the page.
 */
import crypto from 'node:crypto';
import type pg from 'pg';
import type { RemoteAction, RemoteOutcome } from '../../shared/domain/remote-signing';
import type { ActionState, RemoteState } from '../../shared/domain/practice-server';
import { BillingDetailsSchema } from '../../shared/billing/details';
import { canonicalJson } from '../../shared/domain/audit';
import { logAccess, type Actor } from './access-log';
import type { Account } from './accounts';
import { cleanReportText, confirmPassword, NO_NPI } from './remote-signing';
import { ServerError } from './server-error';

const SIGNED = ['signed', 'sent', 'amended'];

type Row = {
  id: string;
  case_id: string;
  kind: RemoteAction['kind'];
  body: Record<string, unknown>;
  author_user_id: string;
  author_name: string;
  author_credential: string;
  author_npi: string | null;
  at: string;
  state: RemoteState;
  version: number | null;
  reason: string | null;
};

function actionOf(x: Row): RemoteAction {
  const base = { id: x.id, caseId: x.case_id, author: { serverUserId: x.author_user_id, name: x.author_name, credential: x.author_credential, npi: x.author_npi }, at: Number(x.at) };
  if (x.kind === 'addendum') return { ...base, kind: 'addendum', text: String(x.body.text ?? ''), afterVersion: Number(x.body.afterVersion ?? 0) };
  if (x.kind === 'billingDetails') return { ...base, kind: 'billingDetails', details: x.body.details, before: x.body.before };
  return { ...base, kind: 'claimOverride', reason: String(x.body.reason ?? ''), rules: Array.isArray(x.body.rules) ? x.body.rules.map(String) : [] };
}

async function insert(db: pg.Pool | pg.PoolClient, a: RemoteAction, workstationId: string, body: Record<string, unknown>): Promise<void> {
  await db.query(
    `INSERT INTO remote_actions (id, case_id, workstation_id, kind, body, author_user_id, author_name, author_credential, author_npi, at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [a.id, a.caseId, workstationId, a.kind, JSON.stringify(body), a.author.serverUserId, a.author.name, a.author.credential, a.author.npi, a.at],
  );
}

function authorOf(account: Account): RemoteAction['author'] {
  return { serverUserId: account.id, name: account.displayName, credential: account.credential, npi: account.npi };
}

/**
 * The interpreting physician's addendum to a signed report of a case that names them, signed with
 * their password. It follows the last signed version the server holds (`afterVersion`).
 */
export async function addendumRemotely(pool: pg.Pool, actor: Actor, account: Account, caseId: string, input: { text: string; password: string }): Promise<RemoteAction> {
  if (!account.npi) throw new ServerError('FORBIDDEN', NO_NPI);
  const text = cleanReportText(input.text, 'addendum');
  await confirmPassword(pool, actor, account, caseId, input.password, 'case.addendum_refused', 'No addendum was added.');
  const found = await pool.query<{ workstation_id: string; status: string; last: number | null }>(
    `SELECT k.workstation_id, k.status, (SELECT max(version) FROM ws_report_versions v WHERE v.case_id = k.case_id) AS last
       FROM ws_cases k
       JOIN ws_people p ON p.workstation_id = k.workstation_id AND p.person_id = k.record->>'physician_id' AND p.role = 'physician' AND p.npi = $2
      WHERE k.case_id = $1`,
    [caseId, account.npi],
  );
  const row = found.rows[0];
  if (!row) throw new ServerError('FORBIDDEN', 'This case does not name you as its interpreting physician, so you cannot add to its report.');
  if (!SIGNED.includes(row.status) || row.last === null) {
    throw new ServerError('CONFLICT', 'This report is not signed yet (or its signed version has not reached the server): change the report itself, then sign it.');
  }
  const action: RemoteAction = { id: crypto.randomUUID(), caseId, author: authorOf(account), at: Date.now(), kind: 'addendum', text, afterVersion: Number(row.last) };
  await insert(pool, action, row.workstation_id, { text, afterVersion: action.afterVersion });
  await logAccess(pool, actor, 'case.addendum', caseId, { actionId: action.id, afterVersion: action.afterVersion });
  return action;
}

/**
 * A biller lets a claim that is not clean be exported, with a reason. `rules` are the findings
 * their page showed: if the server holds other findings for the claim now, they read it again.
 */
export async function overrideRemotely(pool: pg.Pool, actor: Actor, account: Account, caseId: string, input: { reason: string; rules: readonly string[] }): Promise<RemoteAction> {
  const reason = input.reason.replace(/\s+/g, ' ').trim();
  if (reason.length < 10) throw new ServerError('BAD_INPUT', 'Give the reason in a few words (at least 10 characters).');
  if (reason.length > 500) throw new ServerError('BAD_INPUT', 'Keep the reason under 500 characters.');
  const found = await pool.query<{ workstation_id: string; clean: boolean; blocking: number; row: { top_rules?: string } }>(
    'SELECT workstation_id, clean, blocking, row FROM ws_claims WHERE case_id = $1',
    [caseId],
  );
  const claim = found.rows[0];
  if (!claim) throw new ServerError('NOT_FOUND', 'There is no such claim on the practice server (yet).');
  // The workstation's "clean" is "may be exported": clean, or overridden.
  if (claim.clean) {
    throw new ServerError('CONFLICT', claim.blocking > 0 ? 'This claim is overridden already: it goes out with the next charge export.' : 'This claim is clean: there is nothing to override.');
  }
  let rules: string[] = [];
  try {
    rules = JSON.parse(String(claim.row.top_rules ?? '[]')) as string[];
  } catch {
    rules = [];
  }
  const seen = new Set(input.rules);
  if (rules.length !== seen.size || rules.some((r) => !seen.has(r))) {
    throw new ServerError('CONFLICT', 'The claim changed on its workstation while you were reading it. Read its findings again, then override.');
  }
  const action: RemoteAction = { id: crypto.randomUUID(), caseId, author: authorOf(account), at: Date.now(), kind: 'claimOverride', reason, rules };
  try {
    await insert(pool, action, claim.workstation_id, { reason, rules });
  } catch (e) {
    if ((e as { code?: string }).code === '23505') throw new ServerError('CONFLICT', 'An override of this claim is already waiting for its workstation.');
    throw e;
  }
  // The reason is the biller's words about the claim, not patient data.
  await logAccess(pool, actor, 'claim.override', caseId, { actionId: action.id, rules, reason });
  return action;
}

/**
 * The office answers what a claim needs and no device says (limbs tested, EMG extremities, the
 * surgeon's order, an ABN on file…). `before` is the answers as the page showed them: if the
 * workstation has sent others since, they read them again.
 */
export async function answerRemotely(pool: pg.Pool, actor: Actor, account: Account, caseId: string, input: { details: unknown; before: unknown }): Promise<RemoteAction> {
  const d = BillingDetailsSchema.safeParse(input.details);
  if (!d.success) {
    const first = d.error.issues[0];
    throw new ServerError('BAD_INPUT', first ? `${first.path.join('.') || 'The answers'}: ${first.message}` : 'These answers are not valid.');
  }
  const found = await pool.query<{ workstation_id: string; row: { charges?: { details?: unknown } } }>('SELECT workstation_id, row FROM ws_claims WHERE case_id = $1', [caseId]);
  const claim = found.rows[0];
  if (!claim) throw new ServerError('NOT_FOUND', 'There is no such claim on the practice server (yet).');
  const current = claim.row.charges?.details ?? null;
  if (canonicalJson(current) !== canonicalJson(input.before ?? null)) {
    throw new ServerError('CONFLICT', 'The answers changed on the workstation while you were reading them. Read them again, then answer.');
  }
  const action: RemoteAction = { id: crypto.randomUUID(), caseId, author: authorOf(account), at: Date.now(), kind: 'billingDetails', details: d.data, before: current };
  await insert(pool, action, claim.workstation_id, { details: d.data, before: current });
  await logAccess(pool, actor, 'claim.answers', caseId, { actionId: action.id });
  return action;
}

/** What waits for this workstation to apply, oldest first. */
export async function pendingActionsFor(pool: pg.Pool, workstationId: string): Promise<RemoteAction[]> {
  const r = await pool.query<Row>(`SELECT * FROM remote_actions WHERE workstation_id = $1 AND state = 'pending' ORDER BY at LIMIT 100`, [workstationId]);
  return r.rows.map(actionOf);
}

/** The workstation's answer: applied (as version N for an addendum), or refused with why. */
export async function settleAction(pool: pg.Pool, workstationId: string, id: string, outcome: unknown): Promise<void> {
  const o = outcome as { state?: unknown; version?: unknown; reason?: unknown };
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new ServerError('BAD_INPUT', 'Not an action id.');
  if (o.state !== 'applied' && o.state !== 'refused') throw new ServerError('BAD_INPUT', 'The outcome is "applied" or "refused".');
  const version = o.state === 'applied' && Number.isInteger(o.version) && Number(o.version) > 0 ? Number(o.version) : null;
  await pool.query(`UPDATE remote_actions SET state = $3, version = $4, reason = $5, settled_at = now() WHERE id = $1 AND workstation_id = $2 AND state = 'pending'`, [
    id,
    workstationId,
    o.state,
    version,
    o.state === 'refused' ? String(o.reason ?? '').slice(0, 2000) : null,
  ]);
}


/** A case's actions and their outcomes, for its page (oldest first). */
export async function actionsOfCase(db: pg.Pool | pg.PoolClient, caseId: string): Promise<ActionState[]> {
  const r = await db.query<Row>('SELECT * FROM remote_actions WHERE case_id = $1 ORDER BY at', [caseId]);
  return r.rows.map((x) => ({ id: x.id, kind: x.kind, authorName: x.author_name, at: Number(x.at), state: x.state, version: x.version, reason: x.reason }));
}

export type { RemoteOutcome };
