import type { BaseRuleSet, PayerRuleSet } from '../../../../shared/billing/ruleset';
import { PAYER_TYPE_LABELS } from '../../../../shared/domain/vocabulary';

function appliesTo(p: PayerRuleSet): string {
  const parts = [
    p.payers.types ? p.payers.types.map((t) => PAYER_TYPE_LABELS[t]).join(' or ') : null,
    p.payers.nameContains ? `payer name contains “${p.payers.nameContains}”` : null,
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : 'every payer';
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** What the set changes against the default set: only values that differ (the overlay's effect). */
function changes(p: PayerRuleSet, base: BaseRuleSet): string {
  const rules = Object.entries(p.rules).flatMap(([id, patch]) => {
    const was: Readonly<Record<string, unknown>> = base.rules[id] ?? {};
    const what = Object.entries(patch ?? {})
      .filter(([k, v]) => !same(was[k], v))
      .map(([k, v]) => (k === 'severity' ? `${String(was[k] ?? '?')} → ${String(v)}` : `${k} ${JSON.stringify(v)}`));
    return what.length ? [`${id} ${what.join(', ')}`] : [];
  });
  const params = Object.entries(p.params)
    .filter(([k, v]) => !same((base.params as Readonly<Record<string, unknown>>)[k], v))
    .map(([k, v]) => `${k} = ${JSON.stringify(v)}`);
  const all = [...rules, ...params];
  return all.length ? all.join('; ') : 'nothing (listed for reference)';
}

/** Payer overlays: each matches payers by type or name, holds for its dates, and changes a few rules. */
export function PayerRuleSets({ payers, base }: { payers: readonly PayerRuleSet[]; base: BaseRuleSet }) {
  if (payers.length === 0) return <p className="empty">No payer rule sets: the default applies to every payer.</p>;
  return (
    <ul className="payer-sets" aria-label="Payer rule sets">
      {payers.map((p) => (
        <li key={p.id} data-payer-set={p.id}>
          <b>{p.name}</b> <span className="mono small">
            {p.id} {p.version}
          </span>
          <div className="small">
            In force {p.effectiveFrom} to {p.effectiveTo ?? 'no end date'}; applies to {appliesTo(p)}.
          </div>
          <div className="small muted">Changes against the default: {changes(p, base)}</div>
        </li>
      ))}
    </ul>
  );
}
