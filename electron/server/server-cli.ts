/**
 * `closeout-server`: set up, run and administer the practice server from a terminal (IT, scripts).
 * Every command takes --dir (default: $CLOSEOUT_SERVER_DIR or the user's data folder) and --json;
 * exit 0 ok, 2 bad input or configuration a person can fix, 1 anything else.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { accessLogCsv, readAccessLog, logAccess, type Actor } from './access-log';
import { practiceDashboard } from './practice-dashboard';
import { saveBillingOnServer, saveEhrOnServer, settingsOnServer } from './practice-settings';
import { formatLag } from '../../shared/dashboard/dashboard';
import { createAccount, listAccounts, SERVER_ROLES, type ServerRole } from './accounts';
import { openPracticeDb, type PracticeDb } from './database';
import { startHttpsServer } from './http/https-server';
import { EmbeddedPostgres, pgRunAs } from './pg/embedded-postgres';
import { makeSelfSignedCertificate, certificateFingerprint } from './security/certificate';
import { defaultServerDir, readServerConfig, writeServerConfig, type ServerConfig } from './server-config';
import { ServerError } from './server-error';
import { createEnrollCode, listWorkstations, revokeWorkstation } from './workstations';

export type ServerCliIo = Readonly<{
  stdout: (t: string) => void;
  stderr: (t: string) => void;
  readStdin: () => Promise<string>;
  env: NodeJS.ProcessEnv;
  /** Resolves when the process is asked to stop (SIGINT/SIGTERM): `start` then shuts down cleanly. */
  stopSignal: Promise<void>;
}>;

export const EXIT = { OK: 0, INTERNAL: 1, BAD_INPUT: 2 } as const;

const USAGE = `closeout-server: the practice server (remote signing, billing office, every workstation).

Commands:
  init              Set up a server in --dir: its certificate (self-signed unless --cert/--key), its database
                    (a PostgreSQL of its own, or --database-url), and prints the fingerprint workstations pin.
                    Options: --name HOST (repeatable: names workstations use), --port N (8443), --pg-user NAME (when root).
  start             Run the server (HTTPS) until Ctrl-C. Options: --host ADDR, --port N.
  status            Where the server keeps its data, its database and certificate.
  user add          Add an account: --username U --name "Full Name" --role physician|billing|admin (repeatable)
                    [--credential MD] [--npi 10DIGITS: a physician's cases on every workstation] --password-stdin. Prints the TOTP secret for the person's authenticator app, once.
  user list         List accounts.
  enroll-code       A one-time code for a workstation to join: --workstation "OR 3" [--hours 24].
  workstation list  Enrolled workstations.
  workstation revoke ID   Refuse that workstation's credential from now on.
  access-log        Who read what, when: [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--case ID] [--csv].
  billing show      The practice's billing settings set here for every workstation (role, NPI, rule sets).
  billing set       Save a new version of them from --file F.json ({"practice": {"role", "billingNpi"}, "ruleSets": as "closeout billing set --rules" takes them}): every workstation takes it.
  ehr show|set      The same for where reports go (destinations, letterhead): --file F.json as "closeout ehr set --settings" takes it.
  dashboard         The practice dashboard over every workstation: [--from YYYY-MM-DD] [--to YYYY-MM-DD] (--json: all of it).
  demo              A demonstration server in --dir (made there on first run; synthetic data only): the demo
                    physician and billing accounts, then start; their sign-in codes are printed every 30 s.

Every command: --dir DIR, --json.`;

type Values = Record<string, string | boolean | string[] | undefined>;

