/**
 * Log redaction by allow-list. Logs may hold ids, codes, counts and timings: never names, MRNs,
 * dates of birth or free text. Anything not on the list is replaced, so a careless log call
 * cannot leak PHI.
 */
const SAFE_KEYS = new Set([
  'caseId',
  'personId',
  'eventId',
  'sourceId',
  'method',
  'code',
  'status',
  'from',
  'to',
  'count',
  'rows',
  'ms',
  'attempt',
  'delayMs',
  'version',
  'schemaVersion',
  'pid',
  'exitCode',
  'signal',
  'kind',
  'errno',
  'sqliteCode',
]);

export type LogFields = Readonly<Record<string, unknown>>;

export function redactFields(fields: LogFields): Record<string, string | number | boolean | null> {
  const out: Record<string, string | number | boolean | null> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (!SAFE_KEYS.has(k)) {
      out[k] = '[redacted]';
    } else if (v === null || typeof v === 'number' || typeof v === 'boolean') {
      out[k] = v;
    } else if (typeof v === 'string') {
      // Safe keys carry identifiers and codes, which are short; long strings are suspicious.
      out[k] = v.length <= 80 ? v : '[redacted]';
    } else {
      out[k] = '[redacted]';
    }
  }
  return out;
}

/**
 * Error text can quote user input (SQLite constraint messages, zod issues). Keep the error's
 * class and any code, drop the message.
 */
export function redactError(e: unknown): Record<string, string> {
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    const out: Record<string, string> = { name: e.name };
    if (typeof code === 'string' && code.length <= 60) out['code'] = code;
    // Stack frames are file/line only, no data: useful for a bug report, safe to keep.
    if (e.stack) out['stack'] = e.stack.split('\n').slice(1, 8).join('\n');
    return out;
  }
  return { name: typeof e };
}
