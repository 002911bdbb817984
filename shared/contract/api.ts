/**
 * The one contract between the UI (and the CLI) and the backend. Main, preload, renderer, the
 * WebSocket bridge and the CLI all derive from this object; nothing else names a channel.
 *
 * Its procedures live in two modules so a one-shot command builds only the schemas its call
 * checks (#15, start-up): `api-calls.ts` (arguments of plain fields: ids, dates, PINs, limits) and
 * `api-forms.ts` (the calls that carry a whole form: case, person, note, entry, settings). The
 * backend loads them on demand through `load-procedure.ts`; this module joins both for everyone else.
 */
import type { z } from 'zod';
import { callProcedures } from './api-calls';
import { formProcedures } from './api-forms';
export type { AppStatus, AuditVerification, CaptureStatus, CaseDetail, SerialPortList, StoreHealth } from './api-calls';
export { MappingRuleInputSchema } from './api-forms';

export const api = { ...callProcedures, ...formProcedures } as const;

export type Api = typeof api;
export type Method = keyof Api;
/** What a caller may pass (defaults not yet applied). */
export type ArgsIn<M extends Method> = z.input<Api[M]['args']>;
/** What a handler receives (after parsing). */
export type ArgsOut<M extends Method> = z.output<Api[M]['args']>;
export type ResultOf<M extends Method> = NonNullable<Api[M]['__result']>;

export function isMethod(name: unknown): name is Method {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(api, name);
}