export async function runServerCli(argv: readonly string[], io: ServerCliIo, appVersion: string): Promise<number> {
  let json = argv.includes('--json');
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        dir: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        name: { type: 'string', multiple: true },
        port: { type: 'string' },
        host: { type: 'string' },
        cert: { type: 'string' },
        key: { type: 'string' },
        'database-url': { type: 'string' },
        'pg-user': { type: 'string' },
        username: { type: 'string' },
        role: { type: 'string', multiple: true },
        credential: { type: 'string' },
        npi: { type: 'string' },
        'password-stdin': { type: 'boolean' },
        workstation: { type: 'string' },
        hours: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        case: { type: 'string' },
        csv: { type: 'boolean' },
        file: { type: 'string' },
      },
    });
    json = values.json === true;
    const dir = path.resolve(typeof values.dir === 'string' ? values.dir : defaultServerDir(io.env));
    const [cmd, sub, arg] = positionals;
    if (values.help || !cmd) {
      io.stdout(`${USAGE}\n`);
      return cmd || values.help ? EXIT.OK : EXIT.BAD_INPUT;
    }
    const out = (human: string, data: unknown) => io.stdout(json ? `${JSON.stringify(data, null, 2)}\n` : `${human}\n`);
    const cli: Actor = { kind: 'admin-cli', id: os.userInfo().username, name: `cli:${os.userInfo().username}`, ip: null };

    if (cmd === 'init') return await init(dir, values, io, out);
    if (cmd === 'start') return await start(dir, values, io, out, appVersion);
    if (cmd === 'demo') return await demo(dir, values, io, out, appVersion);
    if (cmd === 'status') {
      const config = readServerConfig(dir);
      const fp = certificateFingerprint(fs.readFileSync(path.resolve(dir, config.https.certFile), 'utf8'));
      return await withDb(dir, config, io, async (db) => {
        out(`Practice server in ${dir}\nDatabase: ${db.describe}\nHTTPS port ${config.https.port} for ${config.https.names.join(', ')}\nCertificate fingerprint (SHA-256): ${fp}`, {
          dir,
          database: db.describe,
          https: config.https,
          fingerprint: fp,
        });
        return EXIT.OK;
      });
    }
    if (cmd === 'user' && sub === 'add') {
      if (!values['password-stdin']) throw new ServerError('BAD_INPUT', 'Give the password on standard input with --password-stdin (it is never a command-line argument).');
      const password = (await io.readStdin()).split(/\r?\n/)[0] ?? '';
      const roles = (values.role as string[] | undefined) ?? [];
      for (const r of roles) if (!(SERVER_ROLES as readonly string[]).includes(r)) throw new ServerError('BAD_INPUT', `"${r}" is not a role: use physician, billing or admin.`);
      return await withDb(dir, readServerConfig(dir), io, async (db) => {
        const made = await createAccount(db.pool, {
          username: String(values.username ?? ''),
          displayName: String(values.name?.[0] ?? ''),
          credential: String(values.credential ?? ''),
          npi: typeof values.npi === 'string' ? values.npi : null,
          roles: roles as ServerRole[],
          password,
        });
        await logAccess(db.pool, cli, 'user.create', null, { username: made.account.username, roles: made.account.roles });
        out(
          `Added ${made.account.username} (${made.account.roles.join(', ')}).\nAdd this to their authenticator app now; it is not shown again:\n  secret ${made.totpSecret}\n  ${made.totpUri}`,
          made,
        );
        return EXIT.OK;
      });
    }
    if (cmd === 'user' && sub === 'list') {
      return await withDb(dir, readServerConfig(dir), io, async (db) => {
        const users = await listAccounts(db.pool);
        out(users.map((u) => `${u.username}\t${u.displayName}\t${u.roles.join(',')}${u.disabled ? '\tdisabled' : ''}`).join('\n') || '(no users)', users);
        return EXIT.OK;
      });
    }
    if (cmd === 'enroll-code') {
      return await withDb(dir, readServerConfig(dir), io, async (db) => {
        const hours = values.hours === undefined ? undefined : Number(values.hours);
        const code = await createEnrollCode(db.pool, { workstationName: String(values.workstation ?? ''), createdBy: cli.name, ...(hours === undefined ? {} : { hours }) });
        await logAccess(db.pool, cli, 'workstation.enroll_code', null, { workstationName: values.workstation });
        out(`Enrollment code for "${String(values.workstation)}": ${code.code}\nIt works once, until ${code.expiresAt}.`, code);
        return EXIT.OK;
      });
    }
    if (cmd === 'workstation' && sub === 'list') {
      return await withDb(dir, readServerConfig(dir), io, async (db) => {
        const list = await listWorkstations(db.pool);
        out(list.map((w) => `${w.id}\t${w.name}\t${w.revokedAt ? `revoked ${w.revokedAt}` : `last seen ${w.lastSeenAt ?? 'never'}`}`).join('\n') || '(no workstations)', list);
        return EXIT.OK;
      });
    }
    if (cmd === 'workstation' && sub === 'revoke') {
      return await withDb(dir, readServerConfig(dir), io, async (db) => {
        const w = await revokeWorkstation(db.pool, String(arg ?? ''), null);
        await logAccess(db.pool, cli, 'workstation.revoke', null, { workstationId: w.id });
        out(`Revoked ${w.name} (${w.id}): its credential is refused from now on.`, w);
        return EXIT.OK;
      });
    }
    if (cmd === 'access-log') {
      return await withDb(dir, readServerConfig(dir), io, async (db) => {
        const range = { from: values.from as string | undefined, to: values.to as string | undefined, caseId: values.case as string | undefined };
        const entries = await readAccessLog(db.pool, range);
        await logAccess(db.pool, cli, 'access_log.export', null, { ...range, rows: entries.length });
        if (values.csv) io.stdout(accessLogCsv(entries));
        else out(entries.map((e) => `${e.at}\t${e.actorName}\t${e.action}${e.caseId ? `\t${e.caseId}` : ''}`).join('\n') || '(nothing in that range)', entries);
        return EXIT.OK;
      });
    }
    if ((cmd === 'billing' || cmd === 'ehr') && (sub === 'show' || sub === 'set')) {
      return await withDb(dir, readServerConfig(dir), io, async (db) => {
        if (sub === 'show') {
          const b = (await settingsOnServer(db.pool))[cmd];
          out(b ? `Version ${b.version}, set by ${b.setBy} at ${new Date(b.at).toISOString()}.` : `No ${cmd === 'ehr' ? 'EHR' : 'billing'} settings set here: each workstation keeps its own.`, b);
          return EXIT.OK;
        }
        const file = values.file as string | undefined;
        if (!file) {
          throw new ServerError(
            'BAD_INPUT',
            cmd === 'billing'
              ? 'Give the settings file: --file billing.json, {"practice": {"role": "global", "billingNpi": "…"}, "ruleSets": …} (rule sets as "closeout billing set --rules" takes them; either part may be left out).'
              : 'Give the settings file: --file ehr.json (the document "closeout ehr set --settings" takes).',
          );
        }
        let body: unknown;
        try {
          body = JSON.parse(fs.readFileSync(file, 'utf8'));
        } catch (e) {
          throw new ServerError('BAD_INPUT', `Cannot read ${file} as JSON (${(e as Error).message}).`);
        }
        const by = { userId: null, name: cli.name };
        const b = cmd === 'billing' ? await saveBillingOnServer(db.pool, cli, by, body) : await saveEhrOnServer(db.pool, cli, by, body);
        out(`Saved as version ${b.version}: every workstation takes it at its next sync.`, b);
        return EXIT.OK;
      });
    }
    if (cmd === 'dashboard') {
      return await withDb(dir, readServerConfig(dir), io, async (db) => {
        const d = await practiceDashboard(db.pool, cli, { from: values.from as string | undefined, to: values.to as string | undefined });
        out(
          [
            `${d.cases} cases (${d.closedCases} closed) on every workstation${d.firstDate ? `, dates of service ${d.firstDate} to ${d.lastDate}` : ''}.`,
            `Clean at close: ${d.clean.arithmetic}`,
            `Minutes: ${d.minutes.arithmetic}`,
            ...d.lag.map((l) => `${l.label}: median ${formatLag(l.medianMinutes)} (${l.measured} cases, ${l.waiting} waiting)`),
            `For the ROI calculator: ${d.measured.casesPerMonthArithmetic}; ${d.measured.denialRiskArithmetic}`,
          ].join('\n'),
          d,
        );
        return EXIT.OK;
      });
    }
    throw new ServerError('BAD_INPUT', `Unknown command "${[cmd, sub].filter(Boolean).join(' ')}". Run "closeout-server --help".`);
  } catch (e) {
    return report(e, io, json);
  }
}

