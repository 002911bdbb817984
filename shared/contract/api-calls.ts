/**
 * The contract's procedures whose arguments are plain fields (ids, dates, PINs, limits): cheap to
 * build, so reading a case list or a report in a fresh process does not build every form's schema.
 * The form-carrying procedures are in api-forms.ts; api.ts joins both.
 */
import { z } from 'zod';
import { procedure } from './define';
import { IdSchema, isoDate } from '../domain/fields';
import { CASE_STATUSES, PERSON_ROLES } from '../domain/vocabulary';
import { EVENT_KINDS } from '../domain/event-kinds';
import type { CaseRecord, CaseSummary } from '../domain/case';
import type { Person } from '../domain/person';
import type { CaseEvent } from '../domain/event';
import type { CaseStatus } from '../domain/vocabulary';
import type { Gap } from '../domain/case-gaps';
import type { ErrorCode } from './errors';
import type { CaptureFile, CaptureSource, SourceStatus } from '../domain/capture-source';
import type { MappingRule } from '../domain/mapping';
import type { Timeline } from '../domain/timeline';
import type { Report, ReportVersion } from '../report/report';
import type { User } from '../domain/user';
import type { AiRun, AiStatus } from '../report/ai-run';
import type { CaseFile, CaseFileImport } from '../casefile/case-file';
import type { BillingSettings, ChargeExport, ClaimView } from '../billing/view';
import type { Claim } from '../billing/scrubber';
import type { EhrSettings } from '../ehr/settings';
import type { Delivery } from '../ehr/delivery';
import type { Dashboard } from '../dashboard/dashboard';
import type { CaseClock } from '../domain/case-clock';
import type { AuditProblem } from '../domain/audit-judge';
import type { SyncStatus } from '../domain/sync';

export type StoreHealth =
  /** `warnings`: what is not as it should be but does not stop work (a data folder others can read). */
  | Readonly<{ state: 'ok'; schemaVersion: number; warnings: readonly string[] }>
  | Readonly<{ state: 'error'; code: ErrorCode; message: string }>;

export type AppStatus = Readonly<{
  appVersion: string;
  dataDir: string;
  store: StoreHealth;
}>;

export type CaseDetail = Readonly<{
  case: CaseRecord;
  /** The people the case names, resolved (null when not set). */
  people: Readonly<{ surgeon: Person | null; technologist: Person | null; physician: Person | null }>;
  gaps: readonly Gap[];
  allowedMoves: readonly CaseStatus[];
  /** The case's own clock when it is not the workstation's (the demo, played fast); else null. */
  clock: CaseClock | null;
}>;

export type AuditVerification = Readonly<{
  intact: boolean;
  rows: number;
  /** First entry found altered, missing or unanchored (null when none). */
  firstBadSeq: number | null;
  /** Signed report versions checked (with the events behind each). */
  signedVersions: number;
  /** Everything found, each named in words; empty when intact. */
  problems: readonly AuditProblem[];
  /** What could not be checked, and why (not tampering: a copied data folder, an older log). */
  notes: readonly string[];
  message: string;
}>;

export type CaptureStatus = Readonly<{ capturingCaseId: string | null; sources: readonly SourceStatus[] }>;

export type SerialPortList = Readonly<{ ok: true; ports: ReadonlyArray<Readonly<{ path: string; manufacturer?: string }>> }> | Readonly<{ ok: false; message: string }>;

