/**
 * People's accounts on the practice server: physicians, billing staff, administrators. Every
 * account has a password (scrypt) and a TOTP second factor, required at every login; sessions
 * expire when idle and at a fixed age; failed logins are limited per account and per address.
 */
import crypto from 'node:crypto';
import type pg from 'pg';
import { z } from 'zod';
import { isValidNpi } from '../../shared/domain/identifiers';
import { DUMMY_HASH, hashPassword, passwordProblem, verifyPassword } from './security/password';
import { newTotpSecret, totpUri, verifyTotp } from './security/totp';
import { newToken, tokenHash } from './security/tokens';
import { ServerError } from './server-error';

export const SERVER_ROLES = ['physician', 'billing', 'admin'] as const;
export type ServerRole = (typeof SERVER_ROLES)[number];

export type Account = Readonly<{
  id: string;
  username: string;
  displayName: string;
  credential: string;
  npi: string | null;
  roles: readonly ServerRole[];
  disabled: boolean;
}>;

export const NewAccountSchema = z.strictObject({
  username: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9][a-z0-9._-]{1,59}$/, 'A user name is 2 to 60 letters, digits, dots, dashes or underscores.'),
  displayName: z.string().trim().min(1, 'Give the person’s name.').max(120),
  credential: z.string().trim().max(40).default(''),
  /** A physician's NPI (10 digits): the cases that name them on any workstation are theirs to sign. */
  npi: z
    .string()
    .trim()
    .regex(/^\d{10}$/, 'An NPI is 10 digits.')
    // The workstations check the check digit too: an NPI they would refuse would match no case.
    .refine(isValidNpi, { error: 'That NPI is not valid (its check digit does not match): check the number.' })
    .nullable()
    .default(null),
  roles: z.array(z.enum(SERVER_ROLES)).min(1, 'Give at least one role: physician, billing or admin.').max(3),
  password: z.string(),
});

/** Failed logins allowed per account, and per address, within the window. */
export const LOGIN_LIMITS = { perAccount: 5, perAddress: 20, windowMinutes: 15 } as const;

type UserRow = {
  id: string;
  username: string;
  display_name: string;
  credential: string;
  npi: string | null;
  roles: ServerRole[];
  password_hash: string;
  totp_secret: string;
  totp_last_step: string | null;
  disabled_at: Date | null;
};

function toAccount(r: UserRow): Account {
  return { id: r.id, username: r.username, displayName: r.display_name, credential: r.credential, npi: r.npi, roles: r.roles, disabled: r.disabled_at !== null };
}

