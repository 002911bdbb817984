import type { PushMessage } from '../../../shared/contract/events';
import type { WireFromBackend } from '../../../shared/contract/wire';
import { DEFAULT_MESSAGES } from '../../../shared/contract/errors';
import { err, type Result } from '../../../shared/util/result';
import type { ConnectionState, Transport } from './transport';

const WAIT_FOR_UP_MS = 15_000;

/**
 * Browser: the loopback WebSocket bridge of the dev host. The token travels as a subprotocol so
 * it never appears in a URL the server logs. Reconnects with backoff; a call made while the
 * link is down waits for it (up to 15 s) instead of failing at once.
 */
export function wsTransport(url: string, token: string): Transport {
  let ws: WebSocket | null = null;
  let state: ConnectionState = 'connecting';
  let attempt = 0;
  let nextId = 1;
  const pending = new Map<number, (r: Result<unknown>) => void>();
  const pushListeners = new Set<(m: PushMessage) => void>();
  const stateListeners = new Set<(s: ConnectionState) => void>();
  let waiters: Array<() => void> = [];

  const setState = (s: ConnectionState) => {
    if (s === state) return;
    state = s;
    for (const l of stateListeners) l(s);
    if (s === 'up') {
      const w = waiters;
      waiters = [];
      for (const f of w) f();
    }
  };

  const connect = () => {
    const socket = new WebSocket(url, ['closeout.v1', `token.${token}`]);
    ws = socket;
    socket.onmessage = (e) => {
      let m: WireFromBackend;
      try {
        m = JSON.parse(String(e.data)) as WireFromBackend;
      } catch {
        return;
      }
      if (m.type === 'ready') {
        attempt = 0;
        setState('up');
      } else if (m.type === 'result') {
        pending.get(m.id)?.(m.result);
        pending.delete(m.id);
      } else if (m.type === 'push') {
        for (const l of pushListeners) l(m.event);
      }
    };
    socket.onclose = () => {
      if (ws !== socket) return;
      ws = null;
      for (const [, resolve] of pending) resolve(err('UNAVAILABLE', 'The connection dropped during this action. Check whether it was saved, then try again.'));
      pending.clear();
      setState('reconnecting');
      const delay = Math.min(250 * 2 ** attempt++, 5000);
      setTimeout(connect, delay);
    };
  };
  connect();

  const waitUp = () =>
    new Promise<boolean>((resolve) => {
      if (state === 'up') return resolve(true);
      const timer = setTimeout(() => {
        waiters = waiters.filter((w) => w !== done);
        resolve(false);
      }, WAIT_FOR_UP_MS);
      const done = () => {
        clearTimeout(timer);
        resolve(true);
      };
      waiters.push(done);
    });

  return {
    async call(method, args) {
      if (!(await waitUp()) || !ws) return err('UNAVAILABLE', DEFAULT_MESSAGES.UNAVAILABLE);
      const id = nextId++;
      const socket = ws;
      return new Promise((resolve) => {
        pending.set(id, resolve);
        socket.send(JSON.stringify({ type: 'call', id, method, args }));
      });
    },
    onPush(l) {
      pushListeners.add(l);
      return () => pushListeners.delete(l);
    },
    onConnection(l) {
      stateListeners.add(l);
      return () => stateListeners.delete(l);
    },
    get connection() {
      return state;
    },
  };
}
