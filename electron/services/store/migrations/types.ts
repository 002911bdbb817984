import type { Database } from 'better-sqlite3';

/**
 * A numbered schema step. `up` is SQL text, or a function for steps that must move data.
 * Each runs in its own transaction together with the `user_version` bump.
 */
export type Migration = Readonly<{
  version: number;
  name: string;
  up: string | ((db: Database) => void);
}>;
