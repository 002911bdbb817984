import { useEffect, useState, type ReactNode } from 'react';
import { CLOCK_DRIFT_WARN_MS, type SourceStatus } from '../../../../shared/domain/capture-source';
import { localClock } from '../../../../shared/util/time';
import { useClient, useQuery } from '../../api/hooks';

/** Live source statuses: from the first load, then from pushed `captureStatus` messages. */
export function useSourceStatuses(): readonly SourceStatus[] {
  const client = useClient();
  const q = useQuery('getCaptureStatus', {});
  const [live, setLive] = useState<readonly SourceStatus[] | null>(null);
  useEffect(() => client.on('captureStatus', (p) => setLive(p.sources)), [client]);
  return live ?? q.data?.sources ?? [];
}

const STATE_LABELS: Readonly<Record<SourceStatus['state'], string>> = {
  idle: 'Idle',
  watching: 'Watching',
  reading: 'Reading',
  connecting: 'Connecting',
  connected: 'Connected',
  waiting: 'Waiting for data',
  unreadable: 'Unreadable data',
  disconnected: 'Disconnected',
  error: 'Needs attention',
  stopped: 'Off',
};

/** One entry per source: its live state, and (on the Capture page) its settings and actions. */
export function SourceStatusList({ sources, extra }: { sources: readonly SourceStatus[]; extra?: (s: SourceStatus) => ReactNode }) {
  if (sources.length === 0) return <p className="empty">No capture sources yet. Add the device’s export folder or serial port under Capture.</p>;
  return (
    <ul className="source-list" aria-label="Capture sources">
      {sources.map((s) => {
        const bad = s.state === 'error' || s.state === 'unreadable' || s.state === 'disconnected' || s.fileErrors > 0;
        const drift = s.clockDriftMs !== null && Math.abs(s.clockDriftMs) > CLOCK_DRIFT_WARN_MS;
        return (
          <li key={s.sourceId} className={bad ? 'source-bad' : ''} data-state={s.state}>
            <div className="source-head">
              <span className={`state state-${s.state}`}>{STATE_LABELS[s.state]}</span>
              <b>{s.name || (s.kind === 'folder' ? 'Export folder' : 'Serial port')}</b>
              <span className="muted small">
                {s.events} event{s.events === 1 ? '' : 's'}
                {s.kind === 'folder' ? ` · ${s.files} file${s.files === 1 ? '' : 's'}` : ''}
                {s.lastEventAt ? ` · last ${localClock(s.lastEventAt)}` : ''}
              </span>
            </div>
            <div className="source-msg">{s.message}</div>
            {drift && (
              <div className="field-error">
                The device clock is {Math.round(Math.abs(s.clockDriftMs as number) / 60_000)} min {(s.clockDriftMs as number) > 0 ? 'ahead of' : 'behind'} this
                computer. Check the device’s time setting; times are stored as the device wrote them.
              </div>
            )}
            {s.garbageBytes > 0 && <div className="muted small">{s.garbageBytes} unreadable bytes skipped.</div>}
            {extra?.(s)}
          </li>
        );
      })}
    </ul>
  );
}
