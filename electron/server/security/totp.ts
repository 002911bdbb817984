/**
 * Time-based one-time passwords (RFC 6238, HMAC-SHA1, 6 digits, 30 s), as every authenticator
 * app reads them from an otpauth:// link. A code is accepted one step either side of now (clock
 * drift) and never twice: the caller keeps the last step used and passes it back.
 */
import crypto from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const STEP_SECONDS = 30;
const DIGITS = 6;

export function base32Encode(bytes: Uint8Array): string {
  let out = '';
  let bitsLeft = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bitsLeft += 8;
    while (bitsLeft >= 5) {
      out += ALPHABET[(value >>> (bitsLeft - 5)) & 31];
      bitsLeft -= 5;
    }
  }
  if (bitsLeft > 0) out += ALPHABET[(value << (5 - bitsLeft)) & 31];
  return out;
}

export function base32Decode(text: string): Buffer {
  const clean = text.toUpperCase().replace(/[\s=-]/g, '');
  const out: number[] = [];
  let bitsLeft = 0;
  let value = 0;
  for (const ch of clean) {
    const i = ALPHABET.indexOf(ch);
    if (i < 0) throw new Error('Not a base32 secret.');
    value = (value << 5) | i;
    bitsLeft += 5;
    if (bitsLeft >= 8) {
      out.push((value >>> (bitsLeft - 8)) & 0xff);
      bitsLeft -= 8;
    }
  }
  return Buffer.from(out);
}

/** A new secret (160 bits, as RFC 4226 recommends), base32. */
export function newTotpSecret(): string {
  return base32Encode(crypto.randomBytes(20));
}

/** The code for a time step (HOTP of the step counter, RFC 4226 §5.3). */
export function totpAt(secret: Buffer, step: number, digits = DIGITS, algorithm: 'sha1' | 'sha256' | 'sha512' = 'sha1'): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = crypto.createHmac(algorithm, secret).update(counter).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const bin = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** digits;
  return String(bin).padStart(digits, '0');
}

export function totpStep(nowMs: number): number {
  return Math.floor(nowMs / 1000 / STEP_SECONDS);
}

/**
 * The step a code matches (now, or one step either side), or null. A step at or before
 * `lastUsedStep` is refused: a code seen once (over a shoulder, in a log) does not work again.
 */
export function verifyTotp(secretBase32: string, code: string, nowMs: number, lastUsedStep: number | null): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const secret = base32Decode(secretBase32);
  const now = totpStep(nowMs);
  for (const step of [now, now - 1, now + 1]) {
    if (lastUsedStep !== null && step <= lastUsedStep) continue;
    const want = Buffer.from(totpAt(secret, step));
    if (crypto.timingSafeEqual(want, Buffer.from(code))) return step;
  }
  return null;
}

/** The link an authenticator app reads (as a QR code or pasted). */
export function totpUri(secretBase32: string, account: string, issuer = 'Closeout'): string {
  const label = encodeURIComponent(`${issuer}:${account}`);
  return `otpauth://totp/${label}?secret=${secretBase32}&issuer=${encodeURIComponent(issuer)}&algorithm=SHA1&digits=${DIGITS}&period=${STEP_SECONDS}`;
}
