import { RULE_IDS, SEVERITIES, type RuleSets, type Severity } from '../../../../shared/billing/ruleset';
import { RuleSources } from '../billing/RuleSources';

const SEVERITY_LABELS: Readonly<Record<Severity, string>> = { block: 'Block', warn: 'Warn', off: 'Off' };

/** The default rule set's rules: severity editable, the rest read-only here (the JSON holds all). */
export function RulesTable({ sets, onSeverity }: { sets: RuleSets; onSeverity: (id: string, severity: Severity) => void }) {
  const ids = RULE_IDS.filter((id) => sets.base.rules[id]);
  return (
    <div className="rules-scroll">
      <table className="table rules-table" aria-label="Scrubber rules">
        <thead>
          <tr>
            <th>Rule</th>
            <th>Title</th>
            <th>Severity</th>
            <th>Confirmed</th>
            <th>Sources</th>
          </tr>
        </thead>
        <tbody>
          {ids.map((id) => {
            const r = sets.base.rules[id]!;
            return (
              <tr key={id} data-rule={id} className={`sev-${r.severity}`}>
                <td className="mono">{id}</td>
                <td title={r.action}>{r.title}</td>
                <td>
                  <select aria-label={`Severity of ${id}`} value={r.severity} onChange={(e) => onSeverity(id, e.target.value as Severity)}>
                    {SEVERITIES.map((s) => (
                      <option key={s} value={s}>
                        {SEVERITY_LABELS[s]}
                      </option>
                    ))}
                  </select>
                </td>
                <td className="small">{r.confirmed ? 'yes' : <span className="unverified">unverified</span>}</td>
                <td className="small">
                  <RuleSources sources={r.sources.map((s) => ({ id: s, url: sets.base.sources[s] ?? null }))} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
