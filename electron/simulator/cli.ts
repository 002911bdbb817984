/**
 * `npm run simulate -- --out DIR …`: argument parsing, validation with plain messages (exit 2),
 * progress lines, and SIGINT handling around runSimulation. I/O comes in through `CliIo` so tests
 * drive it in-process.
 */
import { parseArgs } from 'node:util';
import path from 'node:path';
import { isValidTimeZone } from '../../shared/util/zoned-time';
import { parseStartOption, systemTimeZone } from './clock';
import { SERIAL_FRAMINGS, type SerialFraming } from './serial-writer';
import { runSimulation, SIM_FORMATS, type SimFormat, type SimProgress, type SimulationHandle, type SimulationOptions } from './simulation';
import { STIMULUS_TEXT_FORMS, type StimulusTextForm } from './stimulus-text';

export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

export type CliIo = Readonly<{
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Subscribe to Ctrl-C; returns the unsubscribe. Absent: not interruptible (tests use stop()). */
  onSigint?: (handler: () => void) => () => void;
}>;

export const USAGE = `Usage: npm run simulate -- --out DIR [options]

Plays a synthetic IONM case (L4-L5 fusion, patient "Testpatient, Ada", MRN DEMO-0001) and writes
what the devices would write, as time passes.

  --out DIR              folder for the device files (created if missing)
  --speed N              simulated seconds per real second (default 1; e.g. 60 = one hour per minute)
  --start ISO            case start: 2026-11-26T07:30 (device clock in --zone) or with Z/offset
                         (default: chosen so the case ends now)
  --zone IANA            time zone of the device clocks (default: this computer's)
  --seed N               whole number 0–4294967295; same seed, same case (default 1)
  --formats LIST         any of edf,cadwell,xltek, or none (default: all)
  --serial PTY           also send every vital sign to this serial device (e.g. a socat pty)
  --serial-framing F     mllp (HL7 ORU^R01 in MLLP frames, default) or lines (plain text)
  --cadwell-every MIN    re-export the Cadwell JSON every MIN simulated minutes (default: at the end)
  --stim-text FORM       stimulus text in the EDF files: cascade (default) or iomax
  --quiet                no progress lines
  --help                 this text
`;

export type ParsedArgs =
  | Readonly<{ ok: true; help: true }>
  | Readonly<{ ok: true; help: false; quiet: boolean; options: Omit<SimulationOptions, 'onProgress' | 'now'> }>
  | Readonly<{ ok: false; message: string }>;

const bad = (message: string): ParsedArgs => ({ ok: false, message });

/** Reads and checks the flags; every problem is one plain sentence naming the flag. */
export function parseSimulatorArgs(argv: readonly string[]): ParsedArgs {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        out: { type: 'string' },
        serial: { type: 'string' },
        speed: { type: 'string' },
        start: { type: 'string' },
        zone: { type: 'string' },
        seed: { type: 'string' },
        formats: { type: 'string' },
        'serial-framing': { type: 'string' },
        'cadwell-every': { type: 'string' },
        'stim-text': { type: 'string' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean' },
      },
    }));
  } catch (e) {
    // parseArgs' own first line is plain ("Unknown option '--x'."); the rest is hints about its syntax.
    return bad((e instanceof Error ? e.message : String(e)).split('\n')[0]?.split('. To specify')[0] ?? 'bad arguments');
  }
  const str = (k: string): string | undefined => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  if (values['help'] === true) return { ok: true, help: true };

  const out = str('out');
  if (out === undefined || out.trim() === '') return bad('--out DIR is required: the folder to write the device files into.');

  const speedText = str('speed') ?? '1';
  const speed = Number(speedText);
  if (!/^\d+(\.\d+)?$/.test(speedText) || !(speed > 0) || speed > 1e7) return bad(`--speed must be a number above 0 (at most 10000000), not "${speedText}".`);

  const zone = str('zone') ?? systemTimeZone();
  if (!isValidTimeZone(zone)) return bad(`--zone "${zone}" is not a time zone name this computer knows (e.g. America/Chicago, Europe/Amsterdam, UTC).`);

  const startText = str('start');
  let startInstantMs: number | undefined;
  if (startText !== undefined) {
    const ms = parseStartOption(startText, zone);
    if (ms === null) return bad(`--start "${startText}" is not a date and time like 2026-11-26T07:30 or 2026-11-26T07:30:00Z.`);
    startInstantMs = ms;
  }

  const seedText = str('seed') ?? '1';
  const seed = Number(seedText);
  if (!/^\d+$/.test(seedText) || seed > 0xffffffff) return bad(`--seed must be a whole number from 0 to 4294967295, not "${seedText}".`);

  const formatsText = str('formats') ?? SIM_FORMATS.join(',');
  const formats: SimFormat[] = [];
  if (formatsText.trim().toLowerCase() !== 'none') {
    for (const f of formatsText.split(',').map((x) => x.trim().toLowerCase())) {
      if (!(SIM_FORMATS as readonly string[]).includes(f)) return bad(`--formats: "${f}" is not one of ${SIM_FORMATS.join(', ')} (or none).`);
      if (!formats.includes(f as SimFormat)) formats.push(f as SimFormat);
    }
  }

  const framingText = str('serial-framing') ?? 'mllp';
  if (!(SERIAL_FRAMINGS as readonly string[]).includes(framingText)) return bad(`--serial-framing must be mllp or lines, not "${framingText}".`);
  const serial = str('serial');
  if (serial !== undefined && serial.trim() === '') return bad('--serial needs a device path, e.g. /tmp/ionm-a.');
  if (formats.length === 0 && serial === undefined) return bad('Nothing to write: --formats none needs --serial.');

  const everyText = str('cadwell-every');
  let cadwellEveryMin: number | null = null;
  if (everyText !== undefined) {
    const every = Number(everyText);
    if (!/^\d+(\.\d+)?$/.test(everyText) || !(every > 0)) return bad(`--cadwell-every must be a number of minutes above 0, not "${everyText}".`);
    if (!formats.includes('cadwell')) return bad('--cadwell-every needs the cadwell format in --formats.');
    cadwellEveryMin = every;
  }

  const stimText = str('stim-text') ?? 'cascade';
  if (!(STIMULUS_TEXT_FORMS as readonly string[]).includes(stimText)) return bad(`--stim-text must be cascade or iomax, not "${stimText}".`);

  return {
    ok: true,
    help: false,
    quiet: values['quiet'] === true,
    options: {
      outDir: path.resolve(out),
      seed,
      speed,
      zone,
      formats,
      serialPath: serial ?? null,
      serialFraming: framingText as SerialFraming,
      cadwellEveryMin,
      stimulusForm: stimText as StimulusTextForm,
      ...(startInstantMs !== undefined ? { startInstantMs } : {}),
    },
  };
}

