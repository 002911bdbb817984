/**
 * Applying on this workstation what a person did for one of its cases on the practice server
 * (#17): a physician's signed addendum, a biller's claim override or billing answers. Each goes
 * through the same commit path as if done here (a new signed version; an override or the answers
 * with their audit entry), in that
 * person's name, or is refused with a reason they can act on. Idempotent: an action seen again
 * (its answer to the server was lost) gets the same answer and changes nothing.
 */
import { createHash } from 'node:crypto';
import type { PracticeBillingSettings, PracticeEhrSettings, PracticePhysician, RemoteAction, RemoteOutcome } from '../../../shared/domain/remote-signing';
import { PersonInputSchema } from '../../../shared/domain/person';
import { EhrSettingsSchema } from '../../../shared/ehr/settings';
import { commitEhrSettings } from '../ehr/ehr-service';
import { PracticeBillingSchema } from '../../../shared/billing/details';
import { RuleSetsSchema } from '../../../shared/billing/ruleset';
import type { ServiceContext } from '../context';
import { commitAddendum } from '../report/report-service';
import { answered, recordAnswer, remoteUser } from '../report/remote-signature';
import { billingDetailsOf, caseClaim, commitBillingDetails, commitBillingSettings, commitOverride } from '../billing/billing-service';
import { BillingDetailsSchema } from '../../../shared/billing/details';
import { canonicalJson } from '../../../shared/domain/audit';

export function applyRemoteAction(ctx: ServiceContext, action: RemoteAction): RemoteOutcome {
  const seen = answered(ctx, action.id);
  if (seen) return seen;
  return ctx.store.write((): RemoteOutcome => {
    const outcome = action.kind === 'addendum' ? addendum(ctx, action) : action.kind === 'claimOverride' ? override(ctx, action) : answers(ctx, action);
    recordAnswer(ctx, action.id, action.caseId, outcome);
    if (outcome.state === 'refused') {
      ctx.store.audit.append({ actor: `remote:${action.author.serverUserId}`, action: 'sync.remote_refused', caseId: action.caseId, detail: { actionId: action.id, kind: action.kind } }, ctx.now());
    }
    return outcome;
  });
}

type Of<K extends RemoteAction['kind']> = Extract<RemoteAction, { kind: K }>;

function addendum(ctx: ServiceContext, a: Of<'addendum'>): RemoteOutcome {
  const c = ctx.store.cases.get(a.caseId);
  if (!c) return { state: 'refused', reason: 'This workstation no longer has the case.' };
  const last = ctx.store.report.versions(c.id).at(-1);
  if (!last) return { state: 'refused', reason: 'The report is not signed on the workstation (it was reopened?): nothing to add an addendum to.' };
  // A version signed after the one the physician read (another addendum) does not stop theirs:
  // addenda only add, each after the last, and each names its parent.
  const stored = commitAddendum(ctx, c, last, remoteUser(ctx, a.author, 'physician'), a.text, Math.max(a.at, last.signedAt + 1), `remote:${a.author.serverUserId}`, {
    actionId: a.id,
    npi: a.author.npi,
    afterVersion: a.afterVersion,
  });
  return { state: 'applied', version: stored.version };
}

function override(ctx: ServiceContext, a: Of<'claimOverride'>): RemoteOutcome {
  const c = ctx.store.cases.get(a.caseId);
  if (!c) return { state: 'refused', reason: 'This workstation no longer has the case.' };
  const current = caseClaim(ctx, c);
  if (current.clean) return { state: 'refused', reason: 'The claim is clean now on the workstation: there is nothing to override.' };
  if (current.exportable) return { state: 'applied', version: 0 };
  const seen = new Set(a.rules);
  const unseen = [...new Set(current.findings.filter((f) => f.severity === 'block' && !seen.has(f.rule)).map((f) => f.rule))];
  if (unseen.length > 0) {
    return { state: 'refused', reason: `The claim changed on the workstation after you read it (now also: ${unseen.join(', ')}). Read it again, then override.` };
  }
  commitOverride(ctx, c, current, { id: remoteUser(ctx, a.author, 'billing').userId, name: a.author.name }, a.reason, `remote:${a.author.serverUserId}`, { actionId: a.id });
  return { state: 'applied', version: 0 };
}

