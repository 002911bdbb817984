import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import readline from 'node:readline';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ANSWER_MS, HANG_MS } from '../helpers/patience';
import { sendMllp, type MllpSendOptions } from '../../electron/services/hl7/mllp-client';
import { buildMessage } from '../../shared/hl7/build';
import { get, parseHl7 } from '../../shared/hl7/parse';
import { startMllpListener, type MllpListener } from '../helpers/mllp-listener';
import { TESTDATA, tempDir } from '../helpers/temp-dir';

const PAYLOAD = buildMessage([
  { id: 'MSH', fields: { 3: 'CLOSEOUT', 4: 'IONM', 5: 'EPIC', 6: 'SVH', 7: '20250314123100-0500', 9: ['MDM', 'T02', 'MDM_T02'], 10: 'CTRL-1', 11: 'P', 12: '2.5.1', 18: 'UNICODE UTF-8' } },
  { id: 'PID', fields: { 1: '1', 3: ['MRN1', '', '', 'SVH', 'MR'], 5: ["O'Brien-Smith", 'Zoë'] } },
  { id: 'TXA', fields: { 1: '1', 2: 'IONM', 12: 'DOC-1', 17: 'AU' } },
]);

let listener: MllpListener;
const opts = (over: Partial<MllpSendOptions> = {}): MllpSendOptions => ({ host: listener.host, port: listener.port, payload: PAYLOAD, timeoutMs: ANSWER_MS, ...over });

