import { PAYER_TYPE_LABELS } from '../../../../shared/domain/vocabulary';
import { ErrorBanner } from '../../components/Field';
import { BillableTime } from './BillableTime';
import { BillingDetailsForm } from './BillingDetailsForm';
import { ChargeExportButtons } from './ChargeExportButtons';
import { ChargeLines } from './ChargeLines';
import { ClaimStatusBadge } from './ClaimStatusBadge';
import { OverrideForm } from './OverrideForm';
import type { ClaimState } from './useClaim';
import { localDateTime } from '../../../../shared/util/time';
import { ruleCounts } from '../../../../shared/billing/view';

/**
 * The claim of the case as it stands: status, charge lines, time, the answers a claim needs,
 * the override, and the charge export. The checklist beside it says what still blocks.
 */
export function ClaimPanel({ caseId, claim, timeZone }: { caseId: string; claim: ClaimState; timeZone: string }) {
  const v = claim.view;
  if (!v) return claim.error ? <ErrorBanner message={claim.error.message} /> : <p className="muted">Loading the claim…</p>;
  return (
    <div className="claim">
      <ErrorBanner message={claim.error?.message} />
      <div className="claim-head">
        <ClaimStatusBadge claim={v} />
        <span className="muted small">
          Date of service <span className="mono">{v.dateOfService}</span>
          {v.payer.type ? ` · ${PAYER_TYPE_LABELS[v.payer.type]}` : ''}
          {v.payer.name ? ` · ${v.payer.name}` : ''}
          {v.placeOfService ? ` · POS ${v.placeOfService}` : ''}
          {v.diagnosisCodes.length ? ` · ${v.diagnosisCodes.map((c, i) => `${i + 1}: ${c}`).join(', ')}` : ''}
        </span>
      </div>
      {v.override && (
        <p className="override-note small" aria-label="Override in force">
          Overridden by <b>{v.override.by}</b> on {localDateTime(v.override.at)}: “{v.override.reason}” (covers {v.override.findings.length} finding
          {v.override.findings.length === 1 ? '' : 's'}: {ruleCounts(v.override.findings)}).
        </p>
      )}
      <section aria-label="Charges">
        <h3>Charge lines</h3>
        <ChargeLines lines={v.lines} />
      </section>
      <section aria-label="Time">
        <h3>Time</h3>
        <BillableTime claim={v} timeZone={timeZone} />
      </section>
      <section aria-label="Billing details section">
        <h3>What the record does not say</h3>
        <BillingDetailsForm claim={claim} timeZone={timeZone} />
      </section>
      {v.status === 'not_clean' && <OverrideForm caseId={caseId} claim={v} onDone={claim.accept} />}
      <section aria-label="Charge export">
        <h3>Export</h3>
        <ChargeExportButtons caseId={caseId} claim={v} />
      </section>
    </div>
  );
}
