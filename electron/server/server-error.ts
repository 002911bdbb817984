/**
 * A failure the server can name for the person in front of it (an administrator at a terminal,
 * a physician in the browser): a code the client can act on and a plain message. Anything else
 * thrown is a bug and is answered as INTERNAL without its details.
 */
export type ServerErrorCode =
  | 'BAD_INPUT'
  | 'CONFIG'
  | 'DB_UNAVAILABLE'
  | 'DB_NEWER'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'RATE_LIMITED'
  | 'NOT_FOUND'
  | 'CONFLICT';

const HTTP_STATUS: Record<ServerErrorCode, number> = {
  BAD_INPUT: 400,
  CONFIG: 500,
  DB_UNAVAILABLE: 503,
  DB_NEWER: 500,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  RATE_LIMITED: 429,
  NOT_FOUND: 404,
  CONFLICT: 409,
};

export class ServerError extends Error {
  readonly code: ServerErrorCode;
  constructor(code: ServerErrorCode, message: string) {
    super(message);
    this.code = code;
    this.name = 'ServerError';
  }

  get httpStatus(): number {
    return HTTP_STATUS[this.code];
  }

  /** Bad input and configuration the person can fix: the CLI exits 2 for these. */
  get userCorrectable(): boolean {
    return this.code !== 'DB_UNAVAILABLE';
  }
}