export const callProcedures = {
  getStatus: procedure(() => z.object({})).returns<AppStatus>(),
  listCases: procedure(() =>
    z.object({
      search: z.string().trim().max(100).default(''),
      limit: z.number().int().min(1).max(1000).default(200),
    }),
  ).returns<CaseSummary[]>(),
  getCase: procedure(() => z.object({ id: IdSchema })).returns<CaseDetail>(),
  setCaseStatus: procedure(() => z.object({ id: IdSchema, status: z.enum(CASE_STATUSES) })).returns<CaseRecord>(),
  /** The case file (shared/casefile, docs/case-file.schema.json): the case, its people and every event. */
  exportCaseFile: procedure(() => z.object({ caseId: IdSchema })).returns<CaseFile>(),
  /** Checked here, not at the boundary, so a bad file gets plain messages ("Event 12 has no time"). */
  importCaseFile: procedure(() => z.object({ file: z.unknown(), asNew: z.boolean().default(false) })).returns<CaseFileImport>(),
  listEvents: procedure(() =>
    z.object({
      caseId: IdSchema,
      limit: z.number().int().min(1).max(5000).default(500),
      /** Leave out these kinds (the event list hides per-trial activity; the timeline shows it). */
      excludeKinds: z.array(z.enum(EVENT_KINDS)).max(EVENT_KINDS.length).default([]),
      /** Page backwards: the last event of the previous page. */
      before: z.object({ occurredAt: z.number().int(), id: z.number().int().positive() }).optional(),
    }),
  ).returns<CaseEvent[]>(),
  /** Record a typed note as what the rules read it as (an alert, a baseline…): new events; the note is kept, superseded. */
  acceptNoteReading: procedure(() => z.object({ caseId: IdSchema, noteId: z.number().int().positive() })).returns<CaseEvent[]>(),
  /** The global shortcut: a timestamped marker on whichever case is capturing. */
  dropMarker: procedure(() => z.object({ occurredAt: z.number().int().positive(), clientId: z.string().trim().min(8).max(64) })).returns<CaseEvent>(),
  /** The case's shape: modality lanes, monitoring, alerts, milestones (see shared/domain/timeline.ts). */
  getTimeline: procedure(() => z.object({ caseId: IdSchema })).returns<Timeline>(),
  listPeople: procedure(() =>
    z.object({ role: z.enum(PERSON_ROLES).optional(), includeInactive: z.boolean().default(false) }),
  ).returns<Person[]>(),
  /** The audit chain, its anchor, and every signed version (or one case's) with the events behind it. */
  verifyAudit: procedure(() => z.object({ caseId: IdSchema.optional() })).returns<AuditVerification>(),
  getReport: procedure(() => z.object({ caseId: IdSchema })).returns<Report>(),
  signReport: procedure(() => z.object({ caseId: IdSchema, userId: z.string().trim().min(1, 'Choose who signs.').max(80), pin: z.string().min(1, 'Enter the PIN.').max(128) })).returns<ReportVersion>(),
  addAddendum: procedure(() =>
    z.object({
      caseId: IdSchema,
      userId: z.string().trim().min(1, 'Choose who signs.').max(80),
      pin: z.string().min(1, 'Enter the PIN.').max(128),
      text: z.string().trim().min(1, 'Write the addendum.').max(20_000),
    }),
  ).returns<ReportVersion>(),
  /** The AI narrative's settings and whether a key is set (never the key). */
  getAiStatus: procedure(() => z.object({})).returns<AiStatus>(),
  /**
   * Set (or, with null, forget) the API key. In the app, main stores it in the OS secure store
   * before passing it on and sets `savedSecurely`; elsewhere it lasts until the backend stops.
   */
  setAiKey: procedure(() => z.object({ key: z.string().trim().min(1, 'Paste the API key.').max(500).nullable(), savedSecurely: z.boolean().default(false) })).returns<AiStatus>(),
  /** Ask for the narrative; it streams as `aiNarrative` pushes. `wait` answers with the finished run (CLI). */
  startAiNarrative: procedure(() => z.object({ caseId: IdSchema, wait: z.boolean().default(false) })).returns<AiRun>(),
  cancelAiNarrative: procedure(() => z.object({ caseId: IdSchema })).returns<{ run: AiRun | null }>(),
  /** The case's latest run since the backend started, or null. */
  getAiNarrative: procedure(() => z.object({ caseId: IdSchema })).returns<{ run: AiRun | null }>(),
  /** The claim as it stands now: charge lines, scrubber findings (the live checklist), status. */
  getClaim: procedure(() => z.object({ caseId: IdSchema })).returns<ClaimView>(),
  /** A user with billing rights lets a claim that is not clean be exported, with a reason. */
  overrideClaim: procedure(() =>
    z.object({
      caseId: IdSchema,
      userId: z.string().trim().min(1, 'Choose who overrides.').max(80),
      pin: z.string().min(1, 'Enter the PIN.').max(128),
      reason: z.string().trim().min(10, 'Give the reason in a few words (at least 10 characters).').max(500, 'Keep the reason under 500 characters.'),
    }),
  ).returns<ClaimView>(),
  exportCharges: procedure(() =>
    z
      .object({
        caseIds: z.array(IdSchema).min(1).max(10_000).optional(),
        from: isoDate('from date').optional(),
        to: isoDate('to date').optional(),
        format: z.enum(['csv', 'json']).default('csv'),
      })
      .refine((a) => a.caseIds !== undefined || (a.from !== undefined && a.to !== undefined), { error: 'Give the cases, or a date range (from and to).', path: ['from'] })
      .refine((a) => !a.from || !a.to || a.from <= a.to, { error: 'The from date is after the to date.', path: ['to'] }),
  ).returns<ChargeExport>(),
  /** The claim of a case file, without importing it (CLI `claim --case-file`). */
  claimFromCaseFile: procedure(() => z.object({ file: z.unknown() })).returns<Claim>(),
  /** Send the newest signed version to every enabled destination (or those named); re-sending is audited. */
  sendToEhr: procedure(() => z.object({ caseId: IdSchema, destinations: z.array(z.string().trim().min(1).max(60)).max(10).optional(), wait: z.boolean().default(false) })).returns<Delivery[]>(),
  listDeliveries: procedure(() => z.object({ caseId: IdSchema })).returns<Delivery[]>(),
  /** The report PDF for save-as/print: the signed one as sent, or a DRAFT. */
  /** `warnings`: fields holding a character no bundled font draws (printed as its code point, "[U+1F600]"). */
  exportPdf: procedure(() => z.object({ caseId: IdSchema })).returns<{ fileName: string; signed: boolean; base64: string; bytes: number; warnings: string[] }>(),
  getEhrSettings: procedure(() => z.object({})).returns<EhrSettings>(),
  getBillingSettings: procedure(() => z.object({})).returns<BillingSettings>(),
  listUsers: procedure(() => z.object({})).returns<User[]>(),
  /** Set or change a PIN: the current one is needed when there is one. */
  setUserPin: procedure(() => z.object({ id: IdSchema, currentPin: z.string().max(128).optional(), newPin: z.string().max(128) })).returns<User>(),
  listSources: procedure(() => z.object({})).returns<CaptureSource[]>(),
  deleteSource: procedure(() => z.object({ id: IdSchema })).returns<{ deleted: boolean }>(),
  listSerialPorts: procedure(() => z.object({})).returns<SerialPortList>(),
  getCaptureStatus: procedure(() => z.object({})).returns<CaptureStatus>(),
  listCaptureFiles: procedure(() => z.object({ caseId: IdSchema.optional() })).returns<CaptureFile[]>(),
  releaseHeldFile: procedure(() => z.object({ sourceId: IdSchema, path: z.string().min(1).max(1000) })).returns<{ released: boolean }>(),
  listMappingRules: procedure(() => z.object({})).returns<MappingRule[]>(),
  deleteMappingRule: procedure(() => z.object({ id: z.number().int().positive() })).returns<{ deleted: boolean }>(),
  /** The practice dashboard over dates of service [from, to] (each optional): lag, clean share, findings, minutes, per person. */
  getDashboard: procedure(() =>
    z
      .object({ from: isoDate('from date').optional(), to: isoDate('to date').optional() })
      .refine((a) => !a.from || !a.to || a.from <= a.to, { error: 'The from date is after the to date.', path: ['to'] }),
  ).returns<Dashboard>(),
  /** Where this workstation stands with the practice server (#17): synced, N waiting, unreachable since. */
  getSyncStatus: procedure(() => z.object({})).returns<SyncStatus>(),
  /** Join the practice server: its address, the certificate fingerprint the administrator gave, and a one-time code. */
  enrollSync: procedure(() =>
    z.object({
      url: z.string().trim().url('Give the server address, e.g. https://closeout.practice.local:8443.').max(300),
      fingerprint: z.string().trim().min(64, 'Give the certificate fingerprint the administrator gave you (64 hex digits, with or without colons).').max(200),
      code: z.string().trim().min(16, 'Give the enrollment code (four groups of four).').max(40),
    }),
  ).returns<SyncStatus>(),
  /** Send what is waiting now; answers when nothing is left or the server failed (the status says which). */
  syncNow: procedure(() => z.object({})).returns<SyncStatus>(),
} as const;
