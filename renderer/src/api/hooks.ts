import { createContext, useCallback, useContext, useEffect, useRef, useState } from 'react';
import type { ArgsIn, Method, ResultOf } from '../../../shared/contract/api';
import type { PushMessage } from '../../../shared/contract/events';
import type { Err } from '../../../shared/util/result';
import type { Client } from './client';
import type { ConnectionState } from './transport';

export const ClientContext = createContext<Client | null>(null);

export function useClient(): Client {
  const c = useContext(ClientContext);
  if (!c) throw new Error('useClient outside ClientContext');
  return c;
}

export function useConnection(): ConnectionState {
  const { transport } = useClient();
  const [state, setState] = useState(transport.connection);
  useEffect(() => transport.onConnection(setState), [transport]);
  return state;
}

export type Query<T> = Readonly<{ data: T | undefined; error: Err | undefined; loading: boolean; reload: () => void }>;

/**
 * Load one contract call and keep it current: it re-runs when a pushed event says the data
 * changed (`refreshOn`) and when the link to the backend comes back. No polling.
 */
export function useQuery<M extends Method>(
  method: M,
  args: ArgsIn<M> | null,
  refreshOn?: (m: PushMessage) => boolean,
  /** Coalesce refreshes: during capture, trials can arrive several times a second. */
  throttleMs = 0,
): Query<ResultOf<M>> {
  const client = useClient();
  const key = args === null ? null : JSON.stringify(args);
  const [state, setState] = useState<{ data?: ResultOf<M>; error?: Err; loading: boolean }>({ loading: key !== null });
  const seq = useRef(0);
  const refreshRef = useRef(refreshOn);
  refreshRef.current = refreshOn;

  const load = useCallback(() => {
    if (key === null) return;
    const mine = ++seq.current;
    setState((s) => ({ ...s, loading: true }));
    void client.call(method, JSON.parse(key) as ArgsIn<M>).then((r) => {
      // Drop answers to superseded requests (typing in a search box fires many).
      if (mine !== seq.current) return;
      setState(r.ok ? { data: r.value, loading: false } : { data: undefined, error: r, loading: false });
    });
  }, [client, method, key]);

  useEffect(() => {
    load();
    let timer: ReturnType<typeof setTimeout> | null = null;
    const offPush = client.transport.onPush((m) => {
      if (m.name !== 'storeChanged' && !refreshRef.current?.(m)) return;
      if (!throttleMs) return load();
      timer ??= setTimeout(() => {
        timer = null;
        load();
      }, throttleMs);
    });
    const offConn = client.transport.onConnection((s) => {
      if (s === 'up') load();
    });
    return () => {
      if (timer) clearTimeout(timer);
      offPush();
      offConn();
    };
  }, [client, load, throttleMs]);

  return { data: state.data, error: state.error, loading: state.loading, reload: load };
}
