import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { LATEST_SCHEMA_VERSION, migrate, schemaVersion } from './migrations';
import { AppError, classifyStorageError, damagedDatabase } from './store-errors';
import { makeDataFolderPrivate, withPrivateUmask, type PrivacyCheck } from './private-folder';

/**
 * better-sqlite3 is CommonJS: loaded with require, not `import`, because importing it from an ES
 * module makes Node lex its sources for named exports first (~4 ms of every command's start).
 */
const Database = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
type Database = BetterSqlite3.Database;

export const DB_FILE_NAME = 'closeout.db';
/**
 * Written beside the database once it has been opened here, and never removed by Closeout: a
 * database that is then missing or empty is damage (a failed copy, a sync tool, a truncated
 * file), not a first start. It holds no patient data.
 */
export const STORE_MARKER = '.closeout-store';

export type OpenDbOptions = Readonly<{
  dataDir: string;
  /** Path to a better_sqlite3.node built for Electron's ABI; tests and the CLI pass nothing. */
  nativeBinding?: string | undefined;
  /** How long to wait for another program's lock before giving up (DB_LOCKED). */
  busyTimeoutMs?: number;
}>;

/**
 * Open (or create) the case database and bring its schema up to date.
 *
 * Before anything is written, the file is checked: a damaged database, or one written by a newer
 * Closeout, is refused with not a byte changed (opening and reading write nothing; only SQLite's
 * own recovery of an interrupted write may, and that is what keeps committed data safe).
 * Throws AppError for every failure a user can act on.
 */
export function openDatabase(opts: OpenDbOptions): Database {
  return openPrivately(opts).db;
}

/**
 * As openDatabase, with the data folder made private to this user first (and checked again once
 * SQLite's journal files exist): see private-folder.ts.
 */
export function openPrivately(opts: OpenDbOptions): { db: Database; privacy: PrivacyCheck; integrity: IntegrityCheck } {
  const before = fs.existsSync(opts.dataDir) ? makeDataFolderPrivate(opts.dataDir) : { tightened: [], warnings: [] };
  let integrity: IntegrityCheck = 'checked';
  const db = withPrivateUmask(() => openUnchecked(opts, (i) => (integrity = i)));
  const after = makeDataFolderPrivate(opts.dataDir);
  return { db, privacy: { tightened: [...before.tightened, ...after.tightened], warnings: after.warnings }, integrity };
}

/** Whether the open checked the whole file, or found it exactly as it was left at a clean close. */
export type IntegrityCheck = 'checked' | 'unchanged since a clean close';

function openUnchecked(opts: OpenDbOptions, said: (i: IntegrityCheck) => void = () => {}): Database {
  const where = `the data folder (${opts.dataDir})`;
  const file = path.join(opts.dataDir, DB_FILE_NAME);
  try {
    fs.mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
    fs.accessSync(opts.dataDir, fs.constants.W_OK);
    if (fs.existsSync(file)) fs.accessSync(file, fs.constants.R_OK | fs.constants.W_OK);
  } catch (e) {
    throw classifyStorageError(e, where, opts.dataDir) ?? e;
  }
  refuseLostDatabase(opts.dataDir, file, where);

  let db: Database | undefined;
  try {
    // The whole-file check costs seconds on a big database: it runs when the file may have changed
    // behind our back (see leftAsClosed), which is when damage can have come in.
    const unchanged = leftAsClosed(opts.dataDir, file);
    db = new Database(file, { ...(opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {}), timeout: opts.busyTimeoutMs ?? 5000 });
    const check = unchanged ? 'ok' : db.pragma('quick_check', { simple: true });
    said(unchanged ? 'unchanged since a clean close' : 'checked');
    if (check !== 'ok') {
      throw damagedDatabase(where, String(check));
    }
    const version = schemaVersion(db);
    if (version > LATEST_SCHEMA_VERSION) {
      throw new AppError(
        'DB_NEWER',
        `The case database in ${where} was written by a newer version of Closeout (schema ${version}; this version understands up to ${LATEST_SCHEMA_VERSION}). Install the latest Closeout to open it. Nothing was changed.`,
      );
    }
    // WAL lets the UI read while capture writes; FULL makes each committed event survive power loss.
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') {
      throw new AppError(
        'DB_UNAVAILABLE',
        `The database in ${where} cannot use write-ahead logging (it may be on a network share). Move the data folder to a local disk.`,
      );
    }
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    migrate(db);
    markStore(opts.dataDir);
    if (!unchanged) recordCheckedOk(opts.dataDir, Date.now());
    return db;
  } catch (e) {
    db?.close();
    if (e instanceof AppError) throw e;
    if (isDlopenError(e)) throw nativeModuleError();
    throw classifyStorageError(e, where, opts.dataDir) ?? e;
  }
}

