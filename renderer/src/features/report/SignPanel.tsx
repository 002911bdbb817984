import { useState, type FormEvent } from 'react';
import type { CaseStatus } from '../../../../shared/domain/vocabulary';
import { useClient, useQuery } from '../../api/hooks';
import { ErrorBanner, Field } from '../../components/Field';
import { UserPinFields } from '../../components/UserPinFields';
import type { SignBlocker } from '../../../../shared/report/sign-rules';

/** Sign (a closed case) or add an addendum (a signed one): the physician re-enters their PIN. */
export function SignPanel({ caseId, status, locked, blockers }: { caseId: string; status: CaseStatus; locked: boolean; blockers: readonly SignBlocker[] }) {
  const client = useClient();
  const users = useQuery('listUsers', {});
  const physicians = (users.data ?? []).filter((u) => u.role === 'physician' && u.active);
  const [userId, setUserId] = useState('');
  const [pin, setPin] = useState('');
  const [addendum, setAddendum] = useState('');
  const [error, setError] = useState<string>();
  const [fields, setFields] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  if (!locked && status !== 'closed') {
    return <p className="muted small sign-hint">Close the case to sign the report: capture stops and the timeline is frozen first.</p>;
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    const chosen = userId || physicians[0]?.id || '';
    const r = locked ? await client.call('addAddendum', { caseId, userId: chosen, pin, text: addendum }) : await client.call('signReport', { caseId, userId: chosen, pin });
    setBusy(false);
    setPin('');
    if (r.ok) {
      setError(undefined);
      setFields({});
      setAddendum('');
    } else {
      setError(r.message);
      setFields(r.fields ?? {});
    }
  }

  return (
    <form className="sign-panel card" onSubmit={(e) => void submit(e)} noValidate>
      <h3>{locked ? 'Add an addendum' : 'Sign the report'}</h3>
      <p className="muted small">
        {locked ? 'A signed report never changes. An addendum is added after it, signed again; the original is kept.' : 'Signing fixes the report as it reads now. Later changes are addenda.'}
      </p>
      <ErrorBanner message={error} />
      {!locked && blockers.length > 0 && (
        <div className="sign-blockers" role="status">
          <b>Not ready to sign:</b>
          <ul aria-label="Before signing">
            {blockers.map((b) => (
              <li key={b.code + b.message}>{b.message}</li>
            ))}
          </ul>
        </div>
      )}
      {physicians.length === 0 ? (
        <p className="field-error">No physician user exists yet. Add one with a PIN under People → Users.</p>
      ) : (
        <div className="grid2">
          <UserPinFields users={physicians} userLabel="Physician" pinLabel="PIN" userId={userId} onUserId={setUserId} pin={pin} onPin={setPin} fields={fields} />
          {locked && (
            <Field label="Addendum" error={fields['text']} wide>
              {(id, d) => <textarea id={id} aria-describedby={d} rows={3} value={addendum} onChange={(e) => setAddendum(e.target.value)} />}
            </Field>
          )}
        </div>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={busy || physicians.length === 0 || !pin || (!locked && blockers.length > 0)}>
          {busy ? 'Checking…' : locked ? 'Sign addendum' : 'Sign report'}
        </button>
      </div>
    </form>
  );
}
