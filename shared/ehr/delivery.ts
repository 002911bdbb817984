/** A report's trip to one destination, as the UI and the CLI see it. */
export const DELIVERY_STATES = ['queued', 'retrying', 'sent', 'acknowledged', 'delivered', 'failed', 'rejected', 'error'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

export type Delivery = Readonly<{
  id: number;
  caseId: string;
  /** The report version sent (1 the original, 2… addenda). */
  version: number;
  destinationId: string;
  destinationName: string;
  kind: 'folder' | 'mllp';
  state: DeliveryState;
  /** MSH-10 (MLLP) or the file name (folder). */
  reference: string;
  attempts: number;
  nextAttemptAt: number | null;
  /** The receiver's words (AE/AR text) or what went wrong, in plain language. */
  message: string | null;
  createdAt: number;
  doneAt: number | null;
  requestedBy: string;
}>;

/** Final: nothing more happens unless a person re-sends. */
export function isFinal(s: DeliveryState): boolean {
  return s === 'acknowledged' || s === 'delivered' || s === 'failed' || s === 'rejected' || s === 'error';
}

export function isSuccess(s: DeliveryState): boolean {
  return s === 'acknowledged' || s === 'delivered';
}

/** Wait before attempt n+1 (n ≥ 1): 5 s, 15 s, 45 s, 2¼ min … capped at 15 min. */
export function retryDelayMs(attempts: number): number {
  return Math.min(15 * 60_000, 5000 * 3 ** Math.max(0, attempts - 1));
}

export const DELIVERY_STATE_LABELS: Readonly<Record<DeliveryState, string>> = {
  queued: 'Waiting to send',
  retrying: 'Retrying',
  sent: 'Sent, waiting for the answer',
  acknowledged: 'Acknowledged by the EHR',
  delivered: 'Delivered to the folder',
  failed: 'Failed',
  rejected: 'Rejected by the EHR',
  error: 'Refused by the EHR (error)',
};
