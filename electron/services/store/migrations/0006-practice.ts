import type { Migration } from './types';

/**
 * The practice dashboard reads each case's claim summary from `claim_index`, never the events:
 * with 10,000 cases the dashboard cannot rebuild every timeline. Two figures join the summary:
 *
 * - `monitored_minutes`: monitoring minutes on the timeline before any cut (captured), beside
 *   `minutes` (billed);
 * - `clean_at_close`: whether the first claim computed after the case left capture had no
 *   blocking finding but the signature (a report can only be signed after close). Written once
 *   and kept, so later fixes do not rewrite how the case closed.
 *
 * Rows from before this step hold NULL in both; the dashboard recomputes those claims.
 */
export const migration0006: Migration = {
  version: 6,
  name: 'practice',
  up: `
    ALTER TABLE claim_index ADD COLUMN monitored_minutes INTEGER;
    ALTER TABLE claim_index ADD COLUMN clean_at_close INTEGER CHECK (clean_at_close IN (0, 1));
  `,
};
