/**
 * Seeded randomness for the simulator. The scenario and every waveform must come out the same for
 * the same seed (tests compare files byte for byte), so nothing here touches Math.random.
 */
import { mulberry32, type Rng } from '../../shared/util/seeded-random';

export { mulberry32, type Rng };

/**
 * FNV-1a over the parts' text: one independent stream per (seed, mode, trial, channel…), so a
 * waveform can be regenerated at export time without replaying every draw that came before it.
 */
export function hashSeed(...parts: readonly (string | number)[]): number {
  let h = 0x811c9dc5;
  const text = parts.join('\u001f');
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function rngFor(...parts: readonly (string | number)[]): Rng {
  return mulberry32(hashSeed(...parts));
}

/** Uniform in [lo, hi). */
export function between(rng: Rng, lo: number, hi: number): number {
  return lo + (hi - lo) * rng();
}

/** Whole number in [lo, hi]. */
export function intBetween(rng: Rng, lo: number, hi: number): number {
  return lo + Math.floor(rng() * (hi - lo + 1));
}

/** Standard normal (Box–Muller; the second value is dropped for simplicity). */
export function gaussian(rng: Rng): number {
  const u = Math.max(rng(), 1e-12);
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
