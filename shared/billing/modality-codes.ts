/**
 * Base (primary) codes from the modalities actually recorded (billing-rules.md §2): once per
 * session, the combined code where both limb groups were tested. Where the device's names do not
 * say which limbs or how many extremities, the claim asks (a coding question) instead of guessing.
 */
import { MODALITY_LABELS, type Limb, type Modality } from '../domain/modality';
import type { CaseFacts, ModalityFact } from '../report/facts';
import type { BillingDetails } from './details';
import { timeUnits } from './codes';

export type BaseLine = Readonly<{ code: string; units: number; modalities: readonly Modality[]; eventIds: readonly number[]; note: string }>;

export type CodingQuestion = Readonly<{
  id: 'limbs:SSEP' | 'limbs:TCMEP' | 'emg_extremities';
  modality: Modality;
  message: string;
  action: string;
}>;

export type NotBilled = Readonly<{ modality: Modality; why: string }>;

export type BaseCoding = Readonly<{ lines: readonly BaseLine[]; questions: readonly CodingQuestion[]; notBilled: readonly NotBilled[] }>;

const NOT_BILLED: Partial<Record<Modality, string>> = {
  TOF: 'Train-of-four is anesthesia work, not a billable IONM study (95937 is for repetitive stimulation) [S38].',
  DWAVE: 'D-wave recording has no code of its own; it is reported with the motor evoked potentials.',
  HREFLEX: 'H-reflex codes were retired in 2013; bill nerve conduction 95907-95913 by study count as a manual line [S30].',
  DCM: 'Dorsal column mapping has no established code; add one by hand if the payer accepts it.',
};

function ids(ms: readonly ModalityFact[]): number[] {
  return [...new Set(ms.flatMap((m) => [...m.eventIds, ...m.baselines.flatMap((b) => b.eventIds)]))];
}

function limbsOf(ms: readonly ModalityFact[]): { limbs: Set<Limb>; unknown: boolean } {
  const limbs = new Set<Limb>();
  let unknown = false;
  for (const m of ms) {
    if (m.limb) limbs.add(m.limb as Limb);
    else unknown = true;
  }
  return { limbs, unknown };
}

/** Extremities a set of EMG lanes covers, when their names say limb and side. */
function emgExtremities(ms: readonly ModalityFact[]): number | null {
  const seen = new Set<string>();
  for (const m of ms) {
    if (m.limb !== 'upper' && m.limb !== 'lower') return null;
    const sides = m.sides.includes('bilateral') ? ['left', 'right'] : m.sides;
    if (sides.length === 0) return null;
    for (const s of sides) seen.add(`${m.limb}:${s}`);
  }
  return seen.size ? Math.min(4, seen.size) : null;
}

const EMG_BY_EXTREMITIES: Readonly<Record<number, string>> = { 1: '95860', 2: '95861', 3: '95863', 4: '95864' };

export function baseCodes(f: CaseFacts, d: BillingDetails): BaseCoding {
  const lines: BaseLine[] = [];
  const questions: CodingQuestion[] = [];
  const notBilled: NotBilled[] = [];
  const by = new Map<Modality, ModalityFact[]>();
  // A modality counts once it has recordings (trials), not only typed notes about it.
  for (const m of f.modalities) if (m.activityCount > 0 || m.baselines.length) by.set(m.modality, [...(by.get(m.modality) ?? []), m]);
  const add = (code: string, ms: readonly ModalityFact[], note: string, units = 1) => lines.push({ code, units, modalities: [...new Set(ms.map((m) => m.modality))], eventIds: ids(ms), note });

  const limbCoded = (mod: 'SSEP' | 'TCMEP', both: string, upper: string, lower: string) => {
    const ms = by.get(mod);
    if (!ms) return;
    const found = limbsOf(ms);
    const limbs = d.limbs[mod] ? new Set(d.limbs[mod]) : found.limbs;
    if (!d.limbs[mod] && found.unknown) {
      questions.push({
        id: `limbs:${mod}`,
        modality: mod,
        message: `${MODALITY_LABELS[mod]}: which limbs were tested? The device names (${ms.flatMap((m) => m.recordedAs).join(', ') || 'none'}) do not say.`,
        action: `Choose upper, lower or both under Claim → ${MODALITY_LABELS[mod]} limbs (both limb groups is one combined code).`,
      });
      return;
    }
    const u = limbs.has('upper');
    const l = limbs.has('lower');
    if (u && l) add(both, ms, 'Upper and lower limbs (combined code).');
    else if (u) add(upper, ms, 'Upper limbs.');
    else if (l) add(lower, ms, 'Lower limbs.');
    if (mod === 'SSEP' && (limbs.has('trunk_head') || limbs.has('cranial'))) add('95927', ms, 'Trunk or head.');
  };
  limbCoded('SSEP', '95938', '95925', '95926');
  limbCoded('TCMEP', '95939', '95928', '95929');

  const emg = [...(by.get('EMG_FREE') ?? []), ...(by.get('EMG_TRIGGERED') ?? [])];
  if (emg.length) {
    const n = d.emgExtremities ?? emgExtremities(emg);
    if (n === null) {
      questions.push({
        id: 'emg_extremities',
        modality: emg[0]!.modality,
        message: 'EMG: how many extremities were monitored? The record does not say (no recording or entry names limb and side).',
        action: 'Enter the number of extremities (1-4) under Claim → EMG extremities.',
      });
    } else if (d.emgLimited) add('95870', emg, `Limited study, ${n} extremit${n === 1 ? 'y' : 'ies'} (one unit per limb).`, n);
    else add(EMG_BY_EXTREMITIES[n]!, emg, `${n} extremit${n === 1 ? 'y' : 'ies'}.`);
  }
  const cranial = by.get('EMG_CRANIAL');
  if (cranial) {
    const sides = new Set(cranial.flatMap((m) => (m.sides.includes('bilateral') ? ['left', 'right'] : m.sides)));
    add(sides.size > 1 ? '95868' : '95867', cranial, sides.size > 1 ? 'Cranial nerve muscles, bilateral.' : 'Cranial nerve muscles, unilateral.');
  }
  const simple: ReadonlyArray<[Modality, string, string]> = [
    ['EEG', '95955', 'EEG during surgery.'],
    ['ECOG', '95829', 'Electrocorticography.'],
    ['BAEP', '92653', 'Auditory evoked potentials.'],
    ['VEP', '95930', 'Visual evoked potentials.'],
  ];
  for (const [mod, code, note] of simple) {
    const ms = by.get(mod);
    if (ms) add(code, ms, note);
  }
  const mapping = [...(by.get('MOTOR_MAPPING') ?? []), ...(by.get('PHASE_REVERSAL') ?? [])];
  if (mapping.length) {
    add('95961', mapping, 'Mapping, first hour.');
    const minutes = Math.max(...mapping.map((m) => m.activeMinutes));
    const extra = Math.max(0, timeUnits('95941', minutes) - 1);
    if (extra) add('95962', mapping, `Mapping, ${extra} additional hour${extra > 1 ? 's' : ''} (${minutes} min of mapping activity).`, extra);
  }
  for (const [mod, why] of Object.entries(NOT_BILLED) as Array<[Modality, string]>) if (by.has(mod)) notBilled.push({ modality: mod, why });
  return { lines, questions, notBilled };
}
