import type { ChargeLine } from '../../../../shared/billing/claim';

/** The claim's lines as a billing system will import them. */
export function ChargeLines({ lines }: { lines: readonly ChargeLine[] }) {
  if (lines.length === 0) return <p className="empty">No charge lines yet: nothing billable is recorded.</p>;
  return (
    <table className="table charge-lines" aria-label="Charge lines">
      <thead>
        <tr>
          <th>Line</th>
          <th>Code</th>
          <th>Descriptor</th>
          <th>Modifiers</th>
          <th>Units</th>
          <th>Minutes</th>
          <th>ICD pointers</th>
          <th>Note</th>
        </tr>
      </thead>
      <tbody>
        {lines.map((l) => (
          <tr key={l.line} data-code={l.code} className={l.units === 0 ? 'inactive' : ''}>
            <td className="mono">{l.line}</td>
            <td className="mono">
              <b>{l.code}</b>
            </td>
            <td>{l.descriptor}</td>
            <td className="mono">{l.modifiers.join(' ') || '—'}</td>
            <td className="mono">{l.units}</td>
            <td className="mono">{l.minutes ?? '—'}</td>
            <td className="mono">{l.icdPointers.join(', ') || '—'}</td>
            <td className="small">{l.note}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
