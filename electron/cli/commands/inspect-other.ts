/**
 * `closeout inspect` for everything that is not EDF/BDF: the events a file yields, after the
 * default mapping (kind, modality), with device wall-clock times. HL7 files list their messages.
 */
import fs from 'node:fs';
import path from 'node:path';
import { compileRules, DEFAULT_RULES } from '../../../shared/domain/mapping';
import { normalizeDeviceEvent } from '../../../shared/domain/normalize';
import type { DeviceEvent, ParseWarning } from '../../../shared/domain/device-event';
import { createStreamParser, detectFileFormat, readHead, readHl7Bytes, readNihonKohdenFiles, type FileFormat } from '../../services/capture/device-readers';
import { isTextEncodingName } from '../../services/capture/parsers/text-decoding';
import { parseJsonText, printJson, EXIT, type CliIo, UsageError } from '../io';
import { str, type Values } from '../command';
import { cannotRead } from './inspect';

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
  const toOut = (events: readonly DeviceEvent[]): OutEvent[] =>
    events.flatMap((d) => {
      const n = normalizeDeviceEvent(d, rules, 'UTC');
      if (!n.ok) return [];
      return n.events.map((e) => ({ time: d.wallClock, kind: e.kind, ...(e.modality ? { modality: e.modality } : {}), text: e.text || d.modalityName || '' }));
    });

  if (detected.format === 'hl7') {
    const { messages, warnings } = readHl7Bytes(fs.readFileSync(file));
    if (messages.length === 0) return notReadable(io, file, warnings);
    const out = { format: 'HL7v2', messages: messages.map((m) => ({ type: m.type, controlId: m.controlId, events: toOut(m.events) })), warnings };
    if (values['json']) printJson(io, out);
    else io.stdout(`HL7 v2: ${out.messages.map((m) => `${m.type} ${m.controlId}: ${m.events.length} event(s)`).join('\n')}\n`);
    return EXIT.ok;
  }

  let events: readonly DeviceEvent[];
  let warnings: readonly ParseWarning[];
  if (detected.format === 'nihon-kohden') {
    ({ events, warnings } = readNihonKohdenFiles(file, opts));
  } else {
    const parser = createStreamParser(detected.format, opts);
    if (!parser) return notReadable(io, file, [{ where: 'file', message: 'this format is read as EDF' }]);
    if ('error' in parser) throw new UsageError(parser.error);
    const collected: DeviceEvent[] = [];
    const fd = fs.openSync(file, 'r');
    try {
      const buf = Buffer.alloc(1 << 20);
      for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0; ) for (const e of parser.push(buf.subarray(0, n))) collected.push(e);
    } finally {
      fs.closeSync(fd);
    }
    for (const e of parser.end()) collected.push(e);
    events = collected;
    warnings = parser.warnings;
  }
  const undated = given === undefined && events.some((e) => e.wallClock.startsWith(NO_DATE));
  const shown = undated ? toOut(events).map((e) => ({ ...e, time: withoutDate(e.time) })) : toOut(events);
  const allWarnings: ParseWarning[] = [
    ...warnings.filter((w) => !(undated && /no case date given/.test(w.message))),
    ...(undated ? [{ where: 'file', message: 'The file holds no date and none was given (--date YYYY-MM-DD): times are shown without a date.' }] : []),
  ];
  const out = { format: FORMAT_NAMES[detected.format], ...(undated ? { dated: false } : {}), events: shown, warnings: allWarnings };
  if (values['json']) printJson(io, out);
  else {
    io.stdout(`${out.format}: ${out.events.length} event(s)\n`);
    for (const e of out.events.slice(0, 40)) io.stdout(`  ${e.time}  ${e.kind.padEnd(18)} ${e.modality ? `${e.modality} ` : ''}${e.text}\n`);
    if (out.events.length > 40) io.stdout(`  … ${out.events.length - 40} more (--json lists them all)\n`);
    for (const w of allWarnings) io.stdout(`Warning (${w.where}): ${w.message}\n`);
  }
  return EXIT.ok;
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
  io.stderr(`Error: cannot read "${path.basename(file)}": ${warnings[0]?.message ?? 'no readable content'}.\n`);
  return EXIT.badInput;
}
