import { api, type WorklistClaim } from './practice-api';
import { usePolled } from './usePolled';

/** Every workstation's claims: what a payer would deny first, then the oldest. */
export function WorklistPage() {
  const { data, error } = usePolled(() => api.get<{ claims: WorklistClaim[]; total: number; notClean: number }>('/api/claims'), 30_000, []);
  return (
    <section className="page">
      <div className="page-head">
        <h1>Claims, every workstation</h1>
        {data && (
          <p className="muted">
            {data.notClean.toLocaleString('en-US')} not clean of {data.total.toLocaleString('en-US')}
            {data.total > data.claims.length ? ` (first ${data.claims.length.toLocaleString('en-US')} shown)` : ''}
          </p>
        )}
      </div>
      {error && <p className="banner banner-error">{error.message}</p>}
      {data && data.claims.length === 0 && <p className="empty">No claims have come in from the workstations yet.</p>}
      {data && data.claims.length > 0 && (
        <table className="table" aria-label="Claim worklist">
          <thead>
            <tr>
              <th>Claim</th>
              <th>Findings</th>
              <th>Age</th>
              <th>Patient</th>
              <th>Date of service</th>
              <th>Case</th>
              <th>Workstation</th>
              <th className="num">Minutes</th>
            </tr>
          </thead>
          <tbody>
            {data.claims.map((c) => (
              <tr key={c.caseId}>
                <td>
                  <span className={`chip ${c.clean ? 'chip-signed' : 'chip-amended'}`}>{c.clean ? 'Clean' : `Not clean (${c.blocking})`}</span>
                </td>
                <td className="mono">{c.findings.join(', ') || '—'}</td>
                <td className="nowrap">{c.ageDays} d</td>
                <td>
                  <a href={`#/case/${c.caseId}`}>{c.patient}</a>
                </td>
                <td className="nowrap">{c.dateOfService}</td>
                <td>{c.caseStatus}</td>
                <td>{c.workstation}</td>
                <td className="num">{c.minutes}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
