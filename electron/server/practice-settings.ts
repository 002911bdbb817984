/**
 * Practice-wide settings an administrator sets once on the practice server for every workstation
 * (#17): the practice's billing role and NPI, the scrubber's rule sets, and where reports go (the
 * hospital's HL7 receivers, a shared drop folder). Each save is a new
 * version (all kept, as on the workstations); workstations pull the newest and store it as a new
 * version of their own, in the administrator's name, so every claim is judged by the same rules
 * in every OR. Checked here with the same shared schemas the workstation checks them with.
 */
import { z } from 'zod';
import type pg from 'pg';
import { PracticeBillingSchema } from '../../shared/billing/details';
import { RuleSetsSchema } from '../../shared/billing/ruleset';
import type { PracticeBillingSettings, PracticeEhrSettings, PracticePhysician } from '../../shared/domain/remote-signing';
import { EhrSettingsSchema } from '../../shared/ehr/settings';
import { unknownFields, unknownFieldsMessage } from '../../shared/util/unknown-fields';
import { logAccess, type Actor } from './access-log';
import { ServerError } from './server-error';

const BillingBody = z.strictObject({ practice: PracticeBillingSchema.optional(), ruleSets: RuleSetsSchema.optional() });

type Kind = 'billing' | 'ehr';
type By = Readonly<{ userId: string | null; name: string }>;
type Saved = Readonly<{ version: number; setBy: string; at: number }>;

/**
 * A field the schema has no place for would be dropped and the rest saved for every workstation
 * (a misspelt "tsl": true, an MLLP receiver without TLS): refused, named, with what exists there.
 */
function refuseUnknown(what: 'billing' | 'EHR', schema: z.ZodType, body: unknown): void {
  const found = unknownFields(schema, body);
  if (found.length) throw new ServerError('BAD_INPUT', `The ${what} settings are not valid: ${unknownFieldsMessage(found, what === 'EHR' ? 'an EHR settings' : 'a billing settings')}`);
}

function invalid(what: string, error: z.ZodError): ServerError {
  const first = error.issues[0];
  return new ServerError('BAD_INPUT', `The ${what} settings are not valid${first ? ` (${first.path.join('.') || 'the document'}: ${first.message})` : ''}.`);
}

/** A new version of one kind of settings (checked already), and its access-log row. */
async function saveVersion(pool: pg.Pool, actor: Actor, by: By, kind: Kind, body: unknown, detail: Record<string, unknown>): Promise<Saved> {
  const row = await pool.query<{ version: number; at: Date }>(
    `INSERT INTO practice_settings (kind, body, set_by_user_id, set_by_name) VALUES ($1, $2, $3, $4) RETURNING version, at`,
    [kind, JSON.stringify(body), by.userId, by.name],
  );
  const saved = row.rows[0]!;
  await logAccess(pool, actor, `settings.${kind}`, null, { version: saved.version, ...detail });
  return { version: saved.version, setBy: by.name, at: saved.at.getTime() };
}

/** Save a new version of the practice's billing settings (administrators). */
export async function saveBillingOnServer(pool: pg.Pool, actor: Actor, by: By, body: unknown): Promise<PracticeBillingSettings> {
  const r = BillingBody.safeParse(body);
  if (!r.success) throw invalid('billing', r.error);
  refuseUnknown('billing', BillingBody, body);
  if (!r.data.practice && !r.data.ruleSets) throw new ServerError('BAD_INPUT', 'Give the practice\'s billing role ("practice"), the rule sets ("ruleSets"), or both.');
  return { ...(await saveVersion(pool, actor, by, 'billing', r.data, { ruleSets: r.data.ruleSets?.base.version ?? null })), ...r.data };
}

/** Save a new version of where reports go, for every workstation (administrators). */
export async function saveEhrOnServer(pool: pg.Pool, actor: Actor, by: By, body: unknown): Promise<PracticeEhrSettings> {
  const r = EhrSettingsSchema.safeParse(body);
  if (!r.success) throw invalid('EHR', r.error);
  refuseUnknown('EHR', EhrSettingsSchema, body);
  return { ...(await saveVersion(pool, actor, by, 'ehr', r.data, { destinations: r.data.destinations.length })), settings: r.data };
}

/**
 * The versions in force, one query (workstations ask with every pull); null where none is set
 * here and each workstation keeps its own.
 */
export async function settingsOnServer(pool: pg.Pool | pg.PoolClient): Promise<{ billing: PracticeBillingSettings | null; ehr: PracticeEhrSettings | null }> {
  const r = await pool.query<{ kind: Kind; version: number; body: Record<string, unknown>; set_by_name: string; at: Date }>(
    `SELECT DISTINCT ON (kind) kind, version, body, set_by_name, at FROM practice_settings ORDER BY kind, version DESC`,
  );
  const of = (kind: Kind) => r.rows.find((x) => x.kind === kind);
  const saved = (x: { version: number; set_by_name: string; at: Date }): Saved => ({ version: x.version, setBy: x.set_by_name, at: x.at.getTime() });
  const b = of('billing');
  const e = of('ehr');
  return {
    billing: b ? { ...saved(b), ...(b.body as Pick<PracticeBillingSettings, 'practice' | 'ruleSets'>) } : null,
    ehr: e ? { ...saved(e), settings: e.body } : null,
  };
}

/**
 * The practice's physicians (accounts with the physician role and an NPI, not disabled): every
 * workstation adds those it lacks to its people list, so the OR picks the reading physician by
 * the NPI the server matches their queue by, not one retyped.
 */
export async function practicePhysicians(pool: pg.Pool | pg.PoolClient): Promise<PracticePhysician[]> {
  const r = await pool.query<{ id: string; display_name: string; credential: string; npi: string }>(
    `SELECT id, display_name, credential, npi FROM users WHERE 'physician' = ANY(roles) AND npi IS NOT NULL AND disabled_at IS NULL ORDER BY display_name, id`,
  );
  return r.rows.map((x) => ({ serverUserId: x.id, name: x.display_name, credential: x.credential, npi: x.npi }));
}
