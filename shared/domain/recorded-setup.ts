/**
 * How a modality was stimulated and recorded, and the peaks the device marked, as a device export
 * states them: Cadwell's trial Stimuli, Traces[].Channel and Traces[].Cursors (vendor-formats.md
 * §1a), a Cadwell EDF+D's stimulus text and signal labels (§1b). Parsers put it on an event's
 * payload (`payload.setup`); the report reads it back through `setupOf` (stored-setup.ts), which
 * trusts nothing it reads from the store. Pure, and free of imports: parsers load it in processes
 * that must stay small.
 *
 * Closeout measures nothing itself: a latency is where the device's cursor sits, an amplitude the
 * difference between two cursors' voltages. A channel without cursors has no values, only a name.
 */
export type CursorMark = Readonly<{
  /** The device's peak label: "N20", "P37", "P". */
  label: string;
  /** Where the cursor sits on the sweep, in ms from the stimulus. */
  latencyMs: number;
  /** The trace's value at the cursor, in µV; null when the export left it out. */
  microvolts: number | null;
}>;

export type RecordingChannel = Readonly<{
  /** The channel's name as configured ("L PTN Cortical"). */
  name: string;
  /** Electrode sites ("Cz'", "Fz"), when the export names them. */
  active: string | null;
  reference: string | null;
  cursors: readonly CursorMark[];
}>;

export type StimulusOutput = Readonly<{ label: string; usage: string | null }>;

export type Stimulation = Readonly<{
  /** "Electrical Stimulator at Limb Module 2", "TCS-9 Stimulator at Cortical Module". */
  stimulator: string | null;
  /** Electrode outputs and their role ("C4", anode). */
  outputs: readonly StimulusOutput[];
  /** One per output as written ("120 / 118 mA"); empty when the export left the amplitude out. */
  intensities: readonly number[];
  unit: 'mA' | 'V' | null;
  pulses: number | null;
  pulseWidthUs: number | null;
  /** Between the pulses of a train (TcMEP). */
  isiMs: number | null;
  rateHz: number | null;
}>;

export type RecordedSetup = Readonly<{ stimulation: readonly Stimulation[]; channels: readonly RecordingChannel[] }>;

/** True when the setup says something a report can state. */
export function hasContent(s: RecordedSetup | null): s is RecordedSetup {
  return s !== null && (s.stimulation.length > 0 || s.channels.length > 0);
}

/** Peaks and the peak-to-peak amplitude between two cursors, the way a reader quotes them. */
export type ChannelValues = Readonly<{
  channel: RecordingChannel;
  peaks: readonly CursorMark[];
  /** Between the cursors of highest and lowest voltage, named in latency order ("P37–N45"). */
  amplitude: Readonly<{ from: string; to: string; microvolts: number }> | null;
}>;

/** The channels of a setup that carry cursors, with their values; none when nobody marked a peak. */
export function channelValues(s: RecordedSetup | null): readonly ChannelValues[] {
  if (!s) return [];
  const out: ChannelValues[] = [];
  for (const channel of s.channels) {
    if (channel.cursors.length === 0) continue;
    const peaks = [...channel.cursors].sort((a, b) => a.latencyMs - b.latencyMs);
    const withVolts = peaks.filter((p) => p.microvolts !== null);
    let amplitude: ChannelValues['amplitude'] = null;
    if (withVolts.length >= 2) {
      const hi = withVolts.reduce((a, b) => ((b.microvolts as number) > (a.microvolts as number) ? b : a));
      const lo = withVolts.reduce((a, b) => ((b.microvolts as number) < (a.microvolts as number) ? b : a));
      if (hi !== lo) {
        const [first, second] = hi.latencyMs <= lo.latencyMs ? [hi, lo] : [lo, hi];
        amplitude = { from: first.label, to: second.label, microvolts: roundAmplitude(Math.abs((hi.microvolts as number) - (lo.microvolts as number))) };
      }
    }
    out.push({ channel, peaks, amplitude });
  }
  return out;
}

/** Latency to 0.1 ms: the resolution a 640-sample sweep of 50–100 ms gives. */
export function roundLatency(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/** µV to three significant figures at most: 2.93 (SSEP), 41.7, 812 (MEP). */
export function roundAmplitude(uv: number): number {
  const a = Math.abs(uv);
  const places = a < 10 ? 2 : a < 100 ? 1 : 0;
  const f = 10 ** places;
  return Math.round(uv * f) / f;
}

const num = (n: number) => String(n);

/** "Cz'–Fz", or the channel's name alone when the sites are not exported. */
export function montage(c: RecordingChannel): string | null {
  if (c.active && c.reference) return `${c.active}–${c.reference}`;
  return c.active ?? c.reference ?? null;
}

/** "L PTN Cortical (Cz'–Fz)". */
export function describeChannel(c: RecordingChannel): string {
  const m = montage(c);
  return m && m !== c.name ? `${c.name} (${m})` : c.name;
}

/** "P37 37.4 ms, N45 45.2 ms, P37–N45 2.93 µV". */
export function describeValues(v: ChannelValues): string {
  const parts = v.peaks.map((p) => `${p.label} ${num(roundLatency(p.latencyMs))} ms`);
  if (v.amplitude) parts.push(`${v.amplitude.from}–${v.amplitude.to} ${num(v.amplitude.microvolts)} µV`);
  return parts.join(', ');
}

/** "L PTN Cortical (Cz'–Fz): P37 37.4 ms, N45 45.2 ms, P37–N45 2.93 µV; …" — the peaks the device marked. */
export function baselineValuesText(setup: RecordedSetup | null): string {
  return channelValues(setup)
    .map((v) => `${describeChannel(v.channel)}: ${describeValues(v)}`)
    .join('; ');
}

/** "TCS-9 Stimulator at Cortical Module (C4, anode; C3, cathode), 120 mA, 50 µs, 5 pulses 2 ms apart, 2 Hz". */
export function describeStimulation(s: Stimulation): string {
  const outputs = s.outputs.map((o) => (o.usage ? `${o.label}, ${o.usage.toLowerCase()}` : o.label));
  const head = s.stimulator ? `${s.stimulator}${outputs.length ? ` (${outputs.join('; ')})` : ''}` : outputs.join('; ');
  const parts = [head];
  if (s.intensities.length) parts.push(`${s.intensities.map(num).join(' / ')}${s.unit ? ` ${s.unit}` : ''}`);
  if (s.pulseWidthUs !== null) parts.push(`${num(s.pulseWidthUs)} µs`);
  if (s.pulses !== null && s.pulses > 1) parts.push(`${num(s.pulses)} pulses${s.isiMs !== null ? ` ${num(s.isiMs)} ms apart` : ''}`);
  if (s.rateHz !== null && s.rateHz > 0) parts.push(`${num(s.rateHz)} Hz`);
  return parts.filter((p) => p !== '').join(', ');
}

/**
 * The first setup's stimulation and channels, each filled from the first setup that has one:
 * an EDF mode file names its channels once, its stimulus on every sweep.
 */
export function mergeSetups(setups: readonly (RecordedSetup | null)[]): RecordedSetup | null {
  let stimulation: readonly Stimulation[] = [];
  let channels: readonly RecordingChannel[] = [];
  for (const s of setups) {
    if (!s) continue;
    if (stimulation.length === 0 && s.stimulation.length > 0) stimulation = s.stimulation;
    if (channels.length === 0 && s.channels.length > 0) channels = s.channels;
    if (stimulation.length > 0 && channels.length > 0) break;
  }
  return stimulation.length || channels.length ? { stimulation, channels } : null;
}
