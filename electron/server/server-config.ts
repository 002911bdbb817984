/**
 * The practice server's settings, in `server.json` of its data folder (written by `init`, read by
 * every command). Secrets are not in it: the database password and the TLS key are files of
 * their own, readable by the server's account only.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { ServerError } from './server-error';

export const ServerConfigSchema = z.strictObject({
  version: z.literal(1),
  https: z.strictObject({
    /** Where to listen; 0.0.0.0 for the practice network. */
    host: z.string().min(1).default('0.0.0.0'),
    port: z.number().int().min(0).max(65535).default(8443),
    /** The names and addresses workstations and browsers use for the server. */
    names: z.array(z.string().min(1).max(253)).min(1),
    certFile: z.string().min(1),
    keyFile: z.string().min(1),
    /** True when `init` made the certificate (its fingerprint is what workstations pin). */
    selfSigned: z.boolean(),
  }),
  database: z.strictObject({
    /** The practice's own PostgreSQL; null: the one this server runs in its data folder. */
    url: z.string().min(1).nullable(),
    /** When the server runs as root, the account its PostgreSQL runs as. */
    pgUser: z.string().min(1).nullable(),
  }),
  sessions: z.strictObject({
    idleMinutes: z.number().int().min(1).max(24 * 60).default(30),
    maxHours: z.number().int().min(1).max(72).default(12),
  }),
  /** A demonstration server (`closeout-server demo`): synthetic data and published demo accounts only. */
  demo: z.boolean().default(false),
});
export type ServerConfig = z.infer<typeof ServerConfigSchema>;

export const CONFIG_FILE = 'server.json';

/** The server's data folder: --dir, else $CLOSEOUT_SERVER_DIR, else the user's data folder. */
export function defaultServerDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CLOSEOUT_SERVER_DIR) return path.resolve(env.CLOSEOUT_SERVER_DIR);
  if (process.platform === 'win32') return path.join(env.LOCALAPPDATA ?? os.homedir(), 'Closeout Server');
  if (process.platform === 'darwin') return path.join(os.homedir(), 'Library', 'Application Support', 'Closeout Server');
  return path.join(env.XDG_DATA_HOME ?? path.join(os.homedir(), '.local', 'share'), 'closeout-server');
}

export function readServerConfig(dir: string): ServerConfig {
  const file = path.join(dir, CONFIG_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new ServerError('CONFIG', `There is no practice server in ${dir}. Run "closeout-server init" there first (or give --dir).`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ServerError('CONFIG', `${file} is not valid JSON. Fix it or run "closeout-server init" in a new folder.`);
  }
  const r = ServerConfigSchema.safeParse(raw);
  if (!r.success) {
    const first = r.error.issues[0];
    throw new ServerError('CONFIG', `${file}: ${first?.path.join('.') || 'the file'}: ${first?.message ?? 'not as expected'}.`);
  }
  return r.data;
}

export function writeServerConfig(dir: string, config: ServerConfig): void {
  const file = path.join(dir, CONFIG_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(tmp, file);
}

/** The database to use: $DATABASE_URL wins over the file. */
export function databaseUrl(config: ServerConfig, env: NodeJS.ProcessEnv = process.env): string | null {
  return env.DATABASE_URL?.trim() || config.database.url;
}
