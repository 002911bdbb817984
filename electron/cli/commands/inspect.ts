/**
 * `closeout inspect FILE`: what a device export holds, read straight from the file. It never
 * opens the database, and loads the parser lazily, so it starts as fast as Node can: its wall
 * time is compared with a C reader's (biosig's save2gdf).
 */
import type { EdfHeader, EdfReader, EdfSegment, EdfSummary, scanRecords } from '../../services/capture/parsers/edf';
import { jsonOut, type Command } from '../command';
import { EXIT, type CliIo } from '../io';

/** At most this many annotations in the human-readable listing; --json always has them all. */
const LISTED = 20;
/** --json output is written in pieces of about this many characters. */
const FLUSH_CHARS = 1 << 16;

export const inspectCommands: readonly Command[] = [
  {
    words: ['inspect'],
    usage: 'closeout inspect FILE [--json] [--date YYYY-MM-DD] [--start YYYY-MM-DDTHH:MM:SS] [--encoding utf-8|windows-1252|gbk] [--profile PROFILE.json]',
    summary: 'Show what one device file holds: EDF/BDF header, annotations and segments, or the events of any other format (no database needed).',
    options: { ...jsonOut, date: { type: 'string' }, start: { type: 'string' }, encoding: { type: 'string' }, profile: { type: 'string' } },
    positionals: 1,
    async run({ io, args, values }) {
      const file = args[0] as string;
      if (!(await looksLikeEdf(file))) {
        const { inspectOther } = await import('./inspect-other');
        return inspectOther(io, file, values);
      }
      const [{ FileByteSource }, edf] = await Promise.all([import('../../services/capture/file-byte-source'), import('../../services/capture/parsers/edf')]);
      let source: InstanceType<typeof FileByteSource>;
      try {
        source = new FileByteSource(file);
      } catch (e) {
        return cannotRead(io, file, e);
      }
      try {
        // The header is read (and refused) before anything is printed.
        const reader = new edf.EdfReader(source);
        if (values['json']) writeJson(io, reader, edf.scanRecords);
        else io.stdout(toText(edf.summariseEdf(reader)));
        return EXIT.ok;
      } catch (e) {
        if (e instanceof edf.NotEdfError) {
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
async function looksLikeEdf(file: string): Promise<boolean> {
  const { openSync, readSync, closeSync } = await import('node:fs');
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
  } finally {
    closeSync(fd);
  }
}

/** Passed in rather than imported: the parser module is loaded lazily, inside run. */
type ScanRecords = typeof scanRecords;

/**
 * --json: {format, variant, start, recordCount, recordDurationSec, signals (data signals only),
 * annotations [{onsetSec, durationSec, text}] (onsets from the header start), segments, warnings}.
 * Written compact, while the records are read: a Cadwell file has an annotation and a segment per
 * sweep, tens of thousands of each, and keeping them all as objects first would cost memory and
 * garbage collection in a command timed against a C reader.
 */
function writeJson(io: CliIo, reader: EdfReader, scanRecords: ScanRecords): void {
  let out = `${JSON.stringify(jsonHead(reader.header)).slice(0, -1)},"annotations":[`;
  let first = true;
  // The reader shares one string among records that repeat a text: escape it once.
  let lastText: string | null = null;
  let lastQuoted = '';
  const { segments, warnings } = scanRecords(reader, (rec) => {
    for (const a of rec.annotations) {
      if (a.text !== lastText) {
        lastText = a.text;
        lastQuoted = JSON.stringify(a.text);
      }
      out += `${first ? '' : ','}{"onsetSec":${num(a.onsetSec)},"durationSec":${a.durationSec === null ? 'null' : num(a.durationSec)},"text":${lastQuoted}}`;
      first = false;
    }
    if (out.length >= FLUSH_CHARS) {
      io.stdout(out);
      out = '';
    }
  });
  io.stdout(`${out}],"segments":`);
  writeSegments(io, segments);
  io.stdout(`,"warnings":${JSON.stringify(warnings)}}\n`);
}

function jsonHead(h: EdfHeader) {
  return {
    format: h.format,
    variant: h.variant,
    start: h.startWallClock,
    recordCount: h.recordCount,
    recordDurationSec: h.recordDurationSec,
    signals: h.signals
      .filter((x) => !x.isAnnotation)
      .map((x) => ({
        label: x.label,
        transducer: x.transducer,
        physicalDimension: x.physicalDimension,
        physicalMin: x.physicalMin,
        physicalMax: x.physicalMax,
        digitalMin: x.digitalMin,
        digitalMax: x.digitalMax,
        prefiltering: x.prefiltering,
        samplesPerRecord: x.samplesPerRecord,
      })),
  };
}

function writeSegments(io: CliIo, segments: readonly EdfSegment[]): void {
  let out = '[';
  segments.forEach((g, i) => {
    out += `${i ? ',' : ''}{"startSec":${num(g.startSec)},"endSec":${num(g.endSec)},"records":${g.records}}`;
    if (out.length >= FLUSH_CHARS) {
      io.stdout(out);
      out = '';
    }
  });
  io.stdout(`${out}]`);
}

/** A number as JSON.stringify writes it (non-finite becomes null). */
function num(x: number): string {
  return Number.isFinite(x) ? String(x) : 'null';
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