function answers(ctx: ServiceContext, a: Of<'billingDetails'>): RemoteOutcome {
  const c = ctx.store.cases.get(a.caseId);
  if (!c) return { state: 'refused', reason: 'This workstation no longer has the case.' };
  const d = BillingDetailsSchema.safeParse(a.details);
  if (!d.success) return { state: 'refused', reason: 'These answers are not ones this workstation can store (is it up to date?).' };
  // Answered on the workstation too since the office read them: theirs are not overwritten.
  if (canonicalJson(billingDetailsOf(ctx, c.id)) !== canonicalJson(BillingDetailsSchema.safeParse(a.before).data ?? null)) {
    return { state: 'refused', reason: 'The answers changed on the workstation after you read them. Read them again, then answer.' };
  }
  commitBillingDetails(ctx, c, d.data, `remote:${a.author.serverUserId}`, { actionId: a.id });
  return { state: 'applied', version: 0 };
}

/**
 * A practice setting from the server, taken once per server version: `read` checks it again at
 * this boundary (null: this workstation cannot read it; not taken, said in the log, not asked
 * again), `commit` stores it through the path a local administrator's save uses, with the
 * version remembered in the same transaction. Returns whether anything changed.
 */
function takeNewer<T>(ctx: ServiceContext, key: string, kind: string, s: Readonly<{ version: number; setBy: string }>, read: () => T | null, commit: (value: T, remote: Record<string, unknown>, remember: () => void) => void): boolean {
  if (s.version <= (ctx.store.settings.get<number>(key) ?? 0)) return false;
  const remember = () => ctx.store.settings.set(key, s.version);
  const value = read();
  if (value === null) {
    ctx.log.warn('sync.settings_unreadable', { version: s.version, kind });
    remember();
    return false;
  }
  commit(value, { version: s.version, setBy: s.setBy }, remember);
  return true;
}

/**
 * The practice's billing settings as its administrator set them on the server: stored here as a
 * new version (every version kept, as when saved here), in their name.
 */
export function applyPracticeBilling(ctx: ServiceContext, s: PracticeBillingSettings): boolean {
  return takeNewer(
    ctx,
    'sync.billingSettingsVersion',
    'billing',
    s,
    () => {
      const practice = s.practice === undefined ? undefined : PracticeBillingSchema.safeParse(s.practice);
      const ruleSets = s.ruleSets === undefined ? undefined : RuleSetsSchema.safeParse(s.ruleSets);
      return practice?.success === false || ruleSets?.success === false ? null : { practice: practice?.data, ruleSets: ruleSets?.data };
    },
    (value, remote, remember) => commitBillingSettings(ctx, value, `${s.setBy} (practice server)`, 'remote:practice-settings', remote, remember),
  );
}

/** Where reports go, as the practice's administrator set it on the server. */
export function applyPracticeEhr(ctx: ServiceContext, s: PracticeEhrSettings): boolean {
  return takeNewer(
    ctx,
    'sync.ehrSettingsVersion',
    'ehr',
    s,
    () => EhrSettingsSchema.safeParse(s.settings).data ?? null,
    (value, remote, remember) => commitEhrSettings(ctx, value, 'remote:practice-settings', remote, remember),
  );
}

const PHYSICIANS_KEY = 'sync.physiciansSha256';

/**
 * The practice's physicians from the server: each one this workstation has no physician with
 * that NPI for is added to its people list (a person here already is left as it is). The list
 * comes with every poll; it is looked at only when it changed. Returns how many were added.
 */
export function applyPracticePhysicians(ctx: ServiceContext, list: readonly PracticePhysician[]): number {
  const sha = createHash('sha256').update(JSON.stringify(list)).digest('hex');
  if (ctx.store.settings.get<string>(PHYSICIANS_KEY) === sha) return 0;
  let added = 0;
  ctx.store.write(() => {
    for (const p of list) {
      if (ctx.store.people.findByRoleNpi('physician', p.npi)) continue;
      // The server keeps one full name: its last word is taken as the last name (editable here).
      const words = p.name.trim().split(/\s+/);
      const lastName = words.length > 1 ? words.pop()! : words[0]!;
      const fields = PersonInputSchema.safeParse({ role: 'physician', lastName, firstName: words.length ? words.join(' ') : lastName, credential: p.credential, npi: p.npi });
      if (!fields.success) {
        ctx.log.warn('sync.physician_unreadable', { serverUserId: p.serverUserId });
        continue;
      }
      const person = ctx.store.people.insert(ctx.newId(), fields.data, ctx.now());
      ctx.store.audit.append({ actor: 'remote:practice-server', action: 'person.create', caseId: null, detail: { personId: person.id, role: person.role, via: 'practice-server' } }, ctx.now());
      added++;
    }
    ctx.store.settings.set(PHYSICIANS_KEY, sha);
  });
  if (added) ctx.emit({ name: 'peopleChanged', payload: {} });
  return added;
}