function report(e: unknown, io: ServerCliIo, json: boolean): number {
  const se =
    e instanceof ServerError
      ? e
      : (e as { code?: string })?.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || (e as { code?: string })?.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE'
        ? new ServerError('BAD_INPUT', `${(e as Error).message}. Run "closeout-server --help".`)
        : null;
  if (!se) {
    io.stderr(json ? `${JSON.stringify({ ok: false, code: 'INTERNAL', message: 'Internal error.' })}\n` : `closeout-server: internal error (${(e as Error)?.name ?? 'unknown'}: ${(e as Error)?.message ?? ''})\n`);
    return EXIT.INTERNAL;
  }
  io.stderr(json ? `${JSON.stringify({ ok: false, code: se.code, message: se.message })}\n` : `closeout-server: ${se.message}\n`);
  return se.userCorrectable ? EXIT.BAD_INPUT : EXIT.INTERNAL;
}

async function withDb(dir: string, config: ServerConfig, io: ServerCliIo, fn: (db: PracticeDb) => Promise<number>): Promise<number> {
  const db = await openPracticeDb(dir, config, io.env);
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

function port(v: unknown, fallback: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new ServerError('BAD_INPUT', '--port is a number from 0 to 65535 (0: any free port).');
  return n;
}

async function init(dir: string, values: Values, io: ServerCliIo, out: (h: string, d: unknown) => void, asDemo = false): Promise<number> {
  if (fs.existsSync(path.join(dir, 'server.json'))) throw new ServerError('BAD_INPUT', `There is a practice server in ${dir} already. Use "closeout-server start", or choose another --dir.`);
  const names = (values.name as string[] | undefined) ?? [os.hostname(), 'localhost', '127.0.0.1'];
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  let certFile: string;
  let keyFile: string;
  let selfSigned = false;
  if (values.cert || values.key) {
    if (!values.cert || !values.key) throw new ServerError('BAD_INPUT', 'Give both --cert and --key (PEM files), or neither for a self-signed certificate.');
    certFile = path.resolve(String(values.cert));
    keyFile = path.resolve(String(values.key));
    try {
      certificateFingerprint(fs.readFileSync(certFile, 'utf8'));
      fs.readFileSync(keyFile, 'utf8');
    } catch {
      throw new ServerError('BAD_INPUT', `${certFile} is not a readable PEM certificate (or ${keyFile} is not readable).`);
    }
  } else {
    const made = makeSelfSignedCertificate({ names });
    fs.mkdirSync(path.join(dir, 'tls'), { recursive: true, mode: 0o700 });
    fs.writeFileSync(path.join(dir, 'tls', 'cert.pem'), made.certPem, { mode: 0o644 });
    fs.writeFileSync(path.join(dir, 'tls', 'key.pem'), made.keyPem, { mode: 0o600 });
    certFile = 'tls/cert.pem';
    keyFile = 'tls/key.pem';
    selfSigned = true;
  }
  const url = typeof values['database-url'] === 'string' ? values['database-url'] : null;
  const pgUser = typeof values['pg-user'] === 'string' ? values['pg-user'] : null;
  const config: ServerConfig = {
    version: 1,
    https: { host: '0.0.0.0', port: port(values.port, 8443), names, certFile, keyFile, selfSigned },
    database: { url, pgUser },
    sessions: { idleMinutes: 30, maxHours: 12 },
    demo: asDemo,
  };
  if (!url && !io.env.DATABASE_URL) await new EmbeddedPostgres(dir, pgRunAs(pgUser ?? undefined)).init();
  writeServerConfig(dir, config);
  return await withDb(dir, config, io, async (db) => {
    const fp = certificateFingerprint(fs.readFileSync(path.resolve(dir, certFile), 'utf8'));
    out(
      `Practice server set up in ${dir}\nDatabase: ${db.describe}\nCertificate${selfSigned ? ' (self-signed)' : ''} fingerprint (SHA-256):\n  ${fp}\nNext: "closeout-server user add --role admin …", then "closeout-server start".`,
      { dir, database: db.describe, fingerprint: fp, selfSigned, names },
    );
    return EXIT.OK;
  });
}

async function start(dir: string, values: Values, io: ServerCliIo, out: (h: string, d: unknown) => void, version: string, whileRunning?: (db: PracticeDb) => Promise<Record<string, unknown>>): Promise<number> {
  const config = readServerConfig(dir);
  const db = await openPracticeDb(dir, config, io.env);
  let server: Awaited<ReturnType<typeof startHttpsServer>> | null = null;
  try {
    const extra = whileRunning ? await whileRunning(db) : {};
    server = await startHttpsServer(
      { pool: db.pool, config, version, log: (line) => io.stderr(`${JSON.stringify(line)}\n`), webDir: findWebDir() },
      dir,
      { host: typeof values.host === 'string' ? values.host : config.https.host, port: port(values.port, config.https.port) },
    );
    out(
      `Closeout practice server at ${server.url}\nDatabase: ${db.describe}\nCertificate fingerprint (SHA-256): ${server.fingerprint}${extra.text ? `\n${String(extra.text)}` : ''}\nCtrl-C stops it.`,
      { url: server.url, port: server.port, fingerprint: server.fingerprint, database: db.describe, ...(extra.data ? { demo: extra.data } : {}) },
    );
    if (typeof extra.every30s === 'function') {
      const tick = extra.every30s as () => string;
      const t = setInterval(() => io.stdout(`${tick()}\n`), 30_000);
      io.stopSignal.then(() => clearInterval(t), () => clearInterval(t));
    }
    await io.stopSignal;
    return EXIT.OK;
  } finally {
    await server?.close();
    await db.close();
  }
}

/** The built practice page (out/renderer), wherever this code was bundled to (out/main or out/main/chunks). */
export function findWebDir(): string | null {
  for (const rel of ['../renderer/', '../../renderer/', '../../out/renderer/', '../../../out/renderer/']) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (fs.existsSync(path.join(dir, 'practice.html'))) return dir;
  }
  return null;
}

