import type { ClaimView } from '../../../../shared/billing/view';
import { assertNever } from '../../../../shared/util/assert-never';

export function claimStatusLabel(claim: ClaimView): string {
  switch (claim.status) {
    case 'clean':
      return 'Clean';
    case 'overridden':
      return `Overridden by ${claim.override?.by ?? 'a biller'}`;
    case 'not_clean':
      return 'Not clean';
    default:
      return assertNever(claim.status, 'claim status');
  }
}

/** Clean, overridden (by whom) or not clean: what the charge export will do with the claim. */
export function ClaimStatusBadge({ claim }: { claim: ClaimView }) {
  return (
    <span className={`chip claim-${claim.status}`} data-claim-status={claim.status} role="status" aria-label="Claim status">
      {claimStatusLabel(claim)}
    </span>
  );
}
