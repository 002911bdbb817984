import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { LATEST_SCHEMA_VERSION, migrate, schemaVersion } from './migrations';
import { AppError, classifyStorageError } from './store-errors';

export const DB_FILE_NAME = 'closeout.db';

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
export function openDatabase(opts: OpenDbOptions): Database.Database {
  const where = `the data folder (${opts.dataDir})`;
  const file = path.join(opts.dataDir, DB_FILE_NAME);
  try {
    fs.mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
    fs.accessSync(opts.dataDir, fs.constants.W_OK);
    if (fs.existsSync(file)) fs.accessSync(file, fs.constants.R_OK | fs.constants.W_OK);
  } catch (e) {
    throw classifyStorageError(e, where, opts.dataDir) ?? e;
  }

  let db: Database.Database | undefined;
  try {
    db = new Database(file, { ...(opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {}), timeout: opts.busyTimeoutMs ?? 5000 });
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') {
      throw new AppError(
        'DB_CORRUPT',
        `The case database in ${where} is damaged (${String(check).slice(0, 80)}). Closeout has left it untouched. Do not delete it: contact support, who can recover it.`,
      );
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
    try {
      fs.chmodSync(file, 0o600);
    } catch {
      // Not fatal: some file systems (FAT, network shares) have no POSIX modes.
    }
    return db;
  } catch (e) {
    db?.close();
    if (e instanceof AppError) throw e;
    if (isDlopenError(e)) throw nativeModuleError();
    throw classifyStorageError(e, where, opts.dataDir) ?? e;
  }
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
