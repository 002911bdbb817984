/**
 * The practice database, opened for one process: the practice's PostgreSQL (DATABASE_URL or the
 * config's URL), or the one this server runs in its data folder. Migrated before first use.
 */
import pg from 'pg';
import { EmbeddedPostgres, pgRunAs } from './pg/embedded-postgres';
import { migrate } from './pg/migrations';
import { databaseUrl, type ServerConfig } from './server-config';
import { ServerError } from './server-error';

export type PracticeDb = Readonly<{
  pool: pg.Pool;
  /** "embedded PostgreSQL 18.4 in <dir>" or "PostgreSQL at host:port" (no password). */
  describe: string;
  close(): Promise<void>;
}>;

export async function openPracticeDb(dir: string, config: ServerConfig, env: NodeJS.ProcessEnv = process.env): Promise<PracticeDb> {
  const url = databaseUrl(config, env);
  let embedded: EmbeddedPostgres | null = null;
  let pool: pg.Pool;
  let where: string;
  if (url) {
    pool = new pg.Pool({ connectionString: url, max: 10 });
    where = `PostgreSQL at ${safeUrl(url)}`;
  } else {
    embedded = new EmbeddedPostgres(dir, pgRunAs(config.database.pgUser ?? undefined));
    const conn = await embedded.start();
    pool = new pg.Pool({ ...conn, max: 10 });
    where = `PostgreSQL in ${embedded.clusterDir}`;
  }
  // An idle connection the database dropped is not a crash of the server.
  pool.on('error', () => {});
  try {
    await migrate(pool);
    const v = await pool.query<{ server_version: string }>('SHOW server_version');
    where = `${where} (version ${v.rows[0]?.server_version ?? '?'})`;
  } catch (e) {
    await pool.end().catch(() => {});
    await embedded?.stop();
    if (e instanceof ServerError) throw e;
    throw new ServerError('DB_UNAVAILABLE', `The practice database cannot be used: ${(e as Error).message}`);
  }
  return {
    pool,
    describe: where,
    async close() {
      await pool.end().catch(() => {});
      await embedded?.stop();
    },
  };
}

function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || 5432}${u.pathname}`;
  } catch {
    return '(the configured URL)';
  }
}
