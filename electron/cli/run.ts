/**
 * The `closeout` command line: every capability of the app, for IT and scripting.
 * Exit codes: 0 ok, 1 internal error, 2 bad input (message on stderr), 3 a check found a problem.
 */
import { parseArgs } from 'node:util';
import { METHODS } from '../../shared/contract/methods';
import { DEFAULT_MESSAGES } from '../../shared/contract/errors';
import { redactError } from '../../shared/util/redact';
import { defaultDataDir } from '../services/paths';
import type { Command } from './command';
import { EXIT, reportError, ResultError, UsageError, type CliIo } from './io';
import { CliSession } from './session';

/**
 * Command groups by first word, loaded on demand: `closeout inspect` must not pay for loading
 * the database layer and zod (its speed is compared with a C reader's).
 */
const GROUPS: ReadonlyArray<Readonly<{ first: readonly string[]; load: () => Promise<readonly Command[]> }>> = [
  { first: ['case'], load: () => import('./commands/case').then((m) => m.caseCommands) },
  { first: ['people'], load: () => import('./commands/people').then((m) => m.peopleCommands) },
  {
    first: ['note', 'events', 'status', 'audit', 'call', 'entry'],
    load: async () => [...(await import('./commands/misc')).miscCommands, ...(await import('./commands/entry')).entryCommands],
  },
  { first: ['inspect'], load: () => import('./commands/inspect').then((m) => m.inspectCommands) },
  { first: ['capture'], load: () => import('./commands/capture').then((m) => m.captureCommands) },
  { first: ['report', 'sign', 'users'], load: () => import('./commands/report').then((m) => m.reportCommands) },
  { first: ['ai'], load: () => import('./commands/ai').then((m) => m.aiCommands) },
  { first: ['export', 'send', 'deliveries', 'ehr'], load: () => import('./commands/ehr').then((m) => m.ehrCommands) },
  { first: ['claim', 'charges', 'billing'], load: () => import('./commands/claim').then((m) => m.claimCommands) },
  { first: ['roi', 'dashboard'], load: () => import('./commands/practice').then((m) => m.practiceCommands) },
];

/** Every command (loads every group: for help and tests). */
export async function allCommands(): Promise<Command[]> {
  return (await Promise.all(GROUPS.map((g) => g.load()))).flat();
}

export type RunOptions = Readonly<{ appVersion: string }>;

export async function runCli(argv: readonly string[], io: CliIo, opts: RunOptions): Promise<number> {
  // Global flags may come anywhere: --data-dir DIR, --version, --help.
  const rest: string[] = [];
  let dataDir: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--data-dir') {
      dataDir = argv[++i];
      if (!dataDir) return usage(io, '--data-dir needs a folder.');
    } else if (a.startsWith('--data-dir=')) dataDir = a.slice('--data-dir='.length);
    else rest.push(a);
  }
  if (rest[0] === '--version' || rest[0] === 'version') {
    io.stdout(`${opts.appVersion}\n`);
    return EXIT.ok;
  }
  if (rest.length === 0 || rest[0] === 'help' || rest[0] === '--help' || rest[0] === '-h') {
    io.stdout(helpText(await allCommands()));
    return EXIT.ok;
  }

  const group = GROUPS.find((g) => g.first.includes(rest[0] as string));
  // The longest match wins: "report edit ID" is not "report ID".
  const command = group
    ? (await group.load()).filter((c) => c.words.every((w, i) => rest[i] === w)).sort((a, b) => b.words.length - a.words.length)[0]
    : undefined;
  if (!command) return usage(io, `Unknown command "${rest.slice(0, 2).join(' ')}". Run "closeout help" for the list.`);
  const tail = rest.slice(command.words.length);
  if (tail.includes('--help') || tail.includes('-h')) {
    io.stdout(`${command.usage}\n  ${command.summary}\n`);
    return EXIT.ok;
  }

  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: tail, options: command.options, allowPositionals: true, strict: true });
  } catch (e) {
    return usage(io, `${e instanceof Error ? e.message : 'Invalid arguments.'}\nUsage: ${command.usage}`);
  }
  const [min, max] = typeof command.positionals === 'number' ? [command.positionals, command.positionals] : command.positionals;
  if (parsed.positionals.length < min || parsed.positionals.length > max) {
    return usage(io, `Wrong number of arguments.\nUsage: ${command.usage}`);
  }

  const session = new CliSession(dataDir ?? defaultDataDir(io.env), opts.appVersion);
  const json = parsed.values['json'] === true || command.words[0] === 'call';
  try {
    return await command.run({ io, session, args: parsed.positionals, values: parsed.values });
  } catch (e) {
    if (e instanceof UsageError) return usage(io, e.message);
    if (e instanceof ResultError) return reportError(io, e.result, json);
    io.stderr(`Error: ${DEFAULT_MESSAGES.INTERNAL}\n`);
    if (io.env['CLOSEOUT_DEBUG']) io.stderr(`${JSON.stringify(redactError(e))}\n`);
    return EXIT.internal;
  } finally {
    await session.close();
  }
}

function usage(io: CliIo, message: string): number {
  io.stderr(`Error: ${message}\n`);
  return EXIT.badInput;
}

function helpText(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.words.join(' ').length));
  return [
    'closeout: intraoperative neuromonitoring cases, reports and claims from the command line.',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.words.join(' ').padEnd(width)}  ${c.summary}`),
    '',
    'Global options:',
    '  --data-dir DIR   use this data folder (default: $CLOSEOUT_DATA_DIR, else the app\'s own folder)',
    '  --json           machine-readable output, where a command offers it',
    '  COMMAND --help   usage of one command',
    '',
    `Methods for "closeout call": ${METHODS.join(', ')}`,
    '',
    'Exit codes: 0 ok, 1 internal error, 2 bad input, 3 a check found a problem.',
    '',
  ].join('\n');
}
