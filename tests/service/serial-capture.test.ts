/**
 * The serial capture reader on a real serial line: a socat pty pair, opened with serialport by
 * the reader on one end and by the test (as the device) on the other. Unplugging is socat
 * killed with SIGKILL; plugging back in is socat started again on the same link names.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HANG_MS } from '../helpers/patience';
import type { DeviceEvent } from '../../shared/domain/device-event';
import { buildMessage, type SegmentSpec } from '../../shared/hl7/build';
import { MllpDeframer, mllpEncode } from '../../shared/hl7/mllp';
import { get, parseHl7 } from '../../shared/hl7/parse';
import { instantToWallClock } from '../../shared/util/zoned-time';
import { startSerialCapture, type SerialCapture, type SerialCaptureOptions, type SerialFacts } from '../../electron/services/capture/serial/serial-capture';
import type { SerialCaptureConfig } from '../../electron/services/capture/serial/serial-config';
import type { SerialStatus } from '../../electron/services/capture/serial/serial-status';
import { sleep, startPtyPair, until, type PtyPair } from '../helpers/pty-pair';
import { tempDir } from '../helpers/temp-dir';

const ZONE = 'America/New_York';

const running = new Set<SerialCapture>();
afterEach(async () => {
  for (const c of [...running]) await c.stop();
  running.clear();
});

type Run = Readonly<{
  capture: SerialCapture;
  facts: SerialFacts[];
  statuses: SerialStatus[];
  events: () => DeviceEvent[];
  texts: () => string[];
}>;

function config(appPath: string, over: Partial<SerialCaptureConfig> = {}): SerialCaptureConfig {
  return { path: appPath, baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1, framing: 'lines', encoding: 'utf-8', timeZone: ZONE, lineProfile: null, ack: true, ...over };
}

function run(cfg: SerialCaptureConfig, opts: Partial<Omit<SerialCaptureOptions, 'config' | 'onFacts' | 'onStatus'>> = {}): Run {
  const facts: SerialFacts[] = [];
  const statuses: SerialStatus[] = [];
  const capture = startSerialCapture({ config: cfg, onFacts: (f) => facts.push(f), onStatus: (s) => statuses.push(s), ...opts });
  running.add(capture);
  const events = (): DeviceEvent[] => facts.flatMap((f) => f.events);
  return { capture, facts, statuses, events, texts: () => events().map((e) => e.text) };
}

async function connected(r: Run): Promise<void> {
  await until('the port to open', () => r.capture.status().state === 'connected');
}

async function plugged(over: Partial<SerialCaptureConfig> = {}, opts: Parameters<typeof run>[1] = {}): Promise<{ pair: PtyPair; r: Run }> {
  const pair = await startPtyPair(tempDir('closeout-serial-'));
  const r = run(config(pair.appPath, over), opts);
  await connected(r);
  return { pair, r };
}

describe('text lines', () => {
  it('free-text lines become events stamped with the receive time on the device zone clock', async () => {
    const { pair, r } = await plugged();
    await pair.write('MEP baseline obtained\r\n');
    await pair.write('  surgeon notified  \n\n\nlast line\r');
    await until('three events', () => r.events().length === 3);
    expect(r.texts()).toEqual(['MEP baseline obtained', 'surgeon notified', 'last line']);
    for (const f of r.facts) {
      for (const e of f.events) {
        expect(e.wallClock).toBe(instantToWallClock(f.receivedAt, ZONE));
        expect(e.raw).toBe(e.wallClock);
        expect(e.key).toMatch(new RegExp(`^${f.receivedAt}:\\d+$`));
        expect(e.extra).toEqual({ timeSource: 'received' });
      }
    }
    expect(new Set(r.events().map((e) => e.key)).size).toBe(3);
    await until('counters', () => r.statuses.at(-1)?.lines === 3);
    expect(r.capture.status()).toMatchObject({ state: 'connected', lines: 3, events: 3, badLines: 0, garbageBytes: 0, reconnects: 0 });
    expect(r.capture.status().lastDataAt).toBeGreaterThan(0);
  });

  it('a CRLF split across two writes ends one line, not two', async () => {
    const { pair, r } = await plugged();
    await pair.write('first\r');
    await until('first', () => r.events().length === 1);
    await pair.write('\nsecond\r');
    await sleep(30);
    await pair.write('\n');
    await pair.write('third\r\n');
    await until('three events', () => r.events().length === 3);
    await sleep(50);
    expect(r.texts()).toEqual(['first', 'second', 'third']);
    expect(r.capture.status().lines).toBe(3);
  });

  it('UTF-8 characters split across writes arrive whole', async () => {
    const { pair, r } = await plugged();
    const bytes = Buffer.from('Zoë Ó Dálaigh 王伟 ✓\n', 'utf8');
    // Cut inside ë (2 bytes), inside 王 (3 bytes) and inside ✓.
    const cuts = [3, bytes.indexOf(Buffer.from('王', 'utf8')) + 1, bytes.length - 3];
    let at = 0;
    for (const cut of [...cuts, bytes.length]) {
      await pair.write(bytes.subarray(at, cut));
      await sleep(20);
      at = cut;
    }
    await until('the line', () => r.events().length === 1);
    expect(r.texts()).toEqual(['Zoë Ó Dálaigh 王伟 ✓']);
    expect(r.capture.status()).toMatchObject({ badLines: 0, garbageBytes: 0, state: 'connected' });
  });

  it('Windows-1252 text is decoded with the configured encoding (€ – ü), control bytes dropped and counted', async () => {
    const { pair, r } = await plugged({ encoding: 'windows-1252' });
    // "Müller – 5 €" in Windows-1252, with a stray NUL and BEL from the line.
    await pair.write(Uint8Array.from([0x4d, 0xfc, 0x6c, 0x6c, 0x65, 0x72, 0x00, 0x20, 0x96, 0x20, 0x35, 0x20, 0x80, 0x07, 0x0d, 0x0a]));
    await until('the line', () => r.events().length === 1);
    expect(r.texts()).toEqual(['Müller – 5 €']);
    await until('garbage counted', () => r.statuses.at(-1)?.garbageBytes === 2);
  });

  it('with a line profile: time from the time column, modality and text from theirs; header and bad lines handled', async () => {
    const profile = {
      delimiter: ';',
      hasHeader: true,
      timeColumn: 'Time',
      timeFormat: 'YYYY-MM-DD HH:mm:ss.SSS',
      textColumn: 'Event',
      modalityColumn: 'Mode',
      encoding: 'utf-8',
    } as const;
    const { pair, r } = await plugged({ lineProfile: profile });
    await pair.write('Time;Mode;Event\r\n');
    await pair.write('2026-03-01 08:15:02.250;TcMEP L;Baseline obtained\r\n');
    await pair.write('not a time;TcMEP L;Whatever\r\n');
    await pair.write('2026-03-01 08:16:00.000;SSEP;"Amplitude down; surgeon informed"\r\n');
    await until('two events', () => r.events().length === 2);
    await until('bad line counted', () => r.statuses.at(-1)?.badLines === 1);
    const [a, b] = r.events();
    expect(a).toMatchObject({ wallClock: '2026-03-01T08:15:02.250', text: 'Baseline obtained', modalityName: 'TcMEP L', raw: '2026-03-01 08:15:02.250' });
    expect(b).toMatchObject({ wallClock: '2026-03-01T08:16:00.000', text: 'Amplitude down; surgeon informed', modalityName: 'SSEP' });
    expect(r.capture.status().lastProblem).toMatch(/does not match the format/);
    expect(r.capture.status().lastProblem).not.toContain('Whatever');
  });

  it('a time-only profile takes the receive date, and the day before for a time just before midnight', async () => {
    // Received at 00:00:05 on 1 March in New York (05:00:05 UTC).
    const now = (): number => Date.UTC(2026, 2, 1, 5, 0, 5);
    const profile = { delimiter: ',', hasHeader: false, timeColumn: 0, timeFormat: 'HH:mm:ss', textColumn: 1, encoding: 'utf-8' } as const;
    const { pair, r } = await plugged({ lineProfile: profile }, { now });
    await pair.write('23:59:58,Pedicle screw stim 8 mA\n00:00:03,Baseline repeated\n');
    await until('two events', () => r.events().length === 2);
    expect(r.events().map((e) => [e.wallClock, e.text, e.raw])).toEqual([
      ['2026-02-28T23:59:58', 'Pedicle screw stim 8 mA', '23:59:58'],
      ['2026-03-01T00:00:03', 'Baseline repeated', '00:00:03'],
    ]);
  });
});

// ---------------------------------------------------------------------------------------------

function oru(controlId: string): string {
  const segments: SegmentSpec[] = [
    { id: 'MSH', fields: { 3: 'MONITOR', 4: 'OR3', 5: 'CLOSEOUT', 6: 'IONM', 7: '20260301101500', 9: ['ORU', 'R01', 'ORU_R01'], 10: controlId, 11: 'P', 12: '2.6' } },
    { id: 'PID', fields: { 3: 'MRN-0001' } },
    { id: 'OBR', fields: { 1: '1', 4: ['VITALS'], 7: '20260301101500' } },
    { id: 'OBX', fields: { 1: '1', 2: 'NM', 3: ['8478-0', 'Mean blood pressure', 'LN'], 5: '78', 6: ['mm[Hg]', 'mm[Hg]', 'UCUM'], 11: 'F', 14: '20260301101455' } },
    { id: 'OBX', fields: { 1: '2', 2: 'NM', 3: ['8867-4', 'Heart rate', 'LN'], 5: '72', 6: ['/min', '/min', 'UCUM'], 11: 'F', 14: '20260301101455' } },
  ];
  return buildMessage(segments);
}

function acksFromMllp(bytes: Buffer): { code: string; acked: string }[] {
  const d = new MllpDeframer();
  return d.push(bytes).map((p) => {
    const m = parseHl7(new TextDecoder().decode(p));
    if (!m.ok) throw new Error(m.reason);
    return { code: get(m.message, 'MSA', 1), acked: get(m.message, 'MSA', 2) };
  });
}

describe('HL7', () => {
  it('MLLP: an ORU^R01 with MAP and HR → vitals events, and an AA with the same control id goes back', async () => {
    const { pair, r } = await plugged({ framing: 'mllp' });
    const frame = mllpEncode(oru('MSG0001'));
    // Split mid-frame, as a slow UART delivers it.
    await pair.write(frame.subarray(0, 40));
    await sleep(20);
    await pair.write(frame.subarray(40));
    await until('two vitals', () => r.events().length === 2);
    const [map, hr] = r.events();
    expect(map).toMatchObject({ kind: 'vitals', wallClock: '2026-03-01T10:14:55', text: 'MAP 78 mmHg', extra: { shortName: 'MAP', value: 78 } });
    expect(hr).toMatchObject({ kind: 'vitals', text: 'HR 72 /min', extra: { shortName: 'HR', value: 72 } });
    expect(new Set([map?.key, hr?.key]).size).toBe(2);
    await until('the ACK', () => acksFromMllp(pair.received()).length === 1);
    expect(acksFromMllp(pair.received())).toEqual([{ code: 'AA', acked: 'MSG0001' }]);
    expect(r.capture.status()).toMatchObject({ lines: 1, events: 2, badLines: 0, garbageBytes: 0 });
  });

  it('MLLP: garbage between frames and a broken frame are counted, the good frames still read', async () => {
    const { pair, r } = await plugged({ framing: 'mllp' });
    await pair.write(Buffer.concat([Buffer.from('\x00\x00+++ATZ\r\n'), mllpEncode(oru('A1')), Buffer.from('noise'), Buffer.from([0x0b]), Buffer.from('MSH|^~\\&|half')]));
    await pair.write(Buffer.concat([mllpEncode(oru('A2')), mllpEncode('this is not HL7')]));
    await until('four vitals', () => r.events().length === 4);
    await until('three messages', () => r.statuses.at(-1)?.lines === 3);
    const s = r.capture.status();
    expect(s.garbageBytes).toBe(10 + 5 + 1 + 'MSH|^~\\&|half'.length);
    expect(s.droppedFrames).toBe(1);
    expect(s.badLines).toBe(1);
    expect(s.lastProblem).toMatch(/could not be read/);
    await until('two ACKs', () => acksFromMllp(pair.received()).length === 2);
    expect(acksFromMllp(pair.received()).map((a) => a.acked)).toEqual(['A1', 'A2']);
  });

  it('ack: false sends nothing back', async () => {
    const { pair, r } = await plugged({ framing: 'mllp', ack: false });
    await pair.write(mllpEncode(oru('Q1')));
    await until('events', () => r.events().length === 2);
    await sleep(150);
    expect(pair.received().length).toBe(0);
  });

  it('hl7-lines: segments as lines, the message completes after a quiet period, the ACK goes back unframed', async () => {
    const { pair, r } = await plugged({ framing: 'hl7-lines' });
    const text = oru('L1').replaceAll('\r', '\r\n');
    const t0 = Date.now();
    await pair.write(text);
    await until('two vitals', () => r.events().length === 2);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(150);
    await until('the ACK', () => pair.received().includes(0x0d));
    const ack = pair.received().toString('utf8');
    expect(ack.startsWith('MSH|')).toBe(true);
    expect(ack).not.toContain('\x0b');
    const parsed = parseHl7(ack);
    if (!parsed.ok) throw new Error(parsed.reason);
    expect([get(parsed.message, 'MSA', 1), get(parsed.message, 'MSA', 2)]).toEqual(['AA', 'L1']);
  });
});

// ---------------------------------------------------------------------------------------------

/** Deterministic noise (mulberry32): the same bytes every run. */
function noise(n: number, seed: number): Uint8Array {
  let a = seed >>> 0;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((t ^ (t >>> 14)) >>> 0) & 0xff;
  }
  return out;
}

