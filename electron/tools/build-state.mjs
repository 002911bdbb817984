/**
 * Is out/ older than the sources it is built from? (A fresh clone, a pull or an edit since the
 * last `electron-vite build`.) Used by `npm start` and by the tests' global setup, so neither runs
 * yesterday's build.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The sources electron-vite turns into out/; the tools here run from source, so they do not count. */
const SOURCE_DIRS = ['electron', 'shared', 'renderer', 'resources'];
const SKIP = new Set([path.join(root, 'electron', 'tools')]);
const BUILT = ['out/main/index.js', 'out/main/backend.js', 'out/main/cli.js', 'out/main/devhost.js', 'out/main/server.js', 'out/preload/index.cjs', 'out/renderer/index.html', 'out/renderer/practice.html'];

function newestMtime(p) {
  let st;
  try {
    st = fs.statSync(p);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const name of fs.readdirSync(p)) {
    const child = path.join(p, name);
    if (!SKIP.has(child)) newest = Math.max(newest, newestMtime(child));
  }
  return newest;
}

export function buildStale(dir = root) {
  const built = BUILT.map((f) => newestMtime(path.join(dir, f)));
  if (built.some((t) => t === 0)) return true;
  return Math.max(...SOURCE_DIRS.map((d) => newestMtime(path.join(dir, d)))) > Math.min(...built);
}

/** The electron-vite command line, run with this Node. */
export function electronViteArgs(...args) {
  const require = createRequire(path.join(root, 'package.json'));
  return [path.join(path.dirname(require.resolve('electron-vite/package.json')), 'bin', 'electron-vite.js'), ...args];
}
