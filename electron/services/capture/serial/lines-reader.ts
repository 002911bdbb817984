/**
 * The 'lines' framing: a device that prints one event per line (a stimulator log, a monitor's
 * printer port). Bytes are split into lines, each line is checked for being text, cleaned of
 * control bytes, decoded with the port's encoding and turned into one event (line-events.ts).
 */
import type { DeviceEvent } from '../../../../shared/domain/device-event';
import type { DelimitedProfile } from '../../../../shared/parsers/delimited-profile';
import { decodeText, type TextEncodingName } from '../../../../shared/parsers/text-decoding';
import { emptyCounts, NOTHING, type FrameReader, type ReadResult, type ReaderCounts } from './frame-reader';
import { freeTextEvent, ProfiledLineReader } from './line-events';
import { DEFAULT_MAX_LINE_BYTES, LineSplitter } from './line-splitter';
import { unreadableShare } from './text-bytes';

/** A line with more non-text bytes than this is noise, whatever the stream around it looks like. */
const MAX_LINE_UNREADABLE_SHARE = 0.3;
/**
 * While the stream reads as a wrong baud rate, noise still splits into "lines" at stray CR/LF
 * bytes, and now and then one is short and printable by chance. Then only lines that are wholly
 * text and at least this long get through, so a misconfigured port does not fill the case with
 * one-letter junk events. Real device lines are longer.
 */
const MIN_LINE_BYTES_WHILE_UNREADABLE = 4;

export type LinesReaderOptions = Readonly<{
  encoding: TextEncodingName;
  timeZone: string;
  lineProfile: DelimitedProfile | null;
  maxLineBytes?: number;
}>;

export class LinesReader implements FrameReader {
  readonly idleFlushMs = null;
  private readonly splitter: LineSplitter;
  private readonly profiled: ProfiledLineReader | null;
  private readonly c: ReaderCounts = emptyCounts();
  private sequence = 0;

  constructor(private readonly opts: LinesReaderOptions) {
    this.splitter = new LineSplitter(opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES);
    this.profiled = opts.lineProfile ? new ProfiledLineReader(opts.lineProfile, opts.timeZone) : null;
  }

  get counts(): Readonly<ReaderCounts> {
    return this.c;
  }

  push(chunk: Uint8Array, receivedAt: number, streamUnreadable: boolean): ReadResult {
    const lines = this.splitter.push(chunk);
    if (lines.length === 0) return NOTHING;
    const events: DeviceEvent[] = [];
    let problem: string | null = null;
    for (const line of lines) {
      this.c.lines += 1;
      if (line.cutBytes > 0) {
        this.c.garbageBytes += line.cutBytes;
        this.c.badLines += 1;
        problem = `A line longer than ${Math.round((this.opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES) / 1024)} KB was skipped: the device may not be ending its lines.`;
        continue;
      }
      const share = unreadableShare(line.bytes, this.opts.encoding);
      const clean = withoutControls(line.bytes);
      this.c.garbageBytes += line.bytes.length - clean.length;
      const strict = streamUnreadable && (share > 0 || clean.length < MIN_LINE_BYTES_WHILE_UNREADABLE);
      if (share > MAX_LINE_UNREADABLE_SHARE || strict) {
        this.c.badLines += 1;
        problem = 'A line of unreadable data was skipped: check the baud rate, data bits and parity.';
        continue;
      }
      const text = decodeText(clean, this.opts.encoding).trim();
      if (text === '') continue;
      const sequence = this.sequence++;
      if (!this.profiled) {
        events.push(freeTextEvent(text, receivedAt, this.opts.timeZone, sequence));
        continue;
      }
      const outcome = this.profiled.read(text, receivedAt, sequence);
      if (outcome.kind === 'event') events.push(outcome.event);
      else if (outcome.kind === 'bad') {
        this.c.badLines += 1;
        problem = outcome.problem;
      }
    }
    this.c.events += events.length;
    return events.length === 0 && problem === null ? NOTHING : { events, toAcknowledge: [], problem };
  }

  flushIdle(): ReadResult {
    return NOTHING;
  }

  linkLost(): void {
    if (this.splitter.drop() > 0) this.c.droppedFrames += 1;
  }
}

/**
 * The line without C0 controls other than TAB, and without DEL. Safe on raw bytes for every
 * encoding offered: no UTF-8, Windows-1252 or GBK character contains a byte below 0x20 or 0x7F.
 */
function withoutControls(bytes: Uint8Array): Uint8Array {
  let controls = 0;
  for (const b of bytes) if (isControl(b)) controls += 1;
  if (controls === 0) return bytes;
  const out = new Uint8Array(bytes.length - controls);
  let at = 0;
  for (const b of bytes) if (!isControl(b)) out[at++] = b;
  return out;
}

function isControl(b: number): boolean {
  return (b < 0x20 && b !== 0x09) || b === 0x7f;
}
