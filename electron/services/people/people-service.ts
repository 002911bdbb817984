import type { ArgsOut, ResultOf } from '../../../shared/contract/api';
import type { PersonFields } from '../../../shared/domain/person';
import type { ServiceContext } from '../context';
import { AppError } from '../store/store-errors';

function assertUniqueNpi(ctx: ServiceContext, f: PersonFields, selfId: string | null): void {
  if (!f.npi) return;
  const other = ctx.store.people.findByRoleNpi(f.role, f.npi);
  if (other && other.id !== selfId) {
    throw new AppError('BAD_INPUT', 'This person is already in the list.', {
      npi: `NPI ${f.npi} already belongs to ${other.firstName} ${other.lastName}. Pick them from the list instead.`,
    });
  }
}

export function listPeople(ctx: ServiceContext, a: ArgsOut<'listPeople'>): ResultOf<'listPeople'> {
  return ctx.store.people.list().filter((p) => (a.includeInactive || p.active) && (!a.role || p.role === a.role));
}

export function createPerson(ctx: ServiceContext, f: ArgsOut<'createPerson'>): ResultOf<'createPerson'> {
  const person = ctx.store.write(() => {
    assertUniqueNpi(ctx, f, null);
    const p = ctx.store.people.insert(ctx.newId(), f, ctx.now());
    ctx.store.audit.append({ actor: ctx.actor, action: 'person.create', caseId: null, detail: { personId: p.id, role: p.role } }, ctx.now());
    return p;
  });
  ctx.emit({ name: 'peopleChanged', payload: {} });
  return person;
}

export function updatePerson(ctx: ServiceContext, a: ArgsOut<'updatePerson'>): ResultOf<'updatePerson'> {
  const person = ctx.store.write(() => {
    const before = ctx.store.people.get(a.id);
    if (!before) throw new AppError('NOT_FOUND', 'That person is not in the list.');
    assertUniqueNpi(ctx, a.fields, a.id);
    const p = ctx.store.people.update(a.id, a.fields, ctx.now());
    const changed = (['role', 'lastName', 'firstName', 'credential', 'npi', 'active'] as const).filter((k) => before[k] !== p[k]);
    ctx.store.audit.append({ actor: ctx.actor, action: 'person.update', caseId: null, detail: { personId: p.id, changed } }, ctx.now());
    return p;
  });
  ctx.emit({ name: 'peopleChanged', payload: {} });
  return person;
}
