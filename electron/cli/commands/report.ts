import type { Report } from '../../../shared/report/report';
import { SECTION_IDS, type SectionId } from '../../../shared/report/draft';
import { USER_ROLES, type UserRole } from '../../../shared/domain/user';
import { jsonOut, str, type Command } from '../command';
import { EXIT, printJson, table, UsageError } from '../io';

export const reportCommands: readonly Command[] = [
  {
    words: ['report'],
    usage: 'closeout report ID --json | --text',
    summary: 'The case report: facts and sections (--json) or the report as text (--text).',
    options: { ...jsonOut, text: { type: 'boolean', default: false } },
    positionals: 1,
    async run({ io, session, args, values }) {
      const r = await session.call('getReport', { caseId: args[0] as string });
      if (values['json']) printJson(io, r);
      else io.stdout(reportText(r));
      return EXIT.ok;
    },
  },
  {
    words: ['report', 'edit'],
    usage: 'closeout report edit CASE_ID SECTION [--ai | --adopt | --revert] [--json]   (the text is read from standard input)',
    summary: `Replace a section's text (sections: ${SECTION_IDS.join(', ')}); --ai marks AI text, fact-checked before it is taken; --adopt takes the wording the draft suggests (the interpretation) as yours; --revert goes back to the draft.`,
    options: { ...jsonOut, ai: { type: 'boolean', default: false }, adopt: { type: 'boolean', default: false }, revert: { type: 'boolean', default: false } },
    positionals: 2,
    async run({ io, session, args, values }) {
      const [caseId, sectionId] = args as [string, string];
      if (!(SECTION_IDS as readonly string[]).includes(sectionId)) throw new UsageError(`SECTION must be one of: ${SECTION_IDS.join(', ')}.`);
      if ([values['ai'], values['adopt'], values['revert']].filter(Boolean).length > 1) throw new UsageError('Use one of --ai, --adopt and --revert.');
      let text: string | null;
      if (values['revert']) text = null;
      else if (values['adopt']) {
        const current = (await session.call('getReport', { caseId })).sections.find((s) => s.id === sectionId);
        if (!current?.suggestion) throw new UsageError(`The draft suggests no wording for ${current?.title ?? sectionId}: write it on standard input.`);
        text = current.suggestion;
      } else text = (await io.readStdin()).replace(/\s+$/, '');
      if (text === '') throw new UsageError('Give the section text on standard input (or --adopt for the suggested wording, --revert for the draft).');
      const r = await session.call('saveSection', { caseId, sectionId: sectionId as SectionId, text, origin: values['ai'] ? 'ai' : 'person' });
      if (values['json']) printJson(io, r);
      else io.stdout(`${text === null ? 'Reverted' : 'Saved'}: ${r.sections.find((s) => s.id === sectionId)?.title ?? sectionId}.\n`);
      return EXIT.ok;
    },
  },
  {
    words: ['sign'],
    usage: 'closeout sign ID --as USER   (the PIN is read from standard input)',
    summary: 'Sign the report of a closed case as an interpreting physician.',
    options: { ...jsonOut, as: { type: 'string' }, addendum: { type: 'string' } },
    positionals: 1,
    async run({ io, session, args, values }) {
      const user = str(values, 'as');
      if (!user) throw new UsageError('Say who signs: --as "Dr Name" (a user with the physician role).');
      const pin = (await io.readStdin()).replace(/\r?\n$/, '');
      if (!pin) throw new UsageError('Give the PIN on standard input, e.g. read -s PIN; echo "$PIN" | closeout sign ID --as USER');
      const addendum = str(values, 'addendum');
      const v = addendum
        ? await session.call('addAddendum', { caseId: args[0] as string, userId: user, pin, text: addendum })
        : await session.call('signReport', { caseId: args[0] as string, userId: user, pin });
      if (values['json']) printJson(io, v);
      else io.stdout(`Signed ${v.kind === 'addendum' ? `addendum ${v.version}` : 'report'} as ${v.signerName}${v.signerCredential ? `, ${v.signerCredential}` : ''} at ${new Date(v.signedAt).toISOString()}.\nContent SHA-256 ${v.contentSha256}\n`);
      return EXIT.ok;
    },
  },
  {
    words: ['users', 'add'],
    usage: 'closeout users add --name NAME --role technologist|physician|admin|billing [--person PERSON_ID] [--json]   (a PIN on standard input sets it)',
    summary: 'Add a local user; physicians sign reports with their PIN.',
    options: { ...jsonOut, name: { type: 'string' }, role: { type: 'string' }, person: { type: 'string' } },
    positionals: 0,
    async run({ io, session, values }) {
      const role = str(values, 'role');
      if (!role || !(USER_ROLES as readonly string[]).includes(role)) throw new UsageError(`--role must be one of: ${USER_ROLES.join(', ')}.`);
      const pin = (await io.readStdin()).replace(/\r?\n$/, '');
      // The user and its PIN together, or nothing (a weak PIN adds no user).
      const final = await session.call('saveUser', { user: { name: str(values, 'name') ?? '', role: role as UserRole, personId: str(values, 'person') ?? null }, ...(pin ? { pin } : {}) });
      if (values['json']) printJson(io, final);
      else io.stdout(`${final.id}\n`);
      return EXIT.ok;
    },
  },
  {
    words: ['users', 'list'],
    usage: 'closeout users list [--json]',
    summary: 'List local users.',
    options: { ...jsonOut },
    positionals: 0,
    async run({ io, session, values }) {
      const users = await session.call('listUsers', {});
      if (values['json']) printJson(io, users);
      else io.stdout(users.length ? table(users.map((u) => [u.id, u.name, u.role, u.hasPin ? 'PIN set' : 'no PIN', u.active ? '' : 'inactive']), ['ID', 'Name', 'Role', 'PIN', '']) : 'No users yet.\n');
      return EXIT.ok;
    },
  },
];

export function reportText(r: Report): string {
  const out: string[] = [];
  for (const s of r.sections) {
    out.push(`${s.title.toUpperCase()}\n${s.text}\n`);
    if (s.suggestion && s.origin === 'draft' && !r.locked) out.push(`Suggested from the record (adopt it with: closeout report edit ${r.caseId} ${s.id} --adopt):\n${s.suggestion}\n`);
  }
  for (const v of r.versions) {
    out.push(
      v.kind === 'original'
        ? `Signed by ${v.signerName}${v.signerCredential ? `, ${v.signerCredential}` : ''} at ${new Date(v.signedAt).toISOString()} (SHA-256 ${v.contentSha256})`
        : `ADDENDUM ${v.version}\n${v.addendumText}\nSigned by ${v.signerName}${v.signerCredential ? `, ${v.signerCredential}` : ''} at ${new Date(v.signedAt).toISOString()} (SHA-256 ${v.contentSha256})`,
    );
  }
  if (r.gaps.length) out.push(`\nStill missing:\n${r.gaps.map((g) => `  - ${g}`).join('\n')}`);
  return `${out.join('\n')}\n`;
}
