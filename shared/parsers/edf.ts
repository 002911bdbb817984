/**
 * Streaming reader for EDF, EDF+ (C and D), BDF and BDF+ files, built for annotations and record
 * times. It seeks to each record's annotation-signal bytes and never reads data samples, so a
 * gigabyte of evoked-potential sweeps costs a few dozen bytes of I/O per sweep.
 *
 * Pure: works over a synchronous ByteSource (tests pass bytes, the app passes a file source).
 * Sections: errors and warnings · header · TAL scanning · records and segments · summaries and
 * DeviceEvents · the Cadwell EDF+D profile (vendor-formats.md §1b).
 *
 * Spec: EDF (Kemp 1992), EDF+ (Kemp & Olivan 2003, edfplus.info), BDF/BDF+ (BioSemi; "BDF+C"/"BDF+D"
 * in the reserved field, a "BDF Annotations" signal, 3-byte samples).
 */
import { CP1252_80_9F } from './text-decoding';
import { assertNever } from '../../../../shared/util/assert-never';
import type { ByteSource } from './byte-source';
import type { DeviceEvent, ParseWarning } from './types';
import type { RecordedSetup, RecordingChannel, Stimulation } from '../../../../shared/domain/recorded-setup';

// ---------------------------------------------------------------------------------------------
// Errors and warnings

/** The bytes are not an EDF-family file we can read (bad magic, header cut short, nonsense counts). */
export class NotEdfError extends Error {
  readonly code = 'NOT_EDF' as const;
  override readonly name = 'NotEdfError';
}

/** Everything the reader steps over, by kind; repeated kinds are counted, not listed, so a quirk
 * present in all 50,000 records of a file yields one line, not 50,000. */
export type EdfWarningCode =
  | 'header-bytes'
  | 'variant-mismatch'
  | 'start-date'
  | 'patient-field'
  | 'recording-field'
  | 'calibration'
  | 'records-unknown'
  | 'records-short'
  | 'partial-record'
  | 'extra-bytes'
  | 'file-changed'
  | 'timekeeping-text'
  | 'timekeeping-missing'
  | 'missing-separator'
  | 'garbage-tal'
  | 'unterminated-tal'
  | 'not-utf8'
  | 'onset-order'
  | 'not-contiguous'
  | 'not-edf-plus-d';

type WarningEntry = { where: string; message: string; count: number };

/** Collects warnings without echoing file content: patient fields and annotation text can be PHI. */
export class EdfWarnings {
  readonly #entries = new Map<EdfWarningCode, WarningEntry>();
  readonly #suppressed: ReadonlySet<EdfWarningCode>;

  constructor(suppressed: Iterable<EdfWarningCode> = []) {
    this.#suppressed = new Set(suppressed);
  }

  note(code: EdfWarningCode, where: string, message: string): void {
    if (this.#suppressed.has(code)) return;
    const e = this.#entries.get(code);
    if (e) e.count++;
    else this.#entries.set(code, { where, message, count: 1 });
  }

  /** Counts one more of an already noted kind (true), or says it is new (false). */
  repeat(code: EdfWarningCode): boolean {
    if (this.#suppressed.has(code)) return true;
    const e = this.#entries.get(code);
    if (e) e.count++;
    return e !== undefined;
  }

  list(): ParseWarning[] {
    return [...this.#entries.values()].map((e) => ({
      where: e.where,
      message: e.count > 1 ? `${e.message} (${e.count} times in all; the first is shown)` : e.message,
    }));
  }
}

// ---------------------------------------------------------------------------------------------
// Header

export type EdfFormat = 'EDF' | 'BDF';
export type EdfVariant = 'EDF' | 'EDF+C' | 'EDF+D' | 'BDF' | 'BDF+C' | 'BDF+D';

/** The fixed 256-byte part as written, trimmed of its space padding. */
export type EdfRawHeader = Readonly<{
  version: string;
  patient: string;
  recording: string;
  startDate: string;
  startTime: string;
  headerBytes: string;
  reserved: string;
  records: string;
  recordDuration: string;
  signalCount: string;
}>;

export type EdfRawSignal = Readonly<{
  label: string;
  transducer: string;
  physicalDimension: string;
  physicalMin: string;
  physicalMax: string;
  digitalMin: string;
  digitalMax: string;
  prefiltering: string;
  samplesPerRecord: string;
  reserved: string;
}>;

export type EdfSignal = Readonly<{
  index: number;
  label: string;
  transducer: string;
  physicalDimension: string;
  /** null only when the field is not a number (warned): annotation reading does not need them. */
  physicalMin: number | null;
  physicalMax: number | null;
  digitalMin: number | null;
  digitalMax: number | null;
  prefiltering: string;
  samplesPerRecord: number;
  isAnnotation: boolean;
  /** Byte offset of this signal inside a data record. */
  offsetInRecord: number;
  raw: EdfRawSignal;
}>;

/** EDF+ patient identification subfields ("X" → null, "_" → space). Used to cross-check a case. */
export type EdfPlusPatient = Readonly<{
  code: string | null;
  sex: 'M' | 'F' | null;
  /** YYYY-MM-DD */
  birthdate: string | null;
  name: string | null;
  additional: string;
}>;

/** EDF+ recording identification subfields ("Startdate dd-MMM-yyyy admincode technician equipment"). */
export type EdfPlusRecording = Readonly<{
  /** YYYY-MM-DD */
  startdate: string | null;
  adminCode: string | null;
  technician: string | null;
  equipment: string | null;
  additional: string;
}>;

export type EdfHeader = Readonly<{
  format: EdfFormat;
  variant: EdfVariant;
  raw: EdfRawHeader;
  /** The device's naive wall clock at the start, "YYYY-MM-DDTHH:MM:SS" (no zone). */
  startWallClock: string;
  /** The same clock as seconds since 1970-01-01T00:00:00 of that naive clock: arithmetic only. */
  startClockSec: number;
  /** Parsed EDF+ subfields; null for plain EDF/BDF, whose fields are free text. */
  patient: EdfPlusPatient | null;
  recording: EdfPlusRecording | null;
  headerBytes: number;
  /** As written: -1 means unknown (a recording never closed properly); null if not a number. */
  recordsInHeader: number | null;
  /** Complete records actually present and read. */
  recordCount: number;
  recordDurationSec: number;
  bytesPerSample: 2 | 3;
  recordBytes: number;
  fileSize: number;
  signals: readonly EdfSignal[];
  annotationSignals: readonly number[];
}>;

const FIXED_HEADER = 256;
const PER_SIGNAL = 256;
/** Far beyond any real montage; stops a corrupt count from asking for gigabytes of header. */
const MAX_SIGNALS = 4096;

export function isPlus(variant: EdfVariant): boolean {
  switch (variant) {
    case 'EDF':
    case 'BDF':
      return false;
    case 'EDF+C':
    case 'EDF+D':
    case 'BDF+C':
    case 'BDF+D':
      return true;
    default:
      return assertNever(variant, 'EDF variant');
  }
}

export function isDiscontinuous(variant: EdfVariant): boolean {
  return variant === 'EDF+D' || variant === 'BDF+D';
}

function bytesPerSample(format: EdfFormat): 2 | 3 {
  switch (format) {
    case 'EDF':
      return 2;
    case 'BDF':
      return 3;
    default:
      return assertNever(format, 'EDF format');
  }
}

