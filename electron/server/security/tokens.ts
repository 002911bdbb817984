/**
 * Secrets handed to a browser (session) or a workstation (credential): 256 random bits, given
 * once; the server keeps only their SHA-256, so a copy of its database opens no session.
 */
import crypto from 'node:crypto';

export function newToken(): string {
  return crypto.randomBytes(32).toString('base64url');
}

export function tokenHash(token: string): string {
  return crypto.createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A one-time enrollment code a person can read out or type: 4 groups of 4 (no 0/O, 1/I). */
export function newEnrollCode(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = crypto.randomBytes(16);
  let s = '';
  for (let i = 0; i < 16; i++) s += alphabet[bytes[i]! % alphabet.length];
  return s.match(/.{4}/g)!.join('-');
}

export function normalizeEnrollCode(code: string): string {
  return code.toUpperCase().replace(/[^A-Z0-9]/g, '').replace(/(.{4})(?=.)/g, '$1-');
}

