/**
 * `closeout inspect` for everything that is not EDF/BDF: the events a file yields, after the
 * default mapping (kind, modality), with device wall-clock times. HL7 files list their messages.
 *
 * Read as a stream and written as it is read, so a file of any size takes the memory of a chunk:
 * --json is one JSON document whose events (or messages) go out one per line as they are read;
 * the text view keeps the first 40 events and the last 10, and counts the rest by kind.
 */
import fs from 'node:fs';
import path from 'node:path';
import { isatty } from 'node:tty';
import { compileRules, DEFAULT_RULES } from '../../../shared/domain/mapping';
import { normalizeDeviceEvent } from '../../../shared/domain/normalize';
import type { DeviceEvent, ParseWarning } from '../../../shared/domain/device-event';
import { createStreamParser, detectFileFormat, readHead, readNihonKohdenFiles, UnreadableFileError, type FileFormat } from '../../services/capture/device-readers';
import { Hl7FileParser, type Hl7FileItem } from '../../../shared/parsers/hl7-file';
import { isTextEncodingName } from '../../../shared/parsers/text-decoding';
import { parseJsonText, EXIT, type CliIo, UsageError } from '../io';
import { str, type Values } from '../command';
import { cannotRead } from './inspect';
import { fdSink, JsonBytes, OutputClosed } from './inspect-json';

type OutEvent = { time: string; kind: string; modality?: string; text: string };

const FORMAT_NAMES: Readonly<Record<FileFormat, string>> = {
  edf: 'EDF',
  'cadwell-edf': 'EDF',
  'cadwell-json': 'Cadwell-JSON',
  'xltek-txt': 'XLTEK-events',
  'nicolet-txt': 'Nicolet-events',
  'nihon-kohden': 'NihonKohden-LOG',
  delimited: 'Delimited',
  hl7: 'HL7v2',
};

/** The text view lists this many events (or HL7 messages) from the start… */
const FIRST = 40;
/** …and this many from the end. */
const LAST = 10;
const CHUNK = 1 << 20;

export async function inspectOther(io: CliIo, file: string, values: Values): Promise<number> {
  let head: Buffer;
  try {
    head = readHead(file);
  } catch (e) {
    return cannotRead(io, file, e);
  }
  const profileFile = str(values, 'profile');
  const detected = profileFile ? { format: 'delimited' as const, reason: 'a profile was given' } : detectFileFormat(file, head);
  if (!detected.format) {
    io.stderr(`Error: cannot read "${path.basename(file)}": not a device export Closeout knows (${detected.reason}).\n`);
    return EXIT.badInput;
  }
  const encoding = str(values, 'encoding') ?? 'utf-8';
  if (!isTextEncodingName(encoding)) throw new UsageError('--encoding must be utf-8, windows-1252 or gbk.');
  // No date is ever invented (the file's own, or --date): without one, times are read against a
  // placeholder day and shown without a date, and the output says so.
  const given = str(values, 'date');
  if (given !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(given)) throw new UsageError('--date must be YYYY-MM-DD.');
  const date = given ?? NO_DATE;
  let delimitedProfile: unknown;
  if (profileFile) {
    let text: string;
    try {
      text = fs.readFileSync(profileFile, 'utf8');
    } catch {
      throw new UsageError(`Cannot read the profile ${profileFile}: it must be a JSON file.`);
    }
    delimitedProfile = parseJsonText(text, `profile ${profileFile}`);
  }
  const opts = { encoding, caseDate: date, ...(str(values, 'start') ? { start: str(values, 'start') as string } : {}), delimitedProfile };
  const rules = compileRules(DEFAULT_RULES);
  const cutWarnings: ParseWarning[] = [];
  const toOut = (d: DeviceEvent): OutEvent[] => {
    const n = normalizeDeviceEvent(d, rules, 'UTC');
    if (!n.ok) return [];
    if (n.cut && cutWarnings.length < 100) cutWarnings.push({ where: d.key, message: n.cut });
    return n.events.map((e) => ({ time: d.wallClock, kind: e.kind, ...(e.modality ? { modality: e.modality } : {}), text: e.text || d.modalityName || '' }));
  };
  const json = values['json'] === true;

  try {
    if (detected.format === 'hl7') return inspectHl7(io, file, json, toOut, cutWarnings);
    if (detected.format === 'nihon-kohden') {
      let r: ReturnType<typeof readNihonKohdenFiles>;
      try {
        r = readNihonKohdenFiles(file, opts);
      } catch (e) {
        if (e instanceof UnreadableFileError) return notReadable(io, file, [{ where: 'file', message: e.message }]);
        throw e;
      }
      const out = new EventsOut(io, json, FORMAT_NAMES[detected.format], given !== undefined);
      for (const d of r.events) out.event(d, toOut);
      return out.finish([...r.warnings, ...cutWarnings]);
    }
    const parser = createStreamParser(detected.format, opts);
    if (!parser) return notReadable(io, file, [{ where: 'file', message: 'this format is read as EDF' }]);
    if ('error' in parser) throw new UsageError(parser.error);
    const out = new EventsOut(io, json, FORMAT_NAMES[detected.format], given !== undefined);
    readChunks(file, (chunk) => {
      for (const d of parser.push(chunk)) out.event(d, toOut);
    });
    for (const d of parser.end()) out.event(d, toOut);
    return out.finish([...parser.warnings, ...cutWarnings]);
  } catch (e) {
    if (e instanceof OutputClosed) return EXIT.ok;
    throw e;
  }
}

