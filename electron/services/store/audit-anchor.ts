/**
 * The audit chain's head, kept outside the database and sealed with a key the database does not
 * hold. A chain alone proves only that its rows agree with each other: whoever can write the file
 * can cut its tail, empty it, or rewrite every row and recompute every hash. The anchor says how
 * long the chain was and what its last hash was; its seal (HMAC-SHA256) says Closeout wrote that.
 *
 * - The anchor file (`audit-anchor.json`) sits beside the database, private like it.
 * - The key sits in a folder beside the data folder (`.closeout-keys/`, or CLOSEOUT_KEY_DIR), one
 *   32-byte file per store, created once, never rewritten. Copying or restoring the data folder
 *   alone does not carry it; whoever can log in as the same user can still read it. It is not in an
 *   OS keychain: the CLI, a plain Node process, must check the seal too.
 * - The anchor is rewritten inside each write transaction that appended audit rows, just before
 *   COMMIT, naming the new head and the head before the transaction; if the COMMIT fails the old
 *   anchor is put back. SQLite's write lock orders the rewrites between processes.
 *
 * No patient data: ids, sequence numbers, hashes and times only.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { canonicalJson } from '../../../shared/domain/audit';
import { AppError } from './store-errors';
import type { AnchorRead, AnchorState } from '../../../shared/domain/audit-judge';

export type { AnchorBreak, AnchorRead, AnchorState, ChainPoint } from '../../../shared/domain/audit-judge';

export const ANCHOR_FILE_NAME = 'audit-anchor.json';
const KEY_DIR_NAME = '.closeout-keys';

/** Where the keys live: never inside the data folder, so a copy of the folder does not carry them. */
export function keyDirFor(dataDir: string, env: NodeJS.ProcessEnv = process.env): string {
  return env['CLOSEOUT_KEY_DIR'] || path.join(path.dirname(path.resolve(dataDir)), KEY_DIR_NAME);
}

function isSafeId(id: string): boolean {
  return /^[A-Za-z0-9-]{8,64}$/.test(id);
}

export class AuditAnchor {
  readonly file: string;
  readonly #keyFile: string;
  #key: Buffer | null | undefined;

  constructor(
    readonly dataDir: string,
    readonly storeId: string,
    keyDir: string = keyDirFor(dataDir),
  ) {
    if (!isSafeId(storeId)) throw new Error('audit anchor: bad store id');
    this.file = path.join(dataDir, ANCHOR_FILE_NAME);
    this.#keyFile = path.join(keyDir, `${storeId}.key`);
  }

  /** Whether this store's key exists: a key without its anchor means the anchor was removed. */
  hasKey(): boolean {
    return this.#readKey() !== null;
  }

  read(): AnchorRead {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'missing' };
      return { state: 'unreadable', why: (e as NodeJS.ErrnoException).code ?? 'read error' };
    }
    let parsed: { anchor?: AnchorState; mac?: string | null };
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      return { state: 'unreadable', why: 'not JSON' };
    }
    const a = parsed.anchor;
    if (!a || typeof a !== 'object' || !a.head || !a.before || !a.since || !Array.isArray(a.breaks) || typeof a.storeId !== 'string') {
      return { state: 'unreadable', why: 'fields missing' };
    }
    if (!parsed.mac) return { state: 'read', anchor: a, seal: 'unsealed' };
    const key = this.#readKey();
    if (!key) return { state: 'read', anchor: a, seal: 'no key' };
    const expected = mac(key, a);
    const given = Buffer.from(String(parsed.mac), 'hex');
    const ok = given.length === expected.length && crypto.timingSafeEqual(given, expected);
    return { state: 'read', anchor: a, seal: ok ? 'valid' : 'broken' };
  }

  /**
   * Write the anchor durably (temporary file, fsync, rename). Throws on failure: the caller is
   * inside the transaction the anchor vouches for, which must then not commit.
   */
  write(anchor: AnchorState): void {
    const key = this.#keyOrCreate();
    const body = `${JSON.stringify({ note: 'Closeout audit anchor: the audit log head, sealed. No patient data.', anchor, mac: key ? mac(key, anchor).toString('hex') : null })}\n`;
    try {
      writeDurably(this.file, body);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' && !fs.existsSync(this.dataDir)) {
        throw new AppError(
          'DB_UNAVAILABLE',
          `The data folder (${this.dataDir}) is no longer there: it was moved, removed, or its drive was disconnected while Closeout was running. This change was not saved. Put the folder back, or restart Closeout.`,
        );
      }
      throw e;
    }
  }

  /** Put back exactly what the file held before (after a COMMIT that failed). */
  restore(previous: string | null): void {
    try {
      if (previous === null) fs.rmSync(this.file, { force: true });
      else writeDurably(this.file, previous);
    } catch {
      // Nothing more to do: verification will name the mismatch.
    }
  }

  /** The file's bytes now, to restore after a failed COMMIT. */
  snapshot(): string | null {
    try {
      return fs.readFileSync(this.file, 'utf8');
    } catch {
      return null;
    }
  }

  #readKey(): Buffer | null {
    if (this.#key) return this.#key;
    try {
      const k = fs.readFileSync(this.#keyFile);
      if (k.length !== 32) return null;
      this.#key = k;
      return k;
    } catch {
      return null;
    }
  }

  /** The key, made once. When the key folder cannot be written the anchor is written unsealed. */
  #keyOrCreate(): Buffer | null {
    const have = this.#readKey();
    if (have) return have;
    try {
      fs.mkdirSync(path.dirname(this.#keyFile), { recursive: true, mode: 0o700 });
      // 'wx': two processes opening a new store at once must not each make a different key.
      fs.writeFileSync(this.#keyFile, crypto.randomBytes(32), { flag: 'wx', mode: 0o400 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') return null;
    }
    return this.#readKey();
  }
}

function mac(key: Buffer, anchor: AnchorState): Buffer {
  return crypto.createHmac('sha256', key).update(canonicalJson(anchor), 'utf8').digest();
}

function writeDurably(file: string, body: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    const fd = fs.openSync(tmp, 'w', 0o600);
    try {
      fs.writeFileSync(fd, body);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}
