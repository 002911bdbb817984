import { useState } from 'react';
import { useClient, useQuery } from '../../api/hooks';
import { ErrorBanner } from '../../components/Field';

/** Files read into this case, with the ones that need a decision or could not be read. */
export function CaptureFilesPanel({ caseId }: { caseId: string }) {
  const client = useClient();
  const q = useQuery('listCaptureFiles', { caseId }, (m) => m.name === 'captureStatus' || (m.name === 'eventsCaptured' && m.payload.caseId === caseId), 500);
  const [error, setError] = useState<string>();
  const files = q.data ?? [];
  if (files.length === 0) return null;
  const problems = files.filter((f) => f.status === 'held' || f.status === 'error');
  return (
    <div className="card">
      <h2 className="card-title">Device files</h2>
      <ErrorBanner message={error} />
      <ul className="files" aria-label="Device files">
        {files.map((f) => (
          <li key={`${f.sourceId}/${f.path}`} className={`file file-${f.status}`}>
            <span className="mono small">{f.path}</span>
            <span className="muted small">
              {f.status === 'done' ? `${f.events} events` : f.status === 'reading' ? 'reading…' : f.status === 'held' ? 'held' : f.status === 'error' ? 'not read' : 'ignored'}
            </span>
            {f.message && (f.status === 'held' || f.status === 'error') && <div className="file-msg small">{f.message}</div>}
            {f.status === 'held' && (
              <button
                className="small-button"
                onClick={() =>
                  void client.call('releaseHeldFile', { sourceId: f.sourceId, path: f.path }).then((r) => {
                    setError(r.ok ? undefined : r.message);
                    q.reload();
                  })
                }
              >
                Add anyway
              </button>
            )}
          </li>
        ))}
      </ul>
      {problems.length === 0 && <p className="ok small">All device files read.</p>}
    </div>
  );
}
