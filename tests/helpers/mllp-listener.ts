/**
 * A real MLLP listener on loopback for tests: records every message it receives and answers
 * each one as the test's policy says (accept, error, reject, say nothing, send garbage, hang up).
 * Plain TCP by default, TLS when given a key and certificate.
 */
import net from 'node:net';
import tls from 'node:tls';
import { buildAck } from '../../shared/hl7/build';
import { MLLP_END_BLOCK, MLLP_START_BLOCK, MllpDeframer, mllpEncode } from '../../shared/hl7/mllp';
import { decodeHl7Bytes, headerOf, parseHl7 } from '../../shared/hl7/parse';
import { assertNever } from '../../shared/util/assert-never';
import { HANG_MS } from './patience';

export type MllpReply =
  | Readonly<{ kind: 'AA'; text?: string }>
  | Readonly<{ kind: 'AE'; text: string }>
  | Readonly<{ kind: 'AR'; text?: string }>
  /** ACK AA whose MSA-2 names another message. */
  | Readonly<{ kind: 'wrong-control-id' }>
  /** Keep the connection open and say nothing. */
  | Readonly<{ kind: 'hang' }>
  /** A well-framed answer that is not HL7. */
  | Readonly<{ kind: 'garbled' }>
  /** Bytes as given, no framing added. */
  | Readonly<{ kind: 'raw'; bytes: Uint8Array }>
  /** Hang up without a word. */
  | Readonly<{ kind: 'close' }>;

export type MllpPolicy = MllpReply | ((message: string, index: number) => MllpReply);

export type ReceivedMessage = Readonly<{ text: string; controlId: string; at: number }>;

export type MllpListener = Readonly<{
  host: string;
  port: number;
  /** Every frame received, in order, across restarts. */
  received: readonly ReceivedMessage[];
  setPolicy: (policy: MllpPolicy) => void;
  /** Resolves once at least n messages have arrived (or rejects after timeoutMs). */
  waitFor: (n: number, timeoutMs?: number) => Promise<void>;
  /** Stop listening and drop every open connection (the port is free again). */
  stop: () => Promise<void>;
  /** Listen again on the same port. */
  restart: () => Promise<void>;
}>;

export type MllpListenerOptions = Readonly<{
  policy?: MllpPolicy;
  tls?: Readonly<{ key: string; cert: string }>;
}>;

export async function startMllpListener(opts: MllpListenerOptions = {}): Promise<MllpListener> {
  const host = '127.0.0.1';
  const received: ReceivedMessage[] = [];
  const sockets = new Set<net.Socket>();
  const waiters: { n: number; resolve: () => void }[] = [];
  let policy: MllpPolicy = opts.policy ?? { kind: 'AA' };
  let ackSeq = 0;

  const onConnection = (socket: net.Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const deframer = new MllpDeframer();
    socket.on('data', (chunk: Buffer) => {
      for (const frame of deframer.push(chunk)) {
        const text = decodeHl7Bytes(frame);
        const parsed = parseHl7(text);
        const controlId = parsed.ok ? headerOf(parsed.message).controlId : '';
        const index = received.length;
        received.push({ text, controlId, at: Date.now() });
        for (const w of waiters.filter((w) => received.length >= w.n)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
        const reply = typeof policy === 'function' ? policy(text, index) : policy;
        answer(socket, reply, parsed.ok ? parsed.message : null);
      }
    });
  };

  const answer = (socket: net.Socket, reply: MllpReply, msg: Parameters<typeof buildAck>[0] | null): void => {
    ackSeq += 1;
    const ack = (code: 'AA' | 'AE' | 'AR', text?: string, wrongId = false): string => {
      if (!msg) return 'MSH|^~\\&|||||20250101000000||ACK|x|P|2.5.1\rMSA|AR|\r';
      const built = buildAck(msg, {
        code,
        controlId: `ACK${ackSeq}`,
        timestamp: '20250101120000',
        text,
        error: code === 'AA' ? undefined : { text },
      });
      return wrongId ? built.replace(/\rMSA\|AA\|[^|\r]*/, '\rMSA|AA|SOMEONE-ELSE') : built;
    };
    switch (reply.kind) {
      case 'AA':
        socket.write(mllpEncode(ack('AA', reply.text)));
        return;
      case 'AE':
        socket.write(mllpEncode(ack('AE', reply.text)));
        return;
      case 'AR':
        socket.write(mllpEncode(ack('AR', reply.text)));
        return;
      case 'wrong-control-id':
        socket.write(mllpEncode(ack('AA', undefined, true)));
        return;
      case 'hang':
        return;
      case 'garbled':
        socket.write(Uint8Array.from([MLLP_START_BLOCK, ...new TextEncoder().encode('HTTP/1.1 400 Bad Request'), MLLP_END_BLOCK, 0x0d]));
        return;
      case 'raw':
        socket.write(reply.bytes);
        return;
      case 'close':
        socket.destroy();
        return;
      default:
        assertNever(reply, 'listener reply');
    }
  };

  let server = createServer();
  function createServer(): net.Server {
    return opts.tls ? tls.createServer({ key: opts.tls.key, cert: opts.tls.cert }, onConnection) : net.createServer(onConnection);
  }

  const listen = (port: number): Promise<number> =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        const addr = server.address();
        resolve(typeof addr === 'object' && addr ? addr.port : port);
      });
    });

  const port = await listen(0);

  return {
    host,
    port,
    received,
    setPolicy: (p) => {
      policy = p;
    },
    waitFor: (n, timeoutMs = HANG_MS) =>
      new Promise<void>((resolve, reject) => {
        if (received.length >= n) return resolve();
        const t = setTimeout(() => reject(new Error(`listener got ${received.length} of ${n} messages`)), timeoutMs);
        waiters.push({
          n,
          resolve: () => {
            clearTimeout(t);
            resolve();
          },
        });
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        if (!server.listening) return resolve();
        server.close(() => resolve());
      }),
    restart: async () => {
      server = createServer();
      await listen(port);
    },
  };
}
