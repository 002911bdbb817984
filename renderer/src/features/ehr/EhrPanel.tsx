import { useEffect, useState } from 'react';
import { DELIVERY_STATE_LABELS, isFinal, isSuccess, type Delivery } from '../../../../shared/ehr/delivery';
import { localClock } from '../../../../shared/util/time';
import { useClient, useQuery } from '../../api/hooks';
import { href } from '../../app/router';
import { ErrorBanner } from '../../components/Field';
import { destinationRows, KIND_LABELS, newestFirst, type DestinationRow } from './deliveries';
import { SavePdfButton } from './SavePdfButton';
import { localDateTime } from '../../../../shared/util/time';

/**
 * The report's way out: "Save as PDF" at any time, and "Send to EHR" once signed, with each
 * destination's state kept current from the backend's pushes (retries happen in the background,
 * across restarts). Re-sending one destination is possible and is recorded.
 */
export function EhrPanel({ caseId, newestVersion }: { caseId: string; newestVersion: number | null }) {
  const client = useClient();
  const settings = useQuery('getEhrSettings', {});
  const list = useQuery('listDeliveries', { caseId }, (m) => m.name === 'deliveryChanged' && m.payload.caseId === caseId);
  // What a send returned is newer than the last fetch: shown until the push-driven refetch lands.
  const [fresh, setFresh] = useState<readonly Delivery[] | null>(null);
  useEffect(() => setFresh(null), [list.data]);
  /** 'all' while the main button's send runs, else the destination being (re-)sent. */
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string>();
  const [note, setNote] = useState<string>();

  const deliveries = fresh ?? list.data ?? [];
  const destinations = settings.data?.destinations ?? [];
  const rows = newestVersion === null ? [] : destinationRows(destinations, deliveries, newestVersion);
  const unsent = rows.filter((r) => r.configured && !r.latest);
  const why =
    newestVersion === null
      ? 'Sign the report first: only a signed report goes to the EHR.'
      : !settings.data
        ? 'Loading the destinations…'
        : rows.every((r) => !r.configured)
          ? destinations.length > 0
            ? 'Every destination is turned off. An administrator turns one on under Settings → EHR.'
            : 'No destination is set up yet. An administrator sets up destinations under Settings → EHR.'
          : unsent.length === 0
            ? `Version ${newestVersion} was sent to every destination set up. To send it again, use Re-send on its row.`
            : null;

  async function send(destinations: readonly string[] | undefined, label: string, busyKey: string) {
    setBusy(busyKey);
    const r = await client.call('sendToEhr', { caseId, ...(destinations ? { destinations: [...destinations] } : {}) });
    setBusy(null);
    if (!r.ok) {
      setError(r.message);
      setNote(undefined);
      return;
    }
    setError(undefined);
    setFresh(r.value);
    setNote(label);
    list.reload();
  }

  function sendAll() {
    // Only what this version has not reached yet; a destination that has it is re-sent on its own row.
    const ids = unsent.length === rows.filter((r) => r.configured).length ? undefined : unsent.map((r) => r.id);
    void send(ids, `Version ${newestVersion} queued for ${unsent.map((r) => r.name).join(' and ')}.`, 'all');
  }

  return (
    <div className="ehr-panel" role="region" aria-label="Send and save">
      <div className="ehr-actions">
        <span className="muted small ehr-why" id={`ehr-why-${caseId}`}>
          {why ??
            (newestVersion !== null && newestVersion > 1
              ? `Sends version ${newestVersion} (addendum ${newestVersion - 1}) to ${unsent.map((r) => r.name).join(', ')}.`
              : `Sends the signed report to ${unsent.map((r) => r.name).join(', ')}.`)}
          {why?.includes('Settings → EHR') && (
            <>
              {' '}
              <a href={href({ name: 'settings' })}>Settings</a>
            </>
          )}
        </span>
        <SavePdfButton caseId={caseId} />
        <button
          type="button"
          className="primary"
          disabled={why !== null || busy !== null}
          title={why ?? undefined}
          aria-describedby={`ehr-why-${caseId}`}
          onClick={sendAll}
        >
          {busy === 'all' ? 'Sending…' : 'Send to EHR'}
        </button>
      </div>
      <ErrorBanner message={error ?? list.error?.message ?? settings.error?.message} />
      {note && (
        <p className="ok-line small" role="status" aria-label="Send result">
          {note}
        </p>
      )}
      {rows.some((r) => r.latest) && (
        <>
          <ul className="delivery-list" aria-label="Delivery status">
            {rows.map((r) => (
              <DestinationStatus
                key={r.id}
                row={r}
                busy={busy}
                onSend={() => void send([r.id], r.latest ? `Re-sent to ${r.name}; the re-send is recorded in the audit log.` : `Queued for ${r.name}.`, r.id)}
              />
            ))}
          </ul>
          <p className="muted small">Re-sending sends this version again as a new message (a new file, or a new HL7 control id). Every re-send is recorded in the audit log.</p>
        </>
      )}
      {deliveries.length > 0 && <DeliveryHistory deliveries={deliveries} />}
    </div>
  );
}

