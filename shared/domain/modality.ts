/**
 * The modality vocabulary every site-specific name maps onto (ionm-domain.md). Billing base
 * codes and report sections hang off these ids, so they are stable; labels are for people.
 */
import { looseKey } from '../util/loose-key';

export const MODALITIES = [
  'SSEP',
  'TCMEP',
  'DWAVE',
  'EMG_FREE',
  'EMG_TRIGGERED',
  'EMG_CRANIAL',
  'EEG',
  'ECOG',
  'BAEP',
  'VEP',
  'TOF',
  'HREFLEX',
  'DCM',
  'MOTOR_MAPPING',
  'PHASE_REVERSAL',
] as const;
export type Modality = (typeof MODALITIES)[number];

export const MODALITY_LABELS: Readonly<Record<Modality, string>> = {
  SSEP: 'SSEP',
  TCMEP: 'TcMEP',
  DWAVE: 'D-wave',
  EMG_FREE: 'Free-run EMG',
  EMG_TRIGGERED: 'Triggered EMG',
  EMG_CRANIAL: 'Cranial nerve EMG',
  EEG: 'EEG',
  ECOG: 'ECoG',
  BAEP: 'BAEP',
  VEP: 'VEP',
  TOF: 'Train-of-four',
  HREFLEX: 'H-reflex',
  DCM: 'Dorsal column mapping',
  MOTOR_MAPPING: 'Motor mapping',
  PHASE_REVERSAL: 'Phase reversal',
};

/** Where a modality is recorded or stimulated: what separates 95925 (upper) from 95926 (lower). */
export const LIMBS = ['upper', 'lower', 'trunk_head', 'cranial'] as const;
export type Limb = (typeof LIMBS)[number];
export const LIMB_LABELS: Readonly<Record<Limb, string>> = {
  upper: 'Upper limb',
  lower: 'Lower limb',
  trunk_head: 'Trunk / head',
  cranial: 'Cranial',
};

export const EVENT_SIDES = ['left', 'right', 'bilateral'] as const;
export type EventSide = (typeof EVENT_SIDES)[number];

/** Modalities judged without a baseline: EMG listens for activity, TOF is anesthesia's check. */
export const MODALITIES_WITHOUT_BASELINE: ReadonlySet<Modality> = new Set<Modality>(['TOF', 'EMG_FREE', 'EMG_TRIGGERED', 'EMG_CRANIAL']);

export function isModality(s: unknown): s is Modality {
  return typeof s === 'string' && (MODALITIES as readonly string[]).includes(s);
}

/**
 * A modality as a person types it on the command line: its id or its label, in any case, with
 * spaces, hyphens or underscores or none ("tcmep", "TcMEP", "free-run emg", "EMG_FREE"). When the
 * text names none exactly, `near` lists those it is part of ("EMG" → the three kinds of EMG), so
 * the message can offer them rather than guess: each kind bills and reads differently.
 */
export function modalityFromTyped(text: string): { modality: Modality } | { modality: null; near: readonly Modality[] } {
  const key = looseKey(text);
  const exact = MODALITIES.find((m) => looseKey(m) === key || looseKey(MODALITY_LABELS[m]) === key);
  if (exact) return { modality: exact };
  const near = key ? MODALITIES.filter((m) => looseKey(m).includes(key) || looseKey(MODALITY_LABELS[m]).includes(key)) : [];
  return { modality: null, near };
}

/** "TcMEP (left, lower limb)". */
export function modalityLabel(m: Modality, side?: string | null, limb?: string | null): string {
  const extra = [side, limb && (LIMB_LABELS as Record<string, string>)[limb]?.toLowerCase()].filter(Boolean);
  return extra.length ? `${MODALITY_LABELS[m]} (${extra.join(', ')})` : MODALITY_LABELS[m];
}