/** The demo accounts' sign-in: a published password, and TOTP secrets kept in the demo folder. */
const DEMO_PASSWORD = 'demo-practice-password';
const DEMO_ACCOUNTS = [
  // The demo case's reading physician, by the NPI the bundled demo case gives them.
  { username: 'demo.physician', displayName: 'Morgan Example', credential: 'MD', npi: '1000000004', roles: ['physician'] as ServerRole[] },
  { username: 'demo.billing', displayName: 'Billie Demo', credential: '', npi: null, roles: ['billing'] as ServerRole[] },
];

type DemoAccount = { username: string; password: string; totpSecret: string };

async function demo(dir: string, values: Values, io: ServerCliIo, out: (h: string, d: unknown) => void, version: string): Promise<number> {
  if (!fs.existsSync(path.join(dir, 'server.json'))) {
    const quiet = { ...io, stdout: () => {} };
    const code = await init(dir, { ...values, port: values.port ?? '8443', name: values.name ?? ['localhost', '127.0.0.1'] }, quiet, () => {}, true);
    if (code !== EXIT.OK) return code;
  }
  if (!readServerConfig(dir).demo) throw new ServerError('BAD_INPUT', `${dir} holds a real practice server, not a demo one. Give the demo its own --dir.`);
  const file = path.join(dir, 'demo-accounts.json');
  const { base32Decode, totpAt, totpStep } = await import('./security/totp');
  return start(dir, values, io, out, version, async (db) => {
    let accounts: DemoAccount[] = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as DemoAccount[]) : [];
    if (accounts.length === 0) {
      for (const a of DEMO_ACCOUNTS) {
        const made = await createAccount(db.pool, { ...a, password: DEMO_PASSWORD });
        accounts.push({ username: a.username, password: DEMO_PASSWORD, totpSecret: made.totpSecret });
      }
      fs.writeFileSync(file, `${JSON.stringify(accounts, null, 2)}\n`, { mode: 0o600 });
    }
    accounts = accounts.filter((a) => typeof a.totpSecret === 'string');
    const codes = () => accounts.map((a) => `${a.username} ${totpAt(base32Decode(a.totpSecret), totpStep(Date.now()), 6)}`).join(', ');
    return {
      text: `DEMO server (synthetic data only). Log in at the address above as ${accounts.map((a) => a.username).join(' or ')}, password "${DEMO_PASSWORD}", with the code printed here (a new one every 30 s; an authenticator app with the secrets in ${file} works too).\nDemo codes now: ${codes()}`,
      data: { password: DEMO_PASSWORD, accounts, codesNow: `Demo codes now: ${codes()}` },
      every30s: () => `Demo codes now: ${codes()}`,
    };
  });
}
