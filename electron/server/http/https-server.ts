/**
 * The practice server's HTTPS front: a small JSON API (people log in with password and TOTP;
 * workstations present their credential). HTTPS only: there is no plain-HTTP listener. Every
 * route names who may call it; the check is here, on the server, for every call.
 * Its log lines carry the method, the route's pattern, the status and the time: never a query
 * string, a body or a name (PHI).
 */
import fs from 'node:fs';
import path from 'node:path';
import https from 'node:https';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import type pg from 'pg';
import { readAccessLog, accessLogCsv, logAccess, type Actor } from '../access-log';
import { createAccount, hasRole, listAccounts, login, logout, sessionAccount, type Account, type ServerRole } from '../accounts';
import { certificateFingerprint } from '../security/certificate';
import type { ServerConfig } from '../server-config';
import { ServerError } from '../server-error';
import { pendingEditsFor, pendingFor, settle, settleEdit, signRemotely, writeInterpretation } from '../remote-signing';
import { addendumRemotely, answerRemotely, overrideRemotely, pendingActionsFor, settleAction } from '../remote-actions';
import { practiceDashboard } from '../practice-dashboard';
import { practicePhysicians, saveBillingOnServer, saveEhrOnServer, settingsOnServer } from '../practice-settings';
import { claimWorklist, listPracticeCases, physicianQueue, practiceCharges, readPracticeCase, receivePush } from '../sync-receive';
import { createEnrollCode, enroll, listWorkstations, revokeWorkstation, workstationByCredential, type Workstation } from '../workstations';

export const SESSION_COOKIE = 'closeout_session';
/** Request bodies: small for people's calls; a workstation's batch (2,000 events) is larger. */
const MAX_BODY = 64 * 1024;

type Caller =
  | Readonly<{ kind: 'anonymous'; ip: string }>
  | Readonly<{ kind: 'user'; ip: string; account: Account; token: string }>
  | Readonly<{ kind: 'workstation'; ip: string; workstation: Workstation }>;

type Who = 'anyone' | 'workstation' | ServerRole | 'any-user';

type Reply = Readonly<{ status?: number; json?: unknown; text?: string; type?: string; headers?: Record<string, string> }>;

type Route = Readonly<{
  method: 'GET' | 'POST';
  pattern: string;
  who: readonly Who[];
  maxBody?: number;
  handle: (ctx: RouteContext) => Promise<Reply>;
}>;

type RouteContext = Readonly<{ caller: Caller; body: Record<string, unknown>; params: Record<string, string>; query: URLSearchParams }>;

export type ServerDeps = Readonly<{
  pool: pg.Pool;
  config: ServerConfig;
  version: string;
  log: (line: Record<string, unknown>) => void;
  /** The built web pages (out/renderer): the practice page at "/" and its assets. Null: API only. */
  webDir?: string | null;
}>;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/** A file of the practice page, or null (only "/" and /assets/*: nothing else of the folder is served). */
function webFile(webDir: string, pathname: string): string | null {
  const rel = pathname === '/' ? 'practice.html' : pathname === '/favicon.svg' ? 'favicon.svg' : pathname.startsWith('/assets/') ? pathname.slice(1) : null;
  if (!rel || rel.includes('..') || rel.includes('\\') || rel.includes('\0')) return null;
  const file = path.resolve(webDir, rel);
  if (!file.startsWith(path.resolve(webDir) + path.sep)) return null;
  try {
    return fs.statSync(file).isFile() ? file : null;
  } catch {
    return null;
  }
}

function actorOf(c: Caller): Actor {
  if (c.kind === 'user') return { kind: 'user', id: c.account.id, name: c.account.username, ip: c.ip };
  if (c.kind === 'workstation') return { kind: 'workstation', id: c.workstation.id, name: c.workstation.name, ip: c.ip };
  return { kind: 'user', id: '-', name: '-', ip: c.ip };
}

function str(body: Record<string, unknown>, key: string, max = 500): string {
  const v = body[key];
  if (typeof v !== 'string') throw new ServerError('BAD_INPUT', `"${key}" is missing.`);
  if (v.length > max) throw new ServerError('BAD_INPUT', `"${key}" is too long.`);
  return v;
}

