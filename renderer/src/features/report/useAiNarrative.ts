import { useEffect, useRef, useState } from 'react';
import type { AiRun } from '../../../../shared/report/ai-run';
import { useClient } from '../../api/hooks';

/**
 * The case's AI narrative run, kept current from `aiNarrative` pushes (each carries the whole
 * run: the state is replaced, never merged), so streamed text reaches the screen without a
 * round trip. A load on mount or reconnect never overwrites a newer pushed run.
 */
export function useAiNarrative(caseId: string): AiRun | null {
  const client = useClient();
  const [run, setRun] = useState<AiRun | null>(null);
  const pushed = useRef(0);

  useEffect(() => {
    let alive = true;
    const load = () => {
      const before = pushed.current;
      void client.call('getAiNarrative', { caseId }).then((r) => {
        if (alive && r.ok && pushed.current === before) setRun(r.value.run);
      });
    };
    load();
    const offPush = client.transport.onPush((m) => {
      if (m.name !== 'aiNarrative' || m.payload.caseId !== caseId) return;
      pushed.current++;
      setRun(m.payload.run);
    });
    const offConn = client.transport.onConnection((s) => {
      if (s === 'up') load();
    });
    return () => {
      alive = false;
      offPush();
      offConn();
    };
  }, [client, caseId]);

  return run;
}
