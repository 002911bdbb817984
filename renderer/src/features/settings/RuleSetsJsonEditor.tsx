import { RuleSetsSchema, type RuleSets } from '../../../../shared/billing/ruleset';

export type ParsedRuleSets = Readonly<{ ok: true; value: RuleSets }> | Readonly<{ ok: false; errors: readonly string[] }>;

/** The rule sets document from its JSON text, checked with the same schema the backend uses. */
export function parseRuleSetsJson(text: string): ParsedRuleSets {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return { ok: false, errors: [`Not valid JSON: ${e instanceof Error ? e.message : String(e)}`] };
  }
  const r = RuleSetsSchema.safeParse(doc);
  if (r.success) return { ok: true, value: r.data };
  return { ok: false, errors: r.error.issues.slice(0, 20).map((i) => `${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}`) };
}

/** The whole rule sets document (default set, payer sets, parameters, sources) as JSON. */
export function RuleSetsJsonEditor({ text, errors, onChange }: { text: string; errors: readonly string[]; onChange: (text: string) => void }) {
  return (
    <div>
      <p id="rule-sets-json-hint" className="small muted">
        The whole document: default set, payer sets, parameters and sources. Checked when you save; nothing is saved while it has errors.
      </p>
      <textarea aria-label="Rule sets JSON" aria-describedby="rule-sets-json-hint" className="json-editor" rows={24} spellCheck={false} value={text} onChange={(e) => onChange(e.target.value)} />
      {errors.length > 0 && (
        <div role="alert">
          <ul className="json-errors" aria-label="Rule sets errors">
            {errors.map((e, i) => (
              <li key={i}>{e}</li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
