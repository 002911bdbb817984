/**
 * The one envelope that crosses every boundary (IPC, WebSocket bridge, CLI).
 *
 * Exceptions do not survive Electron IPC intact (only `message` arrives, electron#24427), so
 * expected failures travel as data with a stable code the UI can act on.
 */
import type { ErrorCode } from '../contract/errors';

export type Ok<T> = Readonly<{ ok: true; value: T }>;
export type Err = Readonly<{
  ok: false;
  code: ErrorCode;
  message: string;
  /** Field-level messages for BAD_INPUT, keyed by dotted path ("patient.mrn"). */
  fields?: Readonly<Record<string, string>>;
}>;
export type Result<T> = Ok<T> | Err;

export function ok<T>(value: T): Ok<T> {
  return { ok: true, value };
}

export function err(code: ErrorCode, message: string, fields?: Record<string, string>): Err {
  return fields && Object.keys(fields).length > 0 ? { ok: false, code, message, fields } : { ok: false, code, message };
}
