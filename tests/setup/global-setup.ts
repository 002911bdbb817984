/**
 * Before any test file: the outside tools and test data are there (npm test's pretest installs
 * them; a direct `vitest run` only checks), and out/ is current (rebuilt when a source is newer),
 * so no test skips for want of a peer or runs yesterday's build.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

export default function setup(): void {
  const tools = spawnSync(process.execPath, [path.join(ROOT, 'tests', 'tools', 'prereqs.mjs'), '--check'], { cwd: ROOT, encoding: 'utf8' });
  if (tools.status !== 0) throw new Error(`${tools.stderr.trim()}\n(npm test installs them where it can.)`);
  const build = spawnSync(process.execPath, [path.join(ROOT, 'electron', 'tools', 'build-state.mjs'), '--build-if-stale'], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`electron-vite build failed:\n${build.stderr}`);
}
