import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

/**
 * PINs and passwords are stored as salted scrypt hashes, slow on purpose: a copied database must
 * not give up the signing PINs to a quick guess over all 4–8 digit numbers.
 */
const N = 2 ** 15;
const R = 8;
const P = 1;
const KEY_LEN = 32;
const MAXMEM = 64 * 1024 * 1024;

export function hashPin(pin: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(pin.normalize('NFKC'), salt, KEY_LEN, { N, r: R, p: P, maxmem: MAXMEM });
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

export function verifyPin(pin: string, stored: string | null): boolean {
  if (!stored) return false;
  const [alg, n, r, p, salt, hash] = stored.split('$');
  if (alg !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const got = scryptSync(pin.normalize('NFKC'), Buffer.from(salt, 'base64url'), expected.length, { N: Number(n), r: Number(r), p: Number(p), maxmem: MAXMEM });
  return got.length === expected.length && timingSafeEqual(got, expected);
}

/** At least 4 characters; digits-only PINs need 6 (a 4-digit PIN is 10,000 guesses). */
export function pinProblem(pin: string): string | null {
  if (pin.length < 4) return 'The PIN or password needs at least 4 characters.';
  if (/^\d+$/.test(pin) && pin.length < 6) return 'A PIN made only of digits needs at least 6 of them.';
  if (pin.length > 128) return 'That is too long (128 characters at most).';
  return null;
}
