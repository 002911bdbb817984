import type { DeviceEvent, ParseWarning } from './types';

/**
 * A streaming device-file parser. Feed it a file's bytes in chunks of any size, as they are read or
 * as the file grows during the case, and each call returns the events that chunk completed.
 * Memory is bounded by the largest single record, never by the file, so a 500 MB export parses on a
 * workstation, and a live file can be tailed by pushing whatever bytes were appended since the last
 * read (the parser keeps the state a text format needs: header date, day rollover, open quotes).
 *
 * Parsers never throw on bad input: they step over it and say so in `warnings`. Warnings point
 * at a line, row, byte or record and never quote the file's text, which can be PHI.
 */
export interface EventPushParser {
  push(chunk: Uint8Array): readonly DeviceEvent[];
  /** No more bytes: flush a last unterminated line or record and report truncation. */
  end(): readonly DeviceEvent[];
  readonly warnings: readonly ParseWarning[];
}

export type ParseResult = Readonly<{ events: readonly DeviceEvent[]; warnings: readonly ParseWarning[] }>;

/** Feeds chunks already at hand (a test, a small file) and collects everything. */
export function parseChunks(parser: EventPushParser, chunks: Iterable<Uint8Array>): ParseResult {
  const events: DeviceEvent[] = [];
  for (const chunk of chunks) pushAll(events, parser.push(chunk));
  pushAll(events, parser.end());
  return { events, warnings: parser.warnings };
}

/**
 * Drives a parser from any async byte source (a file read stream, a tail loop) and yields each
 * non-empty batch, so the caller can store events while the rest of the file is still being read.
 */
export async function* parseStream(parser: EventPushParser, source: AsyncIterable<Uint8Array>): AsyncGenerator<readonly DeviceEvent[]> {
  for await (const chunk of source) {
    const batch = parser.push(chunk);
    if (batch.length > 0) yield batch;
  }
  const last = parser.end();
  if (last.length > 0) yield last;
}

function pushAll<T>(into: T[], from: readonly T[]): void {
  // A loop, not push(...from): a spread of a very large batch would overflow the call stack.
  for (const item of from) into.push(item);
}

/**
 * Collects warnings with a cap: a corrupt 500 MB file could otherwise produce millions of them,
 * and the technologist needs the first few plus a count, not a list nobody can read.
 */
export class WarningLog {
  private readonly list: ParseWarning[] = [];
  private suppressed = 0;

  constructor(private readonly max = 100) {}

  add(where: string, message: string): void {
    if (this.list.length < this.max) this.list.push({ where, message });
    else this.suppressed += 1;
  }

  get count(): number {
    return this.list.length + this.suppressed;
  }

  get warnings(): readonly ParseWarning[] {
    if (this.suppressed === 0) return this.list;
    return [...this.list, { where: 'file', message: `${this.suppressed} more warnings not shown` }];
  }
}
