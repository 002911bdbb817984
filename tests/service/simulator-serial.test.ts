/**
 * The simulator's serial output through a real pty pair (socat): the simulator writes one end as
 * a monitor would, the test reads the other end like the app's serial capture, deframes it with
 * the shared MLLP deframer and parses every message with the shared HL7 parser.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import tty from 'node:tty';
import { afterEach, describe, expect, it } from 'vitest';
import { HANG_MS, until } from '../helpers/patience';
import { MllpDeframer } from '../../shared/hl7/mllp';
import { observationsFromMessage } from '../../shared/hl7/observations';
import { decodeHl7Bytes, get, headerOf, parseHl7, segmentsOf, type Hl7Message } from '../../shared/hl7/parse';
import { deviceWallMs, parseStartOption, type SimClock } from '../../electron/simulator/clock';
import type { VitalsAction } from '../../electron/simulator/scenario';
import { runSimulation, type SimulationHandle } from '../../electron/simulator/simulation';
import { tempDir } from '../helpers/temp-dir';

const ZONE = 'Europe/Amsterdam';
const START = parseStartOption('2026-11-26T07:30:00', ZONE) as number;

type Pty = Readonly<{ a: string; b: string; proc: ChildProcess }>;
const running: ChildProcess[] = [];

afterEach(() => {
  for (const p of running.splice(0)) if (p.exitCode === null) p.kill('SIGTERM');
});

/** A socat pty pair with stable names (symlinks) <dir>/a and <dir>/b; resolves once both exist. */
async function ptyPair(dir: string): Promise<Pty> {
  const a = path.join(dir, 'a');
  const b = path.join(dir, 'b');
  const proc = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], { stdio: 'ignore' });
  running.push(proc);
  const deadline = Date.now() + HANG_MS;
  while (!(fs.existsSync(a) && fs.existsSync(b))) {
    if (Date.now() > deadline || proc.exitCode !== null) throw new Error('socat did not create the pty pair');
    await new Promise((r) => setTimeout(r, 20));
  }
  return { a, b, proc };
}

/** Reads a pty end through libuv's tty handle (non-blocking; closes cleanly, unlike fs streams). */
function readPty(file: string): Readonly<{ chunks: Buffer[]; close: () => void }> {
  const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOCTTY | fs.constants.O_NONBLOCK);
  const stream = new tty.ReadStream(fd);
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  // The peer going away shows as EIO on a pty: the end of the data, not a test failure.
  stream.on('error', () => undefined);
  return { chunks, close: () => stream.destroy() };
}


function vitalsOf(sim: SimulationHandle): readonly VitalsAction[] {
  return sim.scenario.actions.filter((a): a is VitalsAction => a.kind === 'vitals');
}

/** "YYYY-MM-DDTHH:MM:SS" of the device clock at an offset. */
function wallText(clock: SimClock, offsetMs: number): string {
  return new Date(deviceWallMs(clock, offsetMs)).toISOString().slice(0, 19);
}

function deframe(chunks: readonly Buffer[]): Hl7Message[] {
  const d = new MllpDeframer();
  const out: Hl7Message[] = [];
  for (const c of chunks) {
    for (const payload of d.push(c)) {
      const parsed = parseHl7(decodeHl7Bytes(payload));
      if (!parsed.ok) throw new Error(parsed.reason);
      out.push(parsed.message);
    }
  }
  expect(d.stats.garbageBytes).toBe(0);
  expect(d.stats.droppedFrames).toBe(0);
  return out;
}

