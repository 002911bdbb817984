/**
 * HTTPS to the practice server, pinned: a connection is used only when the server's certificate
 * has the fingerprint the administrator gave at enrollment, whoever signed it. No request body
 * leaves before that check (it runs in the TLS handshake). Nothing here waits long: the OR never
 * waits for the network (each request has a deadline; the caller retries later).
 */
import https from 'node:https';
import type { PeerCertificate, TLSSocket } from 'node:tls';

export type ClientTarget = Readonly<{ url: string; fingerprint: string; certPem: string | null }>;

export class PracticeServerError extends Error {
  /** HTTP status, or 0 when the server was not reached (network, TLS, timeout). */
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
  get unreachable(): boolean {
    return this.status === 0 || this.status >= 502;
  }
}

export function normalizeFingerprint(fp: string): string {
  const hex = fp.replace(/^sha256[:=]?/i, '').replace(/[^0-9a-f]/gi, '').toUpperCase();
  return hex.length === 64 ? hex.match(/.{2}/g)!.join(':') : '';
}

function pinCheck(fingerprint: string) {
  return (_host: string, cert: PeerCertificate): Error | undefined =>
    normalizeFingerprint(cert.fingerprint256 ?? '') === normalizeFingerprint(fingerprint)
      ? undefined
      : new Error(`the server's certificate is not the one enrolled (fingerprint ${cert.fingerprint256 ?? 'unknown'})`);
}

export type JsonAnswer = Readonly<{ status: number; body: Record<string, unknown> }>;

/** One JSON request to the server; rejects with PracticeServerError. */
export function requestJson(
  target: ClientTarget,
  method: 'GET' | 'POST',
  pathname: string,
  opts: { body?: unknown; credential?: string | null; timeoutMs?: number } = {},
): Promise<JsonAnswer> {
  const url = new URL(pathname, target.url);
  const payload = opts.body === undefined ? undefined : Buffer.from(JSON.stringify(opts.body), 'utf8');
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        method,
        hostname: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port || 443,
        path: `${url.pathname}${url.search}`,
        // A self-signed server is trusted as itself only; either way the fingerprint must match.
        ...(target.certPem ? { ca: target.certPem } : {}),
        checkServerIdentity: pinCheck(target.fingerprint),
        agent: false,
        timeout: opts.timeoutMs ?? 15_000,
        headers: {
          Accept: 'application/json',
          ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': payload.length } : {}),
          ...(opts.credential ? { Authorization: `Workstation ${opts.credential}` } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          let body: Record<string, unknown> = {};
          try {
            body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
          } catch {
            // not JSON: the status says enough
          }
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve({ status, body });
          else reject(new PracticeServerError(status, typeof body.code === 'string' ? body.code : 'HTTP', typeof body.message === 'string' ? body.message : `The practice server answered ${status}.`));
        });
        res.on('error', (e) => reject(new PracticeServerError(0, 'NETWORK', e.message)));
      },
    );
    req.on('timeout', () => req.destroy(new Error('no answer in time')));
    req.on('error', (e) => reject(new PracticeServerError(0, 'NETWORK', e.message)));
    if (payload) req.write(payload);
    req.end();
  });
}

/**
 * Before enrolling: connect without trusting anything, and keep the server's certificate only if
 * its fingerprint is the one the administrator read out. Returns the certificate (PEM) when it is
 * self-signed (pinned as its own trust anchor), null when a real authority signed it.
 */
export function fetchPinnedCertificate(url: string, fingerprint: string, timeoutMs = 15_000): Promise<string | null> {
  const u = new URL(url);
  if (u.protocol !== 'https:') return Promise.reject(new PracticeServerError(0, 'BAD_INPUT', 'The practice server address starts with https://.'));
  return new Promise((resolve, reject) => {
    const req = https.request(
      { method: 'GET', hostname: u.hostname.replace(/^\[|\]$/g, ''), port: u.port || 443, path: '/api/health', rejectUnauthorized: false, agent: false, timeout: timeoutMs },
      (res) => {
        const cert = (res.socket as TLSSocket).getPeerX509Certificate();
        res.resume();
        if (!cert) return reject(new PracticeServerError(0, 'TLS', 'The practice server did not present a certificate.'));
        if (normalizeFingerprint(cert.fingerprint256) !== normalizeFingerprint(fingerprint)) {
          return reject(
            new PracticeServerError(
              0,
              'FINGERPRINT',
              `The server at ${u.host} is not the one you were given: its certificate fingerprint is ${cert.fingerprint256}. Check the address and the fingerprint with your administrator.`,
            ),
          );
        }
        resolve(cert.issuer === cert.subject && cert.verify(cert.publicKey) ? cert.toString() : null);
      },
    );
    req.on('timeout', () => req.destroy(new Error('no answer in time')));
    req.on('error', (e) => reject(new PracticeServerError(0, 'NETWORK', `The practice server at ${u.host} cannot be reached (${e.message}).`)));
    req.end();
  });
}
