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

/** Map SQLite and file-system failures to what the user should do about them. */
export function classifyStorageError(e: unknown, where: string): AppError | null {
  const code = (e as { code?: unknown })?.code;
  if (typeof code !== 'string') return null;
  switch (true) {
    case code === 'SQLITE_FULL' || code === 'ENOSPC':
      return new AppError('DISK_FULL', `The disk holding ${where} is full. Free some space and try again; nothing already saved was lost.`);
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
