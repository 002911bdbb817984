/**
 * A streaming EDF+D writer (EDF+ spec, Kemp & Olivan 2003), shaped like Cadwell's per-mode export
 * (vendor-formats.md §1b): one data record per trial, a record's time given by its time-keeping
 * TAL, the stimulus text in a second TAL.
 *
 * Streaming and tail-safe:
 * - the header is written first with "number of records" = -1 (allowed by the spec while
 *   recording, and seen in the wild when a recording was never closed); finish() rewrites it;
 * - each record goes to disk in ONE positioned write, so a reader that sizes the file while we
 *   write sees whole records plus at most a short tail it must ignore, never a record that looks
 *   complete but is not;
 * - nothing but the header geometry is kept in memory.
 */
import fs from 'node:fs';
import { encodeDeviceText, type DeviceTextEncoding } from './text-encoding';
import { pad, wallParts } from './clock';
import { decimalText } from './stimulus-text';

export type EdfSignalSpec = Readonly<{
  label: string;
  transducer: string;
  physicalDimension: string;
  physicalMin: number;
  physicalMax: number;
  digitalMin: number;
  digitalMax: number;
  prefiltering: string;
  samplesPerRecord: number;
}>;

export type EdfPlusDOptions = Readonly<{
  path: string;
  /** The 80-character local patient field (see edfPlusPatientField). */
  patient: string;
  /** The 80-character local recording field (see edfPlusRecordingField). */
  recording: string;
  /** Header start: a naive wall clock (ms) on a whole second. */
  startWallMs: number;
  recordDurationSec: number;
  /** The data signals; the "EDF Annotations" signal is added after them. */
  signals: readonly EdfSignalSpec[];
  /** Samples (2 bytes each) of the annotation signal per record: room for both TALs. */
  annotationSamples: number;
  /** EDF+ prescribes UTF-8; Cadwell wrote its code page ("µ" = 0xB5). */
  textEncoding?: DeviceTextEncoding;
}>;

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] as const;
const RECORDS_FIELD_OFFSET = 236;
const RECORDS_FIELD_WIDTH = 8;

/** "dd-MMM-yyyy" as EDF+ writes dates in its identification fields. */
export function edfPlusDate(year: number, month: number, day: number): string {
  return `${pad(day)}-${MONTHS[month - 1] ?? 'JAN'}-${pad(year, 4)}`;
}

/** EDF+ subfields: spaces inside a subfield become "_", an unknown subfield is "X". */
function subfield(text: string | null): string {
  const t = (text ?? '').trim().replace(/\s+/g, '_');
  return t === '' ? 'X' : t;
}

/** "DEMO-0001 F 12-APR-1961 Testpatient_Ada": code, sex, birthdate, name (EDF+ §2.1.3.1). */
export function edfPlusPatientField(p: Readonly<{ code: string; sex: 'F' | 'M' | null; birthdate: string | null; lastName: string; firstName: string }>): string {
  const birth = p.birthdate === null ? 'X' : isoToEdfPlusDate(p.birthdate);
  return [subfield(p.code), p.sex ?? 'X', birth, subfield(`${p.lastName}_${p.firstName}`)].join(' ');
}

/** "Startdate 26-NOV-2026 X X Closeout_Simulator" (EDF+ §2.1.3.2): admin code and technician unknown. */
export function edfPlusRecordingField(startWallMs: number, equipment: string): string {
  const p = wallParts(startWallMs);
  return `Startdate ${edfPlusDate(p.year, p.month, p.day)} X X ${subfield(equipment)}`;
}

