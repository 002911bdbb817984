/**
 * Where signed reports go (issue: one click to the EHR): any mix of drop folders (the hospital's
 * document import share) and HL7 v2.5.1 MDM receivers over MLLP, plus the letterhead printed on
 * the PDF. Validated here, at the boundary; stored as one JSON setting.
 */
import { z } from 'zod';

const name = z.string().trim().min(1, 'Give the destination a name.').max(60, 'Keep the name under 60 characters.');
const id = z.string().trim().regex(/^[a-z0-9][a-z0-9-]{0,40}$/, 'Use lower-case letters, digits and "-" for the id.');

/** Placeholders a file-name pattern may use. */
export const FILE_NAME_FIELDS = ['caseId', 'mrn', 'lastName', 'firstName', 'dos', 'version', 'kind', 'signedAt'] as const;
const PLACEHOLDER = /\{([A-Za-z]+)\}/g;

export const FolderDestinationSchema = z.object({
  kind: z.literal('folder'),
  id,
  name,
  enabled: z.boolean().default(true),
  path: z.string().trim().min(1, 'Give the folder, e.g. \\\\hospital\\scans\\ionm or /mnt/ehr-import.').max(1000),
  fileNamePattern: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .default('{mrn}_{dos}_IONM_{caseId}_v{version}')
    .refine((p) => [...p.matchAll(PLACEHOLDER)].every((m) => (FILE_NAME_FIELDS as readonly string[]).includes(m[1] ?? '')), {
      error: `Unknown placeholder in the file name. Use ${FILE_NAME_FIELDS.map((f) => `{${f}}`).join(', ')}.`,
    })
    .refine((p) => p.includes('{version}') && (p.includes('{caseId}') || p.includes('{mrn}')), {
      error: 'The file name must contain {version} and {caseId} or {mrn}, so two reports never get the same name.',
    }),
  sidecar: z.enum(['none', 'json', 'xml']).default('none'),
});
export type FolderDestination = z.output<typeof FolderDestinationSchema>;

export const MllpDestinationSchema = z.object({
  kind: z.literal('mllp'),
  id,
  name,
  enabled: z.boolean().default(true),
  host: z.string().trim().min(1, "Give the receiver's host name or address.").max(253),
  port: z.number().int().min(1).max(65535),
  tls: z.boolean().default(false),
  /** Extra trust anchor (PEM) for a hospital CA; the system store otherwise. */
  caPem: z.string().max(20_000).nullable().default(null),
  timeoutSeconds: z.number().int().min(2).max(300).default(30),
  /** Attempts before the delivery is marked failed (it can still be re-sent by hand). */
  maxAttempts: z.number().int().min(1).max(50).default(8),
  sendingApplication: z.string().trim().min(1).max(180).default('CLOSEOUT'),
  sendingFacility: z.string().trim().min(1).max(180).default('IONM'),
  receivingApplication: z.string().trim().min(1, 'Give the receiving application (MSH-5), as the interface team named it.').max(180),
  receivingFacility: z.string().trim().min(1, 'Give the receiving facility (MSH-6).').max(180),
  processingId: z.enum(['P', 'T', 'D']).default('P'),
  documentType: z.string().trim().min(1).max(30).default('IONM'),
  /** PID-3.4: who issued the MRN, as the hospital names it. */
  assigningAuthority: z.string().trim().min(1, 'Give the MRN assigning authority (PID-3.4).').max(60),
  /** PV1-2 (table 0004). */
  patientClass: z.string().trim().min(1).max(3).default('O'),
});
export type MllpDestination = z.output<typeof MllpDestinationSchema>;

export const DestinationSchema = z.discriminatedUnion('kind', [FolderDestinationSchema, MllpDestinationSchema]);
export type Destination = z.output<typeof DestinationSchema>;

export const LetterheadSchema = z.object({
  practiceName: z.string().trim().max(120).default(''),
  addressLines: z.array(z.string().trim().max(120)).max(4).default([]),
  phone: z.string().trim().max(40).default(''),
  /** PNG or JPEG, base64 (no data: prefix); small (a logo, not a photo). */
  logo: z
    .object({ type: z.enum(['png', 'jpeg']), base64: z.string().max(700_000, 'The logo is too large (500 KB at most).') })
    .nullable()
    .default(null),
});
export type Letterhead = z.output<typeof LetterheadSchema>;

export const EhrSettingsSchema = z
  .object({
    letterhead: LetterheadSchema.prefault({}),
    destinations: z.array(DestinationSchema).max(10).default([]),
  })
  .refine((s) => new Set(s.destinations.map((d) => d.id)).size === s.destinations.length, { error: 'Two destinations have the same id.', path: ['destinations'] });
export type EhrSettingsInput = z.input<typeof EhrSettingsSchema>;
export type EhrSettings = z.output<typeof EhrSettingsSchema>;
export const EMPTY_EHR_SETTINGS: EhrSettings = EhrSettingsSchema.parse({});

export type FileNameValues = Readonly<Record<(typeof FILE_NAME_FIELDS)[number], string>>;

/** The file's name from the pattern: placeholders filled, characters no file system takes removed. */
export function fileNameFor(pattern: string, v: FileNameValues, extension: string): string {
  const filled = pattern.replace(PLACEHOLDER, (_, k: string) => (v as Record<string, string>)[k] ?? '');
  // Windows and network shares refuse these; keep letters of any script (Zoë, 王伟).
  // eslint-disable-next-line no-control-regex
  const safe = filled.replace(/[<>:"/\\|?*\u0000-\u001f]/g, '_').replace(/\s+/g, '_').replace(/^[.\s]+|[.\s]+$/g, '').slice(0, 180);
  return `${safe || 'report'}.${extension}`;
}
