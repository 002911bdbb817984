import fs from 'node:fs';
import { isUserCorrectable } from '../../shared/contract/errors';
import type { Err, Result } from '../../shared/util/result';
import { jsonTextTooDeepAt, tooDeepMessage } from '../../shared/util/json-depth';

export type CliIo = Readonly<{
  stdout: (text: string) => void;
  /** The real process's stdout file descriptor, for commands that write large output as bytes. */
  stdoutFd?: number;
  stderr: (text: string) => void;
  readStdin: () => Promise<string>;
  /** Standard input as bytes, as they come (large inputs are streamed, not held); default: readStdin's text. */
  stdinBytes?: () => AsyncIterable<Uint8Array>;
  env: NodeJS.ProcessEnv;
}>;

export const EXIT = { ok: 0, internal: 1, badInput: 2, checkFailed: 3 } as const;

/** A CLI usage problem: shown with the command's usage line, exit 2. */
export class UsageError extends Error {}

export function printJson(io: CliIo, value: unknown): void {
  io.stdout(`${JSON.stringify(value, null, 2)}\n`);
}

/** Print a failed Result: message (and field problems) on stderr; JSON on stdout when asked. */
export function reportError(io: CliIo, e: Err, json: boolean): number {
  io.stderr(`Error: ${e.message}\n`);
  for (const [field, message] of Object.entries(e.fields ?? {})) io.stderr(`  ${field}: ${message}\n`);
  if (json) printJson(io, e);
  return isUserCorrectable(e.code) ? EXIT.badInput : EXIT.internal;
}

export function unwrap<T>(r: Result<T>): T {
  if (!r.ok) throw new ResultError(r);
  return r.value;
}

export class ResultError extends Error {
  constructor(readonly result: Err) {
    super(result.message);
  }
}

/**
 * Plain fixed-width table for terminal output. A long cell is wrapped onto more lines at word
 * ends, never cut: a receiver's answer or an event's text is read whole.
 */
export function table(rows: ReadonlyArray<ReadonlyArray<string>>, headers: ReadonlyArray<string>): string {
  const all = [headers, ...rows];
  const last = headers.length - 1;
  // Every column but the last at most 40 wide; the last takes what it needs up to 80.
  const widths = headers.map((_, i) => Math.min(i === last ? 80 : 40, Math.max(...all.map((r) => (r[i] ?? '').length))));
  const wrap = (cell: string, w: number): string[] => {
    const lines: string[] = [];
    for (const para of cell.split('\n')) {
      let line = '';
      for (const word of para.split(/\s+/).filter(Boolean)) {
        for (let piece = word; piece.length > 0; ) {
          const room = line ? w - line.length - 1 : w;
          if (piece.length <= room) {
            line = line ? `${line} ${piece}` : piece;
            piece = '';
          } else if (line) {
            lines.push(line);
            line = '';
          } else {
            // A word longer than the column: split it.
            lines.push(piece.slice(0, w));
            piece = piece.slice(w);
          }
        }
      }
      lines.push(line);
    }
    return lines.length ? lines : [''];
  };
  const fmt = (r: ReadonlyArray<string>): string => {
    const cells = headers.map((_, i) => wrap(r[i] ?? '', Math.max(1, widths[i] ?? 1)));
    const height = Math.max(...cells.map((c) => c.length));
    const out: string[] = [];
    for (let k = 0; k < height; k++) out.push(cells.map((c, i) => (c[k] ?? '').padEnd(widths[i] ?? 0)).join('  ').trimEnd());
    return out.join('\n');
  };
  return `${[fmt(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(fmt)].join('\n')}\n`;
}

/** Parse a JSON argument; "-" reads it from standard input. */
export async function jsonArg(io: CliIo, raw: string, what: string): Promise<unknown> {
  return parseJsonText(raw === '-' ? await io.readStdin() : raw, what);
}

/**
 * JSON text given on the command line or in a file, or a usage problem (exit 2) saying what is
 * wrong with it: not JSON, or nested deeper than anything Closeout reads (which would overflow
 * the stack further on and end as an internal error).
 */
export function parseJsonText(text: string, what: string): unknown {
  if (jsonTextTooDeepAt(text) >= 0) throw new UsageError(tooDeepMessage(`The ${what}`));
  try {
    // A BOM is what some Windows editors put in front of a file they save.
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    const detail = e instanceof SyntaxError ? e.message : 'unreadable';
    throw new UsageError(`The ${what} is not valid JSON (${detail}).`);
  }
}

/**
 * The bytes of a file named on the command line ("-": standard input), read as they are needed.
 * A missing or unreadable file is a usage problem (exit 2), found before anything is read.
 */
export function inputBytes(io: CliIo, name: string): AsyncIterable<Uint8Array> | Iterable<Uint8Array> {
  if (name === '-') {
    if (io.stdinBytes) return io.stdinBytes();
    return (async function* () {
      yield new TextEncoder().encode(await io.readStdin());
    })();
  }
  let fd: number;
  try {
    fd = fs.openSync(name, 'r');
    if (fs.fstatSync(fd).isDirectory()) {
      fs.closeSync(fd);
      throw new Error('a folder');
    }
  } catch {
    throw new UsageError(`Cannot read ${name}. Check the path.`);
  }
  return (function* () {
    const buf = Buffer.alloc(1 << 20);
    try {
      for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0; ) yield buf.subarray(0, n);
    } finally {
      fs.closeSync(fd);
    }
  })();
}

/** Read a file named on the command line; a missing or unreadable one is a usage problem (exit 2). */
export function readFileOrUsage(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(`Cannot read ${file}. Check the path.`);
  }
}

/** Join small pieces into ~64 KB writes: one write per event would be 50,000 system calls. */
export function batched(chunks: Iterable<string>, size?: number): Generator<string>;
export function batched(chunks: Iterable<string | Uint8Array>, size?: number): Generator<string | Uint8Array>;
export function* batched(chunks: Iterable<string | Uint8Array>, size = 64 * 1024): Generator<string | Uint8Array> {
  let buf = '';
  for (const c of chunks) {
    if (typeof c !== 'string') {
      if (buf) yield buf;
      buf = '';
      yield c;
      continue;
    }
    buf += c;
    if (buf.length >= size) {
      yield buf;
      buf = '';
    }
  }
  if (buf) yield buf;
}

/**
 * What the CLI writes holds PHI (case files, PDFs, charges): private to the user (0600) and
 * complete or not at all (a temporary file beside it, flushed, renamed into place).
 */
export function writePrivateFile(file: string, chunks: Iterable<string | Uint8Array>): void {
  const tmp = `${file}.${process.pid}.tmp`;
  let fd: number;
  try {
    fd = fs.openSync(tmp, 'w', 0o600);
  } catch {
    throw new UsageError(`Cannot write ${file}. Check that the folder exists and that you may write to it.`);
  }
  try {
    for (const piece of batched(chunks)) {
      if (typeof piece === 'string') fs.writeSync(fd, piece);
      else fs.writeSync(fd, piece);
    }
    fs.fsyncSync(fd);
  } catch (e) {
    fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  fs.closeSync(fd);
  fs.renameSync(tmp, file);
}
