/**
 * A real practice server for tests: a temp data folder set up by `closeout-server init` (its own
 * PostgreSQL from the npm registry, a self-signed certificate), then the HTTPS server on a free
 * loopback port. Run as root (CI), PostgreSQL runs as the system account `closeout-pg`, made here
 * when missing.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { openPracticeDb, type PracticeDb } from '../../electron/server/database';
import { startHttpsServer, type RunningServer } from '../../electron/server/http/https-server';
import { readServerConfig } from '../../electron/server/server-config';
import { runServerCli } from '../../electron/server/server-cli';
import { base32Decode, totpAt, totpStep } from '../../electron/server/security/totp';

export const PG_ACCOUNT = 'closeout-pg';

/** The account PostgreSQL runs as when tests run as root (made once, no home, no shell). */
export function pgUserArgs(): string[] {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return [];
  if (spawnSync('id', ['-u', PG_ACCOUNT]).status !== 0) {
    const r = spawnSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', PG_ACCOUNT], { encoding: 'utf8' });
    if (r.status !== 0 && spawnSync('id', ['-u', PG_ACCOUNT]).status !== 0) {
      throw new Error(`PostgreSQL will not run as root and the account ${PG_ACCOUNT} could not be made: ${r.stderr || r.error?.message}`);
    }
  }
  return ['--pg-user', PG_ACCOUNT];
}

export type CliRun = Readonly<{ code: number; stdout: string; stderr: string }>;

/** `closeout-server ARGS` in this process (stdin given), as the CLI tests of the workstation do. */
export async function serverCli(args: readonly string[], stdin = ''): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runServerCli(
    args,
    { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), readStdin: async () => stdin, env: { ...process.env, DATABASE_URL: '' }, stopSignal: new Promise(() => {}) },
    '0.0.0-test',
  );
  return { code, stdout, stderr };
}

export type TestServer = Readonly<{
  dir: string;
  db: PracticeDb;
  /** The HTTPS front now (a new one after `up()`). */
  readonly server: RunningServer;
  /** The practice server unreachable: its HTTPS front stops; PostgreSQL and its data stay. */
  down(): Promise<void>;
  /** Reachable again, on the same port. */
  up(): Promise<void>;
  /** Lines the server logged (JSON), to check nothing identifying is in them. */
  logLines: string[];
  certPem: string;
  stop(): Promise<void>;
}>;

export function makeServerDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'closeout-server-'));
}

/** Init (when needed) and start a server in `dir`; `web`: also serve the built practice page (out/renderer). */
export async function startTestServer(dir = makeServerDir(), opts: { web?: boolean } = {}): Promise<TestServer> {
  if (!fs.existsSync(path.join(dir, 'server.json'))) {
    const r = await serverCli(['init', '--dir', dir, '--port', '0', '--name', 'localhost', '--name', '127.0.0.1', ...pgUserArgs()]);
    if (r.code !== 0) throw new Error(`closeout-server init failed: ${r.stderr}`);
  }
  const config = readServerConfig(dir);
  const db = await openPracticeDb(dir, config, { ...process.env, DATABASE_URL: '' });
  const logLines: string[] = [];
  const deps = { pool: db.pool, config, version: '0.0.0-test', log: (l: Record<string, unknown>) => logLines.push(JSON.stringify(l)), webDir: opts.web ? path.resolve('out/renderer') : null };
  let server = await startHttpsServer(deps, dir, { host: '127.0.0.1', port: 0 });
  const port = server.port;
  let running = true;
  return {
    dir,
    db,
    get server() {
      return server;
    },
    logLines,
    certPem: fs.readFileSync(path.join(dir, 'tls', 'cert.pem'), 'utf8'),
    async down() {
      running = false;
      await server.close();
    },
    async up() {
      server = await startHttpsServer(deps, dir, { host: '127.0.0.1', port });
      running = true;
    },
    async stop() {
      if (running) await server.close();
      await db.close();
    },
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a test reads whatever JSON came back
export type HttpAnswer = Readonly<{ status: number; body: any; text: string; headers: Record<string, string | string[] | undefined> }>;

/** An HTTPS request that trusts only the server's own certificate (as a pinned workstation does). */
export function request(
  s: Pick<TestServer, 'server' | 'certPem'>,
  method: 'GET' | 'POST',
  pathname: string,
  opts: { body?: unknown; cookie?: string; auth?: string; contentType?: string } = {},
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const payload = opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    const req = https.request(
      {
        host: '127.0.0.1',
        port: s.server.port,
        method,
        path: pathname,
        ca: s.certPem,
        servername: 'localhost',
        headers: {
          ...(payload !== undefined ? { 'Content-Type': opts.contentType ?? 'application/json', 'Content-Length': Buffer.byteLength(payload) } : {}),
          ...(opts.cookie ? { Cookie: opts.cookie } : {}),
          ...(opts.auth ? { Authorization: opts.auth } : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        res.on('end', () => {
          let body: unknown = null;
          try {
            body = JSON.parse(text);
          } catch {
            body = null;
          }
          resolve({ status: res.statusCode ?? 0, body, text, headers: res.headers });
        });
      },
    );
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/** The code an authenticator app shows now (or `stepOffset` steps later). */
export function totpNow(secret: string, stepOffset = 0): string {
  return totpAt(base32Decode(secret), totpStep(Date.now()) + stepOffset, 6);
}

const usedSteps = new Map<string, number>();

/**
 * A code the server has not seen for this account: now's, then the next step's (both stay
 * valid if the 30 s boundary passes on the way). A code works once, so a test logs each
 * account in at most twice; more needs another account.
 */
export function freshTotp(secret: string): string {
  const now = totpStep(Date.now());
  const last = usedSteps.get(secret);
  const step = last === undefined || last < now ? now : last + 1;
  if (step > now + 1) throw new Error('this test logs one account in more than twice within 30 s: use another account');
  usedSteps.set(secret, step);
  return totpAt(base32Decode(secret), step, 6);
}

/** Add an account through the CLI; returns its TOTP secret. */
export async function addUser(dir: string, username: string, roles: string[], opts: { password?: string; npi?: string; credential?: string } = {}): Promise<string> {
  const password = opts.password ?? 'a long enough passphrase';
  const r = await serverCli(
    ['user', 'add', '--dir', dir, '--username', username, '--name', `Synthetic ${username}`, ...roles.flatMap((x) => ['--role', x]), ...(opts.npi ? ['--npi', opts.npi] : []), ...(opts.credential ? ['--credential', opts.credential] : []), '--password-stdin', '--json'],
    `${password}\n`,
  );
  if (r.code !== 0) throw new Error(`user add failed: ${r.stderr}`);
  return JSON.parse(r.stdout).totpSecret as string;
}

/** Log in (password + TOTP); returns the session cookie. */
export async function loginCookie(s: TestServer, username: string, secret: string, password = 'a long enough passphrase'): Promise<string> {
  const r = await request(s, 'POST', '/api/login', { body: { username, password, totp: freshTotp(secret) } });
  if (r.status !== 200) throw new Error(`login failed: ${r.status} ${r.text}`);
  const set = ([] as string[]).concat(r.headers['set-cookie'] ?? []);
  return set[0]!.split(';')[0]!;
}

