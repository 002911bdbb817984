import { useEffect, useState, type FormEvent } from 'react';
import type { AiKeySource, AiStatus } from '../../../../shared/report/ai-run';
import { useClient, useQuery } from '../../api/hooks';
import { ErrorBanner, Field } from '../../components/Field';

const KEY_PLACES: Readonly<Record<AiKeySource, string>> = {
  saved: "kept in this computer's secure store",
  environment: 'taken from the CLOSEOUT_ANTHROPIC_API_KEY environment variable',
  session: 'kept only until Closeout closes (this computer offers no secure store)',
};

/**
 * The optional AI narrative: off until someone turns it on and gives a key. The key is written
 * once and never shown again; the backend only says whether one is set and where it is kept.
 */
export function AiSettingsCard() {
  const client = useClient();
  const status = useQuery('getAiStatus', {});
  const [form, setForm] = useState<{ enabled: boolean; model: string; baseURL: string; timeoutSeconds: string } | null>(null);
  const [key, setKey] = useState('');
  const [error, setError] = useState<string>();
  const [fields, setFields] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState<string>();

  useEffect(() => {
    if (status.data && form === null) setForm(formOf(status.data));
  }, [status.data, form]);

  if (status.error) return <ErrorBanner message={status.error.message} />;
  if (!status.data || !form) return <p className="muted">Loading…</p>;
  const s = status.data;

  async function save(e: FormEvent) {
    e.preventDefault();
    if (!form) return;
    const seconds = Number(form.timeoutSeconds);
    const r = await client.call('saveAiSettings', { enabled: form.enabled, model: form.model, baseURL: form.baseURL, timeoutSeconds: Number.isFinite(seconds) ? seconds : 0 });
    if (!r.ok) {
      setError(r.message);
      setFields(r.fields ?? {});
      setSaved(undefined);
      return;
    }
    setError(undefined);
    setFields({});
    setForm(formOf(r.value));
    setSaved('Settings saved.');
    status.reload();
  }

  async function storeKey(value: string | null) {
    const r = await client.call('setAiKey', { key: value });
    setKey('');
    if (!r.ok) {
      setError(r.message);
      setSaved(undefined);
      return;
    }
    setError(undefined);
    setSaved(value ? 'API key stored.' : 'API key removed.');
    status.reload();
  }

  return (
    <div className="card" aria-label="AI narrative settings" role="region">
      <h2 className="card-title">AI narrative</h2>
      <p className="muted small">
        Optional. When on, a report&apos;s narrative can be written by the Anthropic API from coded facts only: modalities, sides, values and times as
        minutes, and the clinical words of device events. Nothing typed by hand, no name, record number, date, place or contact is sent. Every time, number,
        side, level and modality it writes is checked against the record before it can be accepted. Without it, reports use the standard draft.
      </p>
      <ErrorBanner message={error} />
      {saved && (
        <p className="ok-line small" role="status">
          {saved}
        </p>
      )}
      <form onSubmit={(e) => void save(e)} noValidate className="grid4">
        <Field label="AI narrative">
          {(id) => (
            <select id={id} value={form.enabled ? 'on' : 'off'} onChange={(e) => setForm({ ...form, enabled: e.target.value === 'on' })}>
              <option value="off">Off</option>
              <option value="on">On</option>
            </select>
          )}
        </Field>
        <Field label="Model" error={fields['model']}>
          {(id) => <input id={id} value={form.model} onChange={(e) => setForm({ ...form, model: e.target.value })} />}
        </Field>
        <Field label="Service address" error={fields['baseURL']}>
          {(id) => <input id={id} value={form.baseURL} onChange={(e) => setForm({ ...form, baseURL: e.target.value })} />}
        </Field>
        <Field label="Timeout (seconds)" error={fields['timeoutSeconds']}>
          {(id) => <input id={id} inputMode="numeric" value={form.timeoutSeconds} onChange={(e) => setForm({ ...form, timeoutSeconds: e.target.value })} />}
        </Field>
        <div className="actions span4">
          <button className="primary" type="submit">
            Save AI settings
          </button>
        </div>
      </form>
      <form
        className="grid4"
        onSubmit={(e) => {
          e.preventDefault();
          void storeKey(key.trim() || null);
        }}
      >
        <Field label="API key" hint={s.key ? `A key is set, ${KEY_PLACES[s.key]}.` : 'No key set.'}>
          {(id) => <input id={id} type="password" autoComplete="off" value={key} placeholder={s.key ? '••••••••' : 'sk-ant-…'} onChange={(e) => setKey(e.target.value)} />}
        </Field>
        <div className="actions span3 align-end">
          {s.key && s.key !== 'environment' && (
            <button type="button" onClick={() => void storeKey(null)}>
              Remove key
            </button>
          )}
          <button type="submit" disabled={key.trim() === ''}>
            Store key
          </button>
        </div>
      </form>
      <p className={`small ${s.ready ? 'ok-line' : 'muted'}`} aria-label="AI narrative state">
        {s.ready ? `Ready: reports can ask ${s.model} for a narrative.` : s.message}
      </p>
    </div>
  );
}

function formOf(s: AiStatus) {
  return { enabled: s.enabled, model: s.model, baseURL: s.baseURL, timeoutSeconds: String(s.timeoutSeconds) };
}