describe('wrong port settings and silence', () => {
  it('binary noise → unreadable with the baud message and no junk events; clean lines → connected again', async () => {
    const { pair, r } = await plugged({ baudRate: 9600 });
    await pair.write('good line before\n');
    await until('first event', () => r.events().length === 1);
    for (let i = 0; i < 4; i++) await pair.write(noise(256, 42 + i));
    // The noise's last "line" ends at the next line end; a device's first good line after a
    // burst would be merged into it and lost, so end it here.
    await pair.write('\n');
    await until('unreadable', () => r.capture.status().state === 'unreadable');
    const s = r.capture.status();
    expect(s.message).toContain('Receiving unreadable data on');
    expect(s.message).toContain(pair.appPath);
    expect(s.message).toContain('check the baud rate (now 9600), data bits and parity');
    expect(r.events().length).toBe(1);
    expect(s.garbageBytes).toBeGreaterThan(0);
    for (let i = 0; i < 10; i++) await pair.write(`clean line ${i}, readable text again\r\n`);
    await until('connected again', () => r.capture.status().state === 'connected');
    await until('clean lines', () => r.texts().filter((t) => t.startsWith('clean line')).length === 10);
    expect(r.texts().filter((t) => t.startsWith('clean line'))).toEqual(Array.from({ length: 10 }, (_, i) => `clean line ${i}, readable text again`));
    expect(r.statuses.some((x) => x.state === 'unreadable')).toBe(true);
  });

  it('an open port with no data for a while → waiting, then connected when data comes', async () => {
    const { pair, r } = await plugged({}, { waitingAfterMs: 200 });
    await until('waiting', () => r.capture.status().state === 'waiting');
    expect(r.capture.status().message).toContain('Connected, waiting for data from the device');
    await pair.write('hello\n');
    await until('connected', () => r.capture.status().state === 'connected');
  });
});

