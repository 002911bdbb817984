/** The workstation itself: its status, the audit trail's check, and any contract call (`closeout call`). */
import { refuseUnknownArgs } from '../unknown-args';
import { isMethodName as isMethod } from '../../../shared/contract/methods';
import { jsonOut, str, type Command } from '../command';
import { EXIT, jsonArg, printJson, reportError, UsageError } from '../io';

export const workstationCommands: readonly Command[] = [
  {
    words: ['status'],
    usage: 'closeout status [--json]',
    summary: 'Show where data lives and whether the database is healthy.',
    options: { ...jsonOut },
    positionals: 0,
    async run({ io, session, values }) {
      const s = await session.call('getStatus', {});
      if (values['json']) printJson(io, s);
      else io.stdout(`Closeout ${s.appVersion}\nData folder: ${s.dataDir}\nDatabase:    ${s.store.state === 'ok' ? `ok (schema ${s.store.schemaVersion})` : s.store.message}\n`);
      if (s.store.state === 'error') return reportError(io, { ok: false, code: s.store.code, message: s.store.message }, false);
      return EXIT.ok;
    },
  },
  {
    words: ['audit', 'verify'],
    usage: 'closeout audit verify [--case ID] [--json]',
    summary: 'Check the audit log, its anchor, and every signed report with the events behind it; exit 3 naming what changed.',
    options: { ...jsonOut, case: { type: 'string' } },
    positionals: 0,
    async run({ io, session, values }) {
      const caseId = str(values, 'case');
      const v = await session.call('verifyAudit', caseId ? { caseId } : {});
      if (values['json']) printJson(io, v);
      else {
        io.stdout(`${v.message}\n`);
        if (v.problems.length > 1) io.stdout(v.problems.map((p) => `  - ${p.message}\n`).join(''));
        if (v.notes.length) io.stdout(v.notes.map((n) => `  Note: ${n}\n`).join(''));
      }
      if (!v.intact && !values['json']) io.stderr(`${v.message}\n`);
      return v.intact ? EXIT.ok : EXIT.checkFailed;
    },
  },
  {
    words: ['call'],
    usage: "closeout call METHOD [--args '<JSON>' | --args -]",
    summary: 'Call any backend method of the contract directly; prints the JSON result.',
    options: { args: { type: 'string' } },
    positionals: 1,
    async run({ io, session, args, values }) {
      const method = args[0] as string;
      if (!isMethod(method)) throw new UsageError(`Unknown method "${method}". "closeout help" lists the methods.`);
      const input = str(values, 'args') === undefined ? {} : await jsonArg(io, str(values, 'args') as string, 'arguments');
      await refuseUnknownArgs(method, input, `a ${method}`, { after: 'Nothing was called.' });
      const r = await (await session.backend()).call(method, input);
      if (!r.ok) return reportError(io, r, true);
      printJson(io, r.value);
      return EXIT.ok;
    },
  },
];
