/**
 * JSON a person wrote (a case, EHR settings, rule sets, `closeout call --args`) is checked for
 * fields its method's schema would drop without a word, before anything is sent: a misspelt
 * `"tsl": true` must not save an MLLP destination without TLS and say "Saved".
 */
import type { Method } from '../../shared/contract/api';
import { unknownFields, unknownFieldsMessage } from '../../shared/util/unknown-fields';
import { UsageError } from './io';

/**
 * Refuse `args` for `method` if any field of it, under `under` (e.g. "settings."), has no place in
 * the method's arguments; `what` names the thing in the message ("an EHR settings" field).
 */
export async function refuseUnknownArgs(method: Method, args: unknown, what: string, opts: Readonly<{ under?: string; after?: string }> = {}): Promise<void> {
  const { loadProcedure } = await import('../../shared/contract/load-procedure');
  const under = opts.under ?? '';
  const found = unknownFields((await loadProcedure(method)).args, args)
    .filter((f) => f.path.startsWith(under))
    .map((f) => ({ ...f, path: f.path.slice(under.length) }));
  if (found.length) throw new UsageError(`${unknownFieldsMessage(found, what)}${opts.after ? ` ${opts.after}` : ''}`);
}