/** One progress line: device clock, actions done, counts, and the note just written if any. */
export function progressLine(p: SimProgress): string {
  const clock = p.deviceClock.replace('T', ' ').slice(0, 19);
  const width = String(p.totalActions).length;
  const head = `[${clock}] ${String(p.actionsDone).padStart(width)}/${p.totalActions} actions, ${p.trials} trials, ${p.notes} notes, ${p.vitals} vitals`;
  return p.note === null ? `${head}\n` : `${head}  ${p.note}\n`;
}

/** The whole command: returns the exit code. */
export async function runSimulatorCli(argv: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseSimulatorArgs(argv);
  if (!parsed.ok) {
    io.stderr(`simulate: ${parsed.message}\nRun with --help for the options.\n`);
    return EXIT.usage;
  }
  if (parsed.help) {
    io.stdout(USAGE);
    return EXIT.ok;
  }
  const { options, quiet } = parsed;
  let sim: SimulationHandle;
  try {
    sim = runSimulation({ ...options, ...(quiet ? {} : { onProgress: (p: SimProgress) => io.stdout(progressLine(p)) }) });
  } catch (e) {
    io.stderr(`simulate: ${e instanceof Error ? e.message : String(e)}\n`);
    return EXIT.usage;
  }
  if (!quiet) {
    const o = options;
    io.stdout(
      `Simulating case ${sim.scenario.caseId} at ${o.speed}x into ${o.outDir} (device zone ${sim.clock.zone}, seed ${o.seed}` +
        `${o.serialPath ? `, serial ${o.serialPath} ${o.serialFraming}` : ''}). Ctrl-C stops and finishes the files.\n`,
    );
  }
  let interrupted = false;
  const unsubscribe = io.onSigint?.(() => {
    if (interrupted) return;
    interrupted = true;
    io.stderr('simulate: stopping, finishing the files…\n');
    void sim.stop();
  });
  try {
    const summary = await sim.done;
    if (!quiet) {
      const edf = summary.files.edf.map((f) => `${path.basename(f.path)} (${f.records})`).join(', ');
      io.stdout(
        `${summary.completed ? 'Case complete' : 'Stopped'}: ${summary.trials} trials, ${summary.notes} notes, ${summary.vitals} vitals.\n` +
          (edf ? `  EDF+D: ${edf}\n` : '') +
          (summary.files.cadwellJson ? `  Cadwell JSON: ${path.basename(summary.files.cadwellJson)} (${summary.cadwellExports} export${summary.cadwellExports === 1 ? '' : 's'})\n` : '') +
          (summary.files.xltek ? `  XLTEK text: ${path.basename(summary.files.xltek)}\n` : '') +
          (summary.serial ? `  Serial: ${summary.serial.sent} sent, ${summary.serial.dropped} dropped${summary.serial.lastError ? ` (last error ${summary.serial.lastError})` : ''}\n` : ''),
      );
    }
    return summary.completed ? EXIT.ok : EXIT.interrupted;
  } catch (e) {
    io.stderr(`simulate: failed: ${e instanceof Error ? e.message : String(e)}\n`);
    return EXIT.failed;
  } finally {
    unsubscribe?.();
  }
}
