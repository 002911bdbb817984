/**
 * `closeout inspect FILE`: what a device export holds, read straight from the file. It never
 * opens the database, so it starts as fast as Node can: its wall time is compared with a C
 * reader's (biosig's save2gdf). The CLI loads this module only for `inspect`; it imports the EDF
 * reader statically (one round of module loading, not two: EDF/BDF is the timed case) and the
 * other formats' readers only when the file is not EDF/BDF.
 */
import fs from 'node:fs';
import { isatty } from 'node:tty';
import { StridedPrefetchSource } from '../../services/capture/strided-prefetch';
import { EdfReader, NotEdfError, summariseEdf, type EdfSummary } from '../../../shared/parsers/edf';
import { jsonOut, type Command } from '../command';
import { EXIT, type CliIo } from '../io';
import { fdSink, OutputClosed, textSink, writeEdfJson } from './inspect-json';

/** At most this many annotations in the human-readable listing; --json always has them all. */
const LISTED = 20;

export const inspectCommands: readonly Command[] = [
  {
    words: ['inspect'],
    usage: 'closeout inspect FILE [--json] [--date YYYY-MM-DD] [--start YYYY-MM-DDTHH:MM:SS] [--encoding utf-8|windows-1252|gbk] [--profile PROFILE.json]',
    summary: 'Show what one device file holds: EDF/BDF header, annotations and segments, or the events of any other format (no database needed).',
    options: { ...jsonOut, date: { type: 'string' }, start: { type: 'string' }, encoding: { type: 'string' }, profile: { type: 'string' } },
    positionals: 1,
    async run({ io, args, values }) {
      const file = args[0] as string;
      if (!looksLikeEdf(file)) {
        const { inspectOther } = await import('./inspect-events');
        return inspectOther(io, file, values);
      }
      let source: StridedPrefetchSource;
      try {
        // A big file's annotation slices are read from both ends at once (strided-prefetch.ts).
        source = new StridedPrefetchSource(file);
      } catch (e) {
        return cannotRead(io, file, e);
      }
      try {
        // The header is read (and refused) before anything is printed.
        const reader = new EdfReader(source);
        if (values['json']) writeJson(io, (sink) => writeEdfJson(reader, sink));
        else io.stdout(toText(summariseEdf(reader)));
        return EXIT.ok;
      } catch (e) {
        if (e instanceof OutputClosed) return EXIT.ok;
        if (e instanceof NotEdfError) {
          io.stderr(`Error: not an EDF/BDF file: ${e.message}.\n`);
          return EXIT.badInput;
        }
        if (fsCode(e) !== null) return cannotRead(io, file, e);
        throw e;
      } finally {
        source.close();
      }
    },
  },
];

/** EDF starts with "0" + 7 spaces, BDF with 0xFF "BIOSEMI"; anything else goes to the other readers. */
function looksLikeEdf(file: string): boolean {
  const { openSync, readSync, closeSync } = fs;
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return true; // let the EDF path report the read error in its usual words
  }
  try {
    const b = Buffer.alloc(8);
    const n = readSync(fd, b, 0, 8, 0);
    if (n < 8) return true;
    return b.toString('latin1') === '0       ' || (b[0] === 0xff && b.toString('latin1', 1, 8) === 'BIOSEMI');
  } catch {
    return true; // a folder opens but does not read (EISDIR): the EDF path says so
  } finally {
    closeSync(fd);
  }
}

/**
 * --json output as bytes. The real CLI (electron/cli/main.ts) gives its stdout descriptor, and
 * the bytes go straight to it: turning 7 MB of JSON into strings and back to bytes in
 * process.stdout costs ~17 ms, more than a tenth of the command. Not to a terminal, though (a
 * Windows console wants its text through the TTY stream), nor for an io without a descriptor
 * (tests, in-process callers): those get the text.
 */
function writeJson(io: CliIo, write: (sink: (bytes: Uint8Array) => void) => void): void {
  if (io.stdoutFd !== undefined && !isatty(io.stdoutFd)) {
    write(fdSink(io.stdoutFd));
    return;
  }
  const sink = textSink(io.stdout);
  write(sink);
  sink.end();
}

function toText(s: EdfSummary): string {
  const h = s.header;
  const data = h.signals.filter((x) => !x.isAnnotation);
  const lines = [
    `${h.variant} file, started ${h.startWallClock} (device clock, no zone)`,
    `${count(h.recordCount, 'data record')} of ${h.recordDurationSec} s in ${count(s.segments.length, 'contiguous segment')}`,
    `${count(data.length, 'signal')}: ${data.map((x) => x.label).join(', ') || '(annotations only)'}`,
    `${count(s.annotations.length, 'annotation')}${s.annotations.length ? ':' : ''}`,
    ...s.annotations.slice(0, LISTED).map((a) => `  ${a.onsetRaw.padEnd(12)} ${a.durationSec === null ? '' : `(${a.durationSec} s) `}${a.text}`),
  ];
  if (s.annotations.length > LISTED) lines.push(`  … ${s.annotations.length - LISTED} more (--json lists them all)`);
  for (const w of s.warnings) lines.push(`Warning (${w.where}): ${w.message}`);
  return `${lines.join('\n')}\n`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

export function fsCode(e: unknown): string | null {
  const code = e instanceof Error ? (e as NodeJS.ErrnoException).code : undefined;
  return typeof code === 'string' ? code : null;
}

export function cannotRead(io: CliIo, file: string, e: unknown): number {
  const code = fsCode(e);
  const reason =
    code === 'ENOENT' ? 'the file does not exist'
    : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
    : code === 'EISDIR' ? 'it is a folder, not a file'
    : `the file cannot be read (${code ?? 'unknown error'})`;
  io.stderr(`Error: cannot read "${file}": ${reason}.\n`);
  return EXIT.badInput;
}
