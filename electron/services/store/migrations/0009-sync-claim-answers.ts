import type { Migration } from './types';

/**
 * A claim's summary as the practice server holds it says whether the claim may be exported
 * (overridden) and carries its charge lines (#17). An override, or a change of the billing
 * answers, changes both without always changing the claim's index row: so each marks the claim
 * to be sent again, in the same transaction, as the index row's own triggers do (0008).
 * Likewise a case's step times (closed, signed, delivered…), which the practice dashboard reads,
 * travel with its record: a new time marks the case.
 */
export const migration0009: Migration = {
  version: 9,
  name: 'sync: overrides and billing answers re-send the claim, step times the case',
  up: `
    ${(
      [
        ['claim', 'claim_overrides', 'INSERT'],
        ['claim', 'billing_details', 'INSERT'],
        ['claim', 'billing_details', 'UPDATE'],
        ['case', 'case_times', 'INSERT'],
        ['case', 'case_times', 'UPDATE'],
      ] as const
    )
      .map(
        ([entity, table, op]) => `
    CREATE TRIGGER sync_${table}_${op.toLowerCase()} AFTER ${op} ON ${table} BEGIN
      INSERT INTO sync_dirty (entity, key, seq) VALUES ('${entity}', NEW.case_id, (SELECT coalesce(max(seq), 0) + 1 FROM sync_dirty))
        ON CONFLICT (entity, key) DO UPDATE SET seq = excluded.seq;
    END;`,
      )
      .join('')}
  `,
};