/** Reads and checks the header; throws NotEdfError when the bytes cannot be an EDF-family file. */
export function readEdfHeader(source: ByteSource, warnings: EdfWarnings = new EdfWarnings()): EdfHeader {
  const size = source.size;
  if (size < FIXED_HEADER) throw new NotEdfError(`the header is shorter than ${FIXED_HEADER} bytes (the file has ${size})`);
  const fixed = source.read(0, FIXED_HEADER).slice();
  if (fixed.length < FIXED_HEADER) throw new NotEdfError(`the header is shorter than ${FIXED_HEADER} bytes`);

  const format = detectFormat(fixed);
  const field = (start: number, len: number): string => headerText(fixed, start, len);
  const raw: EdfRawHeader = {
    version: ascii(fixed, 0, 8).trim(),
    patient: field(8, 80),
    recording: field(88, 80),
    startDate: field(168, 8),
    startTime: field(176, 8),
    headerBytes: field(184, 8),
    reserved: field(192, 44),
    records: field(236, 8),
    recordDuration: field(244, 8),
    signalCount: field(252, 4),
  };

  const ns = parseIntField(raw.signalCount);
  if (ns === null || ns < 1) throw new NotEdfError('the number of signals is not a positive whole number');
  if (ns > MAX_SIGNALS) throw new NotEdfError(`the header declares ${ns} signals, more than any real recording`);
  const headerBytes = FIXED_HEADER + PER_SIGNAL * ns;
  if (size < headerBytes) throw new NotEdfError(`the file (${size} bytes) is shorter than its ${ns}-signal header (${headerBytes} bytes)`);
  if (parseIntField(raw.headerBytes) !== headerBytes) {
    // The count of signals decides the layout; the byte count is redundant and some writers get it wrong.
    warnings.note('header-bytes', 'header', `the header-size field does not match ${ns} signals; using ${headerBytes} bytes`);
  }

  const variant = detectVariant(format, raw.reserved, warnings);
  const duration = parseFloatField(raw.recordDuration);
  if (duration === null || duration < 0) throw new NotEdfError('the data-record duration is not a number of seconds');

  const signals = readSignals(source.read(FIXED_HEADER, PER_SIGNAL * ns).slice(), ns, warnings);
  const bps = bytesPerSample(format);
  const recordSamples = signals.reduce((n, s) => n + s.samplesPerRecord, 0);
  if (recordSamples === 0) throw new NotEdfError('no signal has samples in a data record');
  const recordBytes = recordSamples * bps;
  const withOffsets = withRecordOffsets(signals, bps);

  const plus = isPlus(variant);
  const recording = plus ? parseRecordingField(raw.recording, warnings) : null;
  const patient = plus ? parsePatientField(raw.patient, warnings) : null;
  const start = parseStart(raw.startDate, raw.startTime, recording?.startdate ?? null, warnings);

  const recordsInHeader = parseIntField(raw.records);
  const recordCount = countRecords(recordsInHeader, size - headerBytes, recordBytes, warnings);

  return {
    format,
    variant,
    raw,
    startWallClock: start.wallClock,
    startClockSec: start.clockSec,
    patient,
    recording,
    headerBytes,
    recordsInHeader,
    recordCount,
    recordDurationSec: duration,
    bytesPerSample: bps,
    recordBytes,
    fileSize: size,
    signals: withOffsets,
    annotationSignals: withOffsets.filter((s) => s.isAnnotation).map((s) => s.index),
  };
}

function detectFormat(b: Uint8Array): EdfFormat {
  if (b[0] === 0xff && ascii(b, 1, 8) === 'BIOSEMI') return 'BDF';
  if (ascii(b, 0, 8).trim() === '0') return 'EDF';
  throw new NotEdfError('the first 8 bytes are neither "0" (EDF) nor 0xFF "BIOSEMI" (BDF)');
}

function detectVariant(format: EdfFormat, reserved: string, warnings: EdfWarnings): EdfVariant {
  const tag = reserved.slice(0, 5).toUpperCase();
  const kind = tag === 'EDF+C' || tag === 'BDF+C' ? 'C' : tag === 'EDF+D' || tag === 'BDF+D' ? 'D' : null;
  if (kind !== null && !tag.startsWith(format)) {
    warnings.note('variant-mismatch', 'header', `a ${format} file marked "${tag}" in its reserved field; read as ${format}+${kind}`);
  }
  switch (format) {
    case 'EDF':
      return kind === 'C' ? 'EDF+C' : kind === 'D' ? 'EDF+D' : 'EDF';
    case 'BDF':
      return kind === 'C' ? 'BDF+C' : kind === 'D' ? 'BDF+D' : 'BDF';
    default:
      return assertNever(format, 'EDF format');
  }
}

type SignalNoOffset = Omit<EdfSignal, 'offsetInRecord'>;

function readSignals(b: Uint8Array, ns: number, warnings: EdfWarnings): SignalNoOffset[] {
  // Signal fields are stored column-wise: all labels, then all transducers, and so on.
  let at = 0;
  const column = (width: number): string[] => {
    const out: string[] = [];
    for (let i = 0; i < ns; i++) out.push(headerText(b, at + i * width, width));
    at += ns * width;
    return out;
  };
  const label = column(16);
  const transducer = column(80);
  const physicalDimension = column(8);
  const physicalMin = column(8);
  const physicalMax = column(8);
  const digitalMin = column(8);
  const digitalMax = column(8);
  const prefiltering = column(80);
  const samplesPerRecord = column(8);
  const reserved = column(32);

  const out: SignalNoOffset[] = [];
  for (let i = 0; i < ns; i++) {
    const raw: EdfRawSignal = {
      label: label[i] ?? '',
      transducer: transducer[i] ?? '',
      physicalDimension: physicalDimension[i] ?? '',
      physicalMin: physicalMin[i] ?? '',
      physicalMax: physicalMax[i] ?? '',
      digitalMin: digitalMin[i] ?? '',
      digitalMax: digitalMax[i] ?? '',
      prefiltering: prefiltering[i] ?? '',
      samplesPerRecord: samplesPerRecord[i] ?? '',
      reserved: reserved[i] ?? '',
    };
    const spr = parseIntField(raw.samplesPerRecord);
    if (spr === null || spr < 0) throw new NotEdfError(`signal ${i + 1}: the samples-per-record field is not a whole number`);
    const calibration = (text: string, name: string): number | null => {
      const v = parseFloatField(text);
      if (v === null) warnings.note('calibration', `signal ${i + 1}`, `the ${name} field is not a number`);
      return v;
    };
    // EDF+ names "EDF Annotations", BDF+ "BDF Annotations"; accept either in either container.
    const isAnnotation = raw.label === 'EDF Annotations' || raw.label === 'BDF Annotations';
    out.push({
      index: i,
      label: raw.label,
      transducer: raw.transducer,
      physicalDimension: raw.physicalDimension,
      physicalMin: calibration(raw.physicalMin, 'physical minimum'),
      physicalMax: calibration(raw.physicalMax, 'physical maximum'),
      digitalMin: calibration(raw.digitalMin, 'digital minimum'),
      digitalMax: calibration(raw.digitalMax, 'digital maximum'),
      prefiltering: raw.prefiltering,
      samplesPerRecord: spr,
      isAnnotation,
      raw,
    });
  }
  return out;
}

function withRecordOffsets(signals: readonly SignalNoOffset[], bps: number): EdfSignal[] {
  let offset = 0;
  return signals.map((s) => {
    const withOffset = { ...s, offsetInRecord: offset };
    offset += s.samplesPerRecord * bps;
    return withOffset;
  });
}

function countRecords(inHeader: number | null, dataBytes: number, recordBytes: number, warnings: EdfWarnings): number {
  const whole = Math.floor(dataBytes / recordBytes);
  const rest = dataBytes - whole * recordBytes;
  if (inHeader === null || inHeader < 0) {
    const why =
      inHeader === -1 ? 'the header gives the number of records as -1 (unknown)'
      : inHeader === null ? 'the number-of-records field is not a whole number'
      : 'the number-of-records field is negative';
    warnings.note('records-unknown', 'header', `${why}; counted ${whole} from the file size`);
    if (rest > 0) warnings.note('partial-record', `record ${whole}`, `the last record is cut short (${rest} of ${recordBytes} bytes) and was ignored`);
    return whole;
  }
  if (inHeader > whole) {
    warnings.note('records-short', 'header', `the header announces ${inHeader} records but the file holds ${whole} complete ones`);
    if (rest > 0) warnings.note('partial-record', `record ${whole}`, `the last record is cut short (${rest} of ${recordBytes} bytes) and was ignored`);
    return whole;
  }
  if (inHeader < whole || rest > 0) {
    warnings.note('extra-bytes', 'end of file', `${dataBytes - inHeader * recordBytes} bytes follow the ${inHeader} announced records and were ignored`);
  }
  return inHeader;
}

// ---- start date and time

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] as const;

type Start = { wallClock: string; clockSec: number };

