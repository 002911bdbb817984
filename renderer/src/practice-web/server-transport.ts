/**
 * The contract over the practice server, for the workstation's own components shown on the
 * server's page (the practice dashboard and the ROI calculator): `getDashboard` is answered by
 * the server over every workstation (GET /api/dashboard); nothing else is offered here, and no
 * pushes (the page reloads what it shows when asked).
 */
import { ERROR_CODES, type ErrorCode } from '../../../shared/contract/errors';
import type { Transport } from '../api/transport';
import { api, ApiError } from './practice-api';

export function serverTransport(): Transport {
  return {
    connection: 'up',
    onPush: () => () => {},
    onConnection: () => () => {},
    async call(method, args) {
      if (method !== 'getDashboard') return { ok: false, code: 'UNAVAILABLE', message: 'This is not available on the practice server.' };
      const a = (args ?? {}) as { from?: string; to?: string };
      const q = new URLSearchParams();
      if (a.from) q.set('from', a.from);
      if (a.to) q.set('to', a.to);
      try {
        return { ok: true, value: await api.get(`/api/dashboard?${q.toString()}`) };
      } catch (e) {
        if (e instanceof ApiError) return { ok: false, code: (ERROR_CODES as readonly string[]).includes(e.code) ? (e.code as ErrorCode) : 'UNAVAILABLE', message: e.message };
        return { ok: false, code: 'UNAVAILABLE', message: 'The practice server did not answer.' };
      }
    },
  };
}
