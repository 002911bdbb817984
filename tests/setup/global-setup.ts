/**
 * Before any test file: the outside tools and test data are there (npm test's pretest installs
 * them; a direct `vitest run` only checks), and out/ is current (rebuilt when a source is newer),
 * so no test skips for want of a peer or runs yesterday's build.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { whatIsMissing } from '../tools/prereqs.mjs';
import { buildStale, electronViteArgs } from '../../electron/tools/build-state.mjs';

const ROOT = path.resolve(__dirname, '../..');

export default function setup(): void {
  const missing = whatIsMissing();
  if (missing) throw new Error(`${missing.trim()}\n(npm test installs them where it can.)`);
  if (!buildStale()) return;
  const build = spawnSync(process.execPath, electronViteArgs('build'), { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`electron-vite build failed:\n${build.stderr}`);
}
