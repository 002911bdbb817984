import type { Database } from 'better-sqlite3';
import type { Migration } from './types';
import { migration0001 } from './0001-initial';
import { migration0002 } from './0002-capture';
import { migration0003 } from './0003-report';
import { migration0004 } from './0004-billing';
import { migration0005 } from './0005-delivery';
import { migration0006 } from './0006-practice';
import { migration0007 } from './0007-audit-anchor';
import { migration0008 } from './0008-sync';
import { migration0009 } from './0009-sync-claim-answers';

/** Every migration, in order. Append only: a released migration is never edited. */
export const MIGRATIONS: readonly Migration[] = [migration0001, migration0002, migration0003, migration0004, migration0005, migration0006, migration0007, migration0008, migration0009];

export const LATEST_SCHEMA_VERSION = MIGRATIONS.length;

export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Bring the database to `target` (default: latest), one transaction per step so a failure
 * leaves the database at the last completed version, never half-way.
 */
export function migrate(db: Database, target = LATEST_SCHEMA_VERSION): number {
  const current = schemaVersion(db);
  for (const m of MIGRATIONS) {
    if (m.version <= current || m.version > target) continue;
    const step = db.transaction(() => {
      if (typeof m.up === 'string') db.exec(m.up);
      else m.up(db);
      // user_version cannot be bound as a parameter; the value is our own integer.
      db.pragma(`user_version = ${m.version}`);
    });
    step.immediate();
  }
  return schemaVersion(db);
}
