/** EDF errors and the warnings a read collects (each kind once, then counted). */
import type { ParseWarning } from '../types';

// ---------------------------------------------------------------------------------------------
// Errors and warnings

/** The bytes are not an EDF-family file we can read (bad magic, header cut short, nonsense counts). */
export class NotEdfError extends Error {
  readonly code = 'NOT_EDF' as const;
  override readonly name = 'NotEdfError';
}

/** Everything the reader steps over, by kind; repeated kinds are counted, not listed, so a quirk
 * present in all 50,000 records of a file yields one line, not 50,000. */
export type EdfWarningCode =
  | 'header-bytes'
  | 'variant-mismatch'
  | 'start-date'
  | 'patient-field'
  | 'recording-field'
  | 'calibration'
  | 'records-unknown'
  | 'records-short'
  | 'partial-record'
  | 'extra-bytes'
  | 'file-changed'
  | 'timekeeping-text'
  | 'timekeeping-missing'
  | 'missing-separator'
  | 'garbage-tal'
  | 'unterminated-tal'
  | 'not-utf8'
  | 'onset-order'
  | 'not-contiguous'
  | 'not-edf-plus-d';

type WarningEntry = { where: string; message: string; count: number };

/** Collects warnings without echoing file content: patient fields and annotation text can be PHI. */
export class EdfWarnings {
  readonly #entries = new Map<EdfWarningCode, WarningEntry>();
  readonly #suppressed: ReadonlySet<EdfWarningCode>;

  constructor(suppressed: Iterable<EdfWarningCode> = []) {
    this.#suppressed = new Set(suppressed);
  }

  note(code: EdfWarningCode, where: string, message: string): void {
    if (this.#suppressed.has(code)) return;
    const e = this.#entries.get(code);
    if (e) e.count++;
    else this.#entries.set(code, { where, message, count: 1 });
  }

  /** Counts one more of an already noted kind (true), or says it is new (false). */
  repeat(code: EdfWarningCode): boolean {
    if (this.#suppressed.has(code)) return true;
    const e = this.#entries.get(code);
    if (e) e.count++;
    return e !== undefined;
  }

  list(): ParseWarning[] {
    return [...this.#entries.values()].map((e) => ({
      where: e.where,
      message: e.count > 1 ? `${e.message} (${e.count} times in all; the first is shown)` : e.message,
    }));
  }
}
