import type { CaseClock } from '../../../shared/domain/case-clock';
import type { ServiceContext } from '../context';
import { DEMO_CASE_KEY } from './demo-keys';

/** The demo case's clock (shared/domain/case-clock.ts), written each time the demo starts playing. */
export const CLOCK_KEY = 'demo.clock';

/** The case's own clock: the demo's, for the demo case; null (the workstation's) for any other. */
export function caseClockOf(ctx: ServiceContext, caseId: string): CaseClock | null {
  if (ctx.store.settings.get<string>(DEMO_CASE_KEY) !== caseId) return null;
  return ctx.store.settings.get<CaseClock>(CLOCK_KEY) ?? null;
}
