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

export function guardRequest(body: unknown, identifiers: Identifiers): GuardResult {
  const serialized = JSON.stringify(body);
  const matches = findIdentifierMatches(jsonTextForScan(serialized), identifiers);
  if (matches.length === 0) return { ok: true, serialized };
  return { ok: false, kinds: [...new Set(matches.map((m) => m.kind))], count: matches.length };
}