/** A remote action taken: 202, and what the page shows until the workstation answers. */
function accepted(a: Readonly<{ id: string; at: number }>) {
  return { status: 202, json: { action: { id: a.id, state: 'pending', at: a.at } } };
}

function routes(deps: ServerDeps): Route[] {
  const { pool, config } = deps;
  const sessionOpts = { idleMinutes: config.sessions.idleMinutes, maxHours: config.sessions.maxHours };
  return [
    {
      method: 'GET',
      pattern: '/api/health',
      who: ['anyone'],
      handle: async () => ({ json: { ok: true, version: deps.version } }),
    },
    {
      method: 'POST',
      pattern: '/api/login',
      who: ['anyone'],
      handle: async ({ caller, body }) => {
        const s = await login(pool, { username: str(body, 'username', 60), password: str(body, 'password', 256), totp: str(body, 'totp', 10), ip: caller.ip }, sessionOpts);
        await logAccess(pool, { kind: 'user', id: s.account.id, name: s.account.username, ip: caller.ip }, 'login');
        return {
          // The token goes only into the HttpOnly cookie: page scripts never see it.
          json: { account: s.account, expiresAt: s.expiresAt.toISOString() },
          headers: { 'Set-Cookie': `${SESSION_COOKIE}=${s.token}; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=${config.sessions.maxHours * 3600}` },
        };
      },
    },
    {
      method: 'POST',
      pattern: '/api/logout',
      who: ['any-user'],
      handle: async ({ caller }) => {
        if (caller.kind === 'user') {
          await logout(pool, caller.token);
          await logAccess(pool, actorOf(caller), 'logout');
        }
        return { json: { ok: true }, headers: { 'Set-Cookie': `${SESSION_COOKIE}=; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=0` } };
      },
    },
    {
      method: 'GET',
      pattern: '/api/me',
      who: ['any-user'],
      handle: async ({ caller }) => ({ json: { account: caller.kind === 'user' ? caller.account : null } }),
    },
    {
      method: 'GET',
      pattern: '/api/users',
      who: ['admin'],
      handle: async () => ({ json: { users: await listAccounts(pool) } }),
    },
    {
      method: 'POST',
      pattern: '/api/users',
      who: ['admin'],
      handle: async ({ caller, body }) => {
        const made = await createAccount(pool, {
          username: str(body, 'username', 60),
          displayName: str(body, 'displayName', 120),
          credential: typeof body.credential === 'string' ? body.credential : '',
          npi: typeof body.npi === 'string' ? body.npi : null,
          roles: Array.isArray(body.roles) ? (body.roles as ServerRole[]) : [],
          password: str(body, 'password', 256),
        });
        await logAccess(pool, actorOf(caller), 'user.create', null, { username: made.account.username, roles: made.account.roles });
        return { status: 201, json: made };
      },
    },
    {
      method: 'POST',
      pattern: '/api/enroll-codes',
      who: ['admin'],
      handle: async ({ caller, body }) => {
        const hours = body.hours === undefined ? undefined : Number(body.hours);
        const code = await createEnrollCode(pool, { workstationName: str(body, 'workstationName', 80), createdBy: actorOf(caller).name, ...(hours === undefined ? {} : { hours }) });
        await logAccess(pool, actorOf(caller), 'workstation.enroll_code', null, { workstationName: body.workstationName });
        return { status: 201, json: code };
      },
    },
    {
      method: 'GET',
      pattern: '/api/workstations',
      who: ['admin'],
      handle: async () => ({ json: { workstations: await listWorkstations(pool) } }),
    },
    {
      method: 'POST',
      pattern: '/api/workstations/:id/revoke',
      who: ['admin'],
      handle: async ({ caller, params }) => {
        const w = await revokeWorkstation(pool, params.id ?? '', caller.kind === 'user' ? caller.account.id : null);
        await logAccess(pool, actorOf(caller), 'workstation.revoke', null, { workstationId: w.id });
        return { json: { workstation: w } };
      },
    },
    {
      method: 'GET',
      pattern: '/api/access-log',
      who: ['admin'],
      handle: async ({ caller, query }) => {
        const range = { from: query.get('from') ?? undefined, to: query.get('to') ?? undefined, caseId: query.get('caseId') ?? undefined };
        const entries = await readAccessLog(pool, range);
        // Reading who read PHI is itself recorded.
        await logAccess(pool, actorOf(caller), 'access_log.export', null, { ...range, rows: entries.length });
        if (query.get('format') === 'csv') return { text: accessLogCsv(entries), type: 'text/csv; charset=utf-8' };
        return { json: { entries } };
      },
    },
    {
      method: 'POST',
      pattern: '/api/enroll',
      who: ['anyone'],
      handle: async ({ caller, body }) => {
        await refuseEnrollFlood(pool, caller.ip);
        try {
          const r = await enroll(pool, str(body, 'code', 40));
          await logAccess(pool, { kind: 'workstation', id: r.workstation.id, name: r.workstation.name, ip: caller.ip }, 'workstation.enroll');
          return { status: 201, json: { workstation: r.workstation, credential: r.credential } };
        } catch (e) {
          await pool.query('INSERT INTO login_attempts (username, ip, ok) VALUES ($1, $2, false)', ['#enroll', caller.ip]);
          throw e;
        }
      },
    },
    {
      method: 'POST',
      pattern: '/api/sync/push',
      who: ['workstation'],
      maxBody: 32 * 1024 * 1024,
      handle: async ({ caller, body }) => {
        if (caller.kind !== 'workstation') throw new ServerError('FORBIDDEN', 'Workstations only.');
        return { json: { ok: true, ...(await receivePush(pool, caller.workstation.id, body)) } };
      },
    },
    {
      method: 'GET',
      pattern: '/api/cases',
      who: ['physician', 'billing', 'admin'],
      handle: async ({ caller, query }) => ({
        json: { cases: await listPracticeCases(pool, actorOf(caller), { from: query.get('from') ?? undefined, to: query.get('to') ?? undefined }) },
      }),
    },
    {
      method: 'POST',
      pattern: '/api/cases/:id/sign',
      who: ['physician'],
      handle: async ({ caller, params, body }) => {
        if (caller.kind !== 'user') throw new ServerError('FORBIDDEN', 'Physicians only.');
        const sig = await signRemotely(pool, actorOf(caller), caller.account, params.id ?? '', { draftSha256: str(body, 'draftSha256', 64), password: str(body, 'password', 256) });
        return { status: 202, json: { signature: { id: sig.id, state: 'pending', signedAt: sig.signedAt } } };
      },
    },
    {
      method: 'GET',
      pattern: '/api/sync/pull',
      who: ['workstation'],
      handle: async ({ caller }) =>
        caller.kind === 'workstation'
          ? {
              json: {
                edits: await pendingEditsFor(pool, caller.workstation.id),
                signatures: await pendingFor(pool, caller.workstation.id),
                actions: await pendingActionsFor(pool, caller.workstation.id),
                settings: await settingsOnServer(pool),
                physicians: await practicePhysicians(pool),
              },
            }
          : { json: { edits: [], signatures: [], actions: [] } },
    },
    {
      method: 'GET',
      pattern: '/api/settings/ehr',
      who: ['admin'],
      handle: async () => ({ json: { ehr: (await settingsOnServer(pool)).ehr } }),
    },
    {
      method: 'POST',
      pattern: '/api/settings/ehr',
      who: ['admin'],
      handle: async ({ caller, body }) => {
        if (caller.kind !== 'user') throw new ServerError('FORBIDDEN', 'Administrators only.');
        return { status: 201, json: { ehr: await saveEhrOnServer(pool, actorOf(caller), { userId: caller.account.id, name: caller.account.displayName }, body) } };
      },
    },
    {
      method: 'GET',
      pattern: '/api/settings/billing',
      who: ['admin', 'billing'],
      handle: async () => ({ json: { billing: (await settingsOnServer(pool)).billing } }),
    },
    {
      method: 'POST',
      pattern: '/api/settings/billing',
      who: ['admin'],
      // A payer rule set or two can be long.
      maxBody: 1024 * 1024,
      handle: async ({ caller, body }) => {
        if (caller.kind !== 'user') throw new ServerError('FORBIDDEN', 'Administrators only.');
        return { status: 201, json: { billing: await saveBillingOnServer(pool, actorOf(caller), { userId: caller.account.id, name: caller.account.displayName }, body) } };
      },
    },
    {
      method: 'POST',
      pattern: '/api/sync/actions/:id/outcome',
      who: ['workstation'],
      handle: async ({ caller, params, body }) => {
        if (caller.kind === 'workstation') await settleAction(pool, caller.workstation.id, params.id ?? '', body);
        return { json: { ok: true } };
      },
    },
    {
      method: 'POST',
      pattern: '/api/cases/:id/addendum',
      who: ['physician'],
      handle: async ({ caller, params, body }) => {
        if (caller.kind !== 'user') throw new ServerError('FORBIDDEN', 'Physicians only.');
        const a = await addendumRemotely(pool, actorOf(caller), caller.account, params.id ?? '', { text: str(body, 'text', 20_000), password: str(body, 'password', 256) });
        return accepted(a);
      },
    },
    {
      method: 'POST',
      pattern: '/api/claims/:id/answers',
      who: ['billing', 'admin'],
      handle: async ({ caller, params, body }) => {
        if (caller.kind !== 'user') throw new ServerError('FORBIDDEN', 'Billing only.');
        const a = await answerRemotely(pool, actorOf(caller), caller.account, params.id ?? '', { details: body.details, before: body.before });
        return accepted(a);
      },
    },
    {
      method: 'POST',
      pattern: '/api/claims/:id/override',
      who: ['billing', 'admin'],
      handle: async ({ caller, params, body }) => {
        if (caller.kind !== 'user') throw new ServerError('FORBIDDEN', 'Billing only.');
        const rules = Array.isArray(body.rules) ? body.rules.filter((r): r is string => typeof r === 'string').slice(0, 100) : [];
        const a = await overrideRemotely(pool, actorOf(caller), caller.account, params.id ?? '', { reason: str(body, 'reason', 2000), rules });
        return accepted(a);
      },
    },
    {
      method: 'POST',
      pattern: '/api/sync/signatures/:id/outcome',
      who: ['workstation'],
      handle: async ({ caller, params, body }) => {
        if (caller.kind === 'workstation') await settle(pool, caller.workstation.id, params.id ?? '', body);
        return { json: { ok: true } };
      },
    },
    {
      method: 'POST',
      pattern: '/api/cases/:id/interpretation',
      who: ['physician'],
      handle: async ({ caller, params, body }) => {
        if (caller.kind !== 'user') throw new ServerError('FORBIDDEN', 'Physicians only.');
        const edit = await writeInterpretation(pool, actorOf(caller), caller.account, params.id ?? '', str(body, 'text', 20_000));
        return { status: 202, json: { edit: { id: edit.id, state: 'pending', at: edit.at } } };
      },
    },
    {
      method: 'POST',
      pattern: '/api/sync/edits/:id/outcome',
      who: ['workstation'],
      handle: async ({ caller, params, body }) => {
        if (caller.kind === 'workstation') await settleEdit(pool, caller.workstation.id, params.id ?? '', body);
        return { json: { ok: true } };
      },
    },
    {
      method: 'GET',
      pattern: '/api/queue',
      who: ['physician'],
      handle: async ({ caller }) => {
        if (caller.kind !== 'user') throw new ServerError('FORBIDDEN', 'Physicians only.');
        return { json: { queue: await physicianQueue(pool, actorOf(caller), caller.account.npi) } };
      },
    },
    {
      method: 'GET',
      pattern: '/api/claims',
      who: ['billing', 'admin'],
      handle: async ({ caller, query }) => ({
        json: await claimWorklist(pool, actorOf(caller), { from: query.get('from') ?? undefined, to: query.get('to') ?? undefined }),
      }),
    },
    {
      method: 'GET',
      pattern: '/api/dashboard',
      who: ['billing', 'admin'],
      handle: async ({ caller, query }) => ({ json: await practiceDashboard(pool, actorOf(caller), { from: query.get('from') || undefined, to: query.get('to') || undefined }) }),
    },
    {
      method: 'GET',
      pattern: '/api/charges',
      who: ['billing', 'admin'],
      handle: async ({ caller, query }) => {
        const format = query.get('format') === 'json' ? 'json' : 'csv';
        const r = await practiceCharges(pool, actorOf(caller), { from: query.get('from') ?? '', to: query.get('to') ?? '', format });
        return { json: r };
      },
    },
    {
      method: 'GET',
      pattern: '/api/cases/:id',
      who: ['physician', 'billing', 'admin'],
      handle: async ({ caller, params, query }) => ({ json: await readPracticeCase(pool, actorOf(caller), params.id ?? '', Number(query.get('after') ?? 0) || 0) }),
    },
    {
      method: 'GET',
      pattern: '/api/workstation/ping',
      who: ['workstation'],
      handle: async ({ caller }) => ({ json: { workstation: caller.kind === 'workstation' ? caller.workstation : null } }),
    },
  ];
}