function parseStart(dateText: string, timeText: string, recordingDate: string | null, warnings: EdfWarnings): Start {
  // "dd.mm.yy"; EDF+ allows "yy" literally for years after 2084 (the real year is in the recording field).
  const d = /^(\d{1,2})[.:\-/](\d{1,2})[.:\-/](\d{2}|yy)$/i.exec(dateText);
  const t = /^(\d{1,2})[.:](\d{1,2})[.:](\d{1,2})$/.exec(timeText);
  if (!d) throw new NotEdfError('the start date field is not dd.mm.yy');
  if (!t) throw new NotEdfError('the start time field is not hh.mm.ss');
  const day = Number(d[1]);
  const month = Number(d[2]);
  const yy = d[3] as string;
  // EDF clipping rule: 85–99 → 19xx, 00–84 → 20xx.
  let year = /^\d\d$/.test(yy) ? (Number(yy) >= 85 ? 1900 : 2000) + Number(yy) : null;
  if (recordingDate !== null) {
    // The EDF+ recording field carries a 4-digit year, unambiguous where "yy" is not: prefer it
    // when the two agree. When they contradict each other, the start-date field, which every
    // reader uses, wins.
    const [ry, rm, rd] = recordingDate.split('-').map(Number) as [number, number, number];
    if (year === null || ry % 100 === year % 100) year = ry;
    if (year !== ry || rm !== month || rd !== day) {
      warnings.note('start-date', 'header', 'the start date field and the EDF+ recording field\'s Startdate disagree; using the start date field');
    }
  }
  if (year === null) throw new NotEdfError('the start date has no year ("yy") and no EDF+ Startdate to take it from');
  const hour = Number(t[1]);
  const minute = Number(t[2]);
  const second = Number(t[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) throw new NotEdfError('the start date is not a real calendar date');
  if (hour > 23 || minute > 59 || second > 59) throw new NotEdfError('the start time is not a real time of day');
  const ms = utcMs(year, month, day, hour, minute, second);
  return { wallClock: formatClock(ms / 1000, 0), clockSec: ms / 1000 };
}

function utcMs(y: number, mo: number, d: number, h: number, mi: number, s: number): number {
  // setUTCFullYear, not Date.UTC: Date.UTC maps years 0–99 to 1900–1999.
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, s, 0);
  return date.getTime();
}

function daysInMonth(year: number, month: number): number {
  return new Date(utcMs(year, month + 1, 0, 0, 0, 0)).getUTCDate();
}

/** "dd-MMM-yyyy" → "YYYY-MM-DD", or null. */
function parseEdfPlusDate(text: string): string | null {
  const m = /^(\d{1,2})-([A-Za-z]{3})-(\d{4})$/.exec(text);
  if (!m) return null;
  const month = MONTHS.indexOf(m[2]?.toUpperCase() as (typeof MONTHS)[number]) + 1;
  const day = Number(m[1]);
  const year = Number(m[3]);
  if (month < 1 || year < 1000 || day < 1 || day > daysInMonth(year, month)) return null;
  return `${m[3]}-${pad(month, 2)}-${pad(day, 2)}`;
}

// ---- EDF+ identification subfields

function subfield(s: string | undefined): string | null {
  if (s === undefined || s === 'X' || s === '') return null;
  return s.replace(/_/g, ' ');
}

function parsePatientField(text: string, warnings: EdfWarnings): EdfPlusPatient {
  const parts = text.split(/ +/).filter((p) => p !== '');
  if (parts.length < 4) warnings.note('patient-field', 'header', 'the EDF+ patient field does not have its 4 subfields (code, sex, birthdate, name)');
  const sexText = parts[1];
  const sex = sexText === 'M' || sexText === 'F' ? sexText : null;
  if (sexText !== undefined && sex === null && sexText !== 'X') warnings.note('patient-field', 'header', 'the EDF+ patient sex subfield is not M, F or X');
  const birthText = parts[2];
  const birthdate = birthText === undefined || birthText === 'X' ? null : parseEdfPlusDate(birthText);
  if (birthText !== undefined && birthText !== 'X' && birthdate === null) warnings.note('patient-field', 'header', 'the EDF+ patient birthdate subfield is not dd-MMM-yyyy');
  return { code: subfield(parts[0]), sex, birthdate, name: subfield(parts[3]), additional: parts.slice(4).join(' ') };
}

function parseRecordingField(text: string, warnings: EdfWarnings): EdfPlusRecording | null {
  const parts = text.split(/ +/).filter((p) => p !== '');
  if (parts[0] !== 'Startdate') {
    warnings.note('recording-field', 'header', 'the EDF+ recording field does not start with "Startdate"');
    return null;
  }
  const dateText = parts[1];
  const startdate = dateText === undefined || dateText === 'X' ? null : parseEdfPlusDate(dateText);
  if (dateText !== undefined && dateText !== 'X' && startdate === null) warnings.note('recording-field', 'header', 'the EDF+ Startdate subfield is not dd-MMM-yyyy');
  return { startdate, adminCode: subfield(parts[2]), technician: subfield(parts[3]), equipment: subfield(parts[4]), additional: parts.slice(5).join(' ') };
}

// ---- small field helpers

function parseIntField(s: string): number | null {
  if (!/^[+-]?\d{1,15}$/.test(s)) return null;
  return Number(s);
}

function parseFloatField(s: string): number | null {
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return null;
  const v = Number(s);
  return Number.isFinite(v) ? v : null;
}

/** Header text: spec-ASCII, but real files carry local code pages; trimmed of padding. */
function headerText(b: Uint8Array, start: number, len: number): string {
  return decodeText(b, start, start + len).trim();
}

/** Reused for building short strings from byte values (no typed-array views, no garbage arrays). */
const codes: number[] = [];
const APPLY_CHUNK = 4096;

/** Bytes known to be ASCII (or wanted as Latin-1) → string, without a TextDecoder round trip. */
function ascii(b: Uint8Array, p: number, q: number): string {
  let s = '';
  for (let from = p; from < q; from += APPLY_CHUNK) {
    const to = Math.min(q, from + APPLY_CHUNK);
    codes.length = to - from;
    for (let i = from; i < to; i++) codes[i - from] = b[i] as number;
    s += String.fromCharCode.apply(null, codes);
  }
  return s;
}

/** Windows-1252: 0x80–0x9F from the shared WHATWG table, every other byte its Latin-1 code point. */
function cp1252(b: Uint8Array, p: number, q: number): string {
  let s = '';
  for (let from = p; from < q; from += APPLY_CHUNK) {
    const to = Math.min(q, from + APPLY_CHUNK);
    codes.length = to - from;
    for (let i = from; i < to; i++) {
      const c = b[i] as number;
      codes[i - from] = c >= 0x80 && c <= 0x9f ? (CP1252_80_9F[c - 0x80] as number) : c;
    }
    s += String.fromCharCode.apply(null, codes);
  }
  return s;
}

const utf8 = new TextDecoder('utf-8');
/** Set by decodeText: whether the last text fell back to Windows-1252 (saves a result object per text). */
let lastDecodeFellBack = false;

/** UTF-8 as EDF+ prescribes; Windows-1252 when the bytes are not valid UTF-8 (Cadwell's "µ" = 0xB5). */
function decodeText(b: Uint8Array, p: number, q: number): string {
  lastDecodeFellBack = false;
  let i = p;
  while (i < q && (b[i] as number) < 0x80) i++;
  if (i === q) return ascii(b, p, q);
  // Validate in JS rather than catch a fatal decoder's exception: a thrown error costs
  // microseconds, and a Cadwell file has one such text in every one of its records.
  if (isUtf8(b, i, q)) return utf8.decode(b.subarray(p, q));
  lastDecodeFellBack = true;
  return cp1252(b, p, q);
}

/** Smallest code point for a sequence of 1 + n bytes: anything below is an overlong encoding. */
const MIN_CODE_POINT = [0, 0x80, 0x800, 0x10000] as const;

/** Strict UTF-8 check (no overlongs, no surrogates, nothing above U+10FFFF). */
function isUtf8(b: Uint8Array, p: number, q: number): boolean {
  let i = p;
  while (i < q) {
    const c = b[i] as number;
    if (c < 0x80) {
      i++;
      continue;
    }
    const n = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : 0;
    if (n === 0 || i + n >= q) return false;
    let cp = c & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const d = b[i + k] as number;
      if ((d & 0xc0) !== 0x80) return false;
      cp = (cp << 6) | (d & 0x3f);
    }
    if (cp < (MIN_CODE_POINT[n] as number) || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += n + 1;
  }
  return true;
}

