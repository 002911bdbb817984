import { formatIsoDate, formatWallClock, MICROS_PER_DAY, type WallPoint } from './wall-clock';

/**
 * Cadwell writes times as integers since 1970 (µs in practice). They are read with exact integer
 * arithmetic on the digits as written: a double would survive 1.6e15 but not a value in ns or a
 * decimal fraction of seconds, and the raw digits are kept beside the result anyway.
 */
export type EpochUnit = 'us' | 'ms' | 's';

export type EpochReading = Readonly<{
  unit: EpochUnit;
  /** Microseconds since 1970-01-01T00:00:00 on the device's clock. */
  micros: bigint;
  point: WallPoint;
}>;

const BIG_DAY = BigInt(MICROS_PER_DAY);
const DECIMAL = /^(-)?(\d+)(?:\.(\d*))?(?:[eE]([+-]?\d{1,4}))?$/;
// Bounds that keep BigInt work trivial on corrupt input ("1e9999" must not build a huge power).
const MAX_DIGITS = 40;
const MAX_EXPONENT = 40;

type Decimal = Readonly<{ mantissa: bigint; exponent: number }>;

function parseDecimal(raw: string): Decimal | null {
  const m = DECIMAL.exec(raw.trim());
  if (!m) return null;
  const intPart = m[2] ?? '';
  const fracPart = m[3] ?? '';
  const digits = (intPart + fracPart).replace(/^0+(?=\d)/, '');
  if (digits.length > MAX_DIGITS) return null;
  const exponent = Number(m[4] ?? '0') - fracPart.length;
  if (Math.abs(exponent) > MAX_EXPONENT) return null;
  const mantissa = BigInt(digits);
  return { mantissa: m[1] === '-' ? -mantissa : mantissa, exponent };
}

function scale(value: Decimal, extraExponent: number): bigint {
  const e = value.exponent + extraExponent;
  if (e >= 0) return value.mantissa * 10n ** BigInt(e);
  return floorDiv(value.mantissa, 10n ** BigInt(-e));
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/**
 * IONMV's rule (vendor-formats.md §1a): above 1e14 the value is µs, above 1e11 ms, otherwise s.
 * Returns null for text that is not a number or for a time outside years 1–9999.
 */
export function readEpochTimestamp(raw: string, unit?: EpochUnit): EpochReading | null {
  const value = parseDecimal(raw);
  if (!value) return null;
  const chosen = unit ?? guessEpochUnit(value);
  const micros = scale(value, chosen === 'us' ? 0 : chosen === 'ms' ? 3 : 6);
  const point = pointFromMicros(micros);
  if (!point) return null;
  return { unit: chosen, micros, point };
}

function guessEpochUnit(value: Decimal): EpochUnit {
  const magnitude = value.mantissa < 0n ? -value.mantissa : value.mantissa;
  // Compare magnitude × 10^exponent with 10^k without leaving integers.
  const above = (k: number): boolean =>
    value.exponent >= 0 ? magnitude * 10n ** BigInt(value.exponent) > 10n ** BigInt(k) : magnitude > 10n ** BigInt(k - value.exponent);
  if (above(14)) return 'us';
  if (above(11)) return 'ms';
  return 's';
}

// Years 1..9999: what a four-digit wall clock can show.
const MIN_MICROS = -62_135_596_800_000_000n;
const MAX_MICROS = 253_402_300_799_999_999n;

export function pointFromMicros(micros: bigint): WallPoint | null {
  if (micros < MIN_MICROS || micros > MAX_MICROS) return null;
  const days = floorDiv(micros, BIG_DAY);
  return { days: Number(days), micros: Number(micros - days * BIG_DAY) };
}

/** The µs reading as our wall-clock text, always with six fraction digits (Cadwell's resolution). */
export function epochWallClock(reading: EpochReading): string {
  return formatWallClock(reading.point, 6);
}

export function epochIsoDate(reading: EpochReading): string {
  return formatIsoDate(reading.point.days);
}
