import { randomUUID } from 'node:crypto';
import type { Migration } from './types';

/**
 * The audit chain is anchored outside the database (store/audit-anchor.ts): the anchor file and
 * its key are named by this store's own id, made once here. The step also bumps the schema, so an
 * older Closeout, which would append audit rows without moving the anchor, refuses the file
 * ("written by a newer version") instead of making the log look tampered with.
 */
export const migration0007: Migration = {
  version: 7,
  name: 'audit-anchor',
  up: (db) => {
    db.prepare(`INSERT INTO settings (key, value) VALUES ('audit.storeId', ?) ON CONFLICT (key) DO NOTHING`).run(JSON.stringify(randomUUID()));
  },
};
