/**
 * The practice server's own TLS certificate, made at first start when the practice has none:
 * an ECDSA P-256 key and a self-signed X.509 v3 certificate for the names the server answers to.
 * Node can read certificates (crypto.X509Certificate) but not make them; this writes the DER by
 * hand (RFC 5280), signed with Node's crypto, so no extra package handles the server's key.
 * Workstations pin its SHA-256 fingerprint, which the server prints at init and start.
 */
import crypto from 'node:crypto';
import net from 'node:net';

// ---- DER, only what a certificate needs -------------------------------------------------------

function len(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
const tlv = (tag: number, body: Buffer): Buffer => Buffer.concat([Buffer.from([tag]), len(body.length), body]);
const seq = (...items: Buffer[]): Buffer => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]): Buffer => tlv(0x31, Buffer.concat(items));
const octets = (b: Buffer): Buffer => tlv(0x04, b);
const bits = (b: Buffer): Buffer => tlv(0x03, Buffer.concat([Buffer.from([0]), b]));
const utf8 = (s: string): Buffer => tlv(0x0c, Buffer.from(s, 'utf8'));
const bool = (v: boolean): Buffer => tlv(0x01, Buffer.from([v ? 0xff : 0]));
const explicit = (n: number, body: Buffer): Buffer => tlv(0xa0 + n, body);

function integer(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  const v = b.subarray(i);
  return tlv(0x02, v[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), v]) : v);
}

function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number);
  const out = [40 * parts[0]! + parts[1]!];
  for (const p of parts.slice(2)) {
    const stack = [p & 0x7f];
    for (let v = p >>> 7; v > 0; v >>>= 7) stack.unshift(0x80 | (v & 0x7f));
    out.push(...stack);
  }
  return tlv(0x06, Buffer.from(out));
}

/** UTCTime through 2049, GeneralizedTime after (RFC 5280 §4.1.2.5). */
function time(d: Date): Buffer {
  const iso = d.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return d.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(`${iso.slice(2)}Z`)) : tlv(0x18, Buffer.from(`${iso}Z`));
}

const OID = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
};

function ipBytes(ip: string): Buffer {
  if (net.isIPv4(ip)) return Buffer.from(ip.split('.').map(Number));
  // IPv6: expand "::" then take the 8 groups.
  const [head, tail = ''] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  return Buffer.concat(groups.map((g) => Buffer.from([(parseInt(g, 16) >> 8) & 0xff, parseInt(g, 16) & 0xff])));
}

export type SelfSignedCertificate = Readonly<{
  /** PEM of the certificate (what the server presents). */
  certPem: string;
  /** PEM of the private key (PKCS#8); written 0600 beside the server's data. */
  keyPem: string;
  /** SHA-256 of the certificate's DER, as colon-separated hex (what a workstation pins). */
  fingerprint: string;
  notAfter: Date;
}>;

/**
 * A self-signed certificate valid from now for `days`, for `names` (host names and IP addresses,
 * the first is also its common name). Serving TLS with it is up to the caller.
 */
export function makeSelfSignedCertificate(opts: { names: readonly string[]; organization?: string; days?: number; now?: Date }): SelfSignedCertificate {
  const names = opts.names.length > 0 ? opts.names : ['localhost'];
  const now = opts.now ?? new Date();
  // A minute back: a workstation whose clock is a little behind still accepts it.
  const notBefore = new Date(now.getTime() - 60_000);
  const notAfter = new Date(now.getTime() + (opts.days ?? 825) * 86_400_000);
  const { publicKey, privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const rdn = (type: string, value: string) => set(seq(oid(type), utf8(value)));
  const name = seq(rdn(OID.organization, opts.organization ?? 'Closeout practice server'), rdn(OID.commonName, names[0]!));
  const altNames = seq(...names.map((n) => (net.isIP(n) ? tlv(0x87, ipBytes(n)) : tlv(0x82, Buffer.from(n, 'ascii')))));
  const extensions = explicit(
    3,
    seq(
      seq(oid(OID.basicConstraints), bool(true), octets(seq())),
      // digitalSignature, as an ECDSA server key signs the handshake.
      seq(oid(OID.keyUsage), bool(true), octets(tlv(0x03, Buffer.from([7, 0x80])))),
      seq(oid(OID.extKeyUsage), octets(seq(oid(OID.serverAuth)))),
      seq(oid(OID.subjectAltName), octets(altNames)),
    ),
  );
  const algorithm = seq(oid(OID.ecdsaWithSha256));
  const tbs = seq(
    explicit(0, integer(Buffer.from([2]))), // v3
    integer(Buffer.concat([Buffer.from([0x01]), crypto.randomBytes(15)])),
    algorithm,
    name,
    seq(time(notBefore), time(notAfter)),
    name,
    spki,
    extensions,
  );
  const signature = crypto.sign('sha256', tbs, privateKey);
  const der = seq(tbs, algorithm, bits(signature));
  const certPem = `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
  return {
    certPem,
    keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    fingerprint: certificateFingerprint(certPem),
    notAfter,
  };
}

/** SHA-256 fingerprint of a PEM certificate, "AB:CD:…" (as browsers and openssl print it). */
export function certificateFingerprint(certPem: string): string {
  return new crypto.X509Certificate(certPem).fingerprint256;
}
