/** The EDF/EDF+/BDF header: fixed fields, signals, EDF+ identification, start date and time. */
import { CP1252_80_9F } from '../text-decoding';
import { assertNever } from '../../util/assert-never';
import type { ByteSource } from '../byte-source';
import { EdfWarnings, NotEdfError } from './warnings';
import { formatClock, pad } from './clock';

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
export function ascii(b: Uint8Array, p: number, q: number): string {
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
export let lastDecodeFellBack = false;

/** UTF-8 as EDF+ prescribes; Windows-1252 when the bytes are not valid UTF-8 (Cadwell's "µ" = 0xB5). */
export function decodeText(b: Uint8Array, p: number, q: number): string {
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

