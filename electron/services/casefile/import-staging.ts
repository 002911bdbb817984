/**
 * Where a case file's events wait while the file is read: a scratch database attached to the
 * store's connection, in the data folder (it holds PHI like the store does, and is removed when
 * the import ends). Events go in batches of a few thousand, each its own transaction on the
 * scratch file only, so reading a million-event file holds neither the events in memory nor the
 * store's write lock. Rows go in bare (no index to keep up per row), sixteen to an INSERT. Once
 * the file is known to be good, `moveInto` copies them into the store inside the import's one
 * transaction: all of the case is stored, or none of it. Two events with the same source and
 * dedupe key make the store's unique index refuse that copy; `finish` then finds them all, by one
 * sort, to name them (the caller decides when: casefile-service.ts).
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Database, Statement } from 'better-sqlite3';
import type { CaseFileEvent } from '../../../shared/casefile/case-file';

const BATCH = 2000;
/** Rows per INSERT: one call into SQLite per 16 events instead of per event (~30% of staging, #15). */
const ROWS_PER_INSERT = 16;
const COLUMNS = 14;

/** `.import-<pid>-<8 hex>.db` (and its journal): a scratch database, named by the process that made it. */
const SCRATCH = /^\.import-(\d+)-[0-9a-f]{8}\.db(-journal)?$/;

/**
 * Remove the scratch databases of imports that died (killed, power cut): they hold PHI like the
 * store and must not outlive the import. One whose process still runs is left alone (an import
 * under way in another window or the command line), and so is this process's own. Returns the
 * names removed. Never throws: a leftover that cannot be removed now is tried again next time.
 */
export function removeImportLeftovers(dataDir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dataDir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = SCRATCH.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || isRunning(pid)) continue;
    try {
      fs.rmSync(path.join(dataDir, name), { force: true });
      removed.push(name);
    } catch {
      // next time
    }
  }
  return removed;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it runs, as another user.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

let attached = 0;

export type Duplicate = (first: number, n: number, source: string, key: string) => void;

export class ImportStaging {
  readonly #db: Database;
  readonly #file: string;
  readonly #schema: string;
  readonly #insert: Statement<unknown[]>;
  readonly #insertMany: Statement<unknown[]>;
  readonly #duplicates: Statement<[], { first: number; n: number; source: string; key: string }>;
  readonly #drop: Statement<[number]>;
  /** The waiting rows' values, flat, COLUMNS per row. */
  #batch: unknown[] = [];
  #staged = 0;
  #closed = false;

