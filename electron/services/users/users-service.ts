import type { ArgsOut, ResultOf } from '../../../shared/contract/api';
import type { User } from '../../../shared/domain/user';
import type { ServiceContext } from '../context';
import { AppError } from '../store/store-errors';
import type { StoredUser } from '../store/users-repo';
import { hashPin, pinProblem, verifyPin } from './pin';

function pub(u: StoredUser): User {
  const { pinHash: _h, ...user } = u;
  return user;
}

export function listUsers(ctx: ServiceContext): ResultOf<'listUsers'> {
  return ctx.store.users.list().map(pub);
}

export function saveUser(ctx: ServiceContext, a: ArgsOut<'saveUser'>): ResultOf<'saveUser'> {
  const u = a.user;
  if (a.pin !== undefined && a.id) throw new AppError('BAD_INPUT', 'Change an existing user’s PIN with its current PIN (Set PIN).', { pin: 'Use Set PIN for an existing user.' });
  // The PIN is judged before anything is written: a weak one adds no user at all.
  const problem = a.pin ? pinProblem(a.pin) : null;
  if (problem) throw new AppError('BAD_INPUT', problem, { pin: problem });
  const pinHash = a.pin ? hashPin(a.pin) : null;
  const saved = ctx.store.write(() => {
    const same = ctx.store.users.findByName(u.name);
    if (same && same.id !== a.id) throw new AppError('BAD_INPUT', 'That name is taken.', { name: `There is already a user called ${same.name}.` });
    if (u.personId && !ctx.store.people.get(u.personId)) throw new AppError('BAD_INPUT', 'That person is not in the people list.', { personId: 'Pick the person from the list.' });
    const existing = a.id ? ctx.store.users.get(a.id) : null;
    if (a.id && !existing) throw new AppError('NOT_FOUND', 'That user no longer exists.');
    const row = existing
      ? ctx.store.users.update({ id: existing.id, name: u.name, role: u.role, personId: u.personId, active: u.active }, ctx.now())
      : ctx.store.users.insert({ id: ctx.newId(), name: u.name, role: u.role, personId: u.personId, pinHash, active: u.active }, ctx.now());
    ctx.store.audit.append({ actor: ctx.actor, action: existing ? 'user.update' : 'user.create', caseId: null, detail: { personId: row.personId, kind: row.role } }, ctx.now());
    if (pinHash) ctx.store.audit.append({ actor: ctx.actor, action: 'user.pin_set', caseId: null, detail: { kind: row.role } }, ctx.now());
    return row;
  });
  // User pickers (sign, override) list users: tell every screen.
  ctx.emit({ name: 'peopleChanged', payload: {} });
  return pub(saved);
}

export function setUserPin(ctx: ServiceContext, a: ArgsOut<'setUserPin'>): ResultOf<'setUserPin'> {
  const user = ctx.store.users.get(a.id);
  if (!user) throw new AppError('NOT_FOUND', 'That user no longer exists.');
  const problem = pinProblem(a.newPin);
  if (problem) throw new AppError('BAD_INPUT', problem, { newPin: problem });
  if (user.pinHash && !verifyPin(a.currentPin ?? '', user.pinHash)) {
    ctx.store.write(() => ctx.store.audit.append({ actor: ctx.actor, action: 'user.pin_refused', caseId: null, detail: { code: 'pin' } }, ctx.now()));
    throw new AppError('BAD_INPUT', 'The current PIN is not right.', { currentPin: 'The current PIN is not right.' });
  }
  const hash = hashPin(a.newPin);
  ctx.store.write(() => {
    ctx.store.users.setPinHash(user.id, hash, ctx.now());
    ctx.store.audit.append({ actor: ctx.actor, action: 'user.pin_set', caseId: null, detail: { kind: user.role } }, ctx.now());
  });
  ctx.emit({ name: 'peopleChanged', payload: {} });
  return pub(ctx.store.users.get(user.id) as StoredUser);
}
