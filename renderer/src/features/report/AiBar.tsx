import { useState } from 'react';
import type { AiRun, AiStatus } from '../../../../shared/report/ai-run';
import { SECTION_TITLES } from '../../../../shared/report/draft';
import { useClient } from '../../api/hooks';
import { href } from '../../app/router';

/** Ask for the AI narrative, follow it, cancel it. Shown only when the feature is set up. */
export function AiBar({ caseId, status, run }: { caseId: string; status: AiStatus | undefined; run: AiRun | null }) {
  const client = useClient();
  const [error, setError] = useState<string>();
  if (!status?.enabled) return null;
  const running = run?.status === 'running';

  async function start() {
    const r = await client.call('startAiNarrative', { caseId });
    setError(r.ok ? undefined : r.message);
  }

  const writing = running ? run.sections.find((s) => !s.done) : undefined;
  const line = error
    ? error
    : !status.ready
      ? status.message
      : running
        ? `Writing the narrative${run.attempt > 1 ? ' (second try)' : ''}${writing ? `: ${SECTION_TITLES[writing.id]}` : '…'}`
        : run?.status === 'failed' || run?.status === 'cancelled'
          ? run.message
          : run?.status === 'done'
            ? `Narrative written by ${run.model}. Review each section below: accept it, edit it, or keep the standard text.`
            : 'The AI can rewrite the narrative sections from de-identified facts; you review each one.';

  return (
    <div className="ai-bar" role="status" aria-label="AI narrative">
      <span className="grow">{line}</span>
      {!status.ready && <a href={href({ name: 'settings' })}>Settings</a>}
      {status.ready && running && (
        <button className="small-button" onClick={() => void client.call('cancelAiNarrative', { caseId })}>
          Cancel
        </button>
      )}
      {status.ready && !running && (
        <button className="small-button" onClick={() => void start()}>
          {run?.status === 'done' ? 'Write again' : 'Write AI narrative'}
        </button>
      )}
    </div>
  );
}
