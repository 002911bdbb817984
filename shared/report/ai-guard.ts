/**
 * The last check before anything leaves for the AI service: the request body exactly as it will
 * be serialized, searched for the case's identifiers. The facts and the draft were de-identified
 * already; this catches what a bug, a new field or a missed format would let through, and stops
 * the request instead of trusting the earlier steps.
 */
import { findIdentifierMatches, jsonTextForScan, type IdentifierKind, type Identifiers } from './deidentify';

export type GuardResult =
  | Readonly<{ ok: true; serialized: string }>
  /** Kinds and a count only: what matched is PHI and must not travel further (not even to a log). */
  | Readonly<{ ok: false; kinds: readonly IdentifierKind[]; count: number }>;

/**
 * `constants` are fixed texts of ours inside the body (the prompt's wording, `"model":"…"`): they
 * hold no case data and are blanked before the search, as are JSON object keys (every key is a
 * literal in our code: deidentifyFacts builds its object field by field). Everything else, which
 * is everything derived from the case, is searched as sent.
 */
export function guardRequest(body: unknown, identifiers: Identifiers, constants: readonly string[] = []): GuardResult {
  const serialized = JSON.stringify(body);
  let scan = jsonTextForScan(serialized);
  for (const c of constants) {
    const form = jsonTextForScan(JSON.stringify(c).slice(1, -1));
    if (form !== '') scan = scan.split(form).join(' ');
  }
  scan = scan.replace(/"[A-Za-z_]+"\s*:/g, ' ');
  const matches = findIdentifierMatches(scan, identifiers);
  if (matches.length === 0) return { ok: true, serialized };
  return { ok: false, kinds: [...new Set(matches.map((m) => m.kind))], count: matches.length };
}
