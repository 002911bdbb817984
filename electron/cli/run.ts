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
import { EXIT, printJson, reportError, ResultError, UsageError, type CliIo } from './io';
import { CliSession } from './session';

/**
 * Command groups by first word, loaded on demand: `closeout inspect` must not pay for loading
 * the database layer and zod (its speed is compared with a C reader's).
 */
const GROUPS: ReadonlyArray<Readonly<{ first: readonly string[]; load: () => Promise<readonly Command[]> }>> = [
  { first: ['case'], load: () => import('./commands/case').then((m) => m.caseCommands) },
  { first: ['people'], load: () => import('./commands/people').then((m) => m.peopleCommands) },
  { first: ['status', 'audit', 'call'], load: () => import('./commands/workstation').then((m) => m.workstationCommands) },
  { first: ['events'], load: () => import('./commands/events').then((m) => m.eventCommands) },
  // "note add" is with the events, "note record" with the quick entries.
  {
    first: ['note', 'entry'],
    load: async () => [...(await import('./commands/events')).eventCommands, ...(await import('./commands/entry')).entryCommands],
  },
  { first: ['inspect'], load: () => import('./commands/inspect').then((m) => m.inspectCommands) },
  { first: ['capture'], load: () => import('./commands/capture').then((m) => m.captureCommands) },
  { first: ['report', 'sign', 'users'], load: () => import('./commands/report').then((m) => m.reportCommands) },
  { first: ['ai'], load: () => import('./commands/ai').then((m) => m.aiCommands) },
  { first: ['export', 'send', 'deliveries', 'ehr'], load: () => import('./commands/ehr').then((m) => m.ehrCommands) },
  { first: ['claim', 'charges', 'billing'], load: () => import('./commands/claim').then((m) => m.claimCommands) },
  { first: ['sync'], load: () => import('./commands/sync').then((m) => m.syncCommands) },
  { first: ['roi', 'dashboard'], load: () => import('./commands/practice').then((m) => m.practiceCommands) },
];

/** Every command (loads every group: for help and tests). */
export async function allCommands(): Promise<Command[]> {
  // A module in two groups gives the same command objects twice: list each once.
  return [...new Set((await Promise.all(GROUPS.map((g) => g.load()))).flat())];
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

  const wantsJson = tail.includes('--json') || command.words[0] === 'call';
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: withNegativeValues(tail, command.options), options: command.options, allowPositionals: true, strict: true });
  } catch (e) {
    return usage(io, `${argumentProblem(e, command.options)}\nUsage: ${command.usage}`, wantsJson);
  }
  const [min, max] = typeof command.positionals === 'number' ? [command.positionals, command.positionals] : command.positionals;
  if (parsed.positionals.length < min || parsed.positionals.length > max) {
    return usage(io, `Wrong number of arguments.\nUsage: ${command.usage}`, wantsJson);
  }

  const session = new CliSession(dataDir ?? defaultDataDir(io.env), opts.appVersion);
  const json = parsed.values['json'] === true || command.words[0] === 'call';
  try {
    return await command.run({ io, session, args: parsed.positionals, values: parsed.values });
  } catch (e) {
    // The reader of our output went away (`closeout case show ID | head -3`): nothing is wrong.
    if ((e as NodeJS.ErrnoException)?.code === 'EPIPE') return EXIT.ok;
    if (e instanceof UsageError) return usage(io, e.message, json);
    if (e instanceof ResultError) return reportError(io, e.result, json);
    io.stderr(`Error: ${DEFAULT_MESSAGES.INTERNAL}\n`);
    if (io.env['CLOSEOUT_DEBUG']) io.stderr(`${JSON.stringify(redactError(e))}\n`);
    return EXIT.internal;
  } finally {
    await session.close();
  }
}

/** Bad input: the message on stderr, and with --json the same as JSON on stdout (as every error). */
function usage(io: CliIo, message: string, json = false): number {
  io.stderr(`Error: ${message}\n`);
  if (json) printJson(io, { ok: false, code: 'BAD_INPUT', message: message.split('\nUsage:')[0] });
  return EXIT.badInput;
}

type Options = Command['options'];

/**
 * "--denial-rate -5": a value that is a negative number is the option's value, not another
 * option (parseArgs would refuse it as ambiguous); the command's own check then says what range it takes.
 */
function withNegativeValues(args: readonly string[], options: Options): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    const name = a.startsWith('--') ? a.slice(2) : null;
    const next = args[i + 1];
    if (name && options[name]?.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

/** parseArgs's complaint in the command's words, with the nearest option for a typo. */
function argumentProblem(e: unknown, options: Options): string {
  const code = (e as { code?: string })?.code;
  const message = e instanceof Error ? e.message : 'Invalid arguments.';
  const unknown = /Unknown option '([^']+)'/.exec(message)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && unknown) {
    const given = unknown.replace(/^-+/, '');
    const near = Object.keys(options)
      .map((o) => ({ o, d: distance(given, o) }))
      .filter((x) => x.d <= Math.max(1, Math.floor(x.o.length / 3)))
      .sort((a, b) => a.d - b.d)[0];
    return `Unknown option ${unknown}.${near ? ` Did you mean --${near.o}?` : ''}`;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const opt = /Option '([^']+)'/.exec(message)?.[1];
    return opt ? `${opt.split(' ')[0]} needs a value.` : message;
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return 'Too many arguments.';
  return message;
}

/** Edit distance (insert, delete, substitute, swap of neighbours). */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
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