async function refuseEnrollFlood(pool: pg.Pool, ip: string): Promise<void> {
  const r = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM login_attempts WHERE username = '#enroll' AND ip = $1 AND NOT ok AND at > now() - interval '15 minutes'`, [ip]);
  if (Number(r.rows[0]?.n ?? 0) >= 10) throw new ServerError('RATE_LIMITED', 'Too many wrong enrollment codes from this address. Wait 15 minutes.');
}

function match(pattern: string, pathname: string): Record<string, string> | null {
  const p = pattern.split('/');
  const a = pathname.split('/');
  if (p.length !== a.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    if (p[i]!.startsWith(':')) params[p[i]!.slice(1)] = decodeURIComponent(a[i]!);
    else if (p[i] !== a[i]) return null;
  }
  return params;
}

function cookie(req: http.IncomingMessage, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return null;
}

async function callerOf(req: http.IncomingMessage, deps: ServerDeps): Promise<Caller> {
  const ip = req.socket.remoteAddress ?? '?';
  const auth = req.headers.authorization ?? '';
  if (auth.startsWith('Workstation ')) {
    const w = await workstationByCredential(deps.pool, auth.slice('Workstation '.length).trim());
    if (!w) throw new ServerError('UNAUTHENTICATED', 'This workstation is not (or no longer) enrolled with the practice server. Enroll it again with a new code.');
    return { kind: 'workstation', ip, workstation: w };
  }
  const token = auth.startsWith('Bearer ') ? auth.slice('Bearer '.length).trim() : cookie(req, SESSION_COOKIE);
  if (token) {
    const account = await sessionAccount(deps.pool, token, { idleMinutes: deps.config.sessions.idleMinutes });
    if (account) return { kind: 'user', ip, account, token };
  }
  return { kind: 'anonymous', ip };
}

function allowed(route: Route, caller: Caller): boolean {
  if (route.who.includes('anyone')) return true;
  if (caller.kind === 'workstation') return route.who.includes('workstation');
  if (caller.kind === 'user') return route.who.includes('any-user') || route.who.some((w) => w !== 'workstation' && w !== 'any-user' && hasRole(caller.account, w as ServerRole));
  return false;
}

async function readJson(req: http.IncomingMessage, maxBody: number): Promise<Record<string, unknown>> {
  if (req.method !== 'POST') return {};
  if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
    // Also what keeps a cross-site form from posting here with the session cookie.
    throw new ServerError('BAD_INPUT', 'Send JSON (Content-Type: application/json).');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > maxBody) throw new ServerError('BAD_INPUT', 'The request is too large.');
    chunks.push(c as Buffer);
  }
  if (size === 0) return {};
  let v: unknown;
  try {
    v = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new ServerError('BAD_INPUT', 'The request is not valid JSON.');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ServerError('BAD_INPUT', 'The request must be a JSON object.');
  return v as Record<string, unknown>;
}

const SECURITY_HEADERS = {
  'Strict-Transport-Security': 'max-age=31536000',
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy': "default-src 'self'; frame-ancestors 'none'",
};

export type RunningServer = Readonly<{ url: string; port: number; fingerprint: string; close(): Promise<void> }>;

/** Listen with the configured certificate; resolves once listening. */
export async function startHttpsServer(deps: ServerDeps, serverDir: string, listen: { host: string; port: number }): Promise<RunningServer> {
  const certPem = fs.readFileSync(path.resolve(serverDir, deps.config.https.certFile), 'utf8');
  const keyPem = fs.readFileSync(path.resolve(serverDir, deps.config.https.keyFile), 'utf8');
  const table = routes(deps);
  const server = https.createServer({ cert: certPem, key: keyPem, minVersion: 'TLSv1.2' }, (req, res) => {
    const started = performance.now();
    const url = new URL(req.url ?? '/', 'https://server');
    let pattern = '(none)';
    const send = (status: number, reply: Reply) => {
      const headers: Record<string, string> = { ...SECURITY_HEADERS, ...(reply.headers ?? {}) };
      if (reply.text !== undefined) {
        res.writeHead(status, { ...headers, 'Content-Type': reply.type ?? 'text/plain; charset=utf-8' });
        res.end(reply.text);
      } else {
        res.writeHead(status, { ...headers, 'Content-Type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify(reply.json ?? null));
      }
      deps.log({ at: new Date().toISOString(), method: req.method, route: pattern, status, ms: Math.round(performance.now() - started) });
    };
    void (async () => {
      if (req.method === 'GET' && !url.pathname.startsWith('/api/') && deps.webDir) {
        const file = webFile(deps.webDir, url.pathname);
        if (file) {
          pattern = url.pathname === '/' ? '/' : '/assets/*';
          const headers: Record<string, string> = { ...SECURITY_HEADERS, 'Content-Type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream' };
          // Hashed asset names never change: they may be kept; the page itself is not.
          if (url.pathname.startsWith('/assets/')) headers['Cache-Control'] = 'public, max-age=31536000, immutable';
          res.writeHead(200, headers);
          res.end(fs.readFileSync(file));
          deps.log({ at: new Date().toISOString(), method: req.method, route: pattern, status: 200, ms: Math.round(performance.now() - started) });
          return;
        }
      }
      const candidates = table.filter((r) => match(r.pattern, url.pathname));
      const route = candidates.find((r) => r.method === req.method);
      if (!route) {
        send(candidates.length > 0 ? 405 : 404, { json: { ok: false, code: 'NOT_FOUND', message: candidates.length > 0 ? 'Not allowed here.' : 'There is nothing here.' } });
        return;
      }
      pattern = route.pattern;
      const caller = await callerOf(req, deps);
      if (!allowed(route, caller)) {
        throw caller.kind === 'anonymous'
          ? new ServerError('UNAUTHENTICATED', 'Log in first (your session may have expired).')
          : new ServerError('FORBIDDEN', 'Your account is not allowed to do this.');
      }
      const body = await readJson(req, route.maxBody ?? MAX_BODY);
      const reply = await route.handle({ caller, body, params: match(route.pattern, url.pathname) ?? {}, query: url.searchParams });
      send(reply.status ?? 200, reply);
    })().catch((e: unknown) => {
      if (e instanceof ServerError) {
        send(e.httpStatus, { json: { ok: false, code: e.code, message: e.message } });
      } else {
        deps.log({ at: new Date().toISOString(), level: 'error', route: pattern, error: e instanceof Error ? e.name : 'unknown' });
        send(500, { json: { ok: false, code: 'INTERNAL', message: 'Something went wrong on the practice server. It has been logged; try again.' } });
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = listen.host === '0.0.0.0' || listen.host === '::' ? deps.config.https.names[0] ?? 'localhost' : listen.host;
  return {
    url: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    fingerprint: certificateFingerprint(certPem),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