/**
 * An empty or missing database where one was before is damage: opening it would start a new,
 * empty one over the place the cases were (SQLite takes a 0-byte file as a new database). Say so
 * and touch nothing. "Before" is the marker this folder keeps, or SQLite's own write-ahead log
 * holding data without its database.
 */
function refuseLostDatabase(dataDir: string, file: string, where: string): void {
  const size = fileSize(file);
  if (size !== null && size > 0) return;
  const marked = fs.existsSync(path.join(dataDir, STORE_MARKER));
  const wal = fileSize(`${file}-wal`);
  if (!marked && !(wal !== null && wal > 0)) return;
  const what = size === null ? 'is missing' : 'is empty (0 bytes)';
  throw new AppError(
    'DB_CORRUPT',
    `The case database in ${where} ${what}, but this folder has held one before. Closeout has left everything as it is and has not started a new one. Restore ${DB_FILE_NAME} from a backup, or contact support; if you meant to start over, move the whole data folder away first.`,
  );
}

type Fingerprint = Readonly<{ size: number; mtimeMs: number }>;

function fingerprint(file: string): Fingerprint | null {
  try {
    const st = fs.statSync(file);
    return { size: st.size, mtimeMs: st.mtimeMs };
  } catch {
    return null;
  }
}

type Marker = { cleanClose?: Fingerprint | null; checkedOkAt?: number | null };

function readMarker(dataDir: string): Marker {
  try {
    return JSON.parse(fs.readFileSync(path.join(dataDir, STORE_MARKER), 'utf8')) as Marker;
  } catch {
    return {};
  }
}

function writeMarker(dataDir: string, cleanClose: Fingerprint | null, checkedOkAt: number | null = readMarker(dataDir).checkedOkAt ?? null): void {
  const file = path.join(dataDir, STORE_MARKER);
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(tmp, `${JSON.stringify({ note: 'Closeout keeps its case database in this folder.', cleanClose, checkedOkAt })}\n`, { mode: 0o600 });
    fs.renameSync(tmp, file);
  } catch {
    fs.rmSync(tmp, { force: true });
  }
}

/**
 * True when the database file is exactly as Closeout left it at its last clean close (same size
 * and modification time, no write-ahead log waiting): only SQLite wrote it, and the check would
 * find what it found then. A crash, another program, a copy, a restore or a damaged disk write
 * changes that, and the file is checked whole again.
 */
function leftAsClosed(dataDir: string, file: string): boolean {
  const last = readMarker(dataDir).cleanClose;
  const now = fingerprint(file);
  const wal = fileSize(`${file}-wal`);
  return !!last && !!now && last.size === now.size && last.mtimeMs === now.mtimeMs && !(wal !== null && wal > 0);
}

/** When the whole file last passed the integrity check (at an open or in the background), if known. */
export function lastCheckedOk(dataDir: string): number | null {
  return readMarker(dataDir).checkedOkAt ?? null;
}

/** The whole file passed the integrity check at `at`. */
export function recordCheckedOk(dataDir: string, at: number): void {
  const m = readMarker(dataDir);
  writeMarker(dataDir, m.cleanClose ?? null, at);
}

/** The store is in use: until it closes cleanly, the next open checks the file whole. */
export function markOpen(dataDir: string): void {
  writeMarker(dataDir, null);
}

/** Closed cleanly (SQLite has folded its log back): remember the file as it was left. */
export function markClosed(dataDir: string): void {
  const file = path.join(dataDir, DB_FILE_NAME);
  const wal = fileSize(`${file}-wal`);
  // Another process still has it open (its log is still there): it records its own close.
  if (wal !== null && wal > 0) return;
  writeMarker(dataDir, fingerprint(file));
}

function fileSize(file: string): number | null {
  try {
    return fs.statSync(file).size;
  } catch {
    return null;
  }
}

function markStore(dataDir: string): void {
  // Open now: a crash before the clean close means the next open checks the whole file.
  markOpen(dataDir);
}

function isDlopenError(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  const msg = e instanceof Error ? e.message : '';
  return code === 'ERR_DLOPEN_FAILED' || msg.includes('NODE_MODULE_VERSION') || msg.includes('was compiled against a different Node.js version');
}

function nativeModuleError(): AppError {
  return new AppError(
    'DB_UNAVAILABLE',
    'The database engine was built for a different runtime. Run "npm start" again (it rebuilds it for the app) or "npm rebuild better-sqlite3" for the command line.',
  );
}