/** Annotation text decoding, exposed for tests and for other parsers of the same vendors' text. */
export function decodeEdfText(b: Uint8Array): Readonly<{ text: string; fallback: boolean }> {
  const text = decodeText(b, 0, b.length);
  return { text, fallback: lastDecodeFellBack };
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

// ---------------------------------------------------------------------------------------------
// TAL scanning (Time-stamped Annotation Lists)

export type EdfAnnotation = Readonly<{
  /** Seconds from the header start (negative allowed). */
  onsetSec: number;
  /** The TAL onset as written, e.g. "+12.5". */
  onsetRaw: string;
  /** null when the TAL has no duration; 0 when it says 0. */
  durationSec: number | null;
  text: string;
  record: number;
  signal: number;
  /** Index of the TAL within the signal's bytes of this record, and of the text within the TAL. */
  tal: number;
  index: number;
}>;

const NUL = 0x00;
const SEP = 0x14;
const DUR = 0x15;
const PLUS = 0x2b;
const MINUS = 0x2d;
const DOT = 0x2e;
/** |onset| above ~300 years is corruption, and would push wall clocks out of the calendar. */
const MAX_ONSET_SEC = 1e10;
const NO_ANNOTATIONS: readonly EdfAnnotation[] = Object.freeze([]);

/** End of "[+-]digits[.digits]" at p (sign required when `signed`), or -1. */
function numberEnd(b: Uint8Array, p: number, end: number, signed: boolean): number {
  let q = p;
  if (signed) {
    const c = b[q];
    if (q >= end || (c !== PLUS && c !== MINUS)) return -1;
    q++;
  }
  // Digits tested in a loop, not by a call per byte: calls cost before the JIT has warmed up.
  const digits = q;
  q = digitsEnd(b, q, end);
  if (q === digits) return -1;
  if (q < end && b[q] === DOT) q = digitsEnd(b, q + 1, end);
  return q;
}

function digitsEnd(b: Uint8Array, p: number, end: number): number {
  let q = p;
  while (q < end) {
    const c = b[q] as number;
    if (c < 0x30 || c > 0x39) break;
    q++;
  }
  return q;
}

/** True when p starts a whole TAL head ("+5\x14" or "+5\x15"): used to spot a missing 0x00. */
function looksLikeTalStart(b: Uint8Array, p: number, end: number): boolean {
  const q = numberEnd(b, p, end, true);
  return q > 0 && q < end && (b[q] === SEP || b[q] === DUR);
}

function skipToNul(b: Uint8Array, p: number, end: number): number {
  const i = b.indexOf(NUL, p);
  return i < 0 || i > end ? end : i;
}

/** Exact powers of ten (up to 1e22 every one is a double without rounding). */
const POW10 = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

/**
 * Number() of "[+-]digits[.digits]" (checked by numberEnd) straight from the bytes, exactly:
 * with at most 15 digits the digits form an integer that is a double without rounding, 10^k is
 * exact too, and one division rounds correctly, as Number() does. Longer texts go to Number().
 */
function decimalValue(b: Uint8Array, p: number, q: number): number {
  let i = p;
  const c0 = b[i];
  const negative = c0 === MINUS;
  if (negative || c0 === PLUS) i++;
  let m = 0;
  let digits = 0;
  let fraction = -1;
  for (; i < q; i++) {
    const c = b[i] as number;
    if (c === DOT) fraction = 0;
    else {
      m = m * 10 + (c - 0x30);
      digits++;
      if (fraction >= 0) fraction++;
    }
  }
  if (digits > 15) return Number(ascii(b, p, q));
  const v = fraction > 0 ? m / (POW10[fraction] as number) : m;
  return negative ? -v : v;
}

/**
 * Receives a pass's annotations as primitives, for writers that stream (inspect --json): no
 * object per record or annotation, where a sweep-per-record file has tens of thousands of each.
 * Repeated texts arrive as the same string, so a writer can encode a text once.
 */
export interface EdfAnnotationSink {
  /** One annotation, in file order; durationSec is null when its TAL gives none. */
  annotation(onsetSec: number, durationSec: number | null, text: string): void;
}

/**
 * Scans the annotation-signal bytes of one record. Mutable and reused across records: the hot
 * loop of a gigabyte file runs here, so it works on offsets into the read buffer (no views) and
 * allocates only for the annotations it finds and for warnings not seen before. With a sink it
 * hands annotations over instead of making objects, and makes no onset strings either.
 */
/** Places in a TAL whose last text is remembered (a fourth text and later share the last slot). */
const TEXT_SLOTS = 4;
type TextSlot = { bytes: Uint8Array; length: number; text: string; fellBack: boolean };

/** A text that is not its slot's last one again (scan compares as it looks for the text's end). */
function decodeInto(slot: TextSlot, b: Uint8Array, t: number, q: number): string {
  const n = q - t;
  const text = decodeText(b, t, q);
  slot.fellBack = lastDecodeFellBack;
  if (n <= slot.bytes.length) {
    slot.bytes.set(b.subarray(t, q));
    slot.length = n;
    slot.text = text;
  } else slot.length = -1;
  return text;
}

class TalScanner {
  record = 0;
  /** Whether this record has its time-keeping TAL; timekeepingRaw is its text ('' with a sink). */
  hasTimekeeping = false;
  timekeepingRaw: string | null = null;
  timekeepingSec = 0;
  annotations: EdfAnnotation[] | null = null;

  /**
   * The last text decoded at each place in a TAL (first text, second, …), by its bytes:
   * consecutive records often repeat one text (a mode's stimulus settings, a sleep stage), and
   * sharing the string saves both decoding and memory. By place, because a device that writes
   * two texts per TAL (settings, then a trial number) would otherwise never repeat the last one.
   */
  readonly #last: TextSlot[] = Array.from({ length: TEXT_SLOTS }, () => ({ bytes: new Uint8Array(256), length: -1, text: '', fellBack: false }));
  #lastOnsetBytes = new Uint8Array(32);
  #lastOnsetLength = -1;
  #lastOnsetRaw = '';
  #lastOnsetSec = 0;

  constructor(
    private readonly warnings: EdfWarnings,
    private readonly sink: EdfAnnotationSink | null = null,
  ) {}

  begin(record: number): void {
    this.record = record;
    this.hasTimekeeping = false;
    this.timekeepingRaw = null;
    this.annotations = null;
  }

  /** Scans b[start, end): the bytes of annotation signal `signal` in the current record. */
  scan(b: Uint8Array, start: number, end: number, signal: number, firstSignal: boolean): void {
    let p = start;
    let tal = 0;
    while (p < end) {
      if (b[p] === NUL) {
        p++;
        continue;
      }
      const onsetEnd = numberEnd(b, p, end, true);
      if (onsetEnd < 0) {
        this.warn('garbage-tal', signal, p - start, 'skipped a TAL that does not start with a +/- onset');
        p = skipToNul(b, p, end);
        tal++;
        continue;
      }
      let q = onsetEnd;
      let durStart = -1;
      let durEnd = -1;
      if (q < end && b[q] === DUR) {
        durStart = q + 1;
        durEnd = numberEnd(b, durStart, end, false);
        // An empty duration field ("+5\x15\x14…") says nothing: read it as no duration.
        if (durEnd < 0 && durStart < end && b[durStart] === SEP) durEnd = durStart;
        if (durEnd < 0) {
          this.warn('garbage-tal', signal, p - start, 'skipped a TAL that has a duration that is not a number');
          p = skipToNul(b, q, end);
          tal++;
          continue;
        }
        q = durEnd;
      }
      if (q >= end) {
        this.warn('unterminated-tal', signal, p - start, 'a TAL runs off the end of the annotation signal and was ignored');
        return;
      }
      if (b[q] !== SEP) {
        this.warn('garbage-tal', signal, p - start, 'skipped a TAL that has an onset not followed by 0x14');
        p = skipToNul(b, q, end);
        tal++;
        continue;
      }
      const onsetRaw = this.#onset(b, p, onsetEnd);
      const onsetSec = this.#lastOnsetSec;
      if (Math.abs(onsetSec) > MAX_ONSET_SEC) {
        this.warn('garbage-tal', signal, p - start, 'skipped a TAL that has an onset beyond any recording length');
        p = skipToNul(b, q, end);
        tal++;
        continue;
      }
      const durationSec = durStart < 0 || durEnd === durStart ? null : Number(ascii(b, durStart, durEnd));
      const timekeeping = firstSignal && tal === 0;
      if (timekeeping) {
        this.hasTimekeeping = true;
        this.timekeepingRaw = onsetRaw;
        this.timekeepingSec = onsetSec;
      }
      q++; // past the 0x14 that closes the onset
      let index = 0;
      while (q < end) {
        const c = b[q];
        if (c === NUL) {
          q++;
          break;
        }
        // A writer that forgets the 0x00 runs the next TAL straight after a closed text.
        if (index > 0 && (c === PLUS || c === MINUS) && looksLikeTalStart(b, q, end)) {
          this.warn('missing-separator', signal, q - start, 'a TAL is not closed by 0x00 before the next one; read them as two');
          break;
        }
        const t = q;
        // The end of the text, and on the way whether it repeats the last text decoded here.
        const slot = this.#last[index < TEXT_SLOTS ? index : TEXT_SLOTS - 1] as TextSlot;
        const last = slot.bytes;
        let same = true;
        while (q < end) {
          const c = b[q];
          if (c === SEP || c === NUL) break;
          if (same && c !== last[q - t]) same = false;
          q++;
        }
        if (q >= end) {
          this.warn('unterminated-tal', signal, p - start, 'an annotation text runs off the end of the annotation signal and was ignored');
          return;
        }
        if (q > t) this.emit(b, t, q, slot, same && q - t === slot.length, onsetRaw, onsetSec, durationSec, signal, tal, index, timekeeping);
        index++;
        if (b[q] === NUL) {
          // Text closed by 0x00 without its 0x14: keep the text, the TAL ends here.
          q++;
          break;
        }
        q++;
      }
      p = q;
      tal++;
    }
  }

  private emit(
    b: Uint8Array,
    t: number,
    q: number,
    slot: TextSlot,
    repeated: boolean,
    onsetRaw: string,
    onsetSec: number,
    durationSec: number | null,
    signal: number,
    tal: number,
    index: number,
    timekeeping: boolean,
  ): void {
    const text = repeated ? slot.text : decodeInto(slot, b, t, q);
    if (slot.fellBack) this.warn('not-utf8', signal, -1, 'annotation text is not UTF-8; read as Windows-1252');
    // EDF+ keeps the time-keeping TAL empty; some devices (Cadwell) write their text there.
    if (timekeeping) this.warn('timekeeping-text', signal, -1, 'the time-keeping TAL carries annotation text; kept as an annotation');
    if (this.sink !== null) {
      this.sink.annotation(onsetSec, durationSec, text);
      return;
    }
    const a: EdfAnnotation = { onsetSec, onsetRaw, durationSec, text, record: this.record, signal, tal, index };
    if (this.annotations) this.annotations.push(a);
    else this.annotations = [a];
  }

  /** Onset text and value; an annotation usually repeats its record's time-keeping onset. */
  #onset(b: Uint8Array, p: number, q: number): string {
    if (this.sink !== null) {
      // Nobody sees the text: parse the bytes, as cheap as comparing them, and make no string.
      this.#lastOnsetSec = decimalValue(b, p, q) || 0; // `|| 0` folds -0 into 0
      return '';
    }
    const n = q - p;
    const last = this.#lastOnsetBytes;
    if (n === this.#lastOnsetLength) {
      let i = 0;
      while (i < n && b[p + i] === last[i]) i++;
      if (i === n) return this.#lastOnsetRaw;
    }
    const raw = ascii(b, p, q);
    this.#lastOnsetSec = Number(raw) || 0; // `|| 0` folds -0 into 0
    this.#lastOnsetRaw = raw;
    if (n <= last.length) {
      // A loop, not set(subarray): a view per record would be garbage.
      for (let i = 0; i < n; i++) last[i] = b[p + i] as number;
      this.#lastOnsetLength = n;
    } else this.#lastOnsetLength = -1;
    return raw;
  }

  /** Builds the "where" text only for a warning kind not seen yet (a repeat is only counted). */
  private warn(code: EdfWarningCode, signal: number, byte: number, message: string): void {
    if (this.warnings.repeat(code)) return;
    this.warnings.note(code, `record ${this.record}, signal ${signal}${byte >= 0 ? `, byte ${byte}` : ''}`, message);
  }
}