  private constructor(db: Database, file: string, schema: string) {
    this.#db = db;
    this.#file = file;
    this.#schema = schema;
    db.exec(`
      CREATE TABLE ${schema}.staged (
        n INTEGER PRIMARY KEY, kind TEXT NOT NULL, modality TEXT, side TEXT, limb TEXT, modality_name TEXT,
        text TEXT NOT NULL, occurred_at INTEGER NOT NULL, received_at INTEGER NOT NULL, source TEXT NOT NULL,
        dedupe_key TEXT NOT NULL, raw TEXT, clock_zone TEXT, payload TEXT
      )`);
    // Positional values: binding 14 named parameters from an object costs more than the insert.
    const row = `(${Array(COLUMNS).fill('?').join(', ')})`;
    this.#insert = db.prepare(`INSERT INTO ${schema}.staged VALUES ${row}`);
    this.#insertMany = db.prepare(`INSERT INTO ${schema}.staged VALUES ${Array(ROWS_PER_INSERT).fill(row).join(', ')}`);
    this.#duplicates = db.prepare(
      `SELECT f.n AS first, s.n AS n, s.source AS source, s.dedupe_key AS key
       FROM ${schema}.staged s
       JOIN (SELECT source, dedupe_key, min(n) AS n FROM ${schema}.staged GROUP BY source, dedupe_key HAVING count(*) > 1) f
         ON f.source = s.source AND f.dedupe_key = s.dedupe_key AND s.n > f.n
       ORDER BY s.n`,
    );
    this.#drop = db.prepare(`DELETE FROM ${schema}.staged WHERE n = ?`);
  }

  /** A fresh scratch database beside the store's, attached to its connection. */
  static open(db: Database): ImportStaging {
    const file = path.join(path.dirname(db.name), `.import-${process.pid}-${randomUUID().slice(0, 8)}.db`);
    // Private from the first byte, like everything in the data folder.
    fs.writeFileSync(file, '', { mode: 0o600, flag: 'wx' });
    const schema = `case_import_${++attached}`;
    try {
      db.prepare(`ATTACH DATABASE ? AS ${schema}`).run(file);
      // Scratch: nothing here must survive a crash (the import starts over), so no journal on disk.
      db.pragma(`${schema}.journal_mode = MEMORY`);
      db.pragma(`${schema}.synchronous = OFF`);
      // Its pages are written once and read once, in order: a small cache does (the store's default is 16 MB).
      db.pragma(`${schema}.cache_size = -2000`);
      return new ImportStaging(db, file, schema);
    } catch (e) {
      try {
        db.exec(`DETACH DATABASE ${schema}`);
      } catch {
        // never attached
      }
      fs.rmSync(file, { force: true });
      throw e;
    }
  }

  /** Events staged so far (flushed or not). */
  get count(): number {
    return this.#staged + this.#batch.length / COLUMNS;
  }

  /** Stage event number `n`; every few thousand, the batch is written (duplicates go to `onDuplicate`). */
  add(e: CaseFileEvent, n: number): void {
    this.#batch.push(
      n,
      e.kind,
      e.modality,
      e.side,
      e.limb,
      e.modalityName,
      e.text,
      Date.parse(e.occurredAt),
      Date.parse(e.receivedAt),
      e.source,
      e.dedupeKey,
      e.raw,
      e.clockZone,
      e.payload === null ? null : JSON.stringify(e.payload),
    );
    if (this.#batch.length >= BATCH * COLUMNS) this.flush();
  }

  /** Write what is waiting, in one transaction of the scratch database. */
  flush(): void {
    const batch = this.#batch;
    if (batch.length === 0) return;
    this.#batch = [];
    const many = ROWS_PER_INSERT * COLUMNS;
    this.#db.transaction(() => {
      let i = 0;
      for (; i + many <= batch.length; i += many) this.#insertMany.run(batch.slice(i, i + many));
      for (; i < batch.length; i += COLUMNS) this.#insert.run(batch.slice(i, i + COLUMNS));
    })();
    this.#staged += batch.length / COLUMNS;
  }

  /**
   * Write the rest, then find every event whose source and dedupe key an earlier one has
   * (`onDuplicate(first, n, …)` in file order). A duplicate is not kept.
   */
  finish(onDuplicate: Duplicate): void {
    this.flush();
    const found = this.#duplicates.all();
    if (found.length === 0) return;
    this.#db.transaction(() => {
      for (const d of found) this.#drop.run(d.n);
    })();
    this.#staged -= found.length;
    for (const d of found) onDuplicate(d.first, d.n, d.source, d.key);
  }

  /** Copy every staged event into the store's events, in file order, for `caseId`: call inside the import's transaction. */
  moveInto(caseId: string): number {
    const r = this.#db
      .prepare(
        `INSERT INTO main.events (case_id, kind, modality, side, limb, modality_name, text, occurred_at, received_at, source, dedupe_key, raw, clock_zone, payload)
         SELECT ?, kind, modality, side, limb, modality_name, text, occurred_at, received_at, source, dedupe_key, raw, clock_zone, payload
         FROM ${this.#schema}.staged ORDER BY n`,
      )
      .run(caseId);
    return r.changes;
  }

  /** Detach and remove the scratch database. Safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#batch = [];
    try {
      if (this.#db.open) this.#db.exec(`DETACH DATABASE ${this.#schema}`);
    } finally {
      fs.rmSync(this.#file, { force: true });
      fs.rmSync(`${this.#file}-journal`, { force: true });
    }
  }
}
