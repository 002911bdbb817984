import { useEffect, useState, type FormEvent } from 'react';
import { BILLING_ROLES, BILLING_ROLE_LABELS, type BillingRole, type PracticeBilling } from '../../../../shared/billing/details';
import type { RuleSets, Severity } from '../../../../shared/billing/ruleset';
import type { BillingSettings } from '../../../../shared/billing/view';
import { useClient, useQuery } from '../../api/hooks';
import { ErrorBanner, Field } from '../../components/Field';
import { UserPinFields } from '../../components/UserPinFields';
import { PayerRuleSets } from './PayerRuleSets';
import { RulesTable } from './RulesTable';
import { parseRuleSetsJson, RuleSetsJsonEditor } from './RuleSetsJsonEditor';
import { localDateTime } from '../../../../shared/util/time';

const toJson = (sets: RuleSets) => JSON.stringify(sets, null, 2);
const newestFirst = (h: BillingSettings['history']) => [...h].sort((a, b) => b.seq - a.seq);

/**
 * How the practice bills (global, professional or technical) and the scrubber's rule sets:
 * severities in a table, or the whole document as JSON. Saving takes an administrator's PIN;
 * every saved version is kept.
 */
export function BillingSettingsCard() {
  const client = useClient();
  const settings = useQuery('getBillingSettings', {});
  const users = useQuery('listUsers', {});
  const admins = (users.data ?? []).filter((u) => u.active && u.role === 'admin');
  const [practice, setPractice] = useState<PracticeBilling | null>(null);
  const [sets, setSets] = useState<RuleSets | null>(null);
  const [json, setJson] = useState<string | null>(null);
  const [jsonErrors, setJsonErrors] = useState<readonly string[]>([]);
  const [userId, setUserId] = useState('');
  const [pin, setPin] = useState('');
  const [error, setError] = useState<string>();
  const [fields, setFields] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState<string>();
  const [busy, setBusy] = useState(false);
  // What a save returned, shown until the refetch brings the same (no flicker back to the old rules).
  const [fresh, setFresh] = useState<BillingSettings | null>(null);
  useEffect(() => setFresh(null), [settings.data]);

  if (settings.error) return <ErrorBanner message={settings.error.message} />;
  const s = fresh ?? settings.data;
  if (!s) return <p className="muted">Loading…</p>;
  const p = practice ?? s.practice;
  const rs = sets ?? s.ruleSets;
  const dirty = practice !== null || sets !== null || (json !== null && json !== toJson(rs));

  function severity(id: string, sev: Severity) {
    setSets({ ...rs, base: { ...rs.base, rules: { ...rs.base.rules, [id]: { ...rs.base.rules[id]!, severity: sev } } } });
    setSaved(undefined);
  }

  /** Leave the JSON view only with a document that passes the schema. */
  function toggleJson() {
    if (json === null) {
      setJson(toJson(rs));
      return;
    }
    const parsed = parseRuleSetsJson(json);
    if (!parsed.ok) return setJsonErrors(parsed.errors);
    if (json !== toJson(rs)) setSets(parsed.value);
    setJson(null);
    setJsonErrors([]);
  }

  async function save(e: FormEvent) {
    e.preventDefault();
    let ruleSets = sets;
    if (json !== null && json !== toJson(rs)) {
      const parsed = parseRuleSetsJson(json);
      if (!parsed.ok) {
        setJsonErrors(parsed.errors);
        setError('The rule sets JSON has errors; nothing was saved.');
        return;
      }
      ruleSets = parsed.value;
    }
    setBusy(true);
    const r = await client.call('saveBillingSettings', {
      ...(practice ? { practice } : {}),
      ...(ruleSets ? { ruleSets } : {}),
      userId: userId || admins[0]?.id || '',
      pin,
    });
    setBusy(false);
    setPin('');
    if (!r.ok) {
      setError(r.message);
      setFields(r.fields ?? {});
      setSaved(undefined);
      return;
    }
    done(r.value);
  }

  function done(v: BillingSettings) {
    setFresh(v);
    setPractice(null);
    setSets(null);
    setJson((j) => (j === null ? null : toJson(v.ruleSets)));
    setJsonErrors([]);
    setError(undefined);
    setFields({});
    setSaved(`Billing settings saved by ${newestFirst(v.history)[0]?.savedBy ?? 'an administrator'}.`);
    settings.reload();
  }

  const ruleFieldErrors = Object.entries(fields).filter(([k]) => k.startsWith('ruleSets'));

  return (
    <div className="card" role="region" aria-label="Billing settings">
      <h2 className="card-title">Billing</h2>
      <p className="muted small">
        How this practice bills, and the pre-bill checks every claim runs through. Rule sets are data: the default applies to every payer, payer sets change
        a few rules for their payers. Only an administrator saves changes, with their PIN; every version is kept.
      </p>
      <ErrorBanner message={error} />
      {saved && (
        <p className="ok-line small" role="status">
          {saved}
        </p>
      )}
      <form onSubmit={(e) => void save(e)} noValidate className="billing-settings">
        <div className="grid2">
          <Field label="Practice billing role" error={fields['practice.role']}>
            {(id) => (
              <select id={id} value={p.role} onChange={(e) => setPractice({ ...p, role: e.target.value as BillingRole })}>
                {BILLING_ROLES.map((r) => (
                  <option key={r} value={r}>
                    {BILLING_ROLE_LABELS[r]}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Billing NPI" error={fields['practice.billingNpi']} hint="The practice's NPI on the charge export (10 digits).">
            {(id, d) => <input id={id} aria-describedby={d} inputMode="numeric" value={p.billingNpi} onChange={(e) => setPractice({ ...p, billingNpi: e.target.value })} />}
          </Field>
        </div>

        <h3>
          Default rule set: {rs.base.name} <span className="mono small">{rs.base.version}</span>
        </h3>
        <p className="small muted">
          In force {rs.base.effectiveFrom} to {rs.base.effectiveTo ?? 'no end date'} ·{' '}
          {s.ruleSetsSource === 'default' ? 'as shipped with Closeout' : 'saved by an administrator'}
        </p>
        <div className="actions">
          <button type="button" onClick={toggleJson}>
            {json === null ? 'Edit as JSON' : 'Back to the table'}
          </button>
        </div>
        {json === null ? (
          <RulesTable sets={rs} onSeverity={severity} />
        ) : (
          <RuleSetsJsonEditor
            text={json}
            errors={jsonErrors}
            onChange={(t) => {
              setJson(t);
              setSaved(undefined);
            }}
          />
        )}
        {ruleFieldErrors.length > 0 && (
          <ul className="json-errors" aria-label="Rule sets refused">
            {ruleFieldErrors.map(([k, m]) => (
              <li key={k}>
                {k}: {m}
              </li>
            ))}
          </ul>
        )}

        <h3>Payer rule sets</h3>
        <PayerRuleSets payers={rs.payers} base={rs.base} />

        <h3>Saved versions (newest first)</h3>
        {s.history.length === 0 ? (
          <p className="empty">None yet: the rules shipped with Closeout are in force.</p>
        ) : (
          <ul className="history small" aria-label="Rule set history">
            {newestFirst(s.history).map((h) => (
              <li key={h.seq}>
                <b>Version {h.seq}</b> <span className="mono">{h.label}</span> · saved by {h.savedBy} on {localDateTime(h.savedAt)}
              </li>
            ))}
          </ul>
        )}

        {admins.length === 0 ? (
          <p className="field-error">No administrator user exists yet. Add one with a PIN under People → Users to change billing settings.</p>
        ) : (
          <div className="grid4">
            <UserPinFields users={admins} userLabel="Administrator" pinLabel="Administrator PIN" userId={userId} onUserId={setUserId} pin={pin} onPin={setPin} fields={fields} />
            <div className="actions span2 align-end">
              {dirty && (
                <button
                  type="button"
                  onClick={() => {
                    setPractice(null);
                    setSets(null);
                    setJson((j) => (j === null ? null : toJson(s.ruleSets)));
                    setJsonErrors([]);
                  }}
                >
                  Discard changes
                </button>
              )}
              <button type="submit" className="primary" disabled={busy || !dirty || !pin}>
                {busy ? 'Checking…' : 'Save billing settings'}
              </button>
            </div>
          </div>
        )}
      </form>
    </div>
  );
}
