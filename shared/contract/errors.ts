/**
 * Error codes that cross the boundary. Each has a plain default message a technologist can act on;
 * services may give a more specific one. INTERNAL is the only code that means "a bug".
 */
export const ERROR_CODES = [
  'BAD_INPUT',
  'NOT_FOUND',
  'CONFLICT',
  'INVALID_STATE',
  'DB_NEWER',
  'DB_CORRUPT',
  'DB_READONLY',
  'DB_LOCKED',
  'DB_UNAVAILABLE',
  'DISK_FULL',
  'UNAVAILABLE',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export const DEFAULT_MESSAGES: Readonly<Record<ErrorCode, string>> = {
  BAD_INPUT: 'Some fields need attention.',
  NOT_FOUND: 'That record was not found. It may have been removed or the ID is mistyped.',
  CONFLICT: 'Someone else changed this record while you were editing. Reload it and try again.',
  INVALID_STATE: 'That action is not possible in the current state of the case.',
  DB_NEWER:
    'The case database was written by a newer version of Closeout. Install the latest Closeout to open it; nothing was changed.',
  DB_CORRUPT:
    'The case database is damaged. It has been left untouched. Contact support before doing anything else with it.',
  DB_READONLY:
    'Closeout cannot write to its data folder. Ask IT to give your user write access to it.',
  DB_LOCKED:
    'The case database is busy in another program (another Closeout window or a backup tool). Close it and try again.',
  DB_UNAVAILABLE: 'The case database could not be opened.',
  DISK_FULL: 'The disk is full. Free some space; nothing already saved was lost.',
  UNAVAILABLE: 'Closeout is reconnecting to its background service. Try again in a moment.',
  INTERNAL: 'Something went wrong inside Closeout. Your saved data is safe. Try again; if it repeats, contact support.',
};

/** Codes a user (or script) can fix by changing what they sent: CLI exit code 2. INTERNAL is 1. */
export function isUserCorrectable(code: ErrorCode): boolean {
  return code !== 'INTERNAL';
}