// ---------------------------------------------------------------------------------------------
// Records and segments

export type EdfRecord = Readonly<{
  record: number;
  /** Seconds from the header start: the time-keeping TAL, else index × duration. */
  onsetSec: number;
  /** The time-keeping TAL's onset as written; null when the file has none for this record. */
  onsetRaw: string | null;
  annotations: readonly EdfAnnotation[];
}>;

export type EdfSegment = Readonly<{ startSec: number; endSec: number; records: number }>;

/** Segments as columns (SegmentBuilder.finishColumns): no object per segment. */
export type EdfSegmentColumns = Readonly<{ count: number; startSec: Float64Array; endSec: Float64Array; records: Float64Array }>;

export type EdfReaderOptions = Readonly<{
  /** Warnings to leave out because the caller expects them (a vendor profile's known quirk). */
  expectedQuirks?: readonly EdfWarningCode[];
}>;

/** Above this many bytes of data between annotation slices, a separate read beats reading through. */
const READ_THROUGH_BYTES = 8 * 1024;
/** Records read per call when records are small enough to read whole. */
const BATCH_BYTES = 1024 * 1024;
/** Records scanned between yields when each record is its own read. */
const RECORDS_PER_YIELD = 256;

type Slice = Readonly<{ signal: number; offset: number; length: number }>;

/**
 * How to fetch the annotation bytes: 'whole' reads many small records at once; 'span' reads the
 * stretch from the first to the last annotation signal of a record; 'slices' reads each
 * annotation signal separately when data signals lie between them.
 */
type ReadPlan = Readonly<{
  mode: 'whole' | 'span' | 'slices';
  slices: readonly Slice[];
  spanStart: number;
  spanLength: number;
  recordsPerBatch: number;
}>;

function readPlan(h: EdfHeader): ReadPlan {
  const slices: Slice[] = h.annotationSignals.map((i) => {
    const s = h.signals[i] as EdfSignal;
    return { signal: i, offset: s.offsetInRecord, length: s.samplesPerRecord * h.bytesPerSample };
  });
  const spanStart = Math.min(...slices.map((s) => s.offset));
  const spanLength = Math.max(...slices.map((s) => s.offset + s.length)) - spanStart;
  const sliceBytes = slices.reduce((n, s) => n + s.length, 0);
  if (h.recordBytes <= sliceBytes + READ_THROUGH_BYTES) {
    return { mode: 'whole', slices, spanStart, spanLength, recordsPerBatch: Math.max(1, Math.floor(BATCH_BYTES / h.recordBytes)) };
  }
  const mode = spanLength <= sliceBytes + READ_THROUGH_BYTES ? 'span' : 'slices';
  return { mode, slices, spanStart, spanLength, recordsPerBatch: RECORDS_PER_YIELD };
}

export class EdfReader {
  readonly header: EdfHeader;
  readonly #source: ByteSource;
  readonly #headerWarnings: EdfWarnings;
  readonly #expected: readonly EdfWarningCode[];
  #passWarnings: EdfWarnings;

