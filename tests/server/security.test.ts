import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { describe, expect, it } from 'vitest';
import { makeSelfSignedCertificate, certificateFingerprint } from '../../electron/server/security/certificate';
import { hashPassword, passwordProblem, verifyPassword, DUMMY_HASH } from '../../electron/server/security/password';
import { base32Decode, base32Encode, newTotpSecret, totpAt, totpStep, totpUri, verifyTotp } from '../../electron/server/security/totp';
import { newEnrollCode, normalizeEnrollCode, newToken, tokenHash } from '../../electron/server/security/tokens';

describe('self-signed certificate (made by hand in DER)', () => {
  const cert = makeSelfSignedCertificate({ names: ['closeout.practice.test', 'localhost', '127.0.0.1', '::1'], days: 30 });

  it('is read by Node as an X.509 v3 certificate for the names given, self-signed', () => {
    const x = new crypto.X509Certificate(cert.certPem);
    expect(x.subject).toContain('CN=closeout.practice.test');
    expect(x.subjectAltName).toBe('DNS:closeout.practice.test, DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    expect(x.verify(crypto.createPublicKey(cert.keyPem))).toBe(true);
    expect(x.issuer).toBe(x.subject);
    expect(x.checkHost('localhost')).toBe('localhost');
    expect(x.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(new Date(x.validTo).getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);
    expect(cert.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(certificateFingerprint(cert.certPem)).toBe(cert.fingerprint);
  });

  it('openssl (an independent reader) parses and verifies it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'closeout-cert-'));
    try {
      const f = path.join(dir, 'c.pem');
      fs.writeFileSync(f, cert.certPem);
      const text = execFileSync('openssl', ['x509', '-in', f, '-noout', '-text'], { encoding: 'utf8' });
      expect(text).toContain('Version: 3');
      expect(text).toContain('ecdsa-with-SHA256');
      expect(text).toContain('CA:FALSE'); // a server's key, not an authority: it signs no other certificate
      expect(text).toContain('TLS Web Server Authentication');
      expect(text).toContain('DNS:closeout.practice.test');
      const verify = execFileSync('openssl', ['verify', '-CAfile', f, f], { encoding: 'utf8' });
      expect(verify.trim()).toBe(`${f}: OK`);
      const fp = execFileSync('openssl', ['x509', '-in', f, '-noout', '-fingerprint', '-sha256'], { encoding: 'utf8' });
      expect(fp.trim().split('=')[1]).toBe(cert.fingerprint);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('serves TLS: a client trusting only this certificate connects; one trusting the system store does not', async () => {
    const server = https.createServer({ cert: cert.certPem, key: cert.keyPem }, (_q, s) => s.end('ok'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      const body = await new Promise<string>((resolve, reject) => {
        https.get({ host: '127.0.0.1', port, ca: cert.certPem, servername: 'localhost' }, (res) => {
          let b = '';
          res.on('data', (d) => (b += d));
          res.on('end', () => resolve(b));
        }).on('error', reject);
      });
      expect(body).toBe('ok');
      const refused = await new Promise<string>((resolve) => {
        const s = tls.connect({ host: '127.0.0.1', port, servername: 'localhost' }, () => resolve('connected'));
        s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
      });
      expect(refused).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    } finally {
      server.close();
    }
  });

  it('dates after 2049 are written as GeneralizedTime', () => {
    const late = makeSelfSignedCertificate({ names: ['localhost'], now: new Date('2049-12-01T00:00:00Z'), days: 90 });
    expect(new crypto.X509Certificate(late.certPem).validTo).toContain('2050');
  });
});

describe('TOTP (RFC 6238)', () => {
  // RFC 6238 Appendix B: SHA-1 secret "12345678901234567890", 8 digits.
  const secret = Buffer.from('12345678901234567890', 'ascii');
  it.each([
    [59, '94287082'],
    [1111111109, '07081804'],
    [1111111111, '14050471'],
    [1234567890, '89005924'],
    [2000000000, '69279037'],
    [20000000000, '65353130'],
  ])('matches the RFC test vector at T=%i', (t, code) => {
    expect(totpAt(secret, totpStep(t * 1000), 8)).toBe(code);
  });

  it('base32 round-trips (RFC 4648 vectors)', () => {
    expect(base32Encode(Buffer.from('foobar'))).toBe('MZXW6YTBOI');
    expect(base32Decode('MZXW6YTBOI').toString()).toBe('foobar');
    expect(base32Decode('mzxw 6ytb-oi======').toString()).toBe('foobar');
    const s = newTotpSecret();
    expect(s).toMatch(/^[A-Z2-7]{32}$/);
    expect(base32Decode(s)).toHaveLength(20);
  });

  it('accepts a code one step either side, never the same step twice, nothing malformed', () => {
    const s = newTotpSecret();
    const now = Date.UTC(2026, 11, 5, 12, 0, 10);
    const step = totpStep(now);
    const code = totpAt(base32Decode(s), step, 6);
    expect(verifyTotp(s, code, now, null)).toBe(step);
    expect(verifyTotp(s, code, now + 30_000, null)).toBe(step);
    expect(verifyTotp(s, code, now - 30_000, null)).toBe(step);
    expect(verifyTotp(s, code, now + 90_000, null)).toBeNull();
    expect(verifyTotp(s, code, now, step)).toBeNull();
    expect(verifyTotp(s, '12345', now, null)).toBeNull();
    expect(verifyTotp(s, '12345a', now, null)).toBeNull();
    expect(totpUri(s, 'dr.reyes')).toBe(`otpauth://totp/Closeout%3Adr.reyes?secret=${s}&issuer=Closeout&algorithm=SHA1&digits=6&period=30`);
  });
});

describe('passwords (scrypt)', () => {
  it('verifies the right password only; salts differ; a malformed hash is just false', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^scrypt\$15\$8\$1\$/);
    expect(await verifyPassword('correct horse battery', a)).toBe(true);
    expect(await verifyPassword('correct horse batterY', a)).toBe(false);
    expect(await verifyPassword('x', 'bcrypt$whatever')).toBe(false);
    expect(await verifyPassword('x', 'scrypt$40$8$1$AA==$AA==')).toBe(false);
    expect(await verifyPassword('anything', DUMMY_HASH)).toBe(false);
  });

  it('says why a password is too weak', () => {
    expect(passwordProblem('short')).toMatch(/12 characters/);
    expect(passwordProblem('aaaaaaaaaaaaaaaa')).toMatch(/too few different/);
    expect(passwordProblem('a long enough passphrase')).toBeNull();
  });
});

describe('tokens', () => {
  it('are random, hashed for storage; enroll codes read aloud and typed loosely', () => {
    const t = newToken();
    expect(t).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newToken()).not.toBe(t);
    expect(tokenHash(t)).toMatch(/^[0-9a-f]{64}$/);
    const c = newEnrollCode();
    expect(c).toMatch(/^[A-HJ-NP-Z2-9]{4}(-[A-HJ-NP-Z2-9]{4}){3}$/);
    expect(normalizeEnrollCode(c.toLowerCase().replace(/-/g, ' '))).toBe(c);
  });
});
