/**
 * One place that knows which parser reads which device format, for the folder watcher and for
 * `closeout inspect`. Parsers stay pure; this module does the file I/O around them.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { DeviceEvent, ParseWarning } from '../../../shared/domain/device-event';
import { CadwellJsonParser } from '../../../shared/parsers/cadwell-json';
import { XltekTxtParser } from '../../../shared/parsers/xltek-txt';
import { NicoletTxtParser } from '../../../shared/parsers/nicolet-txt';
import { DelimitedParser } from '../../../shared/parsers/delimited';
import { validateDelimitedProfile } from '../../../shared/parsers/delimited-profile';
import { parseNihonKohden } from '../../../shared/parsers/nihon-kohden';
import { Hl7FileParser } from '../../../shared/parsers/hl7-file';
import { detectFormat, DETECT_BYTES, type DetectedFormat } from '../../../shared/parsers/detect';
import type { EventPushParser } from '../../../shared/parsers/push-parser';
import type { TextEncodingName } from '../../../shared/parsers/text-decoding';

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

/** A file Closeout will not read, with the reason in plain words (never its content). */
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

/** A streaming parser for the text, JSON and HL7 formats; null for formats read otherwise. */
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
    case 'hl7':
      return new Hl7FileParser();
    case 'edf':
    case 'cadwell-edf':
    case 'nihon-kohden':
      return null;
  }
}

/**
 * The largest Nihon Kohden file read (they are read whole): a .LOG holds at most 255 blocks of
 * 255 records of 45 bytes, a .CMT 384 bytes a comment; real ones are a few KB.
 */
const MAX_NIHON_KOHDEN_BYTES = 64 * 1024 * 1024;

/** Nihon Kohden: the .LOG plus its .PNT (start) and .CMT (comments) beside it, if present. */
export function readNihonKohdenFiles(logFile: string, opts: ReaderOptions): { events: readonly DeviceEvent[]; warnings: readonly ParseWarning[] } {
  const base = logFile.replace(/\.log$/i, '');
  const read = (file: string) => {
    const size = fs.statSync(file).size;
    if (size > MAX_NIHON_KOHDEN_BYTES) {
      throw new UnreadableFileError(`${path.basename(file)} is ${Math.round(size / 1024 / 1024)} MB, far larger than any Nihon Kohden event file (a few KB): it is damaged or not one, and was not read`);
    }
    return fs.readFileSync(file);
  };
  const sibling = (ext: string) => {
    for (const e of [ext, ext.toLowerCase()]) {
      if (fs.existsSync(`${base}.${e}`)) return read(`${base}.${e}`);
    }
    return undefined;
  };
  const pnt = sibling('PNT');
  const cmt = sibling('CMT');
  return parseNihonKohden({ log: read(logFile), ...(pnt ? { pnt } : {}), ...(cmt ? { cmt } : {}) }, { encoding: opts.encoding });
}
