/**
 * Before any test file: the outside tools and test data are there (npm test's pretest installs
 * them; a direct `vitest run` only checks), and out/ is current (rebuilt when a source is newer),
 * so no test skips for want of a peer or runs yesterday's build.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { whatIsMissing } from '../tools/prereqs.mjs';
import { buildStale, electronViteArgs } from '../../electron/tools/build-state.mjs';

const ROOT = path.resolve(__dirname, '../..');

export default function setup(): () => void {
  // The audit anchor's keys live beside the data folder; tests keep theirs in one folder of their
  // own, removed at the end, instead of beside every temp dir.
  const keys = fs.mkdtempSync(path.join(os.tmpdir(), 'closeout-test-keys-'));
  process.env['CLOSEOUT_KEY_DIR'] = keys;
  const teardown = () => fs.rmSync(keys, { recursive: true, force: true });
  const missing = whatIsMissing();
  if (missing) throw new Error(`${missing.trim()}\n(npm test installs them where it can.)`);
  if (!buildStale()) return teardown;
  const build = spawnSync(process.execPath, electronViteArgs('build'), { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`electron-vite build failed:\n${build.stderr}`);
  return teardown;
}
