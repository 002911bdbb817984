/**
 * The case file: one whole case (record, the people it names, every event) as JSON, to move a
 * case between workstations and to test billing on saved cases. Pure.
 *
 * These zod schemas describe the file's structure only, so they convert to a JSON Schema
 * (docs/case-file.schema.json, see json-schema.ts). The rules a form applies (names, MRN shape,
 * NPI check digit, ICD-10 codes) are applied on top by `parseCaseFile` with the domain schemas.
 *
 * Instants are ISO 8601 strings ("2026-11-26T08:15:00.000Z"; an offset such as -05:00 is
 * accepted) so a person can read and hand-edit a file; dates of birth and service stay
 * calendar dates (YYYY-MM-DD).
 */
import { z } from 'zod';
import { EVENT_KINDS } from '../domain/event-kinds';
import {
  ANESTHESIA_REGIMENS,
  CASE_STATUSES,
  PAYER_TYPES,
  PERSON_ROLES,
  READER_LOCATIONS,
  SEXES,
  SIDES,
} from '../domain/vocabulary';

export const CASE_FILE_FORMAT = 'closeout-case';
export const CASE_FILE_VERSION = 1;

const instant = (what: string) =>
  z.iso.datetime({ offset: true }).describe(`${what}: ISO 8601 date and time, e.g. 2026-11-26T08:15:00.000Z`);
const calendarDate = (what: string) =>
  z.string().regex(/^\d{4}-\d{2}-\d{2}$/).describe(`${what}: YYYY-MM-DD`);
const text = (what: string) => z.string().describe(what);
const maybeText = (what: string) => z.string().nullable().default(null).describe(what);
const key = (what: string) => z.string().min(1).max(64).describe(what);
const personRef = (role: string) =>
  z.string().min(1).max(64).nullable().default(null).describe(`The ${role}: the id of one of the file's people, or null`);

export const CaseFilePersonSchema = z
  .strictObject({
    id: key('Key of this person inside the file; the case names people by it. On import, people are matched by role and NPI, or by role, names and credential'),
    role: z.enum(PERSON_ROLES),
    lastName: text('Last name'),
    firstName: text('First name'),
    credential: z.string().default('').describe('e.g. "CNIM", "MD, PhD"'),
    npi: z.string().regex(/^\d{10}$/).nullable().default(null).describe('National Provider Identifier (10 digits, valid check digit), or null'),
    active: z.boolean().default(true),
  })
  .describe('A technologist, interpreting physician or surgeon the case names');

export const CaseFileCaseSchema = z
  .strictObject({
    id: key('The case ID on the workstation that exported it'),
    status: z.enum(CASE_STATUSES).describe('On import a capturing case arrives open, and a signed, sent or amended one closed (its signed report is not in the file)'),
    timeZone: z.string().min(1).max(64).describe('IANA zone the case was recorded in, e.g. America/Chicago'),
    createdAt: instant('When the case was created'),
    updatedAt: instant('When the case record last changed'),
    patient: z.strictObject({
      lastName: text("Patient's last name"),
      firstName: text("Patient's first name"),
      mrn: text('Medical record number'),
      dateOfBirth: calendarDate('Date of birth'),
      sex: z.enum(SEXES),
    }),
    procedure: z.strictObject({
      description: text('The procedure, e.g. "L4-L5 posterior lumbar fusion"'),
      cpt: maybeText('Surgical CPT code, e.g. 22612'),
      side: z.enum(SIDES).nullable().default(null),
      levels: z.string().default(''),
    }),
    dateOfService: calendarDate('Date of service'),
    facility: z.string().default(''),
    orRoom: z.string().default(''),
    surgeonId: personRef('surgeon'),
    technologistId: personRef('technologist'),
    physicianId: personRef('interpreting physician'),
    readerLocation: z.enum(READER_LOCATIONS).nullable().default(null),
    payer: z
      .strictObject({ type: z.enum(PAYER_TYPES).nullable().default(null), name: z.string().default('') })
      .default({ type: null, name: '' }),
    placeOfService: maybeText('Place of service, two digits, e.g. 22'),
    diagnosisCodes: z.array(z.string()).default([]).describe('ICD-10-CM codes, e.g. M48.062'),
    anesthesia: z
      .strictObject({ regimen: z.enum(ANESTHESIA_REGIMENS).nullable().default(null), detail: z.string().default('') })
      .default({ regimen: null, detail: '' }),
  })
  .describe('The case record');