  /** Reads the header; throws NotEdfError if the source is not an EDF-family file. */
  constructor(source: ByteSource, opts: EdfReaderOptions = {}) {
    this.#source = source;
    this.#expected = opts.expectedQuirks ?? [];
    this.#headerWarnings = new EdfWarnings(this.#expected);
    this.#passWarnings = new EdfWarnings(this.#expected);
    this.header = readEdfHeader(source, this.#headerWarnings);
  }

  /** Header warnings plus those of the latest pass over the records. */
  get warnings(): ParseWarning[] {
    return [...this.#headerWarnings.list(), ...this.#passWarnings.list()];
  }

  /** For profiles layered on the reader: counts in the current (or just finished) pass. */
  note(code: EdfWarningCode, where: string, message: string): void {
    this.#passWarnings.note(code, where, message);
  }

  /**
   * Yields every record's onset and annotations, in file order. Reads only annotation-signal
   * bytes. Do not read the same source while iterating (a file source reuses its buffer).
   */
  *records(): Generator<EdfRecord, void, undefined> {
    const next = this.#beginPass();
    const batch: EdfRecord[] = [];
    // Records are scanned in batches by a plain loop and yielded afterwards: the consumer may
    // read the same source between yields, which would overwrite a reused read buffer.
    while (next(batch)) yield* batch;
  }

  /** The same records through a callback: no iterator objects per record (inspectEdf's path). */
  forEachRecord(visit: (record: EdfRecord) => void): void {
    const next = this.#beginPass();
    const batch: EdfRecord[] = [];
    while (next(batch)) for (let i = 0; i < batch.length; i++) visit(batch[i] as EdfRecord);
  }

  /**
   * The same pass with no objects: each annotation goes to `sink` as it is found, then its
   * record's onset to `onRecord`. For writers that stream what they read (inspect --json).
   */
  forEachOnset(sink: EdfAnnotationSink, onRecord: (onsetSec: number) => void): void {
    this.#passWarnings = new EdfWarnings(this.#expected);
    const h = this.header;
    if (h.annotationSignals.length === 0) {
      for (let r = 0; r < h.recordCount; r++) onRecord(round9(r * h.recordDurationSec));
      return;
    }
    const scanner = new TalScanner(this.#passWarnings, sink);
    const state: OnsetState = { prev: null };
    const reached = this.#readRecords(readPlan(h), 0, h.recordCount, scanner, () => onRecord(this.#onsetOf(scanner, state)));
    if (reached < h.recordCount) this.#fileChanged(reached);
  }

  /** Starts a pass over the records: each call of the result refills `batch`; false at the end. */
  #beginPass(): (batch: EdfRecord[]) => boolean {
    this.#passWarnings = new EdfWarnings(this.#expected);
    const h = this.header;
    const plan = h.annotationSignals.length === 0 ? null : readPlan(h);
    const scanner = new TalScanner(this.#passWarnings);
    const state: OnsetState = { prev: null };
    let r = 0;
    let out: EdfRecord[] = [];
    const done = () => void out.push(this.#finish(scanner, state));
    return (batch) => {
      batch.length = 0;
      if (r >= h.recordCount || r < 0) return false;
      if (plan === null) {
        // No annotation signal: record times follow from the duration alone.
        const end = Math.min(h.recordCount, r + RECORDS_PER_YIELD);
        for (; r < end; r++) batch.push({ record: r, onsetSec: round9(r * h.recordDurationSec), onsetRaw: null, annotations: NO_ANNOTATIONS });
        return true;
      }
      out = batch;
      const end = Math.min(h.recordCount, r + plan.recordsPerBatch);
      const reached = this.#readRecords(plan, r, end, scanner, done);
      if (reached < end) {
        this.#fileChanged(reached);
        r = -1;
        return batch.length > 0;
      }
      r = end;
      return true;
    };
  }

  #fileChanged(record: number): void {
    this.#passWarnings.note('file-changed', `record ${record}`, 'the file ended early while being read (was it still being written?); stopped here');
  }

  /**
   * Scans records r0 to r1 (exclusive), calling `done` after each with the scanner holding it;
   * returns the record reached: r1, or the record where the file ended early.
   */
  #readRecords(plan: ReadPlan, r0: number, r1: number, scanner: TalScanner, done: () => void): number {
    const h = this.header;
    const { slices } = plan;
    const source = this.#source;
    if (plan.mode === 'whole') {
      // Small records: one read for many whole records beats a syscall per record.
      for (let c = r0; c < r1; c += plan.recordsPerBatch) {
        const k = Math.min(plan.recordsPerBatch, r1 - c);
        const chunk = source.read(h.headerBytes + c * h.recordBytes, k * h.recordBytes);
        for (let i = 0; i < k; i++) {
          const base = i * h.recordBytes;
          if (chunk.length < base + h.recordBytes) return c + i;
          scanner.begin(c + i);
          for (let j = 0; j < slices.length; j++) {
            const s = slices[j] as Slice;
            scanner.scan(chunk, base + s.offset, base + s.offset + s.length, s.signal, j === 0);
          }
          done();
        }
      }
      return r1;
    }
    if (plan.mode === 'span') {
      // Large records: one positioned read of the annotation signals' bytes, data untouched.
      // Locals, not property loads, in this loop: it runs once per record, cold (one pass).
      const { spanStart, spanLength } = plan;
      const first = h.headerBytes + spanStart;
      const recordBytes = h.recordBytes;
      const s0 = slices[0] as Slice;
      const at0 = s0.offset - spanStart;
      for (let r = r0; r < r1; r++) {
        scanner.begin(r);
        const span = source.read(first + r * recordBytes, spanLength);
        if (span.length < spanLength) return r;
        scanner.scan(span, at0, at0 + s0.length, s0.signal, true);
        for (let j = 1; j < slices.length; j++) {
          const s = slices[j] as Slice;
          const at = s.offset - spanStart;
          scanner.scan(span, at, at + s.length, s.signal, false);
        }
        done();
      }
      return r1;
    }
    // Data signals between the annotation signals: a read per annotation signal.
    for (let r = r0; r < r1; r++) {
      const base = h.headerBytes + r * h.recordBytes;
      scanner.begin(r);
      for (let j = 0; j < slices.length; j++) {
        const s = slices[j] as Slice;
        const bytes = source.read(base + s.offset, s.length);
        if (bytes.length < s.length) return r;
        scanner.scan(bytes, 0, s.length, s.signal, j === 0);
      }
      done();
    }
    return r1;
  }

  /** Every annotation, record by record (time-keeping TALs excluded unless they carry text). */
  *annotations(): Generator<EdfAnnotation, void, undefined> {
    for (const rec of this.records()) yield* rec.annotations;
  }

  /** One DeviceEvent per annotation, for the capture service. */
  *deviceEvents(): Generator<DeviceEvent, void, undefined> {
    for (const a of this.annotations()) {
      yield {
        wallClock: wallClockAt(this.header, a.onsetRaw),
        key: `edf:r${a.record}:s${a.signal}:t${a.tal}:a${a.index}`,
        text: a.text.trim(),
        durationSec: a.durationSec,
        raw: a.onsetRaw,
        extra: { record: a.record, signal: a.signal },
      };
    }
  }

  #finish(scanner: TalScanner, state: OnsetState): EdfRecord {
    const onsetSec = this.#onsetOf(scanner, state);
    return { record: scanner.record, onsetSec, onsetRaw: scanner.timekeepingRaw, annotations: scanner.annotations ?? NO_ANNOTATIONS };
  }

  /** The onset of the record just scanned (warning about a missing or out-of-order one). */
  #onsetOf(scanner: TalScanner, state: OnsetState): number {
    const h = this.header;
    let onsetSec: number;
    const w = this.#passWarnings;
    if (scanner.hasTimekeeping) onsetSec = scanner.timekeepingSec;
    else {
      if (!w.repeat('timekeeping-missing')) w.note('timekeeping-missing', `record ${scanner.record}`, 'the record has no time-keeping TAL; its onset was taken to follow the previous record');
      onsetSec = state.prev === null ? round9(scanner.record * h.recordDurationSec) : round9(state.prev + h.recordDurationSec);
    }
    if (state.prev !== null && onsetSec < state.prev) {
      if (!w.repeat('onset-order')) w.note('onset-order', `record ${scanner.record}`, 'a record starts before the previous one');
    }
    state.prev = onsetSec;
    return onsetSec;
  }
}

type OnsetState = { prev: number | null };

export function openEdf(source: ByteSource, opts: EdfReaderOptions = {}): EdfReader {
  return new EdfReader(source, opts);
}

/**
 * Groups records into contiguous stretches: a new segment starts whenever a record does not
 * begin where the previous one ended (EDF+D gaps). Records of duration 0 (annotation-only files)
 * span no time, so they make no segments.
 */
