/** What the UI and the CLI receive about billing (the contract's result types). */
import type { BillingDetails, PracticeBilling } from './details';
import type { ClaimStatus, ChargeRow } from './charges';
import type { RuleSets } from './ruleset';
import type { Claim } from './scrubber';

export type ClaimOverride = Readonly<{ by: string; reason: string; at: number; findings: readonly string[] }>;

export type ClaimView = Claim &
  Readonly<{
    caseStatus: string;
    status: ClaimStatus;
    /** The override in force (it covers exactly the blocking findings it was given for). */
    override: ClaimOverride | null;
    /** Charges may be exported now: clean, or overridden. */
    exportable: boolean;
    details: BillingDetails;
    practice: PracticeBilling;
  }>;

export type ChargeExport = Readonly<{
  format: 'csv' | 'json';
  /** The file's content (CSV text, or JSON of the rows). */
  content: string;
  rows: readonly ChargeRow[];
  cases: number;
  /** Cases left out, and why (not clean and not overridden). */
  skipped: ReadonlyArray<Readonly<{ caseId: string; dateOfService: string; why: string }>>;
  /** Lines of exported cases kept out, and why (time resting on an inferred end: charges.ts). */
  withheld: ReadonlyArray<Readonly<{ caseId: string; dateOfService: string; code: string; why: string }>>;
}>;

export type BillingSettings = Readonly<{
  practice: PracticeBilling;
  ruleSets: RuleSets;
  /** Where the rule sets in force come from. */
  ruleSetsSource: 'default' | 'saved';
  history: ReadonlyArray<Readonly<{ seq: number; label: string; savedBy: string; savedAt: number }>>;
}>;

/** One key per blocking finding, so an override covers those findings and no later ones. */
export function findingKey(f: Readonly<{ rule: string; message: string }>): string {
  return `${f.rule}: ${f.message}`;
}

/** "R16, C01 ×2": the rules of a list of findings (or their keys), each once, with how many. */
export function ruleCounts(findings: ReadonlyArray<string | Readonly<{ rule: string }>>): string {
  const counts = new Map<string, number>();
  for (const f of findings) {
    const rule = typeof f === 'string' ? f.split(':')[0]!.trim() : f.rule;
    counts.set(rule, (counts.get(rule) ?? 0) + 1);
  }
  return [...counts].map(([rule, n]) => (n > 1 ? `${rule} ×${n}` : rule)).join(', ');
}
