/**
 * The sources a rule rests on, by id (S35…). Links open in the system browser where the shell
 * allows the address; an id without an address is shown as text.
 */
export function RuleSources({ sources }: { sources: ReadonlyArray<Readonly<{ id: string; url: string | null }>> }) {
  if (sources.length === 0) return null;
  return (
    <span className="rule-sources">
      {sources.map((s, i) => (
        <span key={s.id}>
          {i > 0 && ', '}
          {s.url ? (
            <a href={s.url} target="_blank" rel="noreferrer" title={s.url}>
              {s.id}
            </a>
          ) : (
            <span className="mono">{s.id}</span>
          )}
        </span>
      ))}
    </span>
  );
}
