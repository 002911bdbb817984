/**
 * Hand readers for the arguments of the plain read calls a one-shot command makes most
 * (`closeout case list`), so that answering it does not load zod (~10 ms of a 70 ms command, #15).
 * Each answers only where the call's zod schema would accept the arguments, with the very value
 * it would give (a test compares the two on generated and odd arguments); anything else, `null`,
 * goes to the schema for its verdict and its messages. So the boundary check is never weaker.
 * Pure; no zod here.
 */
import type { Method } from './api';

type Reader = (raw: unknown) => Record<string, unknown> | null;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

const READERS: Partial<Record<Method, Reader>> = {
  // listCases: { search: string, trimmed, ≤ 100 (default ''), limit: integer 1…1000 (default 200) }; other keys dropped.
  listCases: (raw) => {
    if (!isPlainObject(raw)) return null;
    const s = raw['search'];
    const l = raw['limit'];
    let search = '';
    if (s !== undefined) {
      if (typeof s !== 'string') return null;
      search = s.trim();
      if (search.length > 100) return null;
    }
    let limit = 200;
    if (l !== undefined) {
      if (typeof l !== 'number' || !Number.isInteger(l) || l < 1 || l > 1000) return null;
      limit = l;
    }
    return { search, limit };
  },
};

/** The call's arguments as its schema would give them, when plainly good; null: let the schema decide. */
export function readPlainArgs(method: Method, raw: unknown): Record<string, unknown> | null {
  const read = READERS[method];
  return read ? read(raw) : null;
}

/** The methods read by hand (for the test that holds each to its schema). */
export const PLAIN_ARG_METHODS = Object.keys(READERS) as Method[];
