/**
 * Serial line → event stored: the latency a technologist sees between a device printing a line
 * and the event being safe in the case. A real pty pair (socat), serialport on both ends, the
 * real capture reader and a real SQLite store with the production pragmas (WAL,
 * synchronous=FULL), one transaction per delivery as the capture service does.
 * Target p95 ≤ 50 ms.
 *
 * Lines are written one every few milliseconds (a busy stimulator, not a flood), and each is
 * timed from just before the device-side write to just after its store transaction commits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SerialPort } from 'serialport';
import { wallClockToInstant } from '../../shared/util/zoned-time';
import { startSerialCapture } from '../services/capture/serial/serial-capture';
import { Store } from '../services/store/store';
import { median, percentile, type BenchRow } from './bench-row';

const TARGET_P95_MS = 50;
const MEASURE = 'Serial line → event stored (real pty), p95';
const ZONE = 'UTC';

export async function benchSerial(opts: { lines?: number; intervalMs?: number } = {}): Promise<BenchRow[]> {
  const total = opts.lines ?? 500;
  const intervalMs = opts.intervalMs ?? 5;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'closeout-bench-serial-'));
  let socat: ChildProcess | null = null;
  let device: SerialPort | null = null;
  const store = Store.open({ dataDir: path.join(dir, 'data') });
  try {
    store.db.exec(`INSERT INTO cases (id, status, patient_last_name, patient_first_name, patient_mrn, patient_dob, patient_sex,
      procedure_text, date_of_service, time_zone, created_at, updated_at)
      VALUES ('bench', 'capturing', 'Bench', 'Synthetic', 'B-1', '1970-01-01', 'U', 'bench', '2026-01-01', 'UTC', 0, 0)`);
    const pty = await startSocat(dir);
    if (!pty.ok) return [{ measure: MEASURE, target: `≤ ${TARGET_P95_MS} ms`, median: `not run: ${pty.message}`, pass: false }];
    socat = pty.proc;

    const sentAt = new Float64Array(total).fill(Number.NaN);
    const storedAt = new Float64Array(total).fill(Number.NaN);
    let stored = 0;
    const capture = startSerialCapture({
      config: { path: pty.appPath, baudRate: 115200, dataBits: 8, parity: 'none', stopBits: 1, framing: 'lines', encoding: 'utf-8', timeZone: ZONE, lineProfile: null, ack: false },
      onFacts: ({ events, receivedAt }) => {
        store.write(() => {
          for (const e of events) {
            store.events.append({
              caseId: 'bench',
              kind: 'note',
              modality: null,
              side: null,
              limb: null,
              modalityName: null,
              text: e.text,
              occurredAt: wallClockToInstant(e.wallClock, ZONE) ?? receivedAt,
              receivedAt,
              source: 'serial:bench',
              dedupeKey: e.key,
              raw: e.raw,
              clockZone: ZONE,
              payload: null,
            });
          }
        });
        const t = performance.now();
        for (const e of events) {
          const i = Number(/^bench line (\d+) /.exec(e.text)?.[1] ?? -1);
          if (i >= 0 && i < total && Number.isNaN(storedAt[i])) {
            storedAt[i] = t;
            stored += 1;
          }
        }
      },
    });
    try {
      await waitFor(() => capture.status().state === 'connected', 5000);
      const port = await openPort(pty.devicePath);
      device = port;
      for (let i = 0; i < total; i++) {
        sentAt[i] = performance.now();
        port.write(`bench line ${i} TcMEP L lower baseline obtained, amplitude 312 uV\r\n`);
        await sleep(intervalMs);
      }
      await waitFor(() => stored === total, 5000).catch(() => undefined);
    } finally {
      await capture.stop();
    }

    const latencies: number[] = [];
    for (let i = 0; i < total; i++) if (!Number.isNaN(storedAt[i] as number)) latencies.push((storedAt[i] as number) - (sentAt[i] as number));
    const lost = total - latencies.length;
    if (latencies.length === 0) return [{ measure: MEASURE, target: `≤ ${TARGET_P95_MS} ms`, median: `no line arrived (${total} sent)`, pass: false }];
    const p95 = percentile(latencies, 95);
    const m = median(latencies);
    return [
      {
        measure: MEASURE,
        target: `≤ ${TARGET_P95_MS} ms`,
        median: `${p95.toFixed(1)} ms (median ${m.toFixed(1)} ms${lost > 0 ? `, ${lost} of ${total} lines lost` : ''})`,
        pass: p95 <= TARGET_P95_MS && lost === 0,
      },
    ];
  } finally {
    const port = device as SerialPort | null;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
    const proc = socat as ChildProcess | null;
    if (proc && proc.exitCode === null) {
      const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
      proc.kill('SIGTERM');
      await exited;
    }
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

type Pty = Readonly<{ ok: true; proc: ChildProcess; appPath: string; devicePath: string }> | Readonly<{ ok: false; message: string }>;

/** A socat pty pair with fixed link names (the same recipe as tests/helpers/pty-pair.ts). */
async function startSocat(dir: string): Promise<Pty> {
  const appPath = path.join(dir, 'dev');
  const devicePath = path.join(dir, 'device');
  let log = '';
  let failed: string | null = null;
  const proc = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${appPath}`, `pty,raw,echo=0,link=${devicePath}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  proc.on('error', (err) => (failed = err.message.includes('ENOENT') ? 'socat is not installed' : 'socat could not start'));
  proc.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  try {
    await waitFor(() => failed !== null || proc.exitCode !== null || (log.includes('starting data transfer loop') && fs.existsSync(appPath) && fs.existsSync(devicePath)), 5000);
  } catch {
    failed ??= 'socat did not create the pty pair';
  }
  if (failed !== null || proc.exitCode !== null) {
    if (proc.exitCode === null) proc.kill('SIGKILL');
    return { ok: false, message: failed ?? 'socat exited' };
  }
  return { ok: true, proc, appPath, devicePath };
}

function openPort(devicePath: string): Promise<SerialPort> {
  const port = new SerialPort({ path: devicePath, baudRate: 115200, autoOpen: false });
  port.on('error', () => {
    // Benchmark teardown only.
  });
  return new Promise((resolve, reject) => port.open((err) => (err ? reject(err) : resolve(port))));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitFor(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(5);
  }
}
