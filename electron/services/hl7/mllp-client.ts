/**
 * Send one HL7 message over MLLP (optionally inside TLS) and wait for its acknowledgement.
 *
 * One connection per message: reports go out a few times a day, so a pooled connection would
 * buy nothing and cost reconnect logic; a fresh connection also means a half-read ACK of an
 * earlier message can never be taken for this one's.
 *
 * Every outcome is a value: the receiver's verdict (accepted / error / rejected, with its own
 * words) or a failure whose message a coordinator can read and act on. Messages name the
 * receiver (host:port from settings) but never the payload, which is PHI.
 */
import net from 'node:net';
import tls from 'node:tls';
import { interpretAck, type AckResult } from '../../../shared/hl7/ack';
import { MllpDeframer, mllpEncode } from '../../../shared/hl7/mllp';
import { decodeHl7Bytes, headerOf, parseHl7 } from '../../../shared/hl7/parse';

export type MllpTlsOptions = Readonly<{
  /** Extra trust anchors (PEM) for a hospital CA; the system store is used when absent. */
  ca?: string | Buffer | readonly (string | Buffer)[];
  /** SNI / name to verify; defaults to `host` when it is a name. */
  servername?: string;
  // There is deliberately no rejectUnauthorized: certificate checks always stay on.
}>;

export type MllpSendOptions = Readonly<{
  host: string;
  port: number;
  tls?: MllpTlsOptions;
  /** A complete HL7 message; its MSH-10 is what the ACK must echo. */
  payload: string;
  /** From connecting to having the ACK. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** ACKs are small; anything bigger is not one. Default 1 MiB. */
  maxAckBytes?: number;
}>;

export type MllpFailureKind = 'timeout' | 'refused' | 'closed' | 'garbled' | 'tls' | 'aborted' | 'invalid';

export type MllpFailure = Readonly<{
  kind: MllpFailureKind;
  /** Plain language, for the person sending the report. */
  message: string;
  /** The OS/TLS error code when there was one (ECONNREFUSED, DEPTH_ZERO_SELF_SIGNED_CERT…), for support. */
  code?: string;
}>;

export type MllpAcknowledged = Exclude<AckResult, Readonly<{ kind: 'garbled' }>>;
export type MllpSendResult = MllpAcknowledged | MllpFailure;

const DEFAULT_MAX_ACK_BYTES = 1024 * 1024;
/** After the ACK we half-close and give the peer this long to close its side. */
const CLOSE_GRACE_MS = 1000;

