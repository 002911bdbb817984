/**
 * A contract procedure loaded on demand: the backend checks a call's arguments with it, and a
 * one-shot command (`closeout case list`) builds only the cheap schemas it needs (#15, start-up).
 */
import type { Api, Method } from './api';

export async function loadProcedure<M extends Method>(method: M): Promise<Api[M]> {
  const { callProcedures } = await import('./api-calls');
  if (Object.prototype.hasOwnProperty.call(callProcedures, method)) return (callProcedures as unknown as Api)[method];
  const { formProcedures } = await import('./api-forms');
  return (formProcedures as unknown as Api)[method];
}
