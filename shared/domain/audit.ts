/**
 * The audit log is a hash chain: each row's hash covers its content and the previous row's hash,
 * so editing or deleting a row breaks every hash after it. This module defines what is hashed;
 * the hash function itself (SHA-256) lives with the store.
 */
export type AuditEntry = Readonly<{
  seq: number;
  at: number;
  actor: string;
  action: string;
  caseId: string | null;
  /** Identifiers and field names only; never PHI values. */
  detail: Readonly<Record<string, unknown>>;
  prevHash: string;
  hash: string;
}>;

export const AUDIT_GENESIS_HASH = '0'.repeat(64);

/** Deterministic JSON: keys sorted at every level, no whitespace. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

/** The exact text whose SHA-256 is the row's hash. */
export function auditHashInput(e: Omit<AuditEntry, 'hash'>): string {
  return canonicalJson({
    seq: e.seq,
    at: e.at,
    actor: e.actor,
    action: e.action,
    caseId: e.caseId,
    detail: e.detail,
    prevHash: e.prevHash,
  });
}
