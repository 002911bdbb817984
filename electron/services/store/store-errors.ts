import fs from 'node:fs';
import type { ErrorCode } from '../../../shared/contract/errors';

/**
 * An expected failure with a code the UI understands and a message a technologist can act on.
 * Anything else that is thrown is a bug and becomes INTERNAL at the boundary.
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/** Below this much free space a failed write is taken to be the disk filling up. */
const NEARLY_FULL_BYTES = 4 * 1024 * 1024;

/** Free bytes on the disk holding `dir`, or null where the platform cannot say. */
export function freeBytes(dir: string): number | null {
  try {
    const s = fs.statfsSync(dir);
    return s.bavail * s.bsize;
  } catch {
    return null;
  }
}

function size(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MB` : `${Math.round(bytes / 1024)} KB`;
}

/** The plain message for a damaged database (found at open or by the background check). */
export function damagedDatabase(where: string, detail: string): AppError {
  return new AppError('DB_CORRUPT', `The case database in ${where} is damaged (${detail.slice(0, 80)}). Closeout has left it untouched. Do not delete it: contact support, who can recover it.`);
}

/** The plain message for a full disk: where, how much is left, and that what was saved is safe. */
export function diskFullError(where: string, free: number | null): AppError {
  const left = free === null ? '' : ` (${size(free)} left)`;
  return new AppError('DISK_FULL', `The disk holding ${where} is full${left}. Free some space: Closeout saves again as soon as there is room, and nothing already saved was lost.`);
}

/**
 * Map SQLite and file-system failures to what the user should do about them. `dir` (the data
 * folder) lets a read/write error on a disk with no space left be called what it is: SQLite
 * reports a full disk as SQLITE_FULL on a write, but as an I/O error when the WAL index cannot
 * grow (SQLITE_IOERR_SHMSIZE) or a sync fails.
 */
export function classifyStorageError(e: unknown, where: string, dir?: string): AppError | null {
  const code = (e as { code?: unknown })?.code;
  if (typeof code !== 'string') return null;
  const free = dir ? freeBytes(dir) : null;
  switch (true) {
    case code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT' || code === 'SQLITE_IOERR_SHMSIZE':
      return diskFullError(where, free);
    case (code === 'SQLITE_IOERR' || code.startsWith('SQLITE_IOERR_') || code === 'EIO') && free !== null && free < NEARLY_FULL_BYTES:
      return diskFullError(where, free);
    case code === 'SQLITE_READONLY' || code.startsWith('SQLITE_READONLY_') || code === 'EACCES' || code === 'EPERM' || code === 'EROFS':
      return new AppError('DB_READONLY', `Closeout cannot write to ${where}. Ask IT to give your Windows/Linux user write access to that folder.`);
    case code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_') || code === 'SQLITE_LOCKED':
      return new AppError('DB_LOCKED', `The case database in ${where} is in use by another program (another Closeout, a backup or sync tool). Close it and try again.`);
    case code === 'SQLITE_CORRUPT' || code.startsWith('SQLITE_CORRUPT_') || code === 'SQLITE_NOTADB':
      return new AppError('DB_CORRUPT', `The case database in ${where} is damaged. Closeout has left it untouched. Do not delete it: contact support, who can recover it.`);
    case code === 'SQLITE_CANTOPEN' || code.startsWith('SQLITE_CANTOPEN_'):
      return new AppError('DB_UNAVAILABLE', `Closeout cannot open its database in ${where}. Check that the folder exists and is on a connected drive.`);
    case code === 'SQLITE_IOERR' || code.startsWith('SQLITE_IOERR_'):
      return new AppError('DB_UNAVAILABLE', `The drive holding ${where} reported a read/write error. Check the drive (or network share) and try again.`);
    default:
      return null;
  }
}
