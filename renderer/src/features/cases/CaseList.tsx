import { useEffect, useMemo, useState } from 'react';
import { sortCaseList } from '../../../../shared/domain/case-list';
import type { CaseSummary } from '../../../../shared/domain/case';
import { localIsoDate } from '../../../../shared/util/time';
import { useQuery } from '../../api/hooks';
import { go, href } from '../../app/router';
import { StatusChip } from '../../components/StatusChip';
import { ErrorBanner } from '../../components/Field';

export function CaseList() {
  const [search, setSearch] = useState('');
  const [debounced, setDebounced] = useState('');
  useEffect(() => {
    const t = setTimeout(() => setDebounced(search.trim()), 150);
    return () => clearTimeout(t);
  }, [search]);
  const today = localIsoDate(Date.now());
  const q = useQuery('listCases', { search: debounced, limit: 500 }, (m) => m.name === 'caseChanged');
  const cases = useMemo(() => sortCaseList(q.data ?? [], today), [q.data, today]);
  const todays = cases.filter((c) => c.dateOfService === today);
  const earlier = cases.filter((c) => c.dateOfService !== today);

  return (
    <section className="page">
      <header className="page-head">
        <h1>Cases</h1>
        <input
          className="search"
          type="search"
          placeholder="Search name or MRN"
          aria-label="Search cases by name or MRN"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
        <a className="button primary" href={href({ name: 'newCase' })}>
          New case
        </a>
      </header>
      <ErrorBanner message={q.error?.message} />
      {q.data && cases.length === 0 && (
        <p className="empty">{debounced ? `No case matches “${debounced}”.` : 'No cases yet. Start with “New case”.'}</p>
      )}
      {todays.length > 0 && <CaseTable title="Today" cases={todays} />}
      {earlier.length > 0 && <CaseTable title={todays.length ? 'Earlier' : 'All cases'} cases={earlier} />}
    </section>
  );
}

function CaseTable({ title, cases }: { title: string; cases: readonly CaseSummary[] }) {
  return (
    <div className="card">
      <h2 className="card-title">{title}</h2>
      <table className="table table-click">
        <thead>
          <tr>
            <th>Date</th>
            <th>Patient</th>
            <th>MRN</th>
            <th>Procedure</th>
            <th>Surgeon</th>
            <th>Status</th>
          </tr>
        </thead>
        <tbody>
          {cases.map((c) => (
            <tr key={c.id} onClick={() => go({ name: 'case', id: c.id })} data-case-id={c.id}>
              <td className="mono">{c.dateOfService}</td>
              <td>
                <a href={href({ name: 'case', id: c.id })} onClick={(e) => e.stopPropagation()}>
                  {c.patientName}
                </a>
              </td>
              <td className="mono">{c.mrn}</td>
              <td>{c.procedure}</td>
              <td>{c.surgeonName ?? <span className="muted">—</span>}</td>
              <td>
                <StatusChip status={c.status} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