describe('unplugging and bad ports', () => {
  it('unplugged → disconnected; plugged back → reconnects and every later line arrives once', async () => {
    const { pair, r } = await plugged({}, { reconnect: { minMs: 100, maxMs: 400 } });
    await pair.write('before 1\nbefore 2\n');
    await until('before lines', () => r.events().length === 2);

    await pair.kill();
    await until('disconnected', () => r.capture.status().state === 'disconnected');
    expect(r.capture.status().message).toBe(`The serial cable or USB adapter on ${pair.appPath} is unplugged, or the device is off. Reconnecting…`);
    // Reopen attempts fail while it is out, and it still says "unplugged", not "does not exist".
    await sleep(500);
    expect(r.capture.status().state).toBe('disconnected');

    await pair.restart();
    await until('reconnected', () => r.capture.status().state === 'connected' && r.capture.status().reconnects === 1);
    for (let i = 1; i <= 20; i++) await pair.write(`after ${i}\n`);
    await until('after lines', () => r.events().length === 22);
    await sleep(100);
    expect(r.texts()).toEqual(['before 1', 'before 2', ...Array.from({ length: 20 }, (_, i) => `after ${i + 1}`)]);
    expect(new Set(r.events().map((e) => e.key)).size).toBe(22);
    expect(r.statuses.map((s) => s.state)).toEqual(expect.arrayContaining(['connecting', 'connected', 'disconnected']));
  });

  it('a port that does not exist → error in plain words, retried until it appears', async () => {
    const dir = tempDir('closeout-serial-');
    const r = run(config(path.join(dir, 'dev')), { reconnect: { minMs: 50, maxMs: 200 } });
    await until('error', () => r.capture.status().state === 'error');
    expect(r.capture.status().message).toBe(
      `The serial port ${path.join(dir, 'dev')} does not exist: check the port name (on Windows COM3, on Linux /dev/ttyUSB0) and that the USB adapter is plugged in. Retrying…`,
    );
    await sleep(400);
    expect(r.capture.status().state).toBe('error');
    const pair = await startPtyPair(dir);
    await until('connected', () => r.capture.status().state === 'connected');
    await pair.write('finally\n');
    await until('event', () => r.texts().includes('finally'));
    expect(r.capture.status().reconnects).toBe(0);
  });

  it('a port another program holds → error saying it is in use', async () => {
    const { pair, r } = await plugged();
    const second = run(config(pair.appPath), { reconnect: { minMs: 50, maxMs: 200 } });
    await until('error', () => second.capture.status().state === 'error');
    expect(second.capture.status().message).toContain('is in use by another program');
    await r.capture.stop();
    await until('second connects once the first lets go', () => second.capture.status().state === 'connected');
  });
});

