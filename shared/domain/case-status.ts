import type { CaseStatus } from './vocabulary';

/**
 * Status moves a person may make directly. Signing, sending and amending happen only through
 * their own flows (signature, delivery, addendum), never by setting a status.
 */
const MANUAL_MOVES: Readonly<Record<CaseStatus, readonly CaseStatus[]>> = {
  open: ['capturing', 'closed'],
  capturing: ['open', 'closed'],
  closed: ['open', 'capturing'],
  signed: [],
  sent: [],
  amended: [],
};

export function canMoveManually(from: CaseStatus, to: CaseStatus): boolean {
  return MANUAL_MOVES[from].includes(to);
}

export function manualMovesFrom(from: CaseStatus): readonly CaseStatus[] {
  return MANUAL_MOVES[from];
}

/** Once signed, a report and its record change only by addendum. */
export function isRecordLocked(status: CaseStatus): boolean {
  return status === 'signed' || status === 'sent' || status === 'amended';
}

/** Events (notes, captured facts) are accepted while the case is running. */
export function acceptsEvents(status: CaseStatus): boolean {
  return status === 'open' || status === 'capturing';
}

export function whyNoEvents(status: CaseStatus): string {
  return isRecordLocked(status)
    ? 'This case is signed. Add an addendum to change its record.'
    : 'This case is closed. Re-open it to add notes.';
}
