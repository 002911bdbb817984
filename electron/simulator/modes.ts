/**
 * The monitoring modes of the simulated Cadwell setup for a lumbar fusion. Names are what a site
 * would configure (free text, vendor-formats.md §1a); each becomes `<Name>.edf` and one entry of
 * the case-data JSON's Modes[].
 */

export type ModeKey = 'upperSsep' | 'lowerSsep' | 'lMep' | 'rMep' | 'freeEmg' | 'temg' | 'tof';

export type ChannelSpec = Readonly<{
  name: string;
  lowCutHz: number;
  highCutHz: number;
  active: string;
  reference: string;
}>;

export type ModeSpec = Readonly<{
  key: ModeKey;
  /** Site-configured mode name: also the EDF file name. */
  name: string;
  /** Cadwell's mode class (IONMV shows MEP, EMG, TEMG, TOF). */
  type: 'SSEP' | 'MEP' | 'EMG' | 'TEMG' | 'TOF';
  /** Free-run modes are exported as StreamingTrials. */
  streaming: boolean;
  channels: readonly ChannelSpec[];
  /** Sweep (s): the EDF record duration and Traces[].Sweep. */
  sweepSec: number;
  /** Samples per trace (Cadwell's usual 640). */
  samples: number;
  /** Physical range ±µV of the 16-bit samples. */
  rangeUv: number;
  /** Cadwell stimulator name, null for free-run recording. */
  stimulator: string | null;
  /** The stimulator's electrode outputs as a site labels them (Outputs[].Label / Usage). */
  outputs: ReadonlyArray<Readonly<{ label: string; usage: 'Anode' | 'Cathode' }>>;
  /** SSEP averages; 0 for single sweeps. */
  averages: number;
}>;

const out = (label: string, usage: 'Anode' | 'Cathode') => ({ label, usage });
const ch = (name: string, lowCutHz: number, highCutHz: number, active: string, reference: string): ChannelSpec => ({ name, lowCutHz, highCutHz, active, reference });

export const MODES: readonly ModeSpec[] = [
  {
    key: 'upperSsep',
    name: 'Upper SSEP',
    type: 'SSEP',
    streaming: false,
    channels: [ch('L Med Cortical', 30, 1000, "C4'", 'Fz'), ch('R Med Cortical', 30, 1000, "C3'", 'Fz'), ch('L Med Cervical', 30, 1000, 'C5s', 'Fz'), ch('R Med Cervical', 30, 1000, 'C5s', 'Fz')],
    sweepSec: 0.05,
    samples: 640,
    rangeUv: 20,
    stimulator: 'Electrical Stimulator at Limb Module 1',
    outputs: [out('L median n. wrist', 'Cathode'), out('R median n. wrist', 'Cathode')],
    averages: 300,
  },
  {
    key: 'lowerSsep',
    name: 'Lower SSEP',
    type: 'SSEP',
    streaming: false,
    channels: [ch('L PTN Cortical', 30, 1000, "Cz'", 'Fz'), ch('R PTN Cortical', 30, 1000, "Cz'", 'Fz'), ch('L PTN Popliteal', 30, 1000, 'L PF', 'L PF ref'), ch('R PTN Popliteal', 30, 1000, 'R PF', 'R PF ref')],
    sweepSec: 0.1,
    samples: 640,
    rangeUv: 20,
    stimulator: 'Electrical Stimulator at Limb Module 2',
    outputs: [out('L posterior tibial n. ankle', 'Cathode'), out('R posterior tibial n. ankle', 'Cathode')],
    averages: 300,
  },
  {
    key: 'lMep',
    name: 'L MEP',
    type: 'MEP',
    streaming: false,
    channels: [ch('L APB', 30, 3000, 'L APB', 'L APB ref'), ch('L Quad', 30, 3000, 'L VM', 'L VM ref'), ch('L TA', 30, 3000, 'L TA', 'L TA ref'), ch('L AH', 30, 3000, 'L AH', 'L AH ref')],
    sweepSec: 0.1,
    samples: 640,
    rangeUv: 2000,
    stimulator: 'TCS-9 Stimulator at Cortical Module',
    outputs: [out('C4', 'Anode'), out('C3', 'Cathode')],
    averages: 0,
  },
  {
    key: 'rMep',
    name: 'R MEP',
    type: 'MEP',
    streaming: false,
    channels: [ch('R APB', 30, 3000, 'R APB', 'R APB ref'), ch('R Quad', 30, 3000, 'R VM', 'R VM ref'), ch('R TA', 30, 3000, 'R TA', 'R TA ref'), ch('R AH', 30, 3000, 'R AH', 'R AH ref')],
    sweepSec: 0.1,
    samples: 640,
    rangeUv: 2000,
    stimulator: 'TCS-9 Stimulator at Cortical Module',
    outputs: [out('C3', 'Anode'), out('C4', 'Cathode')],
    averages: 0,
  },
  {
    key: 'freeEmg',
    name: 'Free Run EMG',
    type: 'EMG',
    streaming: true,
    channels: [ch('L Quad', 10, 3000, 'L VM', 'L VM ref'), ch('L TA', 10, 3000, 'L TA', 'L TA ref'), ch('R Quad', 10, 3000, 'R VM', 'R VM ref'), ch('R TA', 10, 3000, 'R TA', 'R TA ref')],
    sweepSec: 0.5,
    samples: 640,
    rangeUv: 500,
    stimulator: null,
    outputs: [],
    averages: 0,
  },
  {
    key: 'temg',
    name: 'Triggered EMG',
    type: 'TEMG',
    streaming: false,
    channels: [ch('L Quad', 10, 3000, 'L VM', 'L VM ref'), ch('L TA', 10, 3000, 'L TA', 'L TA ref'), ch('R Quad', 10, 3000, 'R VM', 'R VM ref'), ch('R TA', 10, 3000, 'R TA', 'R TA ref')],
    sweepSec: 0.05,
    samples: 640,
    rangeUv: 2000,
    stimulator: 'Low Current Stimulator at Cortical Module',
    outputs: [out('Probe', 'Cathode'), out('Return', 'Anode')],
    averages: 0,
  },
  {
    key: 'tof',
    name: 'TOF',
    type: 'TOF',
    streaming: false,
    channels: [ch('L APB', 10, 3000, 'L APB', 'L APB ref')],
    // IONMV's README: TOF sweeps are about 0.02 s.
    sweepSec: 0.02,
    samples: 640,
    rangeUv: 10000,
    stimulator: 'Electrical Stimulator at Limb Module 1',
    outputs: [out('L ulnar n. wrist', 'Cathode'), out('L ulnar n. wrist ref', 'Anode')],
    averages: 0,
  },
];

export function modeSpec(key: ModeKey): ModeSpec {
  const m = MODES.find((x) => x.key === key);
  if (!m) throw new Error(`unknown mode ${key}`);
  return m;
}
