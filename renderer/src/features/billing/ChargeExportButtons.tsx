import { useState } from 'react';
import type { ClaimView } from '../../../../shared/billing/view';
import { useClient } from '../../api/hooks';
import { ErrorBanner } from '../../components/Field';
import { downloadText } from '../../components/download';

const RUNNING = new Set(['open', 'capturing']);

/** Why this case's charges cannot be exported now, or null when they can. */
export function whyNoExport(claim: ClaimView): string | null {
  if (RUNNING.has(claim.caseStatus)) return 'The case is still open: close it to export its charges.';
  if (!claim.exportable) {
    const n = claim.findings.filter((f) => f.severity === 'block').length;
    return `The claim is not clean (${n} blocking finding${n === 1 ? '' : 's'}): fix ${n === 1 ? 'it' : 'them'}, or a billing user overrides with a reason.`;
  }
  return null;
}

/** This case's charges as CSV or JSON, saved through the browser's download. */
export function ChargeExportButtons({ caseId, claim }: { caseId: string; claim: ClaimView }) {
  const client = useClient();
  const [error, setError] = useState<string>();
  const [done, setDone] = useState<string>();
  const [busy, setBusy] = useState(false);
  const why = whyNoExport(claim);

  async function run(format: 'csv' | 'json') {
    setBusy(true);
    const r = await client.call('exportCharges', { caseIds: [caseId], format });
    setBusy(false);
    if (!r.ok) {
      setError(r.message);
      setDone(undefined);
      return;
    }
    const name = `charges-${claim.dateOfService}-${caseId.slice(0, 8)}.${format}`;
    downloadText(name, format === 'csv' ? 'text/csv;charset=utf-8' : 'application/json', r.value.content);
    setError(undefined);
    setDone(`${name}: ${r.value.rows.length} line${r.value.rows.length === 1 ? '' : 's'}.`);
  }

  return (
    <div className="charge-export" role="group" aria-label="Export charges">
      <ErrorBanner message={error} />
      <div className="actions">
        {why && (
          <span className="muted small export-why" id={`why-${caseId}`}>
            {why}
          </span>
        )}
        {done && (
          <span className="ok-line small" role="status">
            Exported {done}
          </span>
        )}
        {(['csv', 'json'] as const).map((f) => (
          <button key={f} type="button" disabled={busy || why !== null} title={why ?? undefined} aria-describedby={why ? `why-${caseId}` : undefined} onClick={() => void run(f)}>
            Export charges ({f.toUpperCase()})
          </button>
        ))}
      </div>
    </div>
  );
}
