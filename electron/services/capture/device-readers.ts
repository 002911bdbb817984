/**
 * One place that knows which parser reads which device format, for the folder watcher and for
 * `closeout inspect`. Parsers stay pure; this module does the file I/O around them.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { DeviceEvent, ParseWarning } from '../../../shared/domain/device-event';
import { MllpDeframer, Hl7LineDeframer } from '../../../shared/hl7/mllp';
import { headerOf, parseHl7, decodeHl7Bytes } from '../../../shared/hl7/parse';
import { observationsFromMessage } from '../../../shared/hl7/observations';
import { CadwellJsonParser } from './parsers/cadwell-json';
import { XltekTxtParser } from './parsers/xltek-txt';
import { NicoletTxtParser } from './parsers/nicolet-txt';
import { DelimitedParser } from './parsers/delimited';
import { validateDelimitedProfile } from './parsers/delimited-profile';
import { parseNihonKohden } from './parsers/nihon-kohden';
import { detectFormat, DETECT_BYTES, type DetectedFormat } from './parsers/detect';
import type { EventPushParser } from './parsers/push-parser';
import type { TextEncodingName } from './parsers/text-decoding';

/** The formats a watched folder can hold, after detection or a source's fixed setting. */
export type FileFormat = 'edf' | 'cadwell-edf' | 'cadwell-json' | 'xltek-txt' | 'nicolet-txt' | 'nihon-kohden' | 'delimited' | 'hl7';

export type ReaderOptions = Readonly<{
  encoding: TextEncodingName;
  /** The case's date (YYYY-MM-DD): for formats that write times of day only. */
  caseDate: string;
  /** For Nicolet (elapsed times): the case's start as a device wall clock. */
  start?: string;
  delimitedProfile?: unknown;
}>;

export class UnreadableFileError extends Error {}

/** Read the first bytes of a file for detection and the head hash. */
export function readHead(file: string, bytes = DETECT_BYTES): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const n = fs.readSync(fd, buf, 0, bytes, 0);
    return buf.subarray(0, n);
  } finally {
    fs.closeSync(fd);
  }
}

/** Map detection to a readable format; EDF+D files named after a modality read with the Cadwell profile. */
export function formatOf(detected: DetectedFormat, fileName: string, discontinuous: boolean): FileFormat | null {
  switch (detected) {
    case 'edf':
    case 'bdf':
      return discontinuous ? 'cadwell-edf' : 'edf';
    case 'cadwell-json':
    case 'xltek-txt':
    case 'nicolet-txt':
    case 'hl7':
      return detected;
    case 'nihon-kohden-log':
      return /\.log$/i.test(fileName) ? 'nihon-kohden' : null;
    case 'unknown':
      return null;
  }
}

export function detectFileFormat(file: string, head: Uint8Array): { format: FileFormat | null; reason: string } {
  const d = detectFormat(path.basename(file), head);
  // EDF+D is flagged in the reserved field (bytes 192..235 of the header).
  const reserved = head.length >= 236 ? Buffer.from(head.subarray(192, 236)).toString('latin1').trim() : '';
  return { format: formatOf(d.format, path.basename(file), /\+D$/.test(reserved)), reason: d.reason };
}

/** A streaming parser for the text and JSON formats; null for formats read otherwise. */
export function createStreamParser(format: FileFormat, opts: ReaderOptions): EventPushParser | { error: string } | null {
  switch (format) {
    case 'cadwell-json':
      return new CadwellJsonParser();
    case 'xltek-txt':
      return new XltekTxtParser({ date: opts.caseDate, encoding: opts.encoding });
    case 'nicolet-txt':
      return new NicoletTxtParser({ start: opts.start ?? `${opts.caseDate}T00:00:00`, encoding: opts.encoding });
    case 'delimited': {
      const check = validateDelimitedProfile(opts.delimitedProfile);
      if (!check.ok) return { error: `The delimited-log profile is incomplete: ${Object.values(check.fields).join(' ')}` };
      return new DelimitedParser(check.profile, { date: opts.caseDate });
    }
    case 'edf':
    case 'cadwell-edf':
    case 'nihon-kohden':
    case 'hl7':
      return null;
  }
}

/** Nihon Kohden: the .LOG plus its .PNT (start) and .CMT (comments) beside it, if present. */
export function readNihonKohdenFiles(logFile: string, opts: ReaderOptions): { events: readonly DeviceEvent[]; warnings: readonly ParseWarning[] } {
  const base = logFile.replace(/\.log$/i, '');
  const sibling = (ext: string) => {
    for (const e of [ext, ext.toLowerCase()]) {
      if (fs.existsSync(`${base}.${e}`)) return fs.readFileSync(`${base}.${e}`);
    }
    return undefined;
  };
  const pnt = sibling('PNT');
  const cmt = sibling('CMT');
  return parseNihonKohden({ log: fs.readFileSync(logFile), ...(pnt ? { pnt } : {}), ...(cmt ? { cmt } : {}) }, { encoding: opts.encoding });
}

export type Hl7FileMessage = Readonly<{ type: string; controlId: string; events: readonly DeviceEvent[] }>;

/** HL7 v2 messages in a file: MLLP-framed or plain, one segment per line. */
export function readHl7Bytes(bytes: Uint8Array): { messages: Hl7FileMessage[]; warnings: ParseWarning[] } {
  const warnings: ParseWarning[] = [];
  const framed = bytes.includes(0x0b);
  let payloads: Uint8Array[];
  if (framed) {
    const d = new MllpDeframer();
    payloads = d.push(bytes);
    d.end();
  } else {
    const d = new Hl7LineDeframer();
    payloads = [...d.push(bytes), ...d.flush()];
  }
  const messages: Hl7FileMessage[] = [];
  payloads.forEach((p, i) => {
    const parsed = parseHl7(decodeHl7Bytes(p));
    if (!parsed.ok) {
      warnings.push({ where: `message ${i + 1}`, message: parsed.reason });
      return;
    }
    const h = headerOf(parsed.message);
    const mapped = observationsFromMessage(parsed.message);
    warnings.push(...mapped.warnings);
    messages.push({ type: [h.messageCode, h.triggerEvent].filter(Boolean).join('^'), controlId: h.controlId, events: mapped.events });
  });
  return { messages, warnings };
}
