import { useState } from 'react';
import type { ChargeExport } from '../../../../shared/billing/view';
import { localIsoDate } from '../../../../shared/util/time';
import { useClient } from '../../api/hooks';
import { href } from '../../app/router';
import { ErrorBanner, Field } from '../../components/Field';
import { downloadText } from '../../components/download';
import { DateText } from '../../components/DateText';

function monthStart(today: string): string {
  return `${today.slice(0, 8)}01`;
}

/**
 * The charges of every case in a date range (by date of service), for the billing system. Cases
 * whose claim is not clean (and not overridden) or that are still open are left out, each with
 * the reason, so the biller knows what to chase.
 */
export function ChargesExportCard() {
  const client = useClient();
  const today = localIsoDate(Date.now());
  const [from, setFrom] = useState(monthStart(today));
  const [to, setTo] = useState(today);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [fields, setFields] = useState<Record<string, string>>({});
  const [result, setResult] = useState<{ name: string; value: ChargeExport } | null>(null);

  async function run(format: 'csv' | 'json') {
    setBusy(true);
    const r = await client.call('exportCharges', { from, to, format });
    setBusy(false);
    if (!r.ok) {
      setError(r.message);
      setFields(r.fields ?? {});
      setResult(null);
      return;
    }
    const name = `charges-${from}-to-${to}.${format}`;
    // Nothing to bill is said, not saved as an empty file.
    if (r.value.rows.length > 0) downloadText(name, format === 'csv' ? 'text/csv;charset=utf-8' : 'application/json', r.value.content);
    setError(undefined);
    setFields({});
    setResult({ name, value: r.value });
  }

  const v = result?.value;
  return (
    <div className="card" role="region" aria-label="Export charges">
      <h2 className="card-title">Export charges</h2>
      <p className="muted small">
        Charge lines of every case whose date of service is in the range, one row per charge line, as CSV or JSON for the billing system. A case is left
        out while it is open, or while its claim is not clean and no billing user has overridden it.
      </p>
      <ErrorBanner message={error} />
      <div className="charges-range">
        <Field label="From" error={fields['from']}>
          {(id, d) => <DateText id={id} describedBy={d} value={from} onChange={setFrom} />}
        </Field>
        <Field label="To" error={fields['to']}>
          {(id, d) => <DateText id={id} describedBy={d} value={to} onChange={setTo} />}
        </Field>
        <div className="actions">
          {(['csv', 'json'] as const).map((f) => (
            <button key={f} type="button" disabled={busy || !from || !to} onClick={() => void run(f)}>
              Export {f.toUpperCase()}
            </button>
          ))}
        </div>
      </div>
      {v && result && (
        <div aria-label="Export result">
          <p className={`small ${v.rows.length ? 'ok-line' : 'muted'}`} role="status">
            {v.rows.length
              ? `Saved ${result.name}: ${v.rows.length} line${v.rows.length === 1 ? '' : 's'} from ${v.cases} case${v.cases === 1 ? '' : 's'}.`
              : `No charges to export from ${from} to ${to}${v.skipped.length ? '' : ': no case has that date of service'}. Nothing was saved.`}
          </p>
          {v.withheld.length > 0 && (
            <ul className="skipped small" aria-label="Lines not exported">
              {v.withheld.map((w) => (
                <li key={`${w.caseId}:${w.code}`} data-case={w.caseId}>
                  <a href={href({ name: 'case', id: w.caseId })}>
                    Case <span className="mono">{w.caseId.slice(0, 8)}</span>
                  </a>{' '}
                  <span className="mono">{w.dateOfService}</span>: {w.why}
                </li>
              ))}
            </ul>
          )}
          {v.skipped.length > 0 && (
            <>
              <p className="small">
                <b>
                  {v.skipped.length} case{v.skipped.length === 1 ? ' was' : 's were'} left out:
                </b>
              </p>
              <ul className="skipped small" aria-label="Left out">
                {v.skipped.map((s) => (
                  <li key={s.caseId} data-case={s.caseId}>
                    <a href={href({ name: 'case', id: s.caseId })}>
                      Case <span className="mono">{s.caseId.slice(0, 8)}</span>
                    </a>{' '}
                    <span className="mono">{s.dateOfService}</span>: {s.why}
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      )}
    </div>
  );
}
