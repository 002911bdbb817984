import { CASE_STATUS_LABELS, type CaseStatus } from '../../../shared/domain/vocabulary';

export function StatusChip({ status }: { status: CaseStatus }) {
  return (
    <span className={`chip chip-${status}`} data-status={status}>
      {status === 'capturing' && <span className="pulse" aria-hidden="true" />}
      {CASE_STATUS_LABELS[status]}
    </span>
  );
}
