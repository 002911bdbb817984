import { useState } from 'react';
import { sourceDisplayName, type CaptureSource } from '../../../../shared/domain/capture-source';
import { EVENT_KINDS, EVENT_KIND_LABELS, type EventKind } from '../../../../shared/domain/event-kinds';
import { MODALITIES, MODALITY_LABELS, type Modality } from '../../../../shared/domain/modality';
import type { MappingRule } from '../../../../shared/domain/mapping';
import { useClient, useQuery } from '../../api/hooks';
import { ErrorBanner } from '../../components/Field';
import { SourceDialog } from './SourceDialog';
import { SourceStatusList, useSourceStatuses } from './SourceStatusList';

/** Where device data comes from on this workstation, and how site names map to our vocabulary. */
export function CapturePage() {
  const client = useClient();
  const sources = useQuery('listSources', {}, (m) => m.name === 'captureStatus');
  const statuses = useSourceStatuses();
  const [editing, setEditing] = useState<{ kind: 'folder' | 'serial'; source: CaptureSource | null } | null>(null);
  const [error, setError] = useState<string>();

  return (
    <section className="page">
      <header className="page-head">
        <h1>Capture</h1>
        <button onClick={() => setEditing({ kind: 'folder', source: null })}>Add export folder</button>
        <button onClick={() => setEditing({ kind: 'serial', source: null })}>Add serial port</button>
      </header>
      <ErrorBanner message={error ?? sources.error?.message} />
      <div className="card">
        <h2 className="card-title">Sources on this workstation</h2>
        <p className="muted small">While a case is capturing, every source that is on feeds it. Status updates live.</p>
        <SourceStatusList
          sources={statuses}
          extra={(st) => {
            const s = (sources.data ?? []).find((x) => x.id === st.sourceId);
            if (!s) return null;
            return (
              <div className="source-settings">
                <span className="mono small">{s.config.path}</span>
                <span className="muted small">{s.enabled ? 'on' : 'off'}</span>
                <span className="actions">
                  <button aria-label={`Edit ${sourceDisplayName(s)}`} onClick={() => setEditing({ kind: s.kind, source: s })}>
                    Edit
                  </button>
                  <button
                    aria-label={`Remove ${sourceDisplayName(s)}`}
                    onClick={() =>
                      void client.call('deleteSource', { id: s.id }).then((r) => {
                        setError(r.ok ? undefined : r.message);
                        sources.reload();
                      })
                    }
                  >
                    Remove
                  </button>
                </span>
              </div>
            );
          }}
        />
      </div>
      <MappingRules />
      {editing && (
        <SourceDialog
          kind={editing.kind}
          source={editing.source}
          onClose={() => {
            setEditing(null);
            sources.reload();
          }}
        />
      )}
    </section>
  );
}

function MappingRules() {
  const client = useClient();
  const q = useQuery('listMappingRules', {});
  const [pattern, setPattern] = useState('');
  const [target, setTarget] = useState<'modality' | 'kind'>('modality');
  const [modality, setModality] = useState<Modality>('TCMEP');
  const [kind, setKind] = useState<EventKind>('milestone');
  const [error, setError] = useState<string>();
  const rules = q.data ?? [];

  async function add() {
    const r = await client.call('saveMappingRule', { rule: { target, matchType: 'word', pattern, ...(target === 'modality' ? { modality } : { kind }) } });
    setError(r.ok ? undefined : r.message);
    if (r.ok) setPattern('');
    q.reload();
  }

  return (
    <div className="card">
      <h2 className="card-title">Names and words</h2>
      <p className="muted small">
        Devices name modalities freely (“L MEP”, “Lower SSEP”, “MEP Drempel”). Site rules run before the built-in ones. Text no rule recognises is kept as a
        note.
      </p>
      <ErrorBanner message={error} />
      <div className="rule-add">
        <input aria-label="Name or words" placeholder="e.g. DNEP" value={pattern} onChange={(e) => setPattern(e.target.value)} />
        <select aria-label="Means" value={target} onChange={(e) => setTarget(e.target.value as 'modality' | 'kind')}>
          <option value="modality">is the modality</option>
          <option value="kind">is an event of kind</option>
        </select>
        {target === 'modality' ? (
          <select aria-label="Modality" value={modality} onChange={(e) => setModality(e.target.value as Modality)}>
            {MODALITIES.map((m) => (
              <option key={m} value={m}>
                {MODALITY_LABELS[m]}
              </option>
            ))}
          </select>
        ) : (
          <select aria-label="Kind" value={kind} onChange={(e) => setKind(e.target.value as EventKind)}>
            {EVENT_KINDS.map((k) => (
              <option key={k} value={k}>
                {EVENT_KIND_LABELS[k]}
              </option>
            ))}
          </select>
        )}
        <button className="primary" disabled={!pattern.trim()} onClick={() => void add()}>
          Add rule
        </button>
      </div>
      <RuleTable rules={rules.filter((r) => !r.builtin)} empty="No site rules yet." onChange={() => q.reload()} />
      <details className="builtin-rules">
        <summary>Built-in rules ({rules.filter((r) => r.builtin).length})</summary>
        <RuleTable rules={rules.filter((r) => r.builtin)} empty="" onChange={() => q.reload()} />
      </details>
    </div>
  );
}

function RuleTable({ rules, empty, onChange }: { rules: readonly MappingRule[]; empty: string; onChange: () => void }) {
  const client = useClient();
  if (rules.length === 0) return empty ? <p className="empty">{empty}</p> : null;
  return (
      <table className="table rules">
        <thead>
          <tr>
            <th>Matches</th>
            <th>Means</th>
            <th>Order</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {rules.map((r) => (
            <tr key={r.id} className={r.enabled ? '' : 'inactive'}>
              <td className="mono small" title={r.pattern}>
                {r.matchType === 'regex' ? `/${r.pattern.length > 60 ? `${r.pattern.slice(0, 59)}…` : r.pattern}/` : `“${r.pattern}”`}
              </td>
              <td>
                {r.target === 'modality' ? `${r.modality ? MODALITY_LABELS[r.modality] : ''}${r.limb ? ` (${r.limb})` : ''}` : r.kind ? EVENT_KIND_LABELS[r.kind] : ''}
                {r.builtin ? <span className="muted small"> · built-in</span> : null}
              </td>
              <td className="muted small">{r.priority}</td>
              <td className="actions">
                <button onClick={() => void client.call('saveMappingRule', { id: r.id, rule: { ...r, enabled: !r.enabled } }).then(onChange)}>{r.enabled ? 'Turn off' : 'Turn on'}</button>
                {!r.builtin && <button onClick={() => void client.call('deleteMappingRule', { id: r.id }).then(onChange)}>Delete</button>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
  );
}
