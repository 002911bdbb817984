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
import { logAccess, type Actor } from './access-log';
import { ServerError } from './server-error';

const BillingBody = z.strictObject({ practice: PracticeBillingSchema.optional(), ruleSets: RuleSetsSchema.optional() });

/** Save a new version of the practice's billing settings (administrators). */
export async function saveBillingOnServer(pool: pg.Pool, actor: Actor, by: Readonly<{ userId: string | null; name: string }>, body: unknown): Promise<PracticeBillingSettings> {
  const r = BillingBody.safeParse(body);
  if (!r.success) {
    const first = r.error.issues[0];
    throw new ServerError('BAD_INPUT', `The billing settings are not valid${first ? ` (${first.path.join('.') || 'the document'}: ${first.message})` : ''}.`);
  }
  if (!r.data.practice && !r.data.ruleSets) throw new ServerError('BAD_INPUT', 'Give the practice\'s billing role ("practice"), the rule sets ("ruleSets"), or both.');
  const row = await pool.query<{ version: number; at: Date }>(
    `INSERT INTO practice_settings (kind, body, set_by_user_id, set_by_name) VALUES ('billing', $1, $2, $3) RETURNING version, at`,
    [JSON.stringify(r.data), by.userId, by.name],
  );
  const saved = row.rows[0]!;
  await logAccess(pool, actor, 'settings.billing', null, { version: saved.version, ruleSets: r.data.ruleSets?.base.version ?? null });
  return { version: saved.version, setBy: by.name, at: saved.at.getTime(), ...r.data };
}

/** The version in force (null: none set here; each workstation keeps its own). */
export async function billingOnServer(pool: pg.Pool | pg.PoolClient): Promise<PracticeBillingSettings | null> {
  const r = await pool.query<{ version: number; body: Record<string, unknown>; set_by_name: string; at: Date }>(
    `SELECT version, body, set_by_name, at FROM practice_settings WHERE kind = 'billing' ORDER BY version DESC LIMIT 1`,
  );
  const x = r.rows[0];
  return x ? { version: x.version, setBy: x.set_by_name, at: x.at.getTime(), ...(x.body as Pick<PracticeBillingSettings, 'practice' | 'ruleSets'>) } : null;
}

/** Save a new version of where reports go, for every workstation (administrators). */
export async function saveEhrOnServer(pool: pg.Pool, actor: Actor, by: Readonly<{ userId: string | null; name: string }>, body: unknown): Promise<PracticeEhrSettings> {
  const r = EhrSettingsSchema.safeParse(body);
  if (!r.success) {
    const first = r.error.issues[0];
    throw new ServerError('BAD_INPUT', `The EHR settings are not valid${first ? ` (${first.path.join('.') || 'the document'}: ${first.message})` : ''}.`);
  }
  const row = await pool.query<{ version: number; at: Date }>(
    `INSERT INTO practice_settings (kind, body, set_by_user_id, set_by_name) VALUES ('ehr', $1, $2, $3) RETURNING version, at`,
    [JSON.stringify(r.data), by.userId, by.name],
  );
  const saved = row.rows[0]!;
  await logAccess(pool, actor, 'settings.ehr', null, { version: saved.version, destinations: r.data.destinations.length });
  return { version: saved.version, setBy: by.name, at: saved.at.getTime(), settings: r.data };
}

export async function ehrOnServer(pool: pg.Pool | pg.PoolClient): Promise<PracticeEhrSettings | null> {
  const r = await pool.query<{ version: number; body: unknown; set_by_name: string; at: Date }>(
    `SELECT version, body, set_by_name, at FROM practice_settings WHERE kind = 'ehr' ORDER BY version DESC LIMIT 1`,
  );
  const x = r.rows[0];
  return x ? { version: x.version, setBy: x.set_by_name, at: x.at.getTime(), settings: x.body } : null;
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
