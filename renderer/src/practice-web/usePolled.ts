import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from './practice-api';

/**
 * A server read kept current by asking again every `everyMs` (the practice server pushes
 * nothing to the browser yet): the remote physician follows the OR within seconds.
 */
export function usePolled<T>(load: () => Promise<T>, everyMs: number, deps: readonly unknown[]): { data: T | undefined; error: ApiError | undefined; reload: () => void } {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<ApiError>();
  const live = useRef(true);
  const run = useCallback(() => {
    load()
      .then((d) => {
        if (!live.current) return;
        setData(d);
        setError(undefined);
      })
      .catch((e: unknown) => live.current && setError(e instanceof ApiError ? e : new ApiError(0, 'INTERNAL', 'Something went wrong on this page.')));
  }, deps);
  useEffect(() => {
    live.current = true;
    run();
    const t = setInterval(run, everyMs);
    return () => {
      live.current = false;
      clearInterval(t);
    };
  }, [run, everyMs]);
  return { data, error, reload: run };
}
