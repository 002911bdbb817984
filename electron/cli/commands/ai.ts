import type { AiRun, AiStatus } from '../../../shared/report/ai-run';
import { SECTION_TITLES } from '../../../shared/report/draft';
import { jsonOut, str, type Command } from '../command';
import { EXIT, printJson, UsageError } from '../io';

export const aiCommands: readonly Command[] = [
  {
    words: ['ai', 'status'],
    usage: 'closeout ai status [--json]',
    summary: 'Whether the AI narrative is on, its model and service, and whether a key is set (never the key).',
    options: { ...jsonOut },
    positionals: 0,
    async run({ io, session, values }) {
      const s = await session.call('getAiStatus', {});
      if (values['json']) printJson(io, s);
      else io.stdout(statusText(s));
      return EXIT.ok;
    },
  },
  {
    words: ['ai', 'set'],
    usage: 'closeout ai set [--on | --off] [--model NAME] [--base-url URL] [--timeout SECONDS] [--json]',
    summary: 'Change the AI narrative settings. The key comes from $CLOSEOUT_ANTHROPIC_API_KEY (the app keeps its own in the OS secure store).',
    options: { ...jsonOut, on: { type: 'boolean' }, off: { type: 'boolean' }, model: { type: 'string' }, 'base-url': { type: 'string' }, timeout: { type: 'string' } },
    positionals: 0,
    async run({ io, session, values }) {
      if (values['on'] && values['off']) throw new UsageError('Say --on or --off, not both.');
      const s = await session.call('getAiStatus', {});
      const timeout = str(values, 'timeout');
      const seconds = timeout === undefined ? s.timeoutSeconds : Number(timeout);
      if (!Number.isInteger(seconds)) throw new UsageError('--timeout must be whole seconds.');
      const next = await session.call('saveAiSettings', {
        enabled: values['on'] ? true : values['off'] ? false : s.enabled,
        model: str(values, 'model') ?? s.model,
        baseURL: str(values, 'base-url') ?? s.baseURL,
        timeoutSeconds: seconds,
      });
      if (values['json']) printJson(io, next);
      else io.stdout(statusText(next));
      return EXIT.ok;
    },
  },
  {
    words: ['ai', 'narrative'],
    usage: 'closeout ai narrative CASE_ID [--accept] [--json]',
    summary: 'Write the AI narrative of a case and fact-check it; --accept puts every section that passes into the report. Exit 3 if a section names a value the record does not hold.',
    options: { ...jsonOut, accept: { type: 'boolean', default: false } },
    positionals: 1,
    async run({ io, session, args, values }) {
      const caseId = args[0] as string;
      const run = await session.call('startAiNarrative', { caseId, wait: true });
      const accepted: string[] = [];
      if (run.status === 'done' && values['accept']) {
        for (const s of run.sections) {
          if (s.findings.length > 0) continue;
          await session.call('saveSection', { caseId, sectionId: s.id, text: s.text, origin: 'ai' });
          accepted.push(s.id);
        }
      }
      if (values['json']) printJson(io, { ...run, accepted });
      else io.stdout(runText(run, accepted));
      if (run.status !== 'done') {
        if (!values['json']) io.stderr(`Error: ${run.message ?? 'The AI narrative did not finish.'}\n`);
        return EXIT.internal;
      }
      return run.sections.some((s) => s.findings.length > 0) ? EXIT.checkFailed : EXIT.ok;
    },
  },
];

function statusText(s: AiStatus): string {
  const key = s.key === null ? 'not set' : s.key === 'environment' ? 'set (from $CLOSEOUT_ANTHROPIC_API_KEY)' : s.key === 'saved' ? 'set (OS secure store)' : 'set (until Closeout closes)';
  return `AI narrative: ${s.enabled ? 'on' : 'off'}\nModel:        ${s.model}\nService:      ${s.baseURL}\nTimeout:      ${s.timeoutSeconds} s\nAPI key:      ${key}\n${s.message ? `${s.message}\n` : ''}`;
}

function runText(run: AiRun, accepted: readonly string[]): string {
  const out: string[] = [];
  for (const s of run.sections) {
    out.push(`${SECTION_TITLES[s.id].toUpperCase()}${accepted.includes(s.id) ? '  (accepted)' : ''}\n${s.text}`);
    for (const f of s.findings) out.push(`  ! ${f.token}: ${f.message}`);
    out.push('');
  }
  if (run.missing.length) out.push(`Not written by the AI (the standard text stands): ${run.missing.map((id) => SECTION_TITLES[id]).join(', ')}\n`);
  return `${out.join('\n')}\n`;
}
