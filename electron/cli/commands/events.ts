/** A case's events from the command line: add a note, list what was recorded. */
import { randomUUID } from 'node:crypto';
import { EVENT_KIND_LABELS } from '../../../shared/domain/event-kinds';
import { localClock } from '../../../shared/util/time';
import { jsonOut, str, type Command } from '../command';
import { EXIT, printJson, table, UsageError } from '../io';

export const eventCommands: readonly Command[] = [
  {
    words: ['note', 'add'],
    usage: 'closeout note add CASE_ID TEXT... [--json]',
    summary: 'Add a timestamped note to a running case (time = now).',
    options: { ...jsonOut },
    positionals: [2, 1000],
    async run({ io, session, args, values }) {
      const [caseId, ...words] = args as string[];
      const e = await session.call('addNote', { caseId: caseId as string, text: words.join(' '), occurredAt: Date.now(), clientId: randomUUID() });
      if (values['json']) printJson(io, e);
      else io.stdout(`Note ${e.id} stored at ${localClock(e.occurredAt)}.\n`);
      return EXIT.ok;
    },
  },
  {
    words: ['events', 'list'],
    usage: 'closeout events list CASE_ID [--limit N] [--json]',
    summary: 'List every event of a case, newest first (--limit N: the newest N, and it says when there are more).',
    options: { ...jsonOut, limit: { type: 'string' } },
    positionals: 1,
    async run({ io, session, args, values }) {
      const raw = str(values, 'limit');
      const n = raw === undefined ? null : Number(raw);
      if (n !== null && (!Number.isInteger(n) || n < 1)) throw new UsageError('--limit must be a whole number, 1 or more.');
      // Page through the whole case (5,000 at a time); with --limit, one more than asked, to know.
      const events: Awaited<ReturnType<typeof session.call<'listEvents'>>> = [];
      let before: { occurredAt: number; id: number } | undefined;
      for (;;) {
        const want = n === null ? 5000 : Math.min(5000, n + 1 - events.length);
        const page = await session.call('listEvents', { caseId: args[0] as string, limit: want, ...(before ? { before } : {}) });
        events.push(...page);
        const last = page.at(-1);
        if (page.length < want || !last || (n !== null && events.length > n)) break;
        before = { occurredAt: last.occurredAt, id: last.id };
      }
      if (n !== null && events.length > n) {
        events.length = n;
        io.stderr(`The newest ${n} events are shown; the case has more. Leave out --limit to list them all.\n`);
      }
      if (values['json']) printJson(io, events);
      else if (events.length === 0) io.stdout('No events yet.\n');
      else io.stdout(table(events.map((e) => [localClock(e.occurredAt), EVENT_KIND_LABELS[e.kind], e.modality ?? '', e.text, e.source]), ['Time', 'Kind', 'Modality', 'Text', 'Source']));
      return EXIT.ok;
    },
  },
];
