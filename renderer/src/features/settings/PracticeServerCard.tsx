import { useState, type FormEvent } from 'react';
import { describeSync } from '../../../../shared/domain/sync';
import { useClient, useQuery } from '../../api/hooks';
import { ErrorBanner, Field } from '../../components/Field';

/**
 * Joining the practice server (#17): its address, the certificate fingerprint and the one-time
 * code the administrator gives. Once joined, this card says where sync stands; nothing here is
 * ever in the OR's way (capture and signing go on with the server down).
 */
export function PracticeServerCard() {
  const client = useClient();
  const status = useQuery('getSyncStatus', {}, (m) => m.name === 'syncStatus');
  const [form, setForm] = useState({ url: '', fingerprint: '', code: '' });
  const [error, setError] = useState<string>();
  const [fields, setFields] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  if (status.error) return <ErrorBanner message={status.error.message} />;
  const s = status.data;

  async function join(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    const r = await client.call('enrollSync', form);
    setBusy(false);
    if (!r.ok) {
      setError(r.message);
      setFields(r.fields ?? {});
      return;
    }
    setError(undefined);
    setFields({});
    setForm({ url: '', fingerprint: '', code: '' });
    status.reload();
  }

  async function sendNow() {
    setBusy(true);
    await client.call('syncNow', {});
    setBusy(false);
    status.reload();
  }

  return (
    <div className="card" aria-label="Practice server">
      <h2 className="card-title">Practice server</h2>
      {!s && <p className="muted">Loading…</p>}
      {s && s.server && (
        <>
          <p>
            Joined to <span className="mono">{s.server.url}</span> as <strong>{s.server.workstationName}</strong>.
          </p>
          <p role="status" className={s.state === 'unreachable' || s.state === 'revoked' ? 'banner banner-warn' : ''}>
            {describeSync(s)}
          </p>
          <p className="muted small">Certificate fingerprint {s.server.fingerprint}</p>
          <div className="actions">
            <button type="button" onClick={() => void sendNow()} disabled={busy}>
              {busy ? 'Sending…' : 'Send now'}
            </button>
          </div>
        </>
      )}
      {s && !s.server && (
        <form onSubmit={(e) => void join(e)} aria-label="Join the practice server">
          <p className="muted">
            {describeSync(s)} To let the interpreting physician sign from anywhere and the office see this workstation's cases, join the practice server with what its
            administrator gives you.
          </p>
          <Field label="Server address" error={fields.url} hint="e.g. https://closeout.practice.local:8443">
            {(id, d) => <input id={id} aria-describedby={d} value={form.url} onChange={(e) => setForm({ ...form, url: e.target.value })} required />}
          </Field>
          <Field label="Certificate fingerprint (SHA-256)" error={fields.fingerprint} wide>
            {(id, d) => <input id={id} aria-describedby={d} className="mono" value={form.fingerprint} onChange={(e) => setForm({ ...form, fingerprint: e.target.value })} required />}
          </Field>
          <Field label="Enrollment code" error={fields.code} hint="Four groups of four; it works once.">
            {(id, d) => <input id={id} aria-describedby={d} value={form.code} onChange={(e) => setForm({ ...form, code: e.target.value })} required />}
          </Field>
          {error && <ErrorBanner message={error} />}
          <div className="actions">
            <button className="primary" type="submit" disabled={busy}>
              {busy ? 'Joining…' : 'Join'}
            </button>
          </div>
        </form>
      )}
    </div>
  );
}

/** One line under the menu: synced, N waiting, or unreachable since HH:MM (nothing when not joined). */
export function SyncStatusLine() {
  const status = useQuery('getSyncStatus', {}, (m) => m.name === 'syncStatus');
  const s = status.data;
  if (!s || s.state === 'off') return null;
  const short = s.state === 'synced' ? 'Synced' : s.state === 'waiting' ? `${s.waiting.toLocaleString('en-US')} waiting` : s.state === 'revoked' ? 'Server refused this workstation' : `Server unreachable since ${new Date(s.unreachableSince ?? Date.now()).toTimeString().slice(0, 5)}`;
  return (
    <div className={`sync-line sync-${s.state}`} role="status" title={describeSync(s)}>
      {short}
    </div>
  );
}