/** HL7: the messages in the file, each with the events read from it. */
function inspectHl7(io: CliIo, file: string, json: boolean, toOut: (d: DeviceEvent) => OutEvent[], cutWarnings: readonly ParseWarning[]): number {
  const parser = new Hl7FileParser();
  const out = new Hl7Out(io, json);
  const take = (items: readonly Hl7FileItem[]) => {
    for (const item of items) {
      if (item.kind === 'message') out.message(item.type, item.controlId);
      else for (const e of toOut(item.event)) out.event(e);
    }
  };
  readChunks(file, (chunk) => take(parser.pushItems(chunk)));
  take(parser.endItems());
  const warnings = [...parser.warnings, ...cutWarnings];
  if (parser.messages === 0) return notReadable(io, file, warnings);
  return out.finish(warnings);
}

function readChunks(file: string, each: (chunk: Uint8Array) => void): void {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(CHUNK);
    for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0; ) each(buf.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
}

/** Where --json goes: straight to the descriptor in the real CLI (not a terminal), else through io.stdout in pieces. */
type TextOut = Readonly<{ write(text: string): void; end(): void }>;

function textOut(io: CliIo): TextOut {
  if (io.stdoutFd !== undefined && !isatty(io.stdoutFd)) {
    const bytes = new JsonBytes(fdSink(io.stdoutFd));
    return { write: (t) => bytes.text(t), end: () => bytes.flush() };
  }
  let buf = '';
  return {
    write(t) {
      buf += t;
      if (buf.length >= 64 * 1024) {
        io.stdout(buf);
        buf = '';
      }
    },
    end() {
      if (buf) io.stdout(buf);
      buf = '';
    },
  };
}

/** The first FIRST items, the last LAST, and how many in all. */
class Sample<T> {
  readonly first: T[] = [];
  readonly last: T[] = [];
  count = 0;

  add(item: T): void {
    this.count += 1;
    if (this.first.length < FIRST) this.first.push(item);
    else {
      this.last.push(item);
      if (this.last.length > LAST) this.last.shift();
    }
  }

  /** Lines for the text view: all of them when few, else the first, a count of the skipped, the last. */
  lines(line: (item: T) => string, more: (skipped: number) => string): string[] {
    const skipped = this.count - this.first.length - this.last.length;
    return [...this.first.map(line), ...(skipped > 0 ? [more(skipped)] : []), ...this.last.map(line)];
  }
}

/** The events of a text, JSON, delimited or Nihon Kohden file, written as they are read. */
class EventsOut {
  readonly #io: CliIo;
  readonly #json: TextOut | null;
  readonly #format: string;
  readonly #dateGiven: boolean;
  /** Decided at the first event: whether times are shown without a date (none in the file, none given). */
  #undated: boolean | null = null;
  readonly #sample = new Sample<OutEvent>();
  readonly #kinds = new Map<string, number>();

  constructor(io: CliIo, json: boolean, format: string, dateGiven: boolean) {
    this.#io = io;
    this.#json = json ? textOut(io) : null;
    this.#format = format;
    this.#dateGiven = dateGiven;
  }