// ---------------------------------------------------------------------------------------------

describe('stop()', () => {
  let bundle = '';
  let bundleDir = '';

  beforeAll(async () => {
    // The reader bundled to plain CommonJS so a child Node can run it (serialport stays external).
    const { build } = await import('rolldown');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'closeout-serial-bundle-'));
    bundleDir = dir;
    bundle = path.join(dir, 'serial-capture.cjs');
    // serialport is imported when the first port opens (import(), which NODE_PATH does not reach):
    // the bundle finds it beside itself.
    fs.symlinkSync(path.resolve(__dirname, '../../node_modules'), path.join(dir, 'node_modules'), 'dir');
    await build({
      input: path.resolve(__dirname, '../../electron/services/capture/serial/serial-capture.ts'),
      platform: 'node',
      external: ['serialport'],
      logLevel: 'silent',
      write: true,
      output: { file: bundle, format: 'cjs' },
    });
  });

  afterAll(() => {
    if (bundleDir) fs.rmSync(bundleDir, { recursive: true, force: true });
  });

  it('closes the port and leaves no timers: a process that stops its captures exits on its own', async () => {
    const dir = tempDir('closeout-serial-');
    const pair = await startPtyPair(dir);
    const script = path.join(dir, 'child.cjs');
    fs.writeFileSync(
      script,
      `
const { startSerialCapture } = require(${JSON.stringify(bundle)});
const say = (s) => process.stdout.write(s + '\\n');
const cfg = (p) => ({ path: p, baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1, framing: 'hl7-lines', encoding: 'utf-8', timeZone: 'UTC', lineProfile: null, ack: true });
// 1. A capture stopped while it waits to retry a missing port.
let stoppedMissing = false;
const missing = startSerialCapture({
  config: cfg(process.argv[3]), reconnect: { minMs: 50, maxMs: 100 }, onFacts() {},
  onStatus(s) { if (s.state === 'error' && !stoppedMissing) { stoppedMissing = true; setImmediate(() => missing.stop().then(() => { say('stopped-missing'); second(); })); } },
});
// 2. A capture stopped right after data (an idle-flush timer and a status timer pending).
function second() {
  let stopping = false;
  let said = false;
  const live = startSerialCapture({
    config: cfg(process.argv[2]), onFacts() {},
    onStatus(s) {
      if (s.state === 'connected' && s.bytes === 0 && !said) { said = true; say('connected'); }
      if (s.bytes > 0 && !stopping) { stopping = true; setImmediate(() => live.stop().then(() => say('stopped'))); }
    },
  });
}
`,
    );
    const child = spawn(process.execPath, [script, pair.appPath, path.join(dir, 'missing')], { env: { ...process.env, NODE_PATH: path.resolve(__dirname, '../../node_modules') }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await until('the child to connect', () => out.includes('connected'));
      await pair.write('MSH|^~\\&|DEV||||20260301101500||ADT^A01|X1|P|2.5\r');
      await until('the child to stop', () => out.includes('stopped\n'));
      // Once stopped, nothing may keep the process alive: it exits by itself.
      const code = await Promise.race([exited, sleep(HANG_MS).then(() => 'still running' as const)]);
      expect(code, `stdout: ${out}\nstderr: ${err}`).toBe(0);
      expect(out).toBe('stopped-missing\nconnected\nstopped\n');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