describe('sendMllp against the loopback test listener', () => {
  beforeAll(async () => {
    listener = await startMllpListener();
  });
  afterAll(async () => {
    await listener.stop();
  });
  beforeEach(() => listener.setPolicy({ kind: 'AA' }));

  it('AA → accepted, and the receiver got the message byte for byte', async () => {
    const before = listener.received.length;
    listener.setPolicy({ kind: 'AA', text: 'Filed' });
    expect(await sendMllp(opts())).toEqual({ kind: 'accepted', code: 'AA', controlId: 'CTRL-1', text: 'Filed' });
    expect(listener.received[before]?.text).toBe(PAYLOAD);
    expect(listener.received[before]?.controlId).toBe('CTRL-1');
  });

  it('AE → error with the receiver’s text', async () => {
    listener.setPolicy({ kind: 'AE', text: 'Patient MRN1 not found at SVH' });
    expect(await sendMllp(opts())).toEqual({ kind: 'error', code: 'AE', controlId: 'CTRL-1', text: 'Patient MRN1 not found at SVH' });
  });

  it('AR → rejected', async () => {
    listener.setPolicy({ kind: 'AR', text: 'Unsupported version' });
    expect(await sendMllp(opts())).toMatchObject({ kind: 'rejected', code: 'AR', text: 'Unsupported version' });
  });

  it('no answer → timeout, in plain words', async () => {
    listener.setPolicy({ kind: 'hang' });
    const started = Date.now();
    const r = await sendMllp(opts({ timeoutMs: 300 }));
    expect(r).toEqual({ kind: 'timeout', message: `The hospital's HL7 receiver at 127.0.0.1:${listener.port} did not answer within 0.3 s.` });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('a framed answer that is not HL7 → garbled', async () => {
    listener.setPolicy({ kind: 'garbled' });
    const r = await sendMllp(opts());
    expect(r.kind).toBe('garbled');
  });

  it('unframed bytes and no frame by the deadline → garbled', async () => {
    listener.setPolicy({ kind: 'raw', bytes: new TextEncoder().encode('MSA|AA|CTRL-1\r') });
    const r = sendMllp(opts({ timeoutMs: 500 }));
    expect((await r).kind).toBe('garbled');
  });

  it('an ACK for another control id → garbled', async () => {
    listener.setPolicy({ kind: 'wrong-control-id' });
    const r = await sendMllp(opts());
    expect(r.kind).toBe('garbled');
    if (r.kind === 'garbled') expect(r.message).toMatch(/different message/);
  });

  it('hang-up without a word → closed', async () => {
    listener.setPolicy({ kind: 'close' });
    expect((await sendMllp(opts())).kind).toBe('closed');
  });

  it('an ACK split into single bytes is still read', async () => {
    listener.setPolicy((text) => {
      const parsed = parseHl7(text);
      const id = parsed.ok ? get(parsed.message, 'MSH', 10) : '';
      const ack = new TextEncoder().encode(`\u000bMSH|^~\\&|EPIC|SVH|CLOSEOUT|IONM|20250314||ACK^T02^ACK|Z|P|2.5.1\rMSA|AA|${id}\r\u001c\r`);
      return { kind: 'raw', bytes: ack };
    });
    expect(await sendMllp(opts())).toMatchObject({ kind: 'accepted' });
  });

  it('cancelled by the caller → aborted', async () => {
    listener.setPolicy({ kind: 'hang' });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    expect((await sendMllp(opts({ signal: ac.signal }))).kind).toBe('aborted');
    const pre = new AbortController();
    pre.abort();
    expect((await sendMllp(opts({ signal: pre.signal }))).kind).toBe('aborted');
  });

  it('refuses to send something that is not HL7', async () => {
    expect((await sendMllp(opts({ payload: 'hello' }))).kind).toBe('invalid');
    expect((await sendMllp(opts({ payload: 'MSH|^~\\&|A\r' }))).kind).toBe('invalid');
  });

  it('listener down → refused; back up on the same port → accepted', async () => {
    await listener.stop();
    const down = await sendMllp(opts());
    expect(down).toMatchObject({ kind: 'refused', code: 'ECONNREFUSED' });
    if (down.kind === 'refused') expect(down.message).toContain(`127.0.0.1:${listener.port}`);
    await listener.restart();
    expect((await sendMllp(opts())).kind).toBe('accepted');
  });

  it('sends several messages in a row, one connection each', async () => {
    const before = listener.received.length;
    const results = await Promise.all([1, 2, 3].map((n) => sendMllp(opts({ payload: PAYLOAD.replace('CTRL-1', `CTRL-${n + 10}`) }))));
    expect(results.map((r) => r.kind)).toEqual(['accepted', 'accepted', 'accepted']);
    await listener.waitFor(before + 3);
    expect(new Set(listener.received.slice(before).map((m) => m.controlId))).toEqual(new Set(['CTRL-11', 'CTRL-12', 'CTRL-13']));
  });
});

// ---------------------------------------------------------------------------------------------
// TLS: a self-signed certificate made by openssl for this run.


describe('sendMllp over TLS', () => {
  let tlsListener: MllpListener;
  let cert = '';

  beforeAll(async () => {
    const dir = tempDir('closeout-hl7-tls-');
    const key = path.join(dir, 'key.pem');
    const crt = path.join(dir, 'cert.pem');
    const r = spawnSync(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', crt, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'],
      { stdio: 'ignore' },
    );
    expect(r.status).toBe(0);
    cert = fs.readFileSync(crt, 'utf-8');
    tlsListener = await startMllpListener({ tls: { key: fs.readFileSync(key, 'utf-8'), cert } });
  });
  afterAll(async () => {
    await tlsListener.stop();
  });

  const tlsOpts = (over: Partial<MllpSendOptions> = {}): MllpSendOptions => ({ host: '127.0.0.1', port: tlsListener.port, payload: PAYLOAD, timeoutMs: ANSWER_MS, ...over });

  it('trusted via the configured CA → accepted', async () => {
    expect(await sendMllp(tlsOpts({ tls: { ca: cert } }))).toMatchObject({ kind: 'accepted', controlId: 'CTRL-1' });
    expect(await sendMllp(tlsOpts({ host: 'localhost', tls: { ca: cert } }))).toMatchObject({ kind: 'accepted' });
  });

  it('an untrusted certificate → tls failure, never a silent send', async () => {
    const before = tlsListener.received.length;
    const r = await sendMllp(tlsOpts({ tls: {} }));
    expect(r).toMatchObject({ kind: 'tls', code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    expect(tlsListener.received.length).toBe(before);
  });

  it('a certificate for another name → tls failure', async () => {
    const r = await sendMllp(tlsOpts({ tls: { ca: cert, servername: 'ehr.example.org' } }));
    expect(r).toMatchObject({ kind: 'tls', code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
  });

  it('plain MLLP to a TLS port does not get accepted', async () => {
    const r = await sendMllp(tlsOpts({ timeoutMs: 1000 }));
    expect(['closed', 'timeout', 'garbled']).toContain(r.kind);
  });
});

// ---------------------------------------------------------------------------------------------
// Independent peers from Debian's python3-hl7 (system interpreter: a pyenv python lacks it).

const SYSTEM_PYTHON = '/usr/bin/python3';

const PY_SERVER = `
import asyncio, sys
import hl7
from hl7.mllp import start_hl7_server

async def handle(reader, writer):
    try:
        while not writer.is_closing():
            msg = await reader.readmessage()
            code = "AE" if str(msg.segment("MSH")(10)) == "PY-AE" else "AA"
            writer.writemessage(msg.create_ack(code, message_id="PYACK"))
            await writer.drain()
    except asyncio.IncompleteReadError:
        writer.close()

async def main():
    server = await start_hl7_server(handle, host="127.0.0.1", port=0, encoding="utf-8")
    print(server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await asyncio.sleep(60)

asyncio.run(main())
`;

describe('against python3-hl7 as the peer', () => {
  let py: ChildProcess | undefined;
  let pyPort = 0;

  beforeAll(async () => {
    const child = spawn(SYSTEM_PYTHON, ['-c', PY_SERVER], { stdio: ['ignore', 'pipe', 'pipe'] });
    py = child;
    const lines = readline.createInterface({ input: child.stdout });
    pyPort = await new Promise<number>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('python server did not start')), 10_000);
      lines.once('line', (line) => {
        clearTimeout(t);
        resolve(Number(line));
      });
      child.once('exit', (code) => reject(new Error(`python server exited ${code}`)));
    });
  });
  afterAll(() => {
    if (py?.pid !== undefined && py.exitCode === null) py.kill();
  });

  it('its asyncio MLLP server acknowledges our message (AA), echoing our control id', async () => {
    const r = await sendMllp({ host: '127.0.0.1', port: pyPort, payload: PAYLOAD, timeoutMs: ANSWER_MS });
    expect(r).toEqual({ kind: 'accepted', code: 'AA', controlId: 'CTRL-1', text: '' });
  });

  it('and its AE reads as an error', async () => {
    const r = await sendMllp({ host: '127.0.0.1', port: pyPort, payload: PAYLOAD.replace('CTRL-1', 'PY-AE'), timeoutMs: ANSWER_MS });
    expect(r).toMatchObject({ kind: 'error', code: 'AE', controlId: 'PY-AE' });
  });

  it('its mllp_send client delivers a shared test file to our listener and reads our ACK', async () => {
    const l = await startMllpListener();
    try {
      const file = path.join(TESTDATA, 'hl7', 'draeger_PCD04_watchdog.txt');
      const out = await new Promise<string>((resolve, reject) => {
        const child = spawn(SYSTEM_PYTHON, ['/usr/bin/mllp_send', '--loose', '-f', file, '-p', String(l.port), '127.0.0.1'], { stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf-8')));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf-8')));
        const t = setTimeout(() => {
          child.kill();
          reject(new Error('mllp_send hung'));
        }, HANG_MS);
        child.on('exit', (code) => {
          clearTimeout(t);
          if (code === 0) resolve(stdout);
          else reject(new Error(`mllp_send exited ${code}: ${stderr}`));
        });
      });
      expect(l.received).toHaveLength(1);
      expect(l.received[0]?.controlId).toBe('2df8823a-f8fb-44e0-a4ba-1d826e0809f1');
      const got = parseHl7(l.received[0]?.text ?? '');
      expect(got.ok && got.message.segments).toHaveLength(14);
      expect(out).toContain('MSA|AA|2df8823a-f8fb-44e0-a4ba-1d826e0809f1');
    } finally {
      await l.stop();
    }
  });
});

describe('a port nobody listens on', () => {
  it('is refused quickly', async () => {
    // Grab a free port, then close it, so nothing listens there.
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const addr = s.address();
        s.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
      });
    });
    const r = await sendMllp({ host: '127.0.0.1', port, payload: PAYLOAD, timeoutMs: ANSWER_MS });
    expect(r.kind).toBe('refused');
  });
});
