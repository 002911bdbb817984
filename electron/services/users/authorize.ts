/**
 * Who may do a guarded thing (sign, override a claim, change billing rules or EHR settings):
 * a known, active user whose role allows it, with the right PIN. One check for every such
 * action, so the refusals read alike and each is audited (never the PIN, never a patient field).
 */
import type { UserRole } from '../../../shared/domain/user';
import type { ServiceContext } from '../context';
import type { StoredUser } from '../store/users-repo';
import { AppError } from '../store/store-errors';
import { DEMO_CASE_KEY, DEMO_USER_KEY } from '../demo/demo-keys';
import { verifyPin } from './pin';

export type Guard = Readonly<{
  /** Audit action written on a refusal, e.g. "report.sign_refused". */
  refusedAction: string;
  caseId: string | null;
  allowed: (role: UserRole) => boolean;
  /** Why this user may not, in plain words ("Dr X is not an interpreting physician…"). */
  notAllowed: (name: string) => string;
  /** Code audited when the role is wrong. */
  notAllowedCode: string;
  /** What did not happen, for the wrong-PIN message ("Nothing was signed."). */
  nothingDone: string;
  /** The verb for the demo physician's refusal ("sign"); "act on" when not given. */
  demoVerb?: string;
}>;

export function authorizeUser(ctx: ServiceContext, userRef: string, pin: string, g: Guard): StoredUser {
  const user = ctx.store.users.get(userRef) ?? ctx.store.users.findByName(userRef);
  const refuse = (code: string, message: string): never => {
    ctx.store.write(() => ctx.store.audit.append({ actor: ctx.actor, action: g.refusedAction, caseId: g.caseId, detail: { code } }, ctx.now()));
    throw new AppError('BAD_INPUT', message, code === 'pin' ? { pin: message } : { userId: message });
  };
  if (!user || !user.active) return refuse('unknown_user', 'No active user by that name. An administrator adds users under People → Users.');
  if (!g.allowed(user.role)) return refuse(g.notAllowedCode, g.notAllowed(user.name));
  if (!user.pinHash) return refuse('no_pin', `${user.name} has no PIN yet. Set one under People → Users first.`);
  if (!verifyPin(pin, user.pinHash)) return refuse('pin', `That PIN is not right. ${g.nothingDone}`);
  // The demo physician's PIN is published (README): it acts on the demo case and nothing else.
  if (user.id === ctx.store.settings.get<string>(DEMO_USER_KEY) && (g.caseId === null || g.caseId !== ctx.store.settings.get<string>(DEMO_CASE_KEY))) {
    return refuse('demo_user', `The demo physician can ${g.demoVerb ?? 'act on'} only the demo case.`);
  }
  return user;
}

/** Administrators only: billing rules, EHR destinations. */
export function adminGuard(refusedAction: string, what: string): Guard {
  return {
    refusedAction,
    caseId: null,
    allowed: (role) => role === 'admin',
    notAllowed: (name) => `${name} is not an administrator; only an administrator changes ${what}.`,
    notAllowedCode: 'not_admin',
    nothingDone: 'Nothing was changed.',
  };
}
