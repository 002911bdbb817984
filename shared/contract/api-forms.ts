/**
 * The contract's procedures that carry a whole form (a case, a person, a note, a quick entry, a
 * user, a capture source, settings): their schemas are the domain's own, and building them costs
 * a fresh process tens of milliseconds, paid only by the calls that save one (#15).
 */
import { z } from 'zod';
import { procedure } from './define';
import { CaseInputSchema, type CaseRecord } from '../domain/case';
import { PersonInputSchema, type Person } from '../domain/person';
import { NoteInputSchema, type CaseEvent } from '../domain/event';
import { EntryInputSchema } from '../domain/quick-entry';
import { IdSchema } from '../domain/fields';
import { SourceInputSchema, type CaptureSource } from '../domain/capture-source';
import { EVENT_KINDS } from '../domain/event-kinds';
import { EVENT_SIDES, LIMBS, MODALITIES } from '../domain/modality';
import type { MappingRule } from '../domain/mapping';
import { SectionIdSchema, type Report } from '../report/report';
import { UserInputSchema, type User } from '../domain/user';
import { AiSettingsSchema, type AiStatus } from '../report/ai-run';
import { BillingDetailsSchema, PracticeBillingSchema } from '../billing/details';
import { RuleSetsSchema } from '../billing/ruleset';
import type { BillingSettings, ClaimView } from '../billing/view';
import { EhrSettingsSchema, type EhrSettings } from '../ehr/settings';

export const MappingRuleInputSchema = z.object({
  target: z.enum(['modality', 'kind']),
  matchType: z.enum(['contains', 'word', 'regex']).default('contains'),
  pattern: z.string().trim().min(1, 'Type the name or words to match.').max(1000),
  modality: z.enum(MODALITIES).nullable().default(null),
  limb: z.enum(LIMBS).nullable().default(null),
  side: z.enum(EVENT_SIDES).nullable().default(null),
  kind: z.enum(EVENT_KINDS).nullable().default(null),
  priority: z.number().int().min(0).max(1000).default(50),
  enabled: z.boolean().default(true),
});

export const formProcedures = {
  createCase: procedure(() => CaseInputSchema).returns<CaseRecord>(),
  updateCase: procedure(() =>
    z.object({ id: IdSchema, version: z.number().int().positive(), fields: CaseInputSchema }),
  ).returns<CaseRecord>(),
  /** A typed note, timed to its keystroke. Its payload carries how the site's rules read it (`reading`), offered, never applied. */
  addNote: procedure(() => NoteInputSchema).returns<CaseEvent>(),
  /** Quick entry: a structured fact marked by the technologist (monitoring start/end, baseline, alert, …). */
  addEntry: procedure(() => EntryInputSchema).returns<CaseEvent[]>(),
  createPerson: procedure(() => PersonInputSchema).returns<Person>(),
  updatePerson: procedure(() => z.object({ id: IdSchema, fields: PersonInputSchema })).returns<Person>(),
  /** A person's text for a section; null returns it to the generated draft. */
  saveSection: procedure(() =>
    z.object({ caseId: IdSchema, sectionId: SectionIdSchema, text: z.string().max(20_000).nullable(), origin: z.enum(['person', 'ai']).default('person') }),
  ).returns<Report>(),
  saveAiSettings: procedure(() => AiSettingsSchema).returns<AiStatus>(),
  saveBillingDetails: procedure(() => z.object({ caseId: IdSchema, details: BillingDetailsSchema })).returns<ClaimView>(),
  saveEhrSettings: procedure(() =>
    z.object({ settings: EhrSettingsSchema, userId: z.string().trim().min(1, 'Choose who saves.').max(80), pin: z.string().min(1, 'Enter the PIN.').max(128) }),
  ).returns<EhrSettings>(),
  /** Practice billing role and the scrubber's rule sets: administrators only, with their PIN. */
  saveBillingSettings: procedure(() =>
    z.object({
      practice: PracticeBillingSchema.optional(),
      ruleSets: RuleSetsSchema.optional(),
      userId: z.string().trim().min(1, 'Choose who saves.').max(80),
      pin: z.string().min(1, 'Enter the PIN.').max(128),
    }),
  ).returns<BillingSettings>(),
  /** A new user may get its PIN in the same call: all of it is stored, or nothing (a weak PIN adds no user). */
  saveUser: procedure(() => z.object({ id: IdSchema.optional(), user: UserInputSchema, pin: z.string().max(128).optional() })).returns<User>(),
  saveSource: procedure(() => z.object({ id: IdSchema.optional(), source: SourceInputSchema })).returns<CaptureSource>(),
  saveMappingRule: procedure(() => z.object({ id: z.number().int().positive().optional(), rule: MappingRuleInputSchema })).returns<MappingRule>(),
} as const;