export function sendMllp(opts: MllpSendOptions): Promise<MllpSendResult> {
  const where = `${opts.host}:${opts.port}`;
  const receiver = `The hospital's HL7 receiver at ${where}`;

  const parsed = parseHl7(opts.payload);
  if (!parsed.ok) return Promise.resolve({ kind: 'invalid', message: `The message was not sent: it is not valid HL7 (${parsed.reason}).` });
  const controlId = headerOf(parsed.message).controlId;
  if (controlId === '') return Promise.resolve({ kind: 'invalid', message: 'The message was not sent: it has no control id (MSH-10) to match the answer to.' });
  if (opts.signal?.aborted) return Promise.resolve({ kind: 'aborted', message: 'Sending was cancelled before it started.' });

  return new Promise<MllpSendResult>((resolve) => {
    const deframer = new MllpDeframer({ maxFrameBytes: opts.maxAckBytes ?? DEFAULT_MAX_ACK_BYTES });
    let settled = false;
    let connected = false;
    let sent = false;

    const socket: net.Socket = opts.tls
      ? tls.connect({
          host: opts.host,
          port: opts.port,
          ca: opts.tls.ca as tls.ConnectionOptions['ca'],
          servername: opts.tls.servername ?? (net.isIP(opts.host) === 0 ? opts.host : undefined),
          rejectUnauthorized: true,
        })
      : net.connect({ host: opts.host, port: opts.port });

    const finish = (result: MllpSendResult, graceful = false): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      if (graceful) {
        // Half-close: the receiver sees an orderly end rather than a reset after its ACK.
        socket.end();
        const force = setTimeout(() => socket.destroy(), CLOSE_GRACE_MS);
        force.unref();
        socket.once('close', () => clearTimeout(force));
      } else {
        socket.destroy();
      }
      resolve(result);
    };

    const timer = setTimeout(() => {
      if (deframer.stats.garbageBytes > 0) {
        finish({ kind: 'garbled', message: `${receiver} answered with data that is not an MLLP-framed HL7 acknowledgement.` });
      } else if (!connected) {
        finish({ kind: 'timeout', message: `${receiver} did not accept a connection within ${seconds(opts.timeoutMs)}.` });
      } else {
        finish({ kind: 'timeout', message: `${receiver} did not answer within ${seconds(opts.timeoutMs)}.` });
      }
    }, opts.timeoutMs);

    const onAbort = (): void => finish({ kind: 'aborted', message: 'Sending was cancelled; the receiver may or may not have stored the message.' });
    opts.signal?.addEventListener('abort', onAbort, { once: true });

    socket.once(opts.tls ? 'secureConnect' : 'connect', () => {
      connected = true;
      socket.setNoDelay(true);
      socket.write(mllpEncode(opts.payload), () => {
        sent = true;
      });
    });

    socket.on('data', (chunk: Buffer) => {
      const frames = deframer.push(chunk);
      const ack = frames[0];
      if (ack) {
        const result = interpretAck(decodeHl7Bytes(ack), controlId);
        if (result.kind === 'garbled') finish({ kind: 'garbled', message: `${receiver} answered, but not usably: ${lowerFirst(result.reason)}` }, true);
        else finish(result, true);
      } else if (deframer.stats.oversizeFrames > 0) {
        finish({ kind: 'garbled', message: `${receiver} answered with more data than any acknowledgement holds.` });
      }
    });

    socket.on('error', (err: NodeJS.ErrnoException) => finish(classifyError(err, { receiver, host: opts.host, tls: Boolean(opts.tls), connected })));

    socket.on('close', () => {
      if (deframer.stats.garbageBytes > 0 || deframer.pendingBytes > 0) {
        finish({ kind: 'garbled', message: `${receiver} answered with data that is not an MLLP-framed HL7 acknowledgement, then closed the connection.` });
      } else if (!connected) {
        finish({ kind: 'closed', message: `${receiver} closed the connection before it was established.` });
      } else {
        finish({
          kind: 'closed',
          message: sent
            ? `${receiver} closed the connection without acknowledging the message; it may or may not have been stored.`
            : `${receiver} closed the connection before the message was sent.`,
        });
      }
    });
  });
}

const TLS_CERT_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * A receiver that failed to prove who it is (its certificate untrusted, expired, for another
 * name): sending again cannot change that, unlike a receiver that is down.
 */
export function isCertificateFailure(r: Readonly<{ kind: string; code?: string }>): boolean {
  return r.kind === 'tls' && r.code !== undefined && TLS_CERT_CODES.has(r.code);
}

function classifyError(err: NodeJS.ErrnoException, ctx: Readonly<{ receiver: string; host: string; tls: boolean; connected: boolean }>): MllpFailure {
  const code = err.code ?? '';
  const withCode = (f: Omit<MllpFailure, 'code'>): MllpFailure => (code ? { ...f, code } : f);
  switch (code) {
    case 'ECONNREFUSED':
      return withCode({ kind: 'refused', message: `${ctx.receiver} refused the connection: nothing is listening on that port, or a firewall turns us away.` });
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return withCode({ kind: 'refused', message: `The host name "${ctx.host}" of the hospital's HL7 receiver could not be looked up.` });
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return withCode({ kind: 'refused', message: `${ctx.receiver} cannot be reached from this computer (no network route).` });
    case 'ETIMEDOUT':
      return withCode({ kind: 'timeout', message: `${ctx.receiver} did not accept a connection in time.` });
    default:
      break;
  }
  if (ctx.tls && TLS_CERT_CODES.has(code)) {
    const why = code === 'ERR_TLS_CERT_ALTNAME_INVALID' ? 'its certificate is not issued for this host name' : 'its certificate is not trusted';
    return withCode({ kind: 'tls', message: `${ctx.receiver} did not prove who it is: ${why}. Check the host name and the CA certificate set for this interface.` });
  }
  if (ctx.tls && (!ctx.connected || code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS'))) {
    return withCode({ kind: 'tls', message: `The secure (TLS) connection to ${ctx.receiver.replace(/^The /, 'the ')} failed: it may not be using TLS on that port.` });
  }
  if (code === 'ECONNRESET' || code === 'EPIPE') {
    return withCode({ kind: 'closed', message: `${ctx.receiver} dropped the connection before acknowledging the message; it may or may not have been stored.` });
  }
  return withCode({ kind: 'closed', message: `The connection to ${ctx.receiver.replace(/^The /, 'the ')} failed before an acknowledgement arrived.` });
}

function seconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}
