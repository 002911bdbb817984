/**
 * Scrubber rule sets as data: which rules run, how severe each is, what to do about it, and the
 * parameters the checks read (concurrency limit, surgical places of service…). A default set
 * applies to every payer; payer sets (matched by payer type or name, each with effective dates)
 * overlay it. The checks themselves are code (scrubber.ts); everything a practice may disagree
 * with is here, versioned, and editable by an admin.
 */
import { z } from 'zod';
import { PAYER_TYPES, type PayerType } from '../domain/vocabulary';
import { isoDate } from '../domain/fields';

export const RULE_IDS = [
  ...Array.from({ length: 32 }, (_, i) => `R${String(i + 1).padStart(2, '0')}`),
  'C01',
  'C02',
  'C03',
  'C04',
] as readonly string[];

export const SEVERITIES = ['block', 'warn', 'off'] as const;
export type Severity = (typeof SEVERITIES)[number];

const RuleId = z.string().refine((s) => RULE_IDS.includes(s), { error: 'Unknown rule id (R01-R32, C01-C04).' });

const RuleSchema = z.object({
  title: z.string().trim().min(1).max(200),
  severity: z.enum(SEVERITIES),
  /** false: rests on text the reference could not verify (ships as warn). */
  confirmed: z.boolean().default(true),
  sources: z.array(z.string().max(20)).max(10).default([]),
  action: z.string().trim().min(1).max(400),
});
export type RuleDef = z.output<typeof RuleSchema>;

const safeRegex = z.string().max(2000).refine(
  (s) => {
    try {
      new RegExp(s, 'i');
      return true;
    } catch {
      return false;
    }
  },
  { error: 'Not a valid pattern.' },
);

const TimeCode = z.enum(['95940', '95941', 'G0453']);

const ParamsSchema = z.object({
  concurrencyLimit: z.number().int().min(1).max(10),
  g0453MinutesPerClockHour: z.number().int().min(15).max(60),
  surgicalPlacesOfService: z.array(z.string().regex(/^\d{2}$/)).min(1),
  remoteTimeCode: z.object(Object.fromEntries(PAYER_TYPES.map((p) => [p, TimeCode])) as Record<PayerType, typeof TimeCode>),
  unconfirmedPayerNames: z.array(z.string().trim().toLowerCase().min(2)).default([]),
  intracranialProcedure: safeRegex,
  coveredIndications: z.array(z.object({ name: z.string().min(1).max(120), procedure: safeRegex, modalities: z.array(z.string()).min(1) })),
});
export type RuleParams = z.output<typeof ParamsSchema>;

const PayerMatch = z
  .object({
    types: z.array(z.enum(PAYER_TYPES)).nullable().default(null),
    /** Case-insensitive part of the payer name ("aetna"). */
    nameContains: z.string().trim().toLowerCase().min(2).max(80).nullable().default(null),
  })
  .default({ types: null, nameContains: null });

const Common = {
  id: z.string().trim().regex(/^[a-z0-9][a-z0-9-]{1,60}$/, 'Use lower-case letters, digits and "-" for the id.'),
  name: z.string().trim().min(1).max(120),
  version: z.string().trim().min(1).max(40),
  effectiveFrom: isoDate('effective-from date'),
  effectiveTo: isoDate('effective-to date').nullable().default(null),
  payers: PayerMatch,
};

export const BaseRuleSetSchema = z.object({
  ...Common,
  rules: z.record(RuleId, RuleSchema).refine((r) => RULE_IDS.every((id) => id in r), { error: 'The default rule set must define every rule (R01-R32, C01-C04).' }),
  params: ParamsSchema,
  sources: z.record(z.string(), z.string().max(500)).default({}),
});
export type BaseRuleSet = z.output<typeof BaseRuleSetSchema>;

/**
 * A payer set changes only what it names: its rule and parameter patches carry no defaults (zod's
 * `.partial()` would keep them, and every patch would then reset sources and flags).
 */
const RulePatchSchema = z.object({
  title: RuleSchema.shape.title.optional(),
  severity: RuleSchema.shape.severity.optional(),
  confirmed: z.boolean().optional(),
  sources: z.array(z.string().max(20)).max(10).optional(),
  action: RuleSchema.shape.action.optional(),
});
const ParamsPatchSchema = z.object({
  concurrencyLimit: ParamsSchema.shape.concurrencyLimit.optional(),
  g0453MinutesPerClockHour: ParamsSchema.shape.g0453MinutesPerClockHour.optional(),
  surgicalPlacesOfService: ParamsSchema.shape.surgicalPlacesOfService.optional(),
  remoteTimeCode: ParamsSchema.shape.remoteTimeCode.optional(),
  unconfirmedPayerNames: z.array(z.string().trim().toLowerCase().min(2)).optional(),
  intracranialProcedure: ParamsSchema.shape.intracranialProcedure.optional(),
  coveredIndications: ParamsSchema.shape.coveredIndications.optional(),
});

export const PayerRuleSetSchema = z.object({
  ...Common,
  rules: z.record(RuleId, RulePatchSchema).default({}),
  params: ParamsPatchSchema.default({}),
});
export type PayerRuleSet = z.output<typeof PayerRuleSetSchema>;

export const RuleSetsSchema = z.object({ base: BaseRuleSetSchema, payers: z.array(PayerRuleSetSchema).max(200).default([]) });
export type RuleSets = z.output<typeof RuleSetsSchema>;

/** The rules in force for one claim: the default set plus every payer set that matches. */
export type ResolvedRules = Readonly<{
  rules: Readonly<Record<string, RuleDef>>;
  params: RuleParams;
  sources: Readonly<Record<string, string>>;
  /** "closeout-default 2026.1 + aetna-1to1 2025.1": printed on every claim. */
  label: string;
  /** Payer sets applied (ids). */
  applied: readonly string[];
  /** The default set does not cover the date of service. */
  outOfDate: boolean;
}>;

const inForce = (s: { effectiveFrom: string; effectiveTo: string | null }, dos: string) => s.effectiveFrom <= dos && (s.effectiveTo === null || dos <= s.effectiveTo);

export function payerMatches(s: { payers: { types: readonly PayerType[] | null; nameContains: string | null } }, payer: Readonly<{ type: PayerType | null; name: string }>): boolean {
  if (s.payers.types && (!payer.type || !s.payers.types.includes(payer.type))) return false;
  if (s.payers.nameContains && !payer.name.toLowerCase().includes(s.payers.nameContains)) return false;
  return true;
}

export function resolveRules(sets: RuleSets, payer: Readonly<{ type: PayerType | null; name: string }>, dateOfService: string): ResolvedRules {
  const rules: Record<string, RuleDef> = { ...sets.base.rules };
  let params: RuleParams = sets.base.params;
  const applied: string[] = [];
  const label = [`${sets.base.id} ${sets.base.version}`];
  for (const p of sets.payers) {
    if (!inForce(p, dateOfService) || !payerMatches(p, payer)) continue;
    for (const [id, patch] of Object.entries(p.rules)) rules[id] = { ...rules[id]!, ...definedOnly(patch) };
    params = { ...params, ...definedOnly(p.params) };
    applied.push(p.id);
    label.push(`${p.id} ${p.version}`);
  }
  return { rules, params, sources: sets.base.sources, label: label.join(' + '), applied, outOfDate: !inForce(sets.base, dateOfService) };
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