function DestinationStatus({ row, busy, onSend }: { row: DestinationRow; busy: string | null; onSend: () => void }) {
  const d = row.latest;
  const tone = !d ? 'none' : isSuccess(d.state) ? 'ok' : isFinal(d.state) ? 'bad' : 'pending';
  return (
    <li className={`delivery delivery-${tone}`} data-destination={row.id} data-state={d?.state ?? 'none'} aria-label={row.name}>
      <div className="delivery-head">
        <b>{row.name}</b>
        <span className="muted small">{KIND_LABELS[row.kind]}</span>
        <span className={`state state-delivery-${tone}`}>{d ? DELIVERY_STATE_LABELS[d.state] : 'Not sent yet'}</span>
        {d && (
          <span className="small muted">
            v{d.version} · {d.attempts} attempt{d.attempts === 1 ? '' : 's'}
            {d.state === 'retrying' && d.nextAttemptAt !== null ? ` · retrying at ${localClock(d.nextAttemptAt)}` : ''}
            {d.doneAt !== null ? ` · done ${localClock(d.doneAt)}` : ''}
          </span>
        )}
        {(!d || isFinal(d.state)) && row.configured && (
          <button type="button" className="small-button" disabled={busy !== null} aria-label={`${d ? 'Re-send' : 'Send'} to ${row.name}`} onClick={onSend}>
            {busy === row.id ? 'Sending…' : d ? 'Re-send' : 'Send'}
          </button>
        )}
      </div>
      {d?.message && <p className={`delivery-msg small${tone === 'bad' ? ' bad' : ''}`}>{d.message}</p>}
    </li>
  );
}

function DeliveryHistory({ deliveries }: { deliveries: readonly Delivery[] }) {
  return (
    <details className="delivery-history">
      <summary>History of deliveries ({deliveries.length})</summary>
      <table className="table small" aria-label="Delivery history">
        <thead>
          <tr>
            <th>Version</th>
            <th>Destination</th>
            <th>State</th>
            <th>Attempts</th>
            <th>Queued</th>
            <th>Done</th>
            <th>By</th>
            <th>Reference</th>
          </tr>
        </thead>
        <tbody>
          {newestFirst(deliveries).map((d) => (
            <tr key={d.id} data-state={d.state}>
              <td>v{d.version}</td>
              <td>{d.destinationName}</td>
              <td>
                {DELIVERY_STATE_LABELS[d.state]}
                {d.message && <div className="muted">{d.message}</div>}
              </td>
              <td>{d.attempts}</td>
              <td>{localDateTime(d.createdAt)}</td>
              <td>{d.doneAt !== null ? localDateTime(d.doneAt) : ''}</td>
              <td>{d.requestedBy}</td>
              <td className="mono">{d.reference}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
