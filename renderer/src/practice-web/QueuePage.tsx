import { api, type QueueEntry } from './practice-api';
import { usePolled } from './usePolled';

function waiting(hours: number): string {
  if (hours < 1) return 'under an hour';
  if (hours < 48) return `${Math.round(hours)} h`;
  return `${Math.round(hours / 24)} days`;
}

/** Cases on every workstation that name me and wait for my signature, oldest first. */
export function QueuePage() {
  const { data, error } = usePolled(() => api.get<{ queue: QueueEntry[] }>('/api/queue'), 10_000, []);
  return (
    <section className="page">
      <div className="page-head">
        <h1>Waiting for my signature</h1>
      </div>
      {error && <p className="banner banner-error">{error.message}</p>}
      {data && data.queue.length === 0 && <p className="empty">Nothing is waiting for your signature.</p>}
      {data && data.queue.length > 0 && (
        <table className="table" aria-label="Cases waiting for my signature">
          <thead>
            <tr>
              <th>Patient</th>
              <th>Procedure</th>
              <th>Date of service</th>
              <th>Workstation</th>
              <th>Waiting</th>
            </tr>
          </thead>
          <tbody>
            {data.queue.map((q) => (
              <tr key={q.caseId}>
                <td>
                  <a href={`#/case/${q.caseId}`}>{q.patient}</a>
                </td>
                <td>{q.procedure}</td>
                <td className="nowrap">{q.dateOfService}</td>
                <td>{q.workstation}</td>
                <td className="nowrap">{waiting(q.waitingHours)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
