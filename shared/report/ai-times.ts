/**
 * Times the AI narrative writes, back to clock times. The model is sent no clock time: every
 * time is whole minutes from a time base (deidentify.ts `timeBaseOf`), and it writes each one as
 * the token it was given ("T+45", "T-3"). Closeout puts the case's clock time in its place, in the
 * case's zone, so the narrative reads like the draft ("09:36") and the fact check sees real times.
 */
import { wallClockFormatter } from '../domain/timeline';

/** "T+45", "T + 45", "T−3" (a typographic minus too); never "T10" (a spinal level has no sign). */
const TOKEN = /(?<![\p{L}\p{N}])T\s?([+\-−])\s?(\d{1,4})(?![\p{N}])/gu;

/**
 * `text` with each time token replaced by its clock time. While an answer is still streaming
 * (`partial`), a token at the very end may still grow ("T+4" → "T+45"): it is left as it is.
 */
export function restoreTimes(text: string, base: number, timeZone: string, partial = false): string {
  const clock = wallClockFormatter(timeZone);
  return text.replace(TOKEN, (whole, sign: string, digits: string, offset: number) => {
    if (partial && offset + whole.length === text.length) return whole;
    const minutes = Number(digits) * (sign === '+' ? 1 : -1);
    return clock(base + minutes * 60_000);
  });
}

/** The token for a minute, as the prompt shows it. */
export function timeToken(minute: number): string {
  return minute < 0 ? `T-${-minute}` : `T+${minute}`;
}