export const CaseFileEventSchema = z
  .strictObject({
    kind: z.enum(EVENT_KINDS),
    occurredAt: instant('When it happened'),
    receivedAt: instant('When the workstation stored it (default: occurredAt)').optional(),
    source: z.string().min(1).max(200).default('import').describe('Where it came from: "keyboard", "folder:<id>", "serial:<id>", "demo", "import"'),
    dedupeKey: z.string().min(1).max(1000).optional().describe('Unique per source within the case (default: "file:<event number>")'),
    modality: maybeText('Modality id (SSEP, TCMEP, EMG_FREE…), or null'),
    side: maybeText('left / right / bilateral, or null'),
    limb: maybeText('upper / lower / trunk_head / cranial, or null'),
    modalityName: maybeText("The device's own name for the modality, verbatim"),
    text: z.string().default('').describe('What the event says; at most 2,000 characters are kept (a longer text is stored cut, and the import says so)'),
    raw: maybeText("The device's own value, untouched (e.g. its wall-clock time)"),
    clockZone: maybeText('Zone used to turn raw into occurredAt'),
    payload: z.record(z.string(), z.unknown()).nullable().default(null).describe('Structured extras (trial values, durations…)'),
  })
  .describe('One captured fact, in time order');

export const CaseFileBillingSchema = z
  .strictObject({
    details: z
      .record(z.string(), z.unknown())
      .nullable()
      .default(null)
      .describe("The case's billing answers (limbs tested, EMG extremities, surgeon's order, overrides of time code or units, hand-entered lines): see shared/billing/details.ts"),
    signature: z
      .strictObject({
        name: z.string().min(1).max(120).describe('Who signed the report'),
        credential: z.string().max(40).describe('Their credential, e.g. MD'),
        signedAt: instant('When the report was signed'),
      })
      .nullable()
      .default(null)
      .describe("The signed report's signature, when signed (the report itself is not in the file)"),
  })
  .describe('What the claim needs beyond the record and the events');

export const CaseFileSchema = z
  .strictObject({
    format: z.literal(CASE_FILE_FORMAT),
    version: z.literal(CASE_FILE_VERSION),
    exportedAt: instant('When the file was written'),
    case: CaseFileCaseSchema,
    people: z.array(CaseFilePersonSchema).describe('The people the case names'),
    events: z.array(CaseFileEventSchema).describe('Every event of the case, in time order'),
    billing: CaseFileBillingSchema.optional(),
  })
  .describe('A Closeout case file: one case, the people it names and all its events');

export type CaseFilePerson = z.output<typeof CaseFilePersonSchema>;
export type CaseFileCase = z.output<typeof CaseFileCaseSchema>;
/** An event as the codec hands it out: the defaults of the file format are filled in. */
export type CaseFileEvent = z.output<typeof CaseFileEventSchema> & { receivedAt: string; dedupeKey: string };

/** A case file, checked and with its defaults filled in. */
export type CaseFile = Readonly<{
  format: typeof CASE_FILE_FORMAT;
  version: typeof CASE_FILE_VERSION;
  exportedAt: string;
  case: CaseFileCase;
  people: readonly CaseFilePerson[];
  events: readonly CaseFileEvent[];
  billing?: CaseFileBilling;
}>;

export type CaseFileBilling = z.output<typeof CaseFileBillingSchema>;

/** What importing a case file did. */
export type CaseFileImport = Readonly<{
  caseId: string;
  status: z.output<typeof CaseFileCaseSchema>['status'];
  events: number;
  peopleCreated: number;
  peopleMatched: number;
  /** Plain remarks for the person importing (e.g. why the status changed). */
  notes: readonly string[];
}>;
