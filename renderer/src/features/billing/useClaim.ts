import { useCallback, useEffect, useRef, useState } from 'react';
import type { BillingDetails } from '../../../../shared/billing/details';
import type { ClaimView } from '../../../../shared/billing/view';
import type { PushMessage } from '../../../../shared/contract/events';
import type { Err, Result } from '../../../../shared/util/result';
import { useClient, useQuery } from '../../api/hooks';

/** Pushes after which a case's claim may read differently. */
const CLAIM_EVENTS: ReadonlySet<PushMessage['name']> = new Set(['eventCaptured', 'eventsCaptured', 'caseChanged', 'reportChanged', 'claimChanged']);

export type ClaimState = Readonly<{
  view: ClaimView | undefined;
  error: Err | undefined;
  reload: () => void;
  /** Show a claim a call just returned (save, override) until the next fetch replaces it. */
  accept: (view: ClaimView) => void;
  /**
   * Change the case's billing answers. `change` gets the newest details known (those of the
   * last save, not of the last render), and saves run one after another, so two answers given
   * quickly both survive.
   */
  saveDetails: (change: (d: BillingDetails) => BillingDetails) => Promise<Result<ClaimView>>;
}>;

/**
 * The case's claim kept current: refetched on every push that can change it, at most once a
 * second while trials stream in (the claim re-reads the whole case).
 */
export function useClaim(caseId: string): ClaimState {
  const client = useClient();
  const q = useQuery(
    'getClaim',
    { caseId },
    (m) => (CLAIM_EVENTS.has(m.name) && 'caseId' in m.payload && m.payload.caseId === caseId) || m.name === 'peopleChanged' || m.name === 'storeChanged',
    1000,
  );
  // A claim returned by a save is newer than the last fetch: shown until the refetch lands.
  const [fresh, setFresh] = useState<ClaimView | null>(null);
  const latest = useRef<BillingDetails | null>(null);
  const pending = useRef(0);
  const chain = useRef<Promise<unknown>>(Promise.resolve());
  const { reload } = q;

  useEffect(() => {
    setFresh(null);
    if (q.data && pending.current === 0) latest.current = q.data.details;
  }, [q.data]);

  const saveDetails = useCallback(
    (change: (d: BillingDetails) => BillingDetails) => {
      pending.current++;
      const run = chain.current.then(async (): Promise<Result<ClaimView>> => {
        const base = latest.current;
        if (!base) return { ok: false, code: 'INVALID_STATE', message: 'The claim is still loading; try again in a moment.' };
        const r = await client.call('saveBillingDetails', { caseId, details: change(base) });
        if (r.ok) {
          latest.current = r.value.details;
          setFresh(r.value);
        }
        return r;
      });
      chain.current = run.catch(() => undefined);
      return run.finally(() => {
        pending.current--;
        reload();
      });
    },
    [client, caseId, reload],
  );

  const accept = useCallback(
    (view: ClaimView) => {
      setFresh(view);
      reload();
    },
    [reload],
  );

  return { view: fresh ?? q.data, error: q.error, reload, accept, saveDetails };
}
