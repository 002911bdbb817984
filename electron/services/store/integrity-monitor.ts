/**
 * The whole-file integrity check, moved off the start (#15): opening skips it when the file is
 * exactly as a clean close left it (open-db.ts), and this runs it instead where it costs nothing:
 *
 * - in a worker thread with its own read-only connection, so a check of a 2 GB file (seconds)
 *   never stalls capture or a screen: WAL lets it read while the backend writes;
 * - once the backend has been idle a while after start, then on a schedule (daily by default);
 * - before anything leaves the workstation (a case file, a PDF, an EHR send, a charge export), when
 *   the last clean check is older than a day: damage must not travel.
 *
 * Damage found is reported the way a damaged file at open is (the same words), and the backend
 * stops writing: nothing is modified. The check itself opens the file read-only.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

export type IntegrityResult = Readonly<{ ok: true; at: number } | { ok: false; at: number; detail: string }>;

export type IntegrityOptions = Readonly<{
  /** The database file. */
  file: string;
  nativeBinding?: string | undefined;
  now: () => number;
  /** Damage found: the host stops writing and says so. */
  onDamage: (detail: string) => void;
  /** How long without a call counts as idle (default 2 minutes). */
  idleMs?: number;
  /** How often to check a long-running backend (default 24 hours). */
  everyMs?: number;
  /** When the whole file last passed (at this open, or recorded beside it): null, never known. */
  checkedOkAt: number | null;
  /** Remember a passed check beside the database (so a fresh CLI process need not redo it). */
  recordOk?: (at: number) => void;
}>;

// CommonJS, evaluated in the worker: better-sqlite3 is loaded by the path the backend resolved.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
let db;
try {
  db = new Database(workerData.file, { readonly: true, fileMustExist: true, ...(workerData.nativeBinding ? { nativeBinding: workerData.nativeBinding } : {}) });
  parentPort.postMessage({ result: String(db.pragma('quick_check', { simple: true })) });
} catch (e) {
  const code = String((e && e.code) || e);
  // SQLite may refuse a damaged file outright instead of listing what is wrong: that is the answer.
  if (/^SQLITE_(CORRUPT|NOTADB)/.test(code)) parentPort.postMessage({ result: code + ': ' + String(e && e.message).slice(0, 60) });
  else parentPort.postMessage({ error: code });
} finally {
  try { db && db.close(); } catch {}
}
`;

/** Run `PRAGMA quick_check` on `file` in a worker thread; 'ok' or what SQLite found. */
export function quickCheckInWorker(file: string, nativeBinding?: string): Promise<string> {
  const module = createRequire(import.meta.url).resolve('better-sqlite3');
  return new Promise((resolve, reject) => {
    const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, module, nativeBinding } });
    w.once('message', (m: { result?: string; error?: string }) => {
      void w.terminate();
      if (m.result !== undefined) resolve(m.result);
      else reject(Object.assign(new Error(`integrity check could not run: ${m.error}`), { code: m.error }));
    });
    w.once('error', reject);
  });
}

export class IntegrityMonitor {
  readonly #o: IntegrityOptions;
  #last: IntegrityResult | null = null;
  #running: Promise<IntegrityResult> | null = null;
  #lastCall: number;
  #timer: ReturnType<typeof setInterval> | null = null;
  #stopped = false;

  constructor(o: IntegrityOptions) {
    this.#o = o;
    this.#lastCall = o.now();
    if (o.checkedOkAt !== null) this.#last = { ok: true, at: o.checkedOkAt };
  }

  get last(): IntegrityResult | null {
    return this.#last;
  }

  /** A call came in: the backend is not idle. */
  touch(): void {
    this.#lastCall = this.#o.now();
  }

  /** Watch for idle moments (a long-running backend: the app, `closeout capture`). */
  start(pollMs = 30_000): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => void this.#maybe(), pollMs);
    this.#timer.unref?.();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#running?.catch(() => undefined);
  }

  /** Before something leaves the workstation: check now unless a clean check is recent enough. */
  async ensureRecent(maxAgeMs = 24 * 3600_000): Promise<IntegrityResult> {
    const last = this.#last;
    if (last && (!last.ok || this.#o.now() - last.at < maxAgeMs)) return last;
    return this.check();
  }

  /** Check now (one at a time: a second caller waits for the running one). */
  check(): Promise<IntegrityResult> {
    this.#running ??= quickCheckInWorker(this.#o.file, this.#o.nativeBinding)
      .then((r): IntegrityResult => (r === 'ok' ? { ok: true, at: this.#o.now() } : { ok: false, at: this.#o.now(), detail: r }))
      .then((r) => {
        this.#last = r;
        if (r.ok) this.#o.recordOk?.(r.at);
        else if (!this.#stopped) this.#o.onDamage(r.detail);
        return r;
      })
      .finally(() => {
        this.#running = null;
      });
    return this.#running;
  }

  async #maybe(): Promise<void> {
    if (this.#stopped || this.#running) return;
    const now = this.#o.now();
    if (now - this.#lastCall < (this.#o.idleMs ?? 120_000)) return;
    const last = this.#last;
    if (last && (!last.ok || now - last.at < (this.#o.everyMs ?? 24 * 3600_000))) return;
    try {
      await this.check();
    } catch {
      // Could not run (the folder went away): the next idle moment tries again.
    }
  }
}
