import { PERSON_ROLES, PERSON_ROLE_LABELS, type PersonRole } from '../../../shared/domain/vocabulary';
import type { PersonInput } from '../../../shared/domain/person';
import { jsonOut, str, type Command, type Values } from '../command';
import { EXIT, printJson, table, UsageError } from '../io';

const personFlags = {
  role: { type: 'string' },
  last: { type: 'string' },
  first: { type: 'string' },
  credential: { type: 'string' },
  npi: { type: 'string' },
} as const;

function role(values: Values): PersonRole | undefined {
  const r = str(values, 'role');
  if (r === undefined) return undefined;
  if (!(PERSON_ROLES as readonly string[]).includes(r)) throw new UsageError(`Unknown role "${r}". Use one of: ${PERSON_ROLES.join(', ')}.`);
  return r as PersonRole;
}

export const peopleCommands: readonly Command[] = [
  {
    words: ['people', 'add'],
    usage: 'closeout people add --role technologist|physician|surgeon --last NAME --first NAME [--credential C] [--npi N] [--json]',
    summary: 'Add a technologist, interpreting physician or surgeon; prints the ID.',
    options: { ...jsonOut, ...personFlags },
    positionals: 0,
    async run({ io, session, values }) {
      const input: PersonInput = {
        role: role(values) as PersonRole,
        lastName: str(values, 'last') as string,
        firstName: str(values, 'first') as string,
        credential: str(values, 'credential') ?? '',
        npi: str(values, 'npi') ?? null,
      };
      const p = await session.call('createPerson', input);
      if (values['json']) printJson(io, p);
      else io.stdout(`${p.id}\n`);
      return EXIT.ok;
    },
  },
  {
    words: ['people', 'list'],
    usage: 'closeout people list [--role R] [--all] [--json]',
    summary: 'List people (active only unless --all).',
    options: { ...jsonOut, role: { type: 'string' }, all: { type: 'boolean', default: false } },
    positionals: 0,
    async run({ io, session, values }) {
      const r = role(values);
      const people = await session.call('listPeople', { ...(r ? { role: r } : {}), includeInactive: values['all'] === true });
      if (values['json']) printJson(io, people);
      else if (people.length === 0) io.stdout('No people yet. Add them with "closeout people add".\n');
      else
        io.stdout(
          table(
            people.map((p) => [p.id, `${p.lastName}, ${p.firstName}`, p.credential, PERSON_ROLE_LABELS[p.role], p.npi ?? '', p.active ? '' : 'inactive']),
            ['ID', 'Name', 'Credential', 'Role', 'NPI', ''],
          ),
        );
      return EXIT.ok;
    },
  },
  {
    words: ['people', 'edit'],
    usage: 'closeout people edit ID [--role R] [--last L] [--first F] [--credential C] [--npi N] [--active|--inactive] [--json]',
    summary: 'Change a person; --inactive hides them from pickers (history is kept).',
    options: { ...jsonOut, ...personFlags, active: { type: 'boolean' }, inactive: { type: 'boolean' } },
    positionals: 1,
    async run({ io, session, args, values }) {
      const id = args[0] as string;
      const all = await session.call('listPeople', { includeInactive: true });
      const cur = all.find((p) => p.id === id);
      if (!cur) throw new UsageError(`No person with ID ${id}. "closeout people list --all" shows the IDs.`);
      const p = await session.call('updatePerson', {
        id,
        fields: {
          role: role(values) ?? cur.role,
          lastName: str(values, 'last') ?? cur.lastName,
          firstName: str(values, 'first') ?? cur.firstName,
          credential: str(values, 'credential') ?? cur.credential,
          npi: str(values, 'npi') ?? cur.npi,
          active: values['inactive'] ? false : values['active'] ? true : cur.active,
        },
      });
      if (values['json']) printJson(io, p);
      else io.stdout(`Updated ${p.id}.\n`);
      return EXIT.ok;
    },
  },
];
