import { z } from 'zod';
import { isCptOrHcpcsShape, isPosShape, normalizeIcd10 } from './identifiers';
import { isoDate, personName, plainText, IdSchema } from './fields';
import {
  ANESTHESIA_REGIMENS,
  PAYER_TYPES,
  READER_LOCATIONS,
  SEXES,
  SIDES,
  type CaseStatus,
} from './vocabulary';
import { addDays, yearsBetween } from '../util/time';

const optionalRef = IdSchema.nullable().default(null);

/** Empty strings from forms mean "not set". */
function emptyToNull<T extends z.ZodType>(schema: T) {
  return z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? null : v), schema.nullable()).default(null);
}

const Icd10Schema = z.string().transform((raw, ctx) => {
  const code = normalizeIcd10(raw);
  if (!code) {
    ctx.addIssue({
      code: 'custom',
      message: `"${raw.trim()}" is not an ICD-10-CM code. Codes look like M48.062 or G95.9.`,
    });
    return z.NEVER;
  }
  return code;
});

/**
 * Everything a report and a claim need about a case, as entered by the technologist.
 * Only identity and procedure are required to start a case; the rest may be filled during the
 * case and is listed by `caseRecordGaps` until it is.
 */
export const CaseInputSchema = z.object({
  patient: z.object({
    lastName: personName("patient's last name"),
    firstName: personName("patient's first name"),
    mrn: z
      .string({ error: 'Enter the MRN.' })
      .trim()
      .min(1, 'Enter the MRN.')
      .max(32, 'The MRN is too long (32 characters at most).')
      .regex(/^[A-Za-z0-9][A-Za-z0-9\-./]*$/, 'The MRN may contain letters, digits, "-", "." and "/" only.'),
    dateOfBirth: isoDate('date of birth'),
    sex: z.enum(SEXES, { error: "Choose the patient's sex as the hospital records it." }),
  })
  // prefault: a missing block is parsed as {} (hence the cast), so each field inside gets its own message.
  .prefault({} as never),
  procedure: z.object({
    description: plainText('The procedure', 300).prefault('').refine((s) => s.length > 0, {
      error: 'Describe the procedure, e.g. "L4-L5 posterior lumbar fusion".',
    }),
    cpt: emptyToNull(
      z
        .string()
        .trim()
        .toUpperCase()
        .refine(isCptOrHcpcsShape, { error: 'A surgical CPT code is 5 characters, e.g. 22612.' }),
    ),
    side: emptyToNull(z.enum(SIDES, { error: 'Choose a side.' })),
    levels: plainText('Levels', 60).default(''),
  })
  .prefault({} as never),
  dateOfService: isoDate('date of service'),
  facility: plainText('The facility', 120).default(''),
  orRoom: plainText('The OR room', 40).default(''),
  surgeonId: optionalRef,
  technologistId: optionalRef,
  physicianId: optionalRef,
  readerLocation: emptyToNull(z.enum(READER_LOCATIONS, { error: 'Choose where the physician reads from.' })),
  payer: z
    .object({
      type: emptyToNull(z.enum(PAYER_TYPES, { error: 'Choose the payer type.' })),
      name: plainText('The payer name', 120).default(''),
    })
    .default({ type: null, name: '' }),
  placeOfService: emptyToNull(
    z.string().trim().refine(isPosShape, { error: 'Place of service is a two-digit code, e.g. 22.' }),
  ),
  diagnosisCodes: z
    .array(Icd10Schema)
    .max(12, 'A claim holds at most 12 diagnosis codes.')
    .default([])
    .refine((codes) => new Set(codes).size === codes.length, { error: 'A diagnosis code is listed twice.' }),
  anesthesia: z
    .object({
      regimen: emptyToNull(z.enum(ANESTHESIA_REGIMENS, { error: 'Choose the anesthesia regimen.' })),
      detail: plainText('The anesthesia detail', 200).default(''),
    })
    .default({ regimen: null, detail: '' }),
});

export type CaseInput = z.input<typeof CaseInputSchema>;
export type CaseFields = z.output<typeof CaseInputSchema>;

export type CaseRecord = Readonly<
  CaseFields & {
    id: string;
    status: CaseStatus;
    /** IANA zone of the workstation that created the case: how its wall-clock times are read. */
    timeZone: string;
    /** Optimistic-concurrency counter: an edit must name the version it was made against. */
    version: number;
    createdAt: number;
    updatedAt: number;
  }
>;

/** A row of the case list: enough to find a case, nothing more. */
export type CaseSummary = Readonly<{
  id: string;
  status: CaseStatus;
  patientName: string;
  mrn: string;
  dateOfService: string;
  procedure: string;
  surgeonName: string | null;
  updatedAt: number;
}>;

/** Issues keyed by dotted field path, the shape the form shows under each field. */
import { zodFieldErrors, type FieldErrors } from '../util/field-errors';

export { zodFieldErrors, type FieldErrors };

/**
 * Rules that depend on "today", on already-parsed fields. Taking today as an argument keeps the
 * check pure and testable on any date.
 */
export function caseDateProblems(c: CaseFields, today: string): FieldErrors {
  const fields: FieldErrors = {};
  if (c.patient.dateOfBirth > today) fields['patient.dateOfBirth'] = 'The date of birth is in the future.';
  else if (yearsBetween(c.patient.dateOfBirth, today) > 130)
    fields['patient.dateOfBirth'] = 'The date of birth is more than 130 years ago. Check the year.';
  if (c.dateOfService < c.patient.dateOfBirth)
    fields['dateOfService'] = 'The date of service is before the date of birth.';
  else if (c.dateOfService > addDays(today, 60))
    fields['dateOfService'] = 'The date of service is more than 60 days ahead. Check the year.';
  else if (c.dateOfService < addDays(today, -3653))
    fields['dateOfService'] = 'The date of service is more than 10 years ago. Check the year.';
  return fields;
}

/** Parse and check a case as the form and the backend both do. */
export function validateCase(
  input: unknown,
  today: string,
): { ok: true; value: CaseFields } | { ok: false; fields: FieldErrors } {
  const parsed = CaseInputSchema.safeParse(input);
  if (!parsed.success) return { ok: false, fields: zodFieldErrors(parsed.error) };
  const fields = caseDateProblems(parsed.data, today);
  return Object.keys(fields).length ? { ok: false, fields } : { ok: true, value: parsed.data };
}

/** Dotted names of the fields that differ, for the audit log (names only, never values). */
export function changedCaseFields(before: CaseFields, after: CaseFields): string[] {
  const out: string[] = [];
  const walk = (a: unknown, b: unknown, path: string) => {
    if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a)) {
      for (const k of Object.keys(b as object)) walk((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], path ? `${path}.${k}` : k);
    } else if (JSON.stringify(a) !== JSON.stringify(b)) {
      out.push(path);
    }
  };
  walk(before, after, '');
  return out;
}

export function patientDisplayName(p: Readonly<{ lastName: string; firstName: string }>): string {
  return `${p.lastName}, ${p.firstName}`;
}
