import { useState, type FormEvent } from 'react';
import { USER_ROLES, USER_ROLE_LABELS, type User, type UserRole } from '../../../../shared/domain/user';
import { personDisplayName } from '../../../../shared/domain/person';
import { useClient, useQuery } from '../../api/hooks';
import { ErrorBanner, Field } from '../../components/Field';

/** Local users: who may sign (physicians, with a PIN), and who administers the workstation. */
export function UsersCard() {
  const client = useClient();
  const users = useQuery('listUsers', {});
  const people = useQuery('listPeople', {}, (m) => m.name === 'peopleChanged');
  const [adding, setAdding] = useState(false);
  const [pinFor, setPinFor] = useState<User | null>(null);
  const [form, setForm] = useState({ name: '', role: 'physician' as UserRole, personId: '', pin: '' });
  const [error, setError] = useState<string>();
  const [fields, setFields] = useState<Record<string, string>>({});

  async function add(e: FormEvent) {
    e.preventDefault();
    // One call: the user and the PIN are stored together, or nothing is (a weak PIN adds no one).
    const r = await client.call('saveUser', { user: { name: form.name, role: form.role, personId: form.personId || null }, ...(form.pin ? { pin: form.pin } : {}) });
    if (!r.ok) {
      setError(r.message);
      setFields(r.fields ?? {});
      return;
    }
    setAdding(false);
    setForm({ name: '', role: 'physician', personId: '', pin: '' });
    setError(undefined);
    setFields({});
    users.reload();
  }

  return (
    <div className="card">
      <h2 className="card-title">Users of this workstation</h2>
      <p className="muted small">Interpreting physicians sign reports by re-entering their PIN. PINs are stored as slow salted hashes, never in clear.</p>
      <ErrorBanner message={error ?? users.error?.message} />
      {(users.data ?? []).length > 0 && (
        <table className="table" aria-label="Users">
          <tbody>
            {(users.data ?? []).map((u) => (
              <tr key={u.id}>
                <td>{u.name}</td>
                <td>{USER_ROLE_LABELS[u.role]}</td>
                <td className="muted small">{u.hasPin ? 'PIN set' : 'no PIN'}</td>
                <td className="actions">
                  <button onClick={() => setPinFor(u)}>{u.hasPin ? 'Change PIN' : 'Set PIN'}</button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {adding ? (
        <form onSubmit={(e) => void add(e)} noValidate className="grid4">
          <Field label="User name" error={fields['name'] ?? fields['user.name']}>
            {(id) => <input id={id} value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />}
          </Field>
          <Field label="Role">
            {(id) => (
              <select id={id} value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as UserRole })}>
                {USER_ROLES.map((r) => (
                  <option key={r} value={r}>
                    {USER_ROLE_LABELS[r]}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Is this person" hint="Their credential goes on the signature">
            {(id) => (
              <select id={id} value={form.personId} onChange={(e) => setForm({ ...form, personId: e.target.value })}>
                <option value="">— none —</option>
                {(people.data ?? []).map((p) => (
                  <option key={p.id} value={p.id}>
                    {personDisplayName(p)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="PIN" error={fields['pin'] ?? fields['newPin']} hint="6+ digits, or 4+ characters">
            {(id) => <input id={id} type="password" autoComplete="new-password" value={form.pin} onChange={(e) => setForm({ ...form, pin: e.target.value })} />}
          </Field>
          <div className="actions" style={{ gridColumn: '1 / -1' }}>
            <button type="button" onClick={() => setAdding(false)}>
              Cancel
            </button>
            <button type="submit" className="primary">
              Add user
            </button>
          </div>
        </form>
      ) : (
        <button onClick={() => setAdding(true)}>Add user</button>
      )}
      {pinFor && <PinForm user={pinFor} onDone={() => (setPinFor(null), users.reload())} />}
    </div>
  );
}

function PinForm({ user, onDone }: { user: User; onDone: () => void }) {
  const client = useClient();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [fields, setFields] = useState<Record<string, string>>({});
  async function submit(e: FormEvent) {
    e.preventDefault();
    const r = await client.call('setUserPin', { id: user.id, ...(user.hasPin ? { currentPin: current } : {}), newPin: next });
    if (r.ok) onDone();
    else setFields(r.fields ?? { newPin: r.message });
  }
  return (
    <form onSubmit={(e) => void submit(e)} noValidate className="grid4 pin-form" aria-label={`PIN for ${user.name}`}>
      {user.hasPin && (
        <Field label="Current PIN" error={fields['currentPin']}>
          {(id) => <input id={id} type="password" autoComplete="off" value={current} onChange={(e) => setCurrent(e.target.value)} />}
        </Field>
      )}
      <Field label="New PIN" error={fields['newPin']}>
        {(id) => <input id={id} type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} />}
      </Field>
      <div className="actions">
        <button type="button" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="primary">
          Save PIN
        </button>
      </div>
    </form>
  );
}
