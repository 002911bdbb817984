/**
 * Builds small synthetic EDF/EDF+/BDF/BDF+ files in memory for parser tests, with every field
 * overridable so a test can write exactly the malformation it is about.
 */

export type Bytes = string | Uint8Array;

export type SignalSpec = Readonly<{
  label: string;
  samplesPerRecord: number;
  transducer?: string;
  physicalDimension?: string;
  physicalMin?: string;
  physicalMax?: string;
  digitalMin?: string;
  digitalMax?: string;
  prefiltering?: string;
}>;

export type EdfSpec = Readonly<{
  format?: 'EDF' | 'BDF';
  reserved?: string;
  patient?: string;
  recording?: string;
  startDate?: string;
  startTime?: string;
  /** Header field text; defaults to the number of records written. */
  recordsField?: string;
  recordDuration?: string;
  headerBytesField?: string;
  signals: readonly SignalSpec[];
  recordCount: number;
  /** Bytes of annotation signal `signal` in record `record` (zero-padded to the signal's size). */
  annotations?: (record: number, signal: number) => Bytes;
  /** Cut this many bytes off the end of the file. */
  truncate?: number;
}>;

const enc = new TextEncoder();

/** Strings are UTF-8; pass a Uint8Array for other encodings (Windows-1252 "µ" = 0xB5). */
export function bytes(...parts: readonly Bytes[]): Uint8Array {
  const arrays = parts.map((p) => (typeof p === 'string' ? enc.encode(p) : p));
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of arrays) {
    out.set(a, at);
    at += a.length;
  }
  return out;
}

/** One TAL: "+onset[\x15duration]\x14text\x14…\x00". */
export function tal(onset: string, texts: readonly Bytes[], duration?: string): Uint8Array {
  const head = duration === undefined ? onset : `${onset}\x15${duration}`;
  return bytes(head, '\x14', ...texts.flatMap((t) => [t, '\x14']), '\x00');
}

/** The time-keeping TAL that opens each record's first annotation signal: "+onset\x14\x14\x00". */
export function timekeeping(onset: string): Uint8Array {
  return tal(onset, ['']);
}

function field(text: string, width: number): string {
  if (text.length > width) throw new Error(`"${text}" does not fit in ${width} characters`);
  return text.padEnd(width, ' ');
}

export function writeEdf(spec: EdfSpec): Uint8Array {
  const format = spec.format ?? 'EDF';
  const bps = format === 'BDF' ? 3 : 2;
  const ns = spec.signals.length;
  const headerBytes = 256 * (ns + 1);
  const fixed =
    field(format === 'BDF' ? 'XBIOSEMI' : '0', 8) +
    field(spec.patient ?? 'X X X X', 80) +
    field(spec.recording ?? 'Startdate 10-DEC-2009 X X synthetic', 80) +
    field(spec.startDate ?? '10.12.09', 8) +
    field(spec.startTime ?? '12.44.02', 8) +
    field(spec.headerBytesField ?? String(headerBytes), 8) +
    field(spec.reserved ?? (format === 'BDF' ? 'BDF+C' : 'EDF+C'), 44) +
    field(spec.recordsField ?? String(spec.recordCount), 8) +
    field(spec.recordDuration ?? '1', 8) +
    field(String(ns), 4);
  const col = (f: (s: SignalSpec) => string, width: number) => spec.signals.map((s) => field(f(s), width)).join('');
  const isAnnot = (s: SignalSpec) => s.label.endsWith('Annotations');
  const signalHeader =
    col((s) => s.label, 16) +
    col((s) => s.transducer ?? '', 80) +
    col((s) => s.physicalDimension ?? (isAnnot(s) ? '' : 'uV'), 8) +
    col((s) => s.physicalMin ?? (isAnnot(s) ? '-1' : '-3200'), 8) +
    col((s) => s.physicalMax ?? (isAnnot(s) ? '1' : '3200'), 8) +
    col((s) => s.digitalMin ?? (format === 'BDF' ? '-8388608' : '-32768'), 8) +
    col((s) => s.digitalMax ?? (format === 'BDF' ? '8388607' : '32767'), 8) +
    col((s) => s.prefiltering ?? '', 80) +
    col((s) => String(s.samplesPerRecord), 8) +
    col(() => '', 32);
  const header = Uint8Array.from(fixed + signalHeader, (c) => c.charCodeAt(0));
  if (format === 'BDF') header[0] = 0xff;

  const recordBytes = spec.signals.reduce((n, s) => n + s.samplesPerRecord * bps, 0);
  const out = new Uint8Array(headerBytes + recordBytes * spec.recordCount);
  out.set(header, 0);
  for (let r = 0; r < spec.recordCount; r++) {
    let at = headerBytes + r * recordBytes;
    spec.signals.forEach((s, i) => {
      const len = s.samplesPerRecord * bps;
      if (isAnnot(s)) {
        const content = bytes(spec.annotations?.(r, i) ?? '');
        if (content.length > len) throw new Error(`record ${r} signal ${i}: ${content.length} annotation bytes do not fit in ${len}`);
        out.set(content, at);
      } else {
        // A recognisable sample pattern; 0x14/0x00 bytes here must never be read as TALs.
        for (let k = 0; k < len; k++) out[at + k] = (r * 7 + k) % 256;
      }
      at += len;
    });
  }
  return spec.truncate ? out.subarray(0, out.length - spec.truncate) : out;
}
