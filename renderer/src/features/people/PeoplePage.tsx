import { useState } from 'react';
import type { Person } from '../../../../shared/domain/person';
import { PERSON_ROLE_LABELS, PERSON_ROLES } from '../../../../shared/domain/vocabulary';
import { useQuery } from '../../api/hooks';
import { ErrorBanner } from '../../components/Field';
import { PersonDialog } from './PersonDialog';
import { UsersCard } from './UsersCard';

/** Technologists, interpreting physicians and surgeons: entered once, picked on every case. */
export function PeoplePage() {
  const q = useQuery('listPeople', { includeInactive: true }, (m) => m.name === 'peopleChanged');
  const [editing, setEditing] = useState<Person | 'new' | null>(null);
  const people = q.data ?? [];
  return (
    <section className="page">
      <header className="page-head">
        <h1>People</h1>
        <button className="primary" onClick={() => setEditing('new')}>
          Add person
        </button>
      </header>
      <ErrorBanner message={q.error?.message} />
      {PERSON_ROLES.map((role) => {
        const list = people.filter((p) => p.role === role);
        return (
          <div className="card" key={role}>
            <h2 className="card-title">{PERSON_ROLE_LABELS[role]}s</h2>
            {list.length === 0 ? (
              <p className="empty">None yet.</p>
            ) : (
              <table className="table table-click">
                <thead>
                  <tr>
                    <th>Name</th>
                    <th>Credential</th>
                    <th>NPI</th>
                    <th />
                  </tr>
                </thead>
                <tbody>
                  {list.map((p) => (
                    <tr key={p.id} onClick={() => setEditing(p)} className={p.active ? '' : 'inactive'}>
                      <td>
                        {p.lastName}, {p.firstName}
                      </td>
                      <td>{p.credential || <span className="muted">—</span>}</td>
                      <td className="mono">{p.npi ?? <span className="muted">—</span>}</td>
                      <td className="muted small">{p.active ? '' : 'inactive'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </div>
        );
      })}
      <UsersCard />
      {editing && <PersonDialog role={null} person={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />}
    </section>
  );
}
