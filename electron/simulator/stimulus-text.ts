/**
 * Stimulus settings as Cadwell writes them into each EDF record's annotation (vendor-formats.md
 * §1b): the Cascade Elite form "Stim: 120mA, 50µs, 5, 2ms, 2Hz", or the IOMAX form
 * "Intensity: 120 / 118 mA (300 V)" with pulse count, rep rate and pulse width beside it.
 */
import { assertNever } from '../../shared/util/assert-never';

export type Stimulus = Readonly<{
  /** Set intensity (mA). */
  intensityMa: number;
  /** What the stimulator measured it delivered (mA): IOMAX's second number. */
  sensedMa: number;
  /** Compliance voltage reached (V): IOMAX's bracketed counterpart. */
  volts: number;
  pulseWidthUs: number;
  pulses: number;
  /** Inter-stimulus interval within a train (ms); 0 for single pulses. */
  isiMs: number;
  rateHz: number;
}>;

export type StimulusTextForm = 'cascade' | 'iomax';

export const STIMULUS_TEXT_FORMS: readonly StimulusTextForm[] = ['cascade', 'iomax'];

/** Short decimal text, never exponent notation (these end up in fixed-width binary records). */
export function decimalText(n: number): string {
  if (Number.isInteger(n)) return String(n);
  return n.toFixed(2).replace(/0+$/, '').replace(/\.$/, '');
}

/**
 * The annotation texts of one trial: one for Cascade, several for IOMAX (each its own text in the
 * TAL; Cadwell's reader joins a record's texts with spaces).
 */
export function stimulusTexts(s: Stimulus, form: StimulusTextForm): readonly string[] {
  const n = decimalText;
  switch (form) {
    case 'cascade':
      return [`Stim: ${n(s.intensityMa)}mA, ${n(s.pulseWidthUs)}\u00b5s, ${s.pulses}, ${n(s.isiMs)}ms, ${n(s.rateHz)}Hz`];
    case 'iomax':
      return [
        `Intensity: ${n(s.intensityMa)} / ${n(s.sensedMa)} mA (${n(s.volts)} V)`,
        `Pulse Count: ${s.pulses}`,
        `Rep Rate (Hz): ${n(s.rateHz)}`,
        `Pulse Width (us): ${n(s.pulseWidthUs)}`,
      ];
    default:
      return assertNever(form, 'stimulus text form');
  }
}