function isoToEdfPlusDate(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) throw new RangeError(`not a YYYY-MM-DD date: ${iso}`);
  return edfPlusDate(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** A fixed-width header field: printable ASCII only (the spec's rule), space padded. */
function field(text: string, width: number): string {
  const ascii = text.replace(/[^\x20-\x7e]/g, '?');
  if (ascii.length > width) throw new RangeError(`EDF header field "${ascii}" is longer than ${width} characters`);
  return ascii.padEnd(width, ' ');
}

/** The TAL onset text of a whole-ms offset: "+12.345" (exact: no float formatting). */
export function talOnset(onsetMs: number): string {
  const sign = onsetMs < 0 ? '-' : '+';
  const abs = Math.abs(Math.round(onsetMs));
  return `${sign}${Math.floor(abs / 1000)}.${pad(abs % 1000, 3)}`;
}

export class EdfPlusDWriter {
  readonly path: string;
  readonly headerBytes: number;
  readonly recordBytes: number;
  readonly #signals: readonly EdfSignalSpec[];
  readonly #annotationBytes: number;
  readonly #encoding: DeviceTextEncoding;
  /** One buffer reused for every record (records are written synchronously). */
  readonly #record: Buffer;
  #fd: number | null;
  #records = 0;

  private constructor(o: EdfPlusDOptions, fd: number) {
    this.path = o.path;
    this.#fd = fd;
    this.#signals = o.signals;
    this.#annotationBytes = o.annotationSamples * 2;
    this.#encoding = o.textEncoding ?? 'utf-8';
    this.headerBytes = 256 * (o.signals.length + 2);
    this.recordBytes = o.signals.reduce((n, s) => n + s.samplesPerRecord * 2, 0) + this.#annotationBytes;
    this.#record = Buffer.alloc(this.recordBytes);
  }

  /** Creates (truncates) the file and writes the header with records = -1. */
  static create(o: EdfPlusDOptions): EdfPlusDWriter {
    if (o.startWallMs % 1000 !== 0) throw new RangeError('the EDF start must be on a whole second');
    if (o.annotationSamples < 8) throw new RangeError('the annotation signal needs room for its TALs');
    const header = buildHeader(o);
    const fd = fs.openSync(o.path, 'w');
    try {
      writeFully(fd, header, 0);
    } catch (e) {
      fs.closeSync(fd);
      throw e;
    }
    return new EdfPlusDWriter(o, fd);
  }

  get records(): number {
    return this.#records;
  }

  /**
   * Appends one record: the data signals' samples (one Int16Array per signal, exactly
   * samplesPerRecord long) and the annotation texts of this record at `onsetMs` after the start.
   */
  append(onsetMs: number, data: readonly Int16Array[], texts: readonly string[]): void {
    if (this.#fd === null) throw new Error(`EDF writer for ${this.path} is finished`);
    if (data.length !== this.#signals.length) throw new RangeError(`expected ${this.#signals.length} signals, got ${data.length}`);
    const rec = this.#record;
    let at = 0;
    data.forEach((samples, i) => {
      const n = (this.#signals[i] as EdfSignalSpec).samplesPerRecord;
      if (samples.length !== n) throw new RangeError(`signal ${i}: expected ${n} samples, got ${samples.length}`);
      for (let k = 0; k < n; k++) rec.writeInt16LE(samples[k] as number, at + 2 * k);
      at += 2 * n;
    });
    const tals = this.#tals(onsetMs, texts);
    rec.fill(0, at, at + this.#annotationBytes);
    rec.set(tals, at);
    writeFully(this.#fd, rec, this.headerBytes + this.#records * this.recordBytes);
    this.#records += 1;
  }

  /** Rewrites "number of records" to the real count and closes the file. Safe to call twice. */
  finish(): void {
    if (this.#fd === null) return;
    const fd = this.#fd;
    this.#fd = null;
    try {
      writeFully(fd, Buffer.from(field(String(this.#records), RECORDS_FIELD_WIDTH), 'latin1'), RECORDS_FIELD_OFFSET);
    } finally {
      fs.closeSync(fd);
    }
  }

  /** "+onset\x14\x14\x00" (time-keeping), then "+onset\x14text\x14…\x00" when there is text. */
  #tals(onsetMs: number, texts: readonly string[]): Uint8Array {
    const onset = talOnset(onsetMs);
    const parts: Uint8Array[] = [Buffer.from(`${onset}\x14\x14\x00`, 'latin1')];
    if (texts.length > 0) {
      parts.push(Buffer.from(`${onset}\x14`, 'latin1'));
      for (const t of texts) {
        // 0x00 and 0x14 structure the TAL; 0x15 marks a duration. None may appear in a text.
        const clean = t.replaceAll('\x00', ' ').replaceAll('\x14', ' ').replaceAll('\x15', ' ');
        parts.push(encodeDeviceText(clean, this.#encoding), Buffer.from([0x14]));
      }
      parts.push(Buffer.from([0x00]));
    }
    const out = Buffer.concat(parts);
    // A text that does not fit would be cut mid-TAL: a writer bug, not something to hide.
    if (out.length > this.#annotationBytes) throw new RangeError(`annotations need ${out.length} bytes; the signal holds ${this.#annotationBytes}`);
    return out;
  }
}

function buildHeader(o: EdfPlusDOptions): Buffer {
  const p = wallParts(o.startWallMs);
  const annotation: EdfSignalSpec = {
    label: 'EDF Annotations',
    transducer: '',
    physicalDimension: '',
    physicalMin: -1,
    physicalMax: 1,
    digitalMin: -32768,
    digitalMax: 32767,
    prefiltering: '',
    samplesPerRecord: o.annotationSamples,
  };
  const signals = [...o.signals, annotation];
  const ns = signals.length;
  const fixed =
    field('0', 8) +
    field(o.patient, 80) +
    field(o.recording, 80) +
    field(`${pad(p.day)}.${pad(p.month)}.${pad(p.year % 100)}`, 8) +
    field(`${pad(p.hour)}.${pad(p.minute)}.${pad(p.second)}`, 8) +
    field(String(256 * (ns + 1)), 8) +
    field('EDF+D', 44) +
    field('-1', RECORDS_FIELD_WIDTH) +
    field(decimalText(o.recordDurationSec), 8) +
    field(String(ns), 4);
  // Signal fields are stored column by column: all labels, then all transducers, and so on.
  const column = (width: number, get: (s: EdfSignalSpec) => string): string => signals.map((s) => field(get(s), width)).join('');
  const perSignal =
    column(16, (s) => s.label) +
    column(80, (s) => s.transducer) +
    column(8, (s) => s.physicalDimension) +
    column(8, (s) => decimalText(s.physicalMin)) +
    column(8, (s) => decimalText(s.physicalMax)) +
    column(8, (s) => String(s.digitalMin)) +
    column(8, (s) => String(s.digitalMax)) +
    column(80, (s) => s.prefiltering) +
    column(8, (s) => String(s.samplesPerRecord)) +
    column(32, () => '');
  return Buffer.from(fixed + perSignal, 'latin1');
}

/** One positioned write; a short write (disk full) is an error, never a silently cut record. */
function writeFully(fd: number, bytes: Uint8Array, position: number): void {
  const n = fs.writeSync(fd, bytes, 0, bytes.length, position);
  if (n !== bytes.length) throw new Error(`short write: ${n} of ${bytes.length} bytes`);
}