describe('simulator: vitals over a serial pty', () => {
  it('MLLP framing: one valid ORU^R01 per reading, unique control ids, MAP/HR/Temp at the device time', async () => {
    const dir = tempDir('closeout-sim-serial-');
    const pty = await ptyPair(dir);
    const reader = readPty(pty.b);
    try {
      const sim = runSimulation({ outDir: path.join(dir, 'out'), speed: 20_000, zone: ZONE, startInstantMs: START, formats: [], serialPath: pty.a, serialFraming: 'mllp' });
      const summary = await sim.done;
      const expected = vitalsOf(sim);
      expect(summary.serial).toMatchObject({ sent: expected.length, dropped: 0, reopened: 0 });
      // All frames arrive (the last ones may still be in the pty when the simulation ends).
      await until('every frame', () => Buffer.concat(reader.chunks).filter((b) => b === 0x1c).length >= expected.length);
      const messages = deframe(reader.chunks);
      expect(messages).toHaveLength(expected.length);

      const ids = new Set<string>();
      messages.forEach((m, i) => {
        const h = headerOf(m);
        expect(h).toMatchObject({ messageCode: 'ORU', triggerEvent: 'R01', messageStructure: 'ORU_R01', version: '2.5.1', sendingApplication: 'CLOSEOUT_SIM' });
        ids.add(h.controlId);
        expect(h.controlId.length).toBeLessThanOrEqual(20);
        expect(get(m, 'PID', 3)).toBe('DEMO-0001');
        expect(get(m, 'PID', 3, { comp: 5 })).toBe('MR');
        expect([get(m, 'PID', 5), get(m, 'PID', 5, { comp: 2 }), get(m, 'PID', 7), get(m, 'PID', 8)]).toEqual(['Testpatient', 'Ada', '19610412', 'F']);
        expect(segmentsOf(m, 'OBR')).toHaveLength(1);

        const v = expected[i] as VitalsAction;
        const { events, warnings } = observationsFromMessage(m);
        expect(warnings).toEqual([]);
        expect(events.map((e) => [e.extra?.['shortName'], e.extra?.['value'], e.extra?.['units'], e.extra?.['timeSource']])).toEqual([
          ['MAP', v.mapMmHg, 'mmHg', 'OBX-14'],
          ['HR', v.heartRate, '/min', 'OBX-14'],
          ['Temp', v.temperatureC, '°C', 'OBX-14'],
        ]);
        // OBX-14 is the device's wall clock, with the zone's offset beside it (+0100 in November).
        expect(events.every((e) => e.wallClock === wallText(sim.clock, v.atMs) && e.extra?.['utcOffset'] === '+0100')).toBe(true);
      });
      expect(ids.size).toBe(messages.length);
    } finally {
      reader.close();
    }
  });

  it('lines framing: "HH:MM:SS MAP 78 HR 64 TEMP 36.4" per reading', async () => {
    const dir = tempDir('closeout-sim-serial-');
    const pty = await ptyPair(dir);
    const reader = readPty(pty.b);
    try {
      const sim = runSimulation({ outDir: path.join(dir, 'out'), speed: 20_000, zone: ZONE, startInstantMs: START, formats: [], serialPath: pty.a, serialFraming: 'lines' });
      const summary = await sim.done;
      const expected = vitalsOf(sim);
      expect(summary.serial?.sent).toBe(expected.length);
      await until('every line', () => Buffer.concat(reader.chunks).toString('latin1').split('\r\n').length > expected.length);
      const lines = Buffer.concat(reader.chunks).toString('latin1').split('\r\n').slice(0, -1);
      expect(lines).toEqual(
        expected.map((v) => `${wallText(sim.clock, v.atMs).slice(11)} MAP ${v.mapMmHg} HR ${v.heartRate} TEMP ${v.temperatureC.toFixed(1)}`),
      );
    } finally {
      reader.close();
    }
  });

  it('a pty nobody reads never blocks the simulation: it finishes, what does not fit is dropped', async () => {
    const dir = tempDir('closeout-sim-serial-');
    const pty = await ptyPair(dir);
    // Blocked on a full pty, it would never finish (the hang ceiling would stop the test).
    const summary = await runSimulation({ outDir: path.join(dir, 'out'), speed: 1e6, zone: ZONE, startInstantMs: START, formats: [], serialPath: pty.a }).done;
    expect(summary.completed).toBe(true);
    // The pty and socat buffer some frames; the rest waits (bounded) and is dropped at the end.
    expect(summary.serial?.sent).toBeGreaterThan(0);
    expect(summary.serial?.dropped).toBeGreaterThan(0);
    expect((summary.serial?.sent ?? 0) + (summary.serial?.dropped ?? 0)).toBe(191);
  });

  it('a missing serial path never stops the simulation: readings are counted as dropped', async () => {
    const dir = tempDir('closeout-sim-serial-');
    const summary = await runSimulation({ outDir: path.join(dir, 'out'), speed: 1e6, zone: ZONE, startInstantMs: START, formats: ['xltek'], serialPath: path.join(dir, 'nothing-here') }).done;
    expect(summary.completed).toBe(true);
    expect(summary.serial).toMatchObject({ sent: 0, dropped: 191, lastError: 'ENOENT' });
    // Never replaced by a regular file (the path is opened without O_CREAT).
    expect(fs.existsSync(path.join(dir, 'nothing-here'))).toBe(false);
  });

  it('the pty going away and coming back: the writer reopens it and carries on', async () => {
    const dir = tempDir('closeout-sim-serial-');
    let pty = await ptyPair(dir);
    let reader = readPty(pty.b);
    const firstChunks = reader.chunks;
    // 2000×: one reading every 30 ms of real time, ~5.7 s for the case.
    const sim = runSimulation({ outDir: path.join(dir, 'out'), speed: 2000, zone: ZONE, startInstantMs: START, formats: [], serialPath: pty.a });
    try {
      await until('some frames', () => deframe(firstChunks).length >= 10);
      reader.close();
      pty.proc.kill('SIGTERM');
      await until('socat to exit', () => pty.proc.exitCode !== null || pty.proc.signalCode !== null);
      await new Promise((r) => setTimeout(r, 300));
      pty = await ptyPair(dir);
      reader = readPty(pty.b);
      const summary = await sim.done;
      expect(summary.completed).toBe(true);
      expect(summary.serial?.reopened).toBeGreaterThanOrEqual(1);
      expect(summary.serial?.failures).toBeGreaterThanOrEqual(1);
      // The last reading of the case comes through the new pty (read as it arrives).
      const lastVitals = vitalsOf(sim).at(-1) as VitalsAction;
      const lastStamp = wallText(sim.clock, lastVitals.atMs).replace(/[-T:]/g, '');
      const lastObx = () => deframe(reader.chunks).at(-1) as Hl7Message | undefined;
      await until('the last reading through the new pty', () => {
        const m = lastObx();
        return m !== undefined && get(m, 'OBX', 14).slice(0, 14) === lastStamp;
      });
      expect(deframe(reader.chunks).length).toBeGreaterThan(10);
      expect(get(lastObx()!, 'OBX', 14)).toMatch(/^\d{14}[+-]\d{4}$/);
    } finally {
      reader.close();
      await sim.stop();
    }
  });
});
