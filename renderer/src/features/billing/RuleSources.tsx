import { isAllowedExternalUrl } from '../../../../shared/security/app-url';

/**
 * The sources a rule rests on, by id (S35…). The desktop shell opens only a short list of
 * public references in the browser; any other address is shown as text to copy (hover shows it).
 */
export function RuleSources({ sources }: { sources: ReadonlyArray<Readonly<{ id: string; url: string | null }>> }) {
  if (sources.length === 0) return null;
  return (
    <span className="rule-sources">
      {sources.map((s, i) => (
        <span key={s.id}>
          {i > 0 && ', '}
          {s.url && isAllowedExternalUrl(s.url) ? (
            <a href={s.url} target="_blank" rel="noreferrer" title={s.url}>
              {s.id}
            </a>
          ) : s.url ? (
            <span className="mono" title={s.url}>
              {s.id}
            </span>
          ) : (
            <span className="mono">{s.id}</span>
          )}
        </span>
      ))}
    </span>
  );
}
