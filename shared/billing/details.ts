/**
 * What a claim needs that no device records: answers the technologist or the biller gives once
 * per case (which limbs TcMEP covered, the surgeon's order…), and the practice's billing setup.
 * Both are validated here, at the boundary, and stored as JSON.
 */
import { z } from 'zod';
import { LIMBS, MODALITIES } from '../domain/modality';
import { isCptOrHcpcsShape } from '../domain/identifiers';

const MODIFIER = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z0-9]{2}$/, 'A modifier is two letters or digits, e.g. 26, TC, 59, XS.');

export const ManualLineSchema = z.object({
  code: z
    .string()
    .trim()
    .toUpperCase()
    .refine(isCptOrHcpcsShape, { error: 'A CPT/HCPCS code is 5 characters, e.g. 95907.' }),
  units: z.number().int().min(1, 'At least 1 unit.').max(99),
  modifiers: z.array(MODIFIER).max(4, 'A line holds at most 4 modifiers.').default([]),
  /** Why it is billed: the documented distinct service for 59/X modifiers, the nerves for NCS… */
  note: z.string().trim().max(300).default(''),
});
export type ManualLine = z.output<typeof ManualLineSchema>;

export const BillingDetailsSchema = z.object({
  /** Limb groups tested, where the device's names do not say (e.g. "L MEP"). */
  limbs: z
    .object({
      SSEP: z.array(z.enum(LIMBS)).max(4).nullable().default(null),
      TCMEP: z.array(z.enum(LIMBS)).max(4).nullable().default(null),
    })
    .default({ SSEP: null, TCMEP: null }),
  /** Extremities covered by needle EMG (free-run and triggered): 1-4, with or without paraspinals. */
  emgExtremities: z.number().int().min(1).max(4).nullable().default(null),
  /** Bill EMG as 95870 (limited, per limb) instead of 95860-95864 (AMA pedicle-screw advice [S28]). */
  emgLimited: z.boolean().default(false),
  /** Modalities the surgeon ordered; null: the order is not recorded yet. */
  surgeonOrder: z.array(z.enum(MODALITIES)).nullable().default(null),
  /** Medicare: an Advance Beneficiary Notice is on file. */
  abnOnFile: z.boolean().default(false),
  /** Anesthesia start and end as on the anesthesia record (epoch ms), for the time cross-check. */
  anesthesia: z
    .object({ start: z.number().int().nullable().default(null), end: z.number().int().nullable().default(null) })
    .default({ start: null, end: null }),
  /** The biller's choice of time code, when it differs from what the record implies. */
  timeCodeOverride: z.enum(['95940', '95941', 'G0453']).nullable().default(null),
  /** The biller's unit count for the time code, when entered by hand. */
  timeUnitsOverride: z.number().int().min(0).max(96).nullable().default(null),
  /** Codes the record cannot imply (NCS, mapping hours, a second session…). */
  manualLines: z.array(ManualLineSchema).max(20).default([]),
});
export type BillingDetailsInput = z.input<typeof BillingDetailsSchema>;
export type BillingDetails = z.output<typeof BillingDetailsSchema>;
export const EMPTY_BILLING_DETAILS: BillingDetails = BillingDetailsSchema.parse({});

export const BILLING_ROLES = ['global', 'professional', 'technical'] as const;
export type BillingRole = (typeof BILLING_ROLES)[number];
export const BILLING_ROLE_LABELS: Readonly<Record<BillingRole, string>> = {
  global: 'Global: we supply the equipment, the technologist and the reading (no 26/TC)',
  professional: 'Professional only: the reading physician (modifier 26 on split codes)',
  technical: 'Technical only: equipment and technologist (modifier TC; no time codes)',
};

export const PracticeBillingSchema = z.object({
  role: z.enum(BILLING_ROLES).default('global'),
  /** Practice NPI / billing entity name for the charge export. */
  billingNpi: z.string().trim().regex(/^(\d{10})?$/, 'The NPI is 10 digits.').default(''),
});
export type PracticeBilling = z.output<typeof PracticeBillingSchema>;
export const DEFAULT_PRACTICE_BILLING: PracticeBilling = PracticeBillingSchema.parse({});
