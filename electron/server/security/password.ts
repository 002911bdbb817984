/**
 * Account passwords, hashed with scrypt (memory-hard: 32 MiB and ~50-100 ms per guess here), a
 * per-password salt, and the parameters stored with the hash so they can be raised later.
 * Format: `scrypt$<log2 N>$<r>$<p>$<salt b64>$<hash b64>`.
 */
import crypto from 'node:crypto';
import { promisify } from 'node:util';

const scrypt = promisify(crypto.scrypt) as (pw: crypto.BinaryLike, salt: crypto.BinaryLike, len: number, o: crypto.ScryptOptions) => Promise<Buffer>;

const LOG_N = 15;
const R = 8;
const P = 1;
const KEY_LEN = 32;

/** Passwords a person can be asked to keep: long enough, not a handful of repeated keys. */
export function passwordProblem(pw: string): string | null {
  if (pw.length < 12) return 'Use at least 12 characters for the password.';
  if (pw.length > 256) return 'Use at most 256 characters for the password.';
  if (new Set(pw).size < 5) return 'That password repeats too few different characters; choose another.';
  return null;
}

function options(logN: number, r: number, p: number): crypto.ScryptOptions {
  // maxmem above 128·N·r (scrypt's own need) so Node does not refuse the parameters.
  return { N: 2 ** logN, r, p, maxmem: 256 * 2 ** logN * r + 1024 * 1024 };
}

export async function hashPassword(pw: string): Promise<string> {
  const salt = crypto.randomBytes(16);
  const key = await scrypt(pw.normalize('NFC'), salt, KEY_LEN, options(LOG_N, R, P));
  return ['scrypt', LOG_N, R, P, salt.toString('base64'), key.toString('base64')].join('$');
}

/** True when `pw` matches `stored`; false for anything else, including a malformed hash. */
export async function verifyPassword(pw: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [logN, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![logN, r, p].every((v) => Number.isInteger(v) && v > 0) || logN > 22 || r > 32 || p > 16) return false;
  const salt = Buffer.from(parts[4]!, 'base64');
  const want = Buffer.from(parts[5]!, 'base64');
  if (want.length !== KEY_LEN) return false;
  const got = await scrypt(pw.normalize('NFC'), salt, KEY_LEN, options(logN, r, p));
  return crypto.timingSafeEqual(got, want);
}

/** A hash of nothing anyone knows: verified against when the account does not exist, so a wrong name takes as long as a wrong password. */
export const DUMMY_HASH = `scrypt$${LOG_N}$${R}$${P}$${Buffer.alloc(16).toString('base64')}$${Buffer.alloc(KEY_LEN).toString('base64')}`;
