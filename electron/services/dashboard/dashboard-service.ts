/**
 * The practice dashboard in the backend: one summary row per case from the store (indexed, no
 * events read), claims brought up to date where they are missing or older than the case, and
 * the arithmetic done by the pure `shared/dashboard`. Shows no patient data: counts, times and
 * staff names only.
 */
import type { ArgsOut, ResultOf } from '../../../shared/contract/api';
import { buildDashboard, type RuleInfo } from '../../../shared/dashboard/dashboard';
import { personDisplayName } from '../../../shared/domain/person';
import type { ServiceContext } from '../context';
import { caseClaim, getBillingSettings } from '../billing/billing-service';
import { DEMO_CASE_KEY } from '../demo/demo-keys';

/**
 * Claims computed per view at most. A claim rebuilds the case's facts from its events (a few
 * milliseconds); after an upgrade thousands may be due, so they are spread over several views
 * instead of freezing one. The view says how many are left.
 */
export const RECOMPUTE_LIMIT = 300;

const ALL_FROM = '0000-01-01';
const ALL_TO = '9999-12-31';

export function getDashboard(ctx: ServiceContext, a: ArgsOut<'getDashboard'>): ResultOf<'getDashboard'> {
  const from = a.from ?? ALL_FROM;
  const to = a.to ?? ALL_TO;
  let rows = ctx.store.dashboard.rows(from, to);
  const stale = rows.filter((r) => r.stale);
  let recomputed = 0;
  for (const r of stale.slice(0, RECOMPUTE_LIMIT)) {
    const c = ctx.store.cases.get(r.caseId);
    if (!c) continue;
    try {
      caseClaim(ctx, c);
      recomputed++;
    } catch (e) {
      // One case whose claim cannot be computed must not take the dashboard down with it.
      ctx.log.warn('dashboard.claim_failed', { caseId: c.id, error: e instanceof Error ? e.name : 'unknown' });
    }
  }
  if (recomputed) rows = ctx.store.dashboard.rows(from, to);

  const names = new Map(ctx.store.people.list().map((p) => [p.id, personDisplayName(p)]));
  const base = getBillingSettings(ctx).ruleSets.base.rules;
  const rules: Record<string, RuleInfo> = Object.fromEntries(Object.entries(base).map(([id, r]) => [id, { title: r.title, severity: r.severity }]));
  const demo = ctx.store.settings.get<string>(DEMO_CASE_KEY);
  return buildDashboard({ rows, from: a.from ?? null, to: a.to ?? null, names, rules, notMeasured: new Set(demo ? [demo] : []), claims: { recomputed, pending: Math.max(0, stale.length - recomputed) } });
}
