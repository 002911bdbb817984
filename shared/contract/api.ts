/**
 * The one contract between the UI (and the CLI) and the backend. Main, preload, renderer, the
 * WebSocket bridge and the CLI all derive from this object; nothing else names a channel.
 */
import { z } from 'zod';
import { procedure } from './define';
import { CaseInputSchema, type CaseRecord, type CaseSummary } from '../domain/case';
import { PersonInputSchema, type Person } from '../domain/person';
import { NoteInputSchema, type CaseEvent } from '../domain/event';
import { IdSchema } from '../domain/fields';
import { CASE_STATUSES, PERSON_ROLES, type CaseStatus } from '../domain/vocabulary';
import type { Gap } from '../domain/case-gaps';
import type { ErrorCode } from './errors';

export type StoreHealth =
  | Readonly<{ state: 'ok'; schemaVersion: number }>
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
}>;

export type AuditVerification = Readonly<{
  intact: boolean;
  rows: number;
  /** First row whose hash does not match its content or its predecessor. */
  firstBadSeq: number | null;
  message: string;
}>;

export const api = {
  getStatus: procedure(z.object({})).returns<AppStatus>(),

  listCases: procedure(
    z.object({
      search: z.string().trim().max(100).default(''),
      limit: z.number().int().min(1).max(1000).default(200),
    }),
  ).returns<CaseSummary[]>(),
  getCase: procedure(z.object({ id: IdSchema })).returns<CaseDetail>(),
  createCase: procedure(CaseInputSchema).returns<CaseRecord>(),
  updateCase: procedure(
    z.object({ id: IdSchema, version: z.number().int().positive(), fields: CaseInputSchema }),
  ).returns<CaseRecord>(),
  setCaseStatus: procedure(z.object({ id: IdSchema, status: z.enum(CASE_STATUSES) })).returns<CaseRecord>(),

  listEvents: procedure(
    z.object({
      caseId: IdSchema,
      limit: z.number().int().min(1).max(5000).default(500),
      /** Page backwards: the last event of the previous page. */
      before: z.object({ occurredAt: z.number().int(), id: z.number().int().positive() }).optional(),
    }),
  ).returns<CaseEvent[]>(),
  addNote: procedure(NoteInputSchema).returns<CaseEvent>(),

  listPeople: procedure(
    z.object({ role: z.enum(PERSON_ROLES).optional(), includeInactive: z.boolean().default(false) }),
  ).returns<Person[]>(),
  createPerson: procedure(PersonInputSchema).returns<Person>(),
  updatePerson: procedure(z.object({ id: IdSchema, fields: PersonInputSchema })).returns<Person>(),

  verifyAudit: procedure(z.object({})).returns<AuditVerification>(),
} as const;

export type Api = typeof api;
export type Method = keyof Api;
/** What a caller may pass (defaults not yet applied). */
export type ArgsIn<M extends Method> = z.input<Api[M]['args']>;
/** What a handler receives (after parsing). */
export type ArgsOut<M extends Method> = z.output<Api[M]['args']>;
export type ResultOf<M extends Method> = NonNullable<Api[M]['__result']>;

export function isMethod(name: unknown): name is Method {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(api, name);
}
