import type { ParseArgsConfig } from 'node:util';
import type { CliIo } from './io';
import type { CliSession } from './session';

export type Values = Record<string, string | boolean | Array<string | boolean> | undefined>;

export type Command = Readonly<{
  /** Words that select the command, e.g. ["case", "new"]. */
  words: readonly string[];
  usage: string;
  summary: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /** Exact count, or [min, max]. */
  positionals: number | readonly [number, number];
  run: (x: Readonly<{ io: CliIo; session: CliSession; args: readonly string[]; values: Values }>) => Promise<number>;
}>;

export const jsonOut = { json: { type: 'boolean', default: false } } as const;

export function str(values: Values, key: string): string | undefined {
  const v = values[key];
  return typeof v === 'string' ? v : undefined;
}