export class SegmentBuilder {
  // Typed arrays, grown by doubling, turned into objects once at the end: a sweep-per-record file
  // has as many segments as records, and objects made along the way cost garbage collection.
  #starts = new Float64Array(64);
  #ends = new Float64Array(64);
  #counts = new Float64Array(64);
  #n = 0;
  readonly #duration: number;
  readonly #tolerance: number;
  #start = 0;
  #last = 0;
  #count = 0;

  constructor(recordDurationSec: number) {
    this.#duration = recordDurationSec;
    // Writers round onsets and the duration field to a few decimals, so allow a little slack,
    // never more than half a record.
    this.#tolerance = Math.min(recordDurationSec / 2, Math.max(1e-4, recordDurationSec * 1e-3));
  }

  /** Adds the next record; true when it starts a new segment after a gap (not for the first). */
  add(onsetSec: number): boolean {
    if (this.#duration <= 0) return false;
    if (this.#count > 0 && Math.abs(onsetSec - (this.#last + this.#duration)) <= this.#tolerance) {
      this.#last = onsetSec;
      this.#count++;
      return false;
    }
    const gap = this.#count > 0;
    this.#close();
    this.#start = onsetSec;
    this.#last = onsetSec;
    this.#count = 1;
    return gap;
  }

  finish(): readonly EdfSegment[] {
    const c = this.finishColumns();
    const out: EdfSegment[] = [];
    for (let i = 0; i < c.count; i++) out.push({ startSec: c.startSec[i] as number, endSec: c.endSec[i] as number, records: c.records[i] as number });
    return out;
  }

  /** finish() without the objects: the segments as columns, segment i at index i of each. */
  finishColumns(): EdfSegmentColumns {
    this.#close();
    const n = this.#n;
    return { count: n, startSec: this.#starts.subarray(0, n), endSec: this.#ends.subarray(0, n), records: this.#counts.subarray(0, n) };
  }

  #close(): void {
    if (this.#count > 0) {
      const i = this.#n;
      if (i === this.#starts.length) {
        this.#starts = doubled(this.#starts);
        this.#ends = doubled(this.#ends);
        this.#counts = doubled(this.#counts);
      }
      this.#starts[i] = this.#start;
      this.#ends[i] = round9(this.#last + this.#duration);
      this.#counts[i] = this.#count;
      this.#n = i + 1;
    }
    this.#count = 0;
  }
}

function doubled(a: Float64Array): Float64Array<ArrayBuffer> {
  const b = new Float64Array(a.length * 2);
  b.set(a);
  return b;
}

function round9(x: number): number {
  return Math.round(x * 1e9) / 1e9;
}

// ---------------------------------------------------------------------------------------------
// Summary and wall clocks

export type EdfSummary = Readonly<{
  header: EdfHeader;
  recordOnsetsSec: readonly number[];
  recordOnsetsRaw: readonly (string | null)[];
  segments: readonly EdfSegment[];
  annotations: readonly EdfAnnotation[];
  warnings: readonly ParseWarning[];
}>;

/**
 * One pass over the records: `visit` sees each record as it is read (nothing is kept), and what
 * only the whole file can tell, the segments and the warnings, is returned at the end.
 */
export function scanRecords(reader: EdfReader, visit: (record: EdfRecord) => void): Readonly<{ segments: readonly EdfSegment[]; warnings: readonly ParseWarning[] }> {
  const h = reader.header;
  const segments = new SegmentBuilder(h.recordDurationSec);
  let gap = false;
  reader.forEachRecord((rec) => {
    visit(rec);
    gap = segments.add(rec.onsetSec) || gap;
  });
  if (gap && !isDiscontinuous(h.variant)) {
    reader.note('not-contiguous', 'records', `the file is ${h.variant}, continuous by declaration, but its records have gaps; the segments show them`);
  }
  return { segments: segments.finish(), warnings: reader.warnings };
}

/**
 * scanRecords with no objects (inspect --json's path): annotations go to `sink` as they are
 * read; the segments come back in a builder, for finishColumns.
 */
export function scanAnnotations(reader: EdfReader, sink: EdfAnnotationSink): Readonly<{ segments: SegmentBuilder; warnings: readonly ParseWarning[] }> {
  const h = reader.header;
  const segments = new SegmentBuilder(h.recordDurationSec);
  let gap = false;
  reader.forEachOnset(sink, (onsetSec) => {
    if (segments.add(onsetSec)) gap = true;
  });
  if (gap && !isDiscontinuous(h.variant)) {
    reader.note('not-contiguous', 'records', `the file is ${h.variant}, continuous by declaration, but its records have gaps; the segments show them`);
  }
  return { segments, warnings: reader.warnings };
}

/** Reads a whole file's header, record onsets, segments and annotations in one streaming pass. */
export function inspectEdf(source: ByteSource, opts: EdfReaderOptions = {}): EdfSummary {
  return summariseEdf(new EdfReader(source, opts));
}

/** inspectEdf for a reader already open (its header read and checked). */
export function summariseEdf(reader: EdfReader): EdfSummary {
  const onsets: number[] = [];
  const raws: (string | null)[] = [];
  const annotations: EdfAnnotation[] = [];
  const { segments, warnings } = scanRecords(reader, (rec) => {
    onsets.push(rec.onsetSec);
    raws.push(rec.onsetRaw);
    for (let i = 0; i < rec.annotations.length; i++) annotations.push(rec.annotations[i] as EdfAnnotation);
  });
  return { header: reader.header, recordOnsetsSec: onsets, recordOnsetsRaw: raws, segments, annotations, warnings };
}

/**
 * The device wall clock at an onset written as TAL text ("+12.5", "-0.25"): exact decimal
 * arithmetic on the text, so "+0.1" is 100 ms, not 99.999…
 */
export function wallClockAt(header: Pick<EdfHeader, 'startClockSec'>, onsetRaw: string): string {
  const m = /^([+-]?)(\d+)(?:\.(\d*))?$/.exec(onsetRaw);
  if (!m) return wallClockAtSeconds(header, Number(onsetRaw) || 0);
  const frac = (m[3] ?? '').padEnd(7, '0');
  let micros = Number(frac.slice(0, 6)) + (Number(frac[6]) >= 5 ? 1 : 0);
  let whole = Number(m[2]);
  if (micros >= 1e6) {
    whole += 1;
    micros -= 1e6;
  }
  return m[1] === '-' ? clockFrom(header.startClockSec - whole, -micros) : clockFrom(header.startClockSec + whole, micros);
}

/** The wall clock at an onset in seconds (records without time-keeping TALs). */
export function wallClockAtSeconds(header: Pick<EdfHeader, 'startClockSec'>, onsetSec: number): string {
  const whole = Math.trunc(onsetSec);
  return clockFrom(header.startClockSec + whole, Math.round((onsetSec - whole) * 1e6));
}

function clockFrom(sec: number, micros: number): string {
  let s = sec;
  let us = micros;
  if (us < 0) {
    s -= 1;
    us += 1e6;
  }
  if (us >= 1e6) {
    s += 1;
    us -= 1e6;
  }
  return formatClock(s, us);
}

/** The date part of the last day formatted: a file's clocks mostly fall on one or two days. */
let clockDay = Number.NaN;
let clockDayText = '';

function formatClock(sec: number, micros: number): string {
  const day = Math.floor(sec / 86400);
  if (day !== clockDay) {
    const d = new Date(day * 86400_000);
    clockDayText = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`;
    clockDay = day;
  }
  const t = sec - day * 86400;
  const time = `${pad(Math.floor(t / 3600), 2)}:${pad(Math.floor(t / 60) % 60, 2)}:${pad(t % 60, 2)}`;
  const frac = micros === 0 ? '' : micros % 1000 === 0 ? `.${pad(micros / 1000, 3)}` : `.${pad(micros, 6)}`;
  return `${clockDayText}T${time}${frac}`;
}

// ---------------------------------------------------------------------------------------------
// Cadwell profile (vendor-formats.md §1b): one EDF+D per mode, one record per trial.

export type CadwellStimulus = Readonly<{
  /** Which export wrote it: Cascade "Stim: …" or IOMAX "Intensity: …". */
  form: 'cascade' | 'iomax';
  /** Amplitudes as written, one per output ("0/0mA" → [0, 0], "120 / 118 mA" → [120, 118]). */
  amplitudes: readonly number[];
  amplitudeUnit: 'mA' | 'V' | null;
  /** IOMAX's bracketed counterpart, "(300 V)". */
  counterpart: Readonly<{ value: number; unit: 'mA' | 'V' }> | null;
  /** False when every amplitude is 0, the placeholder of exports that drop it (D-wave "0V/0mA"). */
  amplitudeExported: boolean;
  pulseWidthUs: number | null;
  pulses: number | null;
  isiMs: number | null;
  rateHz: number | null;
}>;

const NUM = String.raw`(\d+(?:\.\d+)?)`;
/** "µs" arrives as U+00B5 (1252), U+03BC, "u" or U+FFFD from a lossy conversion. */
const MICRO = '(?:\u00b5|\u03bc|u|\ufffd)';
const RE = {
  stim: /Stim:\s*([^,]*)((?:,[^,]*)*)/i,
  pulseWidth: new RegExp(`^${NUM}\\s*${MICRO}s$`, 'i'),
  isi: new RegExp(`^${NUM}\\s*ms$`, 'i'),
  rate: new RegExp(`^${NUM}\\s*Hz`, 'i'),
  pulses: /^(\d+)$/,
  number: /\d+(?:\.\d+)?/g,
  unit: /mA|V/g,
  intensity: new RegExp(String.raw`Intensity:\s*${NUM}(?:\s*/\s*${NUM})?\s*(mA|V)(?:\s*\(\s*${NUM}\s*(mA|V)\s*\))?`, 'i'),
  pulseCount: /Pulse Count:\s*(\d+)/i,
  repRate: new RegExp(String.raw`Rep Rate \(Hz\):\s*${NUM}`, 'i'),
  iomaxWidth: new RegExp(String.raw`Pulse Width \(${MICRO}s\):\s*${NUM}`, 'i'),
} as const;

/** Consecutive sweeps of a mode share their settings: remember the last text parsed. */
let lastStimText: string | null = null;
let lastStim: CadwellStimulus | null = null;

/** Parses Cadwell stimulus text in either form; null when it is neither. */
export function parseCadwellStimulus(text: string): CadwellStimulus | null {
  if (text === lastStimText) return lastStim;
  const t = text.replaceAll('\u0014', ' ');
  const stim = parseCascadeStim(t) ?? parseIomaxStim(t);
  lastStimText = text;
  lastStim = stim;
  return stim;
}

function parseCascadeStim(t: string): CadwellStimulus | null {
  const m = RE.stim.exec(t);
  if (!m) return null;
  const amp = parseAmplitude(m[1] ?? '');
  let pulseWidthUs: number | null = null;
  let pulses: number | null = null;
  let isiMs: number | null = null;
  let rateHz: number | null = null;
  // The parts after the amplitude are told apart by unit, since pulses and ISI may be missing.
  for (const part of (m[2] ?? '').split(',').map((p) => p.trim()).filter((p) => p !== '')) {
    let u: RegExpExecArray | null;
    if ((u = RE.pulseWidth.exec(part))) pulseWidthUs = Number(u[1]);
    else if ((u = RE.isi.exec(part))) isiMs = Number(u[1]);
    else if ((u = RE.rate.exec(part))) rateHz = Number(u[1]);
    else if ((u = RE.pulses.exec(part))) pulses = Number(u[1]);
  }
  return { form: 'cascade', ...amp, counterpart: null, pulseWidthUs, pulses, isiMs, rateHz };
}

function parseAmplitude(text: string): Pick<CadwellStimulus, 'amplitudes' | 'amplitudeUnit' | 'amplitudeExported'> {
  const amplitudes = [...text.matchAll(RE.number)].map((x) => Number(x[0]));
  const units = new Set([...text.matchAll(RE.unit)].map((x) => x[0]));
  const amplitudeUnit = units.size === 1 ? ([...units][0] as 'mA' | 'V') : null;
  return { amplitudes, amplitudeUnit, amplitudeExported: amplitudes.some((v) => v !== 0) };
}

function parseIomaxStim(t: string): CadwellStimulus | null {
  const intensity = RE.intensity.exec(t);
  const count = RE.pulseCount.exec(t);
  const rate = RE.repRate.exec(t);
  const width = RE.iomaxWidth.exec(t);
  if (!intensity && !count && !rate && !width) return null;
  const amplitudes = intensity ? [intensity[1], intensity[2]].filter((x): x is string => x !== undefined).map(Number) : [];
  const unit = (u: string | undefined): 'mA' | 'V' | null => (u === undefined ? null : u.toLowerCase() === 'ma' ? 'mA' : 'V');
  const counterUnit = unit(intensity?.[5]);
  return {
    form: 'iomax',
    amplitudes,
    amplitudeUnit: unit(intensity?.[3]),
    counterpart: intensity?.[4] !== undefined && counterUnit !== null ? { value: Number(intensity[4]), unit: counterUnit } : null,
    amplitudeExported: amplitudes.some((v) => v !== 0),
    pulseWidthUs: width ? Number(width[1]) : null,
    pulses: count ? Number(count[1]) : null,
    isiMs: null,
    rateHz: rate ? Number(rate[1]) : null,
  };
}

/** "C:\\case\\L MEP.edf" → "L MEP": Cadwell names each file after its mode. */
export function modalityNameFromFileName(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

/** A reader with Cadwell's known quirk (stimulus text in the time-keeping TAL) expected. */
export function openCadwellEdf(source: ByteSource): EdfReader {
  return new EdfReader(source, { expectedQuirks: ['timekeeping-text'] });
}

/**
 * One 'modality_activity' DeviceEvent per record (trial) at header start + record onset. The
 * record's annotation texts are joined with spaces (Cadwell's reader maps 0x14 to a space) and
 * parsed for stimulus settings.
 */
export function* cadwellTrials(reader: EdfReader, fileName: string): Generator<DeviceEvent, void, undefined> {
  const modalityName = modalityNameFromFileName(fileName);
  const channels = channelsOf(reader.header);
  let first = true;
  for (const rec of reader.records()) {
    if (first && !isDiscontinuous(reader.header.variant)) {
      // Noted once the pass has begun: a new pass starts its warnings afresh.
      reader.note('not-edf-plus-d', 'header', `Cadwell mode exports are EDF+D; this file is ${reader.header.variant}`);
    }
    first = false;
    const notes = rec.annotations;
    const text = (notes.length === 1 ? (notes[0] as EdfAnnotation).text : notes.map((a) => a.text).join(' ')).trim();
    const wallClock = rec.onsetRaw === null ? wallClockAtSeconds(reader.header, rec.onsetSec) : wallClockAt(reader.header, rec.onsetRaw);
    yield {
      wallClock,
      key: `edf:r${rec.record}:trial`,
      text,
      kind: 'modality_activity',
      modalityName,
      durationSec: reader.header.recordDurationSec,
      raw: rec.onsetRaw ?? String(rec.onsetSec),
      extra: { record: rec.record, ...setupExtra(parseCadwellStimulus(text), rec.record === 0 ? channels : []) },
    };
  }
}

/**
 * The recorded setup a trial states (shared/domain/recorded-setup.ts): its stimulus settings, and
 * on the first record the mode's channels (the file's data signals; Cadwell's reader drops the
 * empty ones, physical max = min). An amplitude the export left out (D-wave "0V/0mA") is not
 * stated as 0.
 */
function setupExtra(stim: CadwellStimulus | null, channels: readonly RecordingChannel[]): { setup?: RecordedSetup } {
  const stimulation: Stimulation[] = stim
    ? [
        {
          stimulator: null,
          outputs: [],
          intensities: stim.amplitudeExported ? stim.amplitudes : [],
          unit: stim.amplitudeExported ? stim.amplitudeUnit : null,
          pulses: stim.pulses,
          pulseWidthUs: stim.pulseWidthUs,
          isiMs: stim.isiMs,
          rateHz: stim.rateHz,
        },
      ]
    : [];
  return stimulation.length || channels.length ? { setup: { stimulation, channels } } : {};
}

function channelsOf(header: EdfHeader): RecordingChannel[] {
  return header.signals
    .filter((s) => !s.isAnnotation && s.label.trim() !== '' && !(s.physicalMax !== null && s.physicalMax === s.physicalMin))
    .map((s) => ({ name: s.label.trim(), active: null, reference: null, cursors: [] }));
}
