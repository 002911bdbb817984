/**
 * Synthetic traces: plausible shapes (SSEP peaks at their usual latencies, polyphasic MEPs, CMAPs,
 * free-run noise with bursts), nothing more. Each trace is a pure function of (seed, mode, trial,
 * channel, gain), so the EDF writer draws it when the trial happens and the Cadwell JSON export
 * draws the same numbers again at case end instead of keeping hours of waveforms in memory.
 */
import type { ModeSpec } from './modes';
import { assertNever } from '../../shared/util/assert-never';
import { gaussian, rngFor, type Rng } from './random';

export const DIGITAL_MIN = -32768;
export const DIGITAL_MAX = 32767;

/** One component: a Gaussian bump of `amp` µV at `mu` seconds with width `sigma`. */
type Peak = Readonly<{ mu: number; sigma: number; amp: number }>;

const peak = (muMs: number, sigmaMs: number, amp: number): Peak => ({ mu: muMs / 1000, sigma: sigmaMs / 1000, amp });

/** Digital samples (16-bit counts over ±mode.rangeUv) of one channel of one trial. */
export function traceSamples(seed: number, mode: ModeSpec, trialNumber: number, channel: number, gain: number): Int16Array {
  const rng = rngFor(seed, 'trace', mode.key, trialNumber, channel);
  const { peaks, noiseUv, bursts } = shape(mode, channel, gain, rng);
  const out = new Int16Array(mode.samples);
  const dt = mode.sweepSec / mode.samples;
  const scale = DIGITAL_MAX / mode.rangeUv;
  for (let i = 0; i < out.length; i++) {
    const t = i * dt;
    let uv = gaussian(rng) * noiseUv;
    for (const p of peaks) {
      const z = (t - p.mu) / p.sigma;
      if (z > -6 && z < 6) uv += p.amp * Math.exp(-0.5 * z * z);
    }
    if (bursts > 0 && rng() < bursts) uv += (rng() - 0.5) * 160;
    out[i] = Math.max(DIGITAL_MIN, Math.min(DIGITAL_MAX, Math.round(uv * scale)));
  }
  return out;
}

/** Volts per count, Cadwell's TraceDataScalar (volts = data × scalar). */
export function traceScalar(mode: ModeSpec): number {
  return (mode.rangeUv * 1e-6) / DIGITAL_MAX;
}

/** A peak marker as Cadwell exports it (Traces[].Cursors[]): label, position (s), voltage (V). */
export type TraceCursor = Readonly<{ label: string; positionSec: number; volts: number }>;

/** Which peaks the technologist marks per channel: label, nominal latency (ms), polarity. */
function cursorPlan(mode: ModeSpec, channel: number): ReadonlyArray<readonly [string, number, 1 | -1]> {
  switch (mode.type) {
    case 'SSEP':
      if (mode.key === 'upperSsep') return channel < 2 ? [['N20', 20, -1], ['P25', 25, 1]] : [['N13', 13, -1]];
      return channel < 2 ? [['P37', 37, 1], ['N45', 45, -1]] : [['N8', 8, -1]];
    case 'MEP': {
      const latency = [21, 26, 30, 40][channel] ?? 30;
      return [['P', latency, 1], ['N', latency + 3, -1]];
    }
    case 'EMG':
    case 'TEMG':
    case 'TOF':
      return [];
    default:
      return assertNever(mode.type, 'mode type');
  }
}

/**
 * The cursors a device's peak picker would place on this trace: the extreme sample of the right
 * polarity within ±4 ms of each peak's usual latency, and the trace's voltage there. Derived from
 * the samples themselves, so the export's cursors and waveforms agree.
 */
export function traceCursors(mode: ModeSpec, channel: number, samples: Int16Array): TraceCursor[] {
  const dt = mode.sweepSec / samples.length;
  const scalar = traceScalar(mode);
  return cursorPlan(mode, channel).map(([label, ms, sign]) => {
    const from = Math.max(0, Math.floor((ms - 4) / 1000 / dt));
    const to = Math.min(samples.length - 1, Math.ceil((ms + 4) / 1000 / dt));
    let best = from;
    for (let i = from; i <= to; i++) if (sign * (samples[i] as number) > sign * (samples[best] as number)) best = i;
    return { label, positionSec: best * dt, volts: (samples[best] as number) * scalar };
  });
}

type Shape = Readonly<{ peaks: readonly Peak[]; noiseUv: number; bursts: number }>;

function shape(mode: ModeSpec, channel: number, gain: number, rng: Rng): Shape {
  const jitter = (): number => 1 + (rng() - 0.5) * 0.04;
  switch (mode.type) {
    case 'SSEP': {
      const upper = mode.key === 'upperSsep';
      const cortical = channel < 2;
      if (upper) {
        // N20/P25 at the cortex, N13 at the neck.
        return cortical
          ? { peaks: [peak(20 * jitter(), 1.2, -2.2 * gain), peak(25 * jitter(), 1.8, 1.8 * gain)], noiseUv: 0.15, bursts: 0 }
          : { peaks: [peak(13 * jitter(), 1, -1.6 * gain)], noiseUv: 0.15, bursts: 0 };
      }
      // P37/N45 at the cortex, the popliteal potential at ~8 ms.
      return cortical
        ? { peaks: [peak(37 * jitter(), 2.5, 1.6 * gain), peak(45 * jitter(), 3, -1.3 * gain)], noiseUv: 0.15, bursts: 0 }
        : { peaks: [peak(8 * jitter(), 1, -3 * gain)], noiseUv: 0.2, bursts: 0 };
    }
    case 'MEP': {
      // APB, Quad, TA, AH: longer latency further down the limb.
      const latency = [21, 26, 30, 40][channel] ?? 30;
      const amplitude = [800, 300, 500, 400][channel] ?? 300;
      const a = amplitude * gain;
      const l = latency * jitter();
      return { peaks: [peak(l, 1.5, a), peak(l + 3, 1.5, -0.9 * a), peak(l + 6.5, 2, 0.5 * a), peak(l + 10, 2.5, -0.25 * a)], noiseUv: 5, bursts: 0 };
    }
    case 'EMG':
      // Quiet baseline; gain is the amount of spontaneous (neurotonic) activity.
      return { peaks: [], noiseUv: 3, bursts: gain * 0.08 };
    case 'TEMG': {
      const a = 250 * gain;
      return { peaks: gain > 0 ? [peak(11 * jitter(), 1.2, a), peak(14 * jitter(), 1.5, -0.7 * a)] : [], noiseUv: 3, bursts: 0 };
    }
    case 'TOF': {
      const a = 5000 * gain;
      return { peaks: [peak(5 * jitter(), 0.8, a), peak(7.5 * jitter(), 1.1, -0.6 * a)], noiseUv: 10, bursts: 0 };
    }
    default:
      return assertNever(mode.type, 'mode type');
  }
}
