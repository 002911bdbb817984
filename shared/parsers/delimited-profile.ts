import { compileTimeFormat } from './time-format';
import { isTextEncodingName, TEXT_ENCODINGS, type TextEncodingName } from './text-decoding';

/**
 * How to read a site's delimited event log (CSV, semicolon or tab separated). NIM-Eclipse exports
 * are delimited text whose layout is not public (vendor-formats.md §3), so until real samples
 * exist a site describes its file with one of these, edited in the app and checked by
 * `validateDelimitedProfile` before use.
 */
export const DELIMITERS = [',', ';', '\t', '|'] as const;
export type Delimiter = (typeof DELIMITERS)[number];

/** A zero-based column index, or a header name (matched ignoring case and surrounding spaces). */
export type ColumnRef = number | string;

export type DelimitedProfile = Readonly<{
  delimiter: Delimiter;
  hasHeader: boolean;
  /** Rows before the header or first data row (title, "Test name", "Test date" lines). Default 0. */
  skipRows?: number;
  timeColumn: ColumnRef;
  /** When date and time sit in two columns: the date cell and the time cell are joined by a space, then read with timeFormat. */
  dateColumn?: ColumnRef;
  /** See time-format.ts for the tokens. A time-only format takes its date from the case. */
  timeFormat: string;
  textColumn: ColumnRef;
  modalityColumn?: ColumnRef;
  /** Each row is one trial of its modality (Eclipse: one line = one measurement) → kind 'modality_activity'. */
  rowsAreTrials?: boolean;
  encoding: TextEncodingName;
}>;

export type ProfileCheck = Readonly<{ ok: true; profile: DelimitedProfile }> | Readonly<{ ok: false; fields: Readonly<Record<string, string>> }>;

const COLUMN_FIELDS = ['timeColumn', 'dateColumn', 'textColumn', 'modalityColumn'] as const;
const OPTIONAL_COLUMNS: ReadonlySet<string> = new Set(['dateColumn', 'modalityColumn']);

/**
 * Checks a profile that came from a form or a settings file. Returns messages keyed by field, in
 * words a technologist can act on (the shape of Err.fields in shared/util/result.ts).
 */
export function validateDelimitedProfile(input: unknown): ProfileCheck {
  const fields: Record<string, string> = {};
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return { ok: false, fields: { profile: 'The profile must be an object.' } };
  const p = input as Record<string, unknown>;

  if (!(DELIMITERS as readonly unknown[]).includes(p.delimiter)) fields.delimiter = 'Choose comma, semicolon, tab or "|".';
  if (typeof p.hasHeader !== 'boolean') fields.hasHeader = 'Say whether the first row holds column names.';
  if (p.skipRows !== undefined && !(Number.isInteger(p.skipRows) && (p.skipRows as number) >= 0 && (p.skipRows as number) <= 1000)) {
    fields.skipRows = 'Rows to skip must be a whole number from 0 to 1000.';
  }
  for (const name of COLUMN_FIELDS) {
    const value = p[name];
    if (value === undefined && OPTIONAL_COLUMNS.has(name)) continue;
    const message = checkColumn(value, p.hasHeader === true);
    if (message) fields[name] = message;
  }
  if (typeof p.timeFormat !== 'string' || p.timeFormat.trim() === '') fields.timeFormat = 'Give the time format, e.g. YYYY-MM-DD HH:mm:ss.';
  else {
    const compiled = compileTimeFormat(p.timeFormat);
    if (!compiled.ok) fields.timeFormat = compiled.message;
  }
  if (p.rowsAreTrials !== undefined && typeof p.rowsAreTrials !== 'boolean') fields.rowsAreTrials = 'Must be yes or no.';
  if (!isTextEncodingName(p.encoding)) fields.encoding = `Choose one of ${TEXT_ENCODINGS.join(', ')}.`;

  if (Object.keys(fields).length > 0) return { ok: false, fields };
  return {
    ok: true,
    profile: {
      delimiter: p.delimiter as Delimiter,
      hasHeader: p.hasHeader as boolean,
      ...(p.skipRows !== undefined ? { skipRows: p.skipRows as number } : {}),
      timeColumn: p.timeColumn as ColumnRef,
      ...(p.dateColumn !== undefined ? { dateColumn: p.dateColumn as ColumnRef } : {}),
      timeFormat: p.timeFormat as string,
      textColumn: p.textColumn as ColumnRef,
      ...(p.modalityColumn !== undefined ? { modalityColumn: p.modalityColumn as ColumnRef } : {}),
      ...(p.rowsAreTrials !== undefined ? { rowsAreTrials: p.rowsAreTrials as boolean } : {}),
      encoding: p.encoding as TextEncodingName,
    },
  };
}

function checkColumn(value: unknown, hasHeader: boolean): string | null {
  if (typeof value === 'number') {
    return Number.isInteger(value) && value >= 0 && value < 10_000 ? null : 'A column number must be a whole number from 0 (the first column).';
  }
  if (typeof value === 'string') {
    if (value.trim() === '') return 'Give a column name or number.';
    return hasHeader ? null : 'Column names need a header row; use a number (0 = first column).';
  }
  return 'Give a column name or number.';
}
