/**
 * The bench's fresh processes: the `closeout` command as a user runs it, timed from spawn to
 * exit, with only PATH and HOME in its environment (this machine's own NODE_EXTRA_CA_CERTS,
 * NODE_OPTIONS… are not the program's work).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** bin/closeout.js, from out/main/bench.js or out/main/chunks/*.js. */
export function closeoutBin(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const found = [path.resolve(here, '../../bin/closeout.js'), path.resolve(here, '../../../bin/closeout.js')].find((p) => fs.existsSync(p));
  if (!found) throw new Error('bin/closeout.js not found (run from a built checkout)');
  return found;
}

/** A clean environment, with a data folder. */
export function cleanEnv(dataDir: string): NodeJS.ProcessEnv {
  return { PATH: process.env['PATH'], HOME: process.env['HOME'], CLOSEOUT_DATA_DIR: dataDir };
}

/** Wall milliseconds of `node ARGS…` as a fresh process; throws if it fails. */
export function wallMs(args: readonly string[], env: NodeJS.ProcessEnv): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { env, stdio: 'ignore' });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}`);
  return ms;
}
