import { useState, type FormEvent } from 'react';
import { hasBillingRights } from '../../../../shared/domain/user';
import { useClient, useQuery } from '../../api/hooks';
import { ErrorBanner, Field } from '../../components/Field';
import { UserPinFields } from '../../components/UserPinFields';
import { ruleCounts, type ClaimView } from '../../../../shared/billing/view';

/**
 * A user with billing rights (billing or administrator) lets a claim that is not clean be
 * exported: PIN and a reason. The override covers the blocking findings of this moment only.
 */
export function OverrideForm({ caseId, claim, onDone }: { caseId: string; claim: ClaimView; onDone: (view: ClaimView) => void }) {
  const client = useClient();
  const users = useQuery('listUsers', {});
  const billers = (users.data ?? []).filter((u) => u.active && hasBillingRights(u.role));
  const [userId, setUserId] = useState('');
  const [pin, setPin] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string>();
  const [fields, setFields] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const blocking = claim.findings.filter((f) => f.severity === 'block');

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    const r = await client.call('overrideClaim', { caseId, userId: userId || billers[0]?.id || '', pin, reason });
    setBusy(false);
    setPin('');
    if (r.ok) {
      setError(undefined);
      setFields({});
      setReason('');
      onDone(r.value);
    } else {
      setError(r.message);
      setFields(r.fields ?? {});
    }
  }

  return (
    <form className="override-form" aria-label="Override" onSubmit={(e) => void submit(e)} noValidate>
      <h3>Override and allow export</h3>
      <p className="muted small">
        For when the payer will accept the claim anyway (e.g. the signature is on paper). It covers the {blocking.length} blocking finding
        {blocking.length === 1 ? '' : 's'} listed now ({ruleCounts(blocking)}); a new one needs a new override. The reason is kept in the audit log.
      </p>
      <ErrorBanner message={error} />
      {billers.length === 0 ? (
        <p className="field-error">No user has billing rights yet. Add a Billing or Administrator user with a PIN under People → Users.</p>
      ) : (
        <div className="grid2">
          <UserPinFields users={billers} userLabel="Billing user" pinLabel="Billing PIN" userId={userId} onUserId={setUserId} pin={pin} onPin={setPin} fields={fields} />
          <Field label="Reason" error={fields['reason']} wide>
            {(id, d) => <textarea id={id} aria-describedby={d} rows={2} value={reason} onChange={(e) => setReason(e.target.value)} />}
          </Field>
        </div>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={busy || billers.length === 0 || !pin}>
          {busy ? 'Checking…' : 'Override'}
        </button>
      </div>
    </form>
  );
}
