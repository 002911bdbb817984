import { useState, type FormEvent } from 'react';
import { ApiError } from './practice-api';

/**
 * A form's send to the practice server: busy while it runs, the server's plain message when it
 * fails (`failed` when there is none, e.g. the network), then `after` when it went through.
 */
export function useSubmit(failed: string) {
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const submit = (send: () => Promise<unknown>, after?: () => void) => async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setMessage(null);
    try {
      await send();
      after?.();
    } catch (err) {
      setMessage(err instanceof ApiError ? err.message : failed);
    } finally {
      setBusy(false);
    }
  };
  return { busy, message, submit };
}
