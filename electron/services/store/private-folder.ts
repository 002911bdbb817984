/**
 * The data folder holds patient data (the database and its journal files hold names, record
 * numbers and birth dates in the clear): only the user Closeout runs as may read it. Files are
 * created private (a 077 umask while the database opens, which is when SQLite creates its -wal
 * and -shm files), and what is already there is tightened at every start: a folder an older
 * version (or a copy, or an installer) left readable to others loses the group and other bits
 * (0755 → 0700, 0644 → 0600); the owner's own bits are left as they are.
 *
 * POSIX modes only: on Windows the folder under the user's profile inherits the profile's access
 * control, which already keeps other users out; nothing is changed there.
 */
import fs from 'node:fs';
import path from 'node:path';

export type PrivacyCheck = Readonly<{
  /** Paths (relative to the data folder) whose access was narrowed. */
  tightened: readonly string[];
  /** What could not be made private (another owner, a file system without modes): a warning each. */
  warnings: readonly string[];
}>;

/** How deep below the data folder to look: logs/, backups/ and the like, not export trees. */
const MAX_DEPTH = 2;

export function makeDataFolderPrivate(dataDir: string, platform: NodeJS.Platform = process.platform): PrivacyCheck {
  if (platform === 'win32') return { tightened: [], warnings: [] };
  const tightened: string[] = [];
  const notPrivate: string[] = [];
  const fix = (abs: string) => {
    let st: fs.Stats;
    try {
      st = fs.lstatSync(abs);
    } catch {
      return;
    }
    if (st.isSymbolicLink() || (st.mode & 0o077) === 0) return;
    try {
      // Others lose access; the owner's own bits stay as they are (a read-only folder stays read-only).
      fs.chmodSync(abs, st.mode & 0o700);
      tightened.push(path.relative(dataDir, abs) || '.');
    } catch {
      notPrivate.push(path.relative(dataDir, abs) || '.');
    }
  };
  const walk = (dir: string, depth: number) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const abs = path.join(dir, e.name);
      if (e.isDirectory()) {
        fix(abs);
        if (depth < MAX_DEPTH) walk(abs, depth + 1);
      } else if (e.isFile()) fix(abs);
    }
  };
  fix(dataDir);
  walk(dataDir, 1);
  const warnings = notPrivate.length
    ? [
        `Other users of this computer may be able to read ${notPrivate.length === 1 ? `"${notPrivate[0]}"` : `${notPrivate.length} files`} in the data folder (${dataDir}), and Closeout could not change that (another owner, or a drive without file permissions). Ask IT to make the folder private to your user.`,
      ]
    : [];
  return { tightened, warnings };
}

/** Run `fn` with a 077 umask, so whatever it creates is private; where umask cannot be set (a worker thread), just run it. */
export function withPrivateUmask<T>(fn: () => T): T {
  let old: number | null = null;
  try {
    old = process.umask(0o077);
  } catch {
    old = null;
  }
  try {
    return fn();
  } finally {
    if (old !== null) process.umask(old);
  }
}
