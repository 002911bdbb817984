import type { BackendState, PreloadApi } from '../../../shared/contract/bridge';
import type { PushMessage } from '../../../shared/contract/events';
import type { Result } from '../../../shared/util/result';
import type { ConnectionState, Transport } from './transport';

/** Electron: the preload's named functions (window.closeout). */
export function ipcTransport(bridge: PreloadApi): Transport {
  let state: ConnectionState = 'up';
  const listeners = new Set<(s: ConnectionState) => void>();
  bridge.onBackendState((s: BackendState) => {
    const next: ConnectionState = s === 'up' ? 'up' : s === 'starting' ? 'connecting' : 'reconnecting';
    if (next === state) return;
    state = next;
    for (const l of listeners) l(state);
  });
  const fns = bridge as unknown as Record<string, (args: unknown) => Promise<Result<unknown>>>;
  return {
    call: (method, args) => {
      const fn = fns[method];
      return fn ? fn(args) : Promise.resolve({ ok: false, code: 'BAD_INPUT', message: `Unknown request ${method}.` });
    },
    onPush: (l: (m: PushMessage) => void) => bridge.onPush(l),
    onConnection(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    get connection() {
      return state;
    },
  };
}
