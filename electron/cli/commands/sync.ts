/** The workstation and the practice server (#17): join it, see where sync stands, send now. */
import { describeSync } from '../../../shared/domain/sync';
import { jsonOut, str, type Command } from '../command';
import { EXIT, printJson, UsageError } from '../io';

export const syncCommands: readonly Command[] = [
  {
    words: ['sync', 'enroll'],
    usage: 'closeout sync enroll --server https://HOST:PORT --fingerprint SHA256 --code XXXX-XXXX-XXXX-XXXX [--json]',
    summary: 'Join the practice server with the one-time code and certificate fingerprint from its administrator; then everything on this workstation is sent to it.',
    options: { ...jsonOut, server: { type: 'string' }, fingerprint: { type: 'string' }, code: { type: 'string' } },
    positionals: 0,
    async run({ io, session, values }) {
      const url = str(values, 'server');
      const fingerprint = str(values, 'fingerprint');
      const code = str(values, 'code');
      if (!url || !fingerprint || !code) throw new UsageError('Give --server, --fingerprint and --code (all three come from the practice server administrator).');
      const s = await session.call('enrollSync', { url, fingerprint, code });
      if (values['json']) printJson(io, s);
      else io.stdout(`Joined ${s.server?.url ?? url} as "${s.server?.workstationName ?? '?'}". ${describeSync(s)}\n`);
      return EXIT.ok;
    },
  },
  {
    words: ['sync', 'status'],
    usage: 'closeout sync status [--json]',
    summary: 'Whether this workstation is joined to a practice server, and how many records wait to go to it.',
    options: { ...jsonOut },
    positionals: 0,
    async run({ io, session, values }) {
      const s = await session.call('getSyncStatus', {});
      if (values['json']) printJson(io, s);
      else io.stdout(`${s.server ? `Practice server: ${s.server.url} (this workstation: ${s.server.workstationName})\n` : ''}${describeSync(s)}\n`);
      return EXIT.ok;
    },
  },
  {
    words: ['sync', 'now'],
    usage: 'closeout sync now [--json]',
    summary: 'Send everything waiting to the practice server now. Exit 0 when all of it arrived, 3 when the server could not take it (the reason is said).',
    options: { ...jsonOut },
    positionals: 0,
    async run({ io, session, values }) {
      const s = await session.call('syncNow', {});
      if (values['json']) printJson(io, s);
      else io.stdout(`${describeSync(s)}${s.problem && s.state !== 'synced' ? `\n(${s.problem})` : ''}\n`);
      if (s.state === 'off') throw new UsageError('This workstation is not joined to a practice server: run "closeout sync enroll" first.');
      return s.state === 'synced' ? EXIT.ok : EXIT.checkFailed;
    },
  },
];
