import type { Exclusion } from '../../../../shared/billing/billable-time';
import type { ClaimView } from '../../../../shared/billing/view';
import { wallClockFormatter } from '../../../../shared/domain/timeline';
import { MODALITY_LABELS } from '../../../../shared/domain/modality';

const EXCLUSION_LABELS: Readonly<Record<Exclusion['reason'], string>> = {
  baselines: 'Baseline acquisition',
  no_activity: 'No recorded activity (standby)',
  after_removal: 'After electrode removal',
  reader_absent: 'Reader not connected',
};

/** Which time code and why, the billable minutes with every cut, and what is not billed. */
export function BillableTime({ claim, timeZone }: { claim: ClaimView; timeZone: string }) {
  const clock = wallClockFormatter(timeZone);
  const b = claim.billable;
  return (
    <div className="billable">
      <dl className="facts">
        <dt>Time code</dt>
        <dd aria-label="Time code">
          {claim.timeCode ? <b className="mono">{claim.timeCode}</b> : <span className="muted">none</span>} · {claim.timeCodeReason}
        </dd>
        <dt>Billable minutes</dt>
        <dd aria-label="Billable minutes">
          <b className="mono">{b.minutes}</b> of {b.monitoredMinutes} monitored{b.marked ? '' : ' (start or end not marked: taken from activity)'}
        </dd>
      </dl>
      {b.excluded.length > 0 && (
        <ul className="exclusions small" aria-label="Not counted">
          {b.excluded.map((e) => (
            <li key={`${e.reason}:${e.start}`}>
              {EXCLUSION_LABELS[e.reason]}: <span className="mono">{e.minutes} min</span> ({clock(e.start)}–{clock(e.end)})
            </li>
          ))}
        </ul>
      )}
      {claim.notBilled.length > 0 && (
        <>
          <h3 className="checklist-sub">Recorded but not billed</h3>
          <ul className="not-billed small" aria-label="Not billed">
            {claim.notBilled.map((n) => (
              <li key={n.modality}>
                <b>{MODALITY_LABELS[n.modality]}</b>: {n.why}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