/** Add an account; its TOTP secret is returned once, for the person's authenticator app. */
export async function createAccount(pool: pg.Pool, input: z.input<typeof NewAccountSchema>): Promise<{ account: Account; totpSecret: string; totpUri: string }> {
  const parsed = NewAccountSchema.safeParse(input);
  if (!parsed.success) throw new ServerError('BAD_INPUT', parsed.error.issues[0]?.message ?? 'The account is not complete.');
  const a = parsed.data;
  const weak = passwordProblem(a.password);
  if (weak) throw new ServerError('BAD_INPUT', weak);
  const secret = newTotpSecret();
  const id = crypto.randomUUID();
  try {
    await pool.query(
      `INSERT INTO users (id, username, display_name, credential, npi, roles, password_hash, totp_secret) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [id, a.username, a.displayName, a.credential, a.npi, [...new Set(a.roles)], await hashPassword(a.password), secret],
    );
  } catch (e) {
    if ((e as { code?: string }).code === '23505') throw new ServerError('CONFLICT', `There is already a user named "${a.username}".`);
    throw e;
  }
  return {
    account: { id, username: a.username, displayName: a.displayName, credential: a.credential, npi: a.npi, roles: [...new Set(a.roles)], disabled: false },
    totpSecret: secret,
    totpUri: totpUri(secret, a.username),
  };
}

export async function listAccounts(pool: pg.Pool): Promise<Account[]> {
  const r = await pool.query<UserRow>('SELECT * FROM users ORDER BY username');
  return r.rows.map(toAccount);
}

export type Session = Readonly<{ token: string; account: Account; expiresAt: Date }>;

export type LoginInput = Readonly<{ username: string; password: string; totp: string; ip: string }>;

/**
 * Check a login (password and TOTP) and open a session. Every failure says the same thing (no
 * hint which part was wrong or whether the account exists) and counts against the limits.
 */
export async function login(pool: pg.Pool, input: LoginInput, opts: { idleMinutes: number; maxHours: number; now?: number }): Promise<Session> {
  const now = opts.now ?? Date.now();
  const username = input.username.trim().toLowerCase().slice(0, 60);
  await refuseWhenLimited(pool, username, input.ip);
  const r = await pool.query<UserRow>('SELECT * FROM users WHERE username = $1', [username]);
  const row = r.rows[0];
  // The same scrypt work whether or not the account exists: no timing hint.
  const passwordOk = await verifyPassword(input.password.slice(0, 256), row?.password_hash ?? DUMMY_HASH);
  let step: number | null = null;
  if (row && passwordOk && row.disabled_at === null) {
    step = verifyTotp(row.totp_secret, input.totp.trim(), now, row.totp_last_step === null ? null : Number(row.totp_last_step));
  }
  const ok = !!row && passwordOk && row.disabled_at === null && step !== null;
  await pool.query('INSERT INTO login_attempts (username, ip, ok) VALUES ($1, $2, $3)', [username, input.ip, ok]);
  if (!ok || !row || step === null) {
    throw new ServerError('UNAUTHENTICATED', 'The user name, password or six-digit code is not right.');
  }
  // A code works once: a second login with it (seen over a shoulder) is refused.
  const used = await pool.query('UPDATE users SET totp_last_step = $2 WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2)', [row.id, step]);
  if (used.rowCount !== 1) throw new ServerError('UNAUTHENTICATED', 'That six-digit code was just used. Wait for the next one.');
  const token = newToken();
  const expiresAt = new Date(now + opts.maxHours * 3_600_000);
  await pool.query('INSERT INTO sessions (token_hash, user_id, expires_at, ip) VALUES ($1, $2, $3, $4)', [tokenHash(token), row.id, expiresAt, input.ip]);
  return { token, account: toAccount(row), expiresAt };
}

async function refuseWhenLimited(pool: pg.Pool, username: string, ip: string): Promise<void> {
  const r = await pool.query<{ by_user: string; by_ip: string }>(
    `SELECT
       count(*) FILTER (WHERE username = $1 AND NOT ok AND at > now() - make_interval(mins => $3) AND at > coalesce((SELECT max(at) FROM login_attempts WHERE username = $1 AND ok), '-infinity')) AS by_user,
       count(*) FILTER (WHERE ip = $2 AND NOT ok AND at > now() - make_interval(mins => $3)) AS by_ip
     FROM login_attempts WHERE (username = $1 OR ip = $2) AND at > now() - make_interval(mins => $3)`,
    [username, ip, LOGIN_LIMITS.windowMinutes],
  );
  const row = r.rows[0];
  if (Number(row?.by_user ?? 0) >= LOGIN_LIMITS.perAccount || Number(row?.by_ip ?? 0) >= LOGIN_LIMITS.perAddress) {
    throw new ServerError('RATE_LIMITED', `Too many failed logins. Wait ${LOGIN_LIMITS.windowMinutes} minutes, or ask an administrator.`);
  }
}

/** The account behind a session token, when the session is still open; it is kept alive by use. */
export async function sessionAccount(pool: pg.Pool, token: string, opts: { idleMinutes: number }): Promise<Account | null> {
  if (!token || token.length > 100) return null;
  const r = await pool.query<UserRow & { session_seen: Date }>(
    `UPDATE sessions s SET last_seen_at = now()
       FROM users u
      WHERE s.token_hash = $1 AND u.id = s.user_id AND s.expires_at > now()
        AND s.last_seen_at > now() - make_interval(mins => $2) AND u.disabled_at IS NULL
      RETURNING u.*`,
    [tokenHash(token), opts.idleMinutes],
  );
  const row = r.rows[0];
  return row ? toAccount(row) : null;
}

export async function logout(pool: pg.Pool, token: string): Promise<void> {
  await pool.query('DELETE FROM sessions WHERE token_hash = $1', [tokenHash(token)]);
}

export function hasRole(account: Account, ...roles: ServerRole[]): boolean {
  return roles.some((r) => account.roles.includes(r));
}
