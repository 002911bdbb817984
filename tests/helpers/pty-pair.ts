/**
 * A real serial line for tests: socat joins two pseudo-terminals, and symlinks with fixed names
 * (<dir>/dev for the app, <dir>/device for the simulated device) keep the paths stable when
 * socat is killed (the cable pulled) and started again (plugged back in).
 *
 * The device end is driven through serialport too, so both ends use the same non-blocking I/O
 * as the app (a plain fs.read on a tty would tie up a libuv thread until data came).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { SerialPort } from 'serialport';
import { afterEach } from 'vitest';
import { HANG_MS } from './patience';

export type PtyPair = Readonly<{
  /** Where the app opens its port. */
  appPath: string;
  /** The device end, written by the test. */
  devicePath: string;
  /** Writes bytes as the device; resolves once they have left (tcdrain). */
  write: (bytes: Uint8Array | string) => Promise<void>;
  /** Bytes the app sent to the device (ACKs); returns an unsubscribe. */
  onData: (fn: (bytes: Buffer) => void) => () => void;
  /** Everything the app sent to the device so far. */
  received: () => Buffer;
  /** SIGKILL socat and remove its links, like pulling a USB adapter out. */
  kill: () => Promise<void>;
  /** Start socat again on the same links, like plugging it back in. */
  restart: () => Promise<void>;
  /** Stop for good (SIGTERM, socat removes its links). */
  close: () => Promise<void>;
}>;

const live = new Set<PtyPair>();

afterEach(async () => {
  for (const pair of [...live]) await pair.close();
});

export function hasSocat(): boolean {
  return spawnSync('socat', ['-V'], { stdio: 'ignore' }).status === 0;
}

export async function startPtyPair(dir: string): Promise<PtyPair> {
  const appPath = path.join(dir, 'dev');
  const devicePath = path.join(dir, 'device');
  let proc: ChildProcess | null = null;
  let device: SerialPort | null = null;
  let sent = Buffer.alloc(0);
  const listeners = new Set<(b: Buffer) => void>();

  const up = async (): Promise<void> => {
    // Stale links of a killed socat would point at pty numbers another test may now own.
    removeLinks(appPath, devicePath);
    let log = '';
    const p = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${appPath}`, `pty,raw,echo=0,link=${devicePath}`], { stdio: ['ignore', 'ignore', 'pipe'] });
    proc = p;
    p.stderr?.on('data', (d: Buffer) => {
      log += d.toString();
    });
    const ready = (): boolean => log.includes('starting data transfer loop');
    const deadline = Date.now() + HANG_MS;
    while (!(ready() && resolves(appPath) && resolves(devicePath))) {
      if (p.exitCode !== null || p.signalCode !== null) throw new Error('socat exited before creating the pty pair (is socat installed?)');
      if (Date.now() > deadline) throw new Error('socat did not create the pty pair');
      await sleep(10);
    }
    const port = new SerialPort({ path: devicePath, baudRate: 9600, autoOpen: false });
    port.on('error', () => {
      // The device end dies with socat on kill(); nothing to report.
    });
    await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    port.on('data', (b: Buffer) => {
      sent = Buffer.concat([sent, b]);
      for (const fn of listeners) fn(b);
    });
    device = port;
  };

  const down = async (signal: NodeJS.Signals): Promise<void> => {
    const p = proc;
    const port = device;
    proc = null;
    device = null;
    if (p && p.exitCode === null && p.signalCode === null) {
      const exited = new Promise<void>((resolve) => p.once('exit', () => resolve()));
      p.kill(signal);
      await exited;
    }
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
    port?.removeAllListeners('data');
    removeLinks(appPath, devicePath);
  };

  await up();
  const pair: PtyPair = {
    appPath,
    devicePath,
    write: async (bytes) => {
      const port = device;
      if (!port) throw new Error('the pty pair is unplugged');
      const buf = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : Buffer.from(bytes);
      await new Promise<void>((resolve, reject) => port.write(buf, (err) => (err ? reject(err) : resolve())));
      await new Promise<void>((resolve, reject) => port.drain((err) => (err ? reject(err) : resolve())));
    },
    onData: (fn) => {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    received: () => sent,
    kill: () => down('SIGKILL'),
    restart: async () => {
      await down('SIGKILL');
      await up();
    },
    close: async () => {
      live.delete(pair);
      await down('SIGTERM');
    },
  };
  live.add(pair);
  return pair;
}

function resolves(link: string): boolean {
  try {
    fs.statSync(link);
    return true;
  } catch {
    return false;
  }
}

function removeLinks(...links: string[]): void {
  for (const l of links) fs.rmSync(l, { force: true });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export { until } from './patience';