  event(d: DeviceEvent, toOut: (d: DeviceEvent) => OutEvent[]): void {
    if (this.#undated === null) {
      this.#undated = !this.#dateGiven && d.wallClock.startsWith(NO_DATE);
      this.#head();
    }
    for (const e of toOut(d)) {
      const shown = this.#undated ? { ...e, time: withoutDate(e.time) } : e;
      if (this.#json) this.#json.write(`${this.#sample.count ? ',' : ''}\n${JSON.stringify(shown)}`);
      this.#sample.add(shown);
      this.#kinds.set(shown.kind, (this.#kinds.get(shown.kind) ?? 0) + 1);
    }
  }

  finish(parserWarnings: readonly ParseWarning[]): number {
    if (this.#undated === null) {
      this.#undated = false;
      this.#head();
    }
    const undated = this.#undated;
    const warnings: ParseWarning[] = [
      // Without --date the parser was given a placeholder day, not a case date: nothing to differ from.
      ...parserWarnings.filter((w) => !(undated && /no case date given/.test(w.message)) && !(!this.#dateGiven && /differs from the case date/.test(w.message))),
      ...(undated ? [{ where: 'file', message: 'The file holds no date and none was given (--date YYYY-MM-DD): times are shown without a date.' }] : []),
    ];
    if (this.#json) {
      this.#json.write(`${this.#sample.count ? '\n' : ''}],"warnings":${JSON.stringify(warnings)}}\n`);
      this.#json.end();
      return EXIT.ok;
    }
    const s = this.#sample;
    const lines = [
      `${this.#format}: ${s.count} event(s)`,
      ...s.lines(
        (e) => `  ${e.time}  ${e.kind.padEnd(18)} ${e.modality ? `${e.modality} ` : ''}${e.text}`,
        (n) => `  … ${n} more (--json lists them all)`,
      ),
    ];
    if (s.count > FIRST + LAST) lines.push(`By kind: ${[...this.#kinds].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ')}`);
    for (const w of warnings) lines.push(`Warning (${w.where}): ${w.message}`);
    this.#io.stdout(`${lines.join('\n')}\n`);
    return EXIT.ok;
  }

  #head(): void {
    this.#json?.write(`{"format":${JSON.stringify(this.#format)},${this.#undated ? '"dated":false,' : ''}"events":[`);
  }
}

type MessageLine = { type: string; controlId: string; events: number };

/** HL7 messages with their events, written as they are read. */
class Hl7Out {
  readonly #io: CliIo;
  readonly #json: TextOut | null;
  readonly #sample = new Sample<MessageLine>();
  #current: MessageLine | null = null;
  #events = 0;

  constructor(io: CliIo, json: boolean) {
    this.#io = io;
    this.#json = json ? textOut(io) : null;
  }

  message(type: string, controlId: string): void {
    this.#close();
    this.#json?.write(`${this.#sample.count ? ',' : '{"format":"HL7v2","messages":['}\n{"type":${JSON.stringify(type)},"controlId":${JSON.stringify(controlId)},"events":[`);
    this.#current = { type, controlId, events: 0 };
  }

  event(e: OutEvent): void {
    const m = this.#current;
    if (!m) return;
    this.#json?.write(`${m.events ? ',' : ''}\n${JSON.stringify(e)}`);
    m.events += 1;
    this.#events += 1;
  }

  finish(warnings: readonly ParseWarning[]): number {
    this.#close();
    if (this.#json) {
      this.#json.write(`\n],"warnings":${JSON.stringify(warnings)}}\n`);
      this.#json.end();
      return EXIT.ok;
    }
    const s = this.#sample;
    const lines = [
      `HL7 v2: ${s.count} message(s), ${this.#events} event(s)`,
      ...s.lines(
        (m) => `  ${m.type} ${m.controlId}: ${m.events} event(s)`,
        (n) => `  … ${n} more messages (--json lists them all)`,
      ),
    ];
    for (const w of warnings) lines.push(`Warning (${w.where}): ${w.message}`);
    this.#io.stdout(`${lines.join('\n')}\n`);
    return EXIT.ok;
  }

  #close(): void {
    const m = this.#current;
    if (!m) return;
    this.#json?.write(`${m.events ? '\n' : ''}]}`);
    this.#sample.add(m);
    this.#current = null;
  }
}

/** The placeholder day undated times are read against; never printed. */
const NO_DATE = '1900-01-01';

/** "1900-01-02T00:10:00" → "00:10:00 (+1 day)": a time of day, and the days it lies after the start. */
function withoutDate(wall: string): string {
  const day = Number(wall.slice(8, 10)) - 1;
  const time = wall.slice(11);
  return day > 0 ? `${time} (+${day} day${day === 1 ? '' : 's'})` : time;
}

function notReadable(io: CliIo, file: string, warnings: readonly ParseWarning[]): number {
  io.stderr(`Error: cannot read "${path.basename(file)}": ${warnings[0]?.message.replace(/\.$/, '') ?? 'no readable content'}.\n`);
  return EXIT.badInput;
}
