import { useEffect, useRef, useState } from 'react';
import type { Err, Result } from '../../../shared/util/result';
import { useClient } from './hooks';

/**
 * What a person records (a note, a quick entry) leaves the screen in order, and waits there with
 * its own time while the backend is away: the first item is sent, the next only after it; an
 * `UNAVAILABLE` answer keeps it and it is sent again when the link comes back (its client id makes
 * a resend one record). A refusal drops it and says why.
 */
export function useOutbox<T, R>(
  send: (item: T) => Promise<Result<R>>,
  on: Readonly<{ sent: (item: T, value: R) => void; refused: (item: T, err: Err) => void; away: () => void }>,
): Readonly<{ queue: readonly T[]; push: (item: T) => void }> {
  const client = useClient();
  const [queue, setQueue] = useState<readonly T[]>([]);
  const sending = useRef(false);
  // The latest callbacks, without re-running the sender when a parent re-renders.
  const latest = useRef({ send, on });
  latest.current = { send, on };

  useEffect(() => {
    if (queue.length === 0 || sending.current) return;
    sending.current = true;
    const head = queue[0] as T;
    void latest.current.send(head).then((r) => {
      sending.current = false;
      if (r.ok) {
        latest.current.on.sent(head, r.value);
        setQueue((q) => q.slice(1));
      } else if (r.code === 'UNAVAILABLE') {
        latest.current.on.away();
      } else {
        latest.current.on.refused(head, r);
        setQueue((q) => q.slice(1));
      }
    });
  }, [queue]);

  useEffect(
    () =>
      client.transport.onConnection((s) => {
        if (s === 'up') setQueue((q) => [...q]);
      }),
    [client],
  );

  return { queue, push: (item) => setQueue((q) => [...q, item]) };
}

