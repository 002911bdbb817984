import demoJson from '../../resources/demo/demo-case.json';
import { CaseInputSchema } from '../../shared/domain/case';
import { PersonInputSchema } from '../../shared/domain/person';
import type { ServiceContext } from '../services/context';
import { hashPin } from '../services/users/pin';
import { DEMO_CASE_KEY, DEMO_USER_KEY } from '../services/demo/demo-keys';

export const DEMO_PIN = 'demo-sign';
const SEEDED_KEY = 'demo.seededAt';

type DemoFile = Readonly<{
  people: ReadonlyArray<Record<string, unknown> & { key: string }>;
  case: Record<string, unknown> & { surgeon: string; technologist: string; physician: string };
}>;
const demo = demoJson as DemoFile;

/**
 * On the first start of an empty workstation, add the synthetic demo patient's case and its
 * people, so a newcomer sees a populated app (its events then arrive through the real capture:
 * see demo-capture.ts). Never runs again once recorded, and never where real cases exist.
 * Returns the new case's id, or null.
 */
export function seedDemoOnFirstRun(ctx: ServiceContext): string | null {
  const { store } = ctx;
  if (store.settings.get(SEEDED_KEY) !== undefined) return null;
  if (store.cases.list('', 1).length > 0) {
    store.settings.set(SEEDED_KEY, null);
    return null;
  }
  const now = ctx.now();
  return store.write(() => {
    const ids = new Map<string, string>();
    for (const p of demo.people) {
      const person = store.people.insert(ctx.newId(), PersonInputSchema.parse(p), now);
      ids.set(p.key, person.id);
    }
    const fields = CaseInputSchema.parse({
      ...demo.case,
      dateOfService: ctx.today(),
      surgeonId: ids.get(demo.case.surgeon),
      technologistId: ids.get(demo.case.technologist),
      physicianId: ids.get(demo.case.physician),
    });
    const c = store.cases.insert({ id: ctx.newId(), status: 'open', timeZone: ctx.timeZone, now, fields });
    const reader = ids.get(demo.case.physician) ?? null;
    const user = store.users.insert({ id: ctx.newId(), name: 'Morgan Example (demo)', role: 'physician', personId: reader, pinHash: hashPin(DEMO_PIN), active: true }, now);
    store.audit.append({ actor: 'system', action: 'demo.seed', caseId: c.id }, now);
    store.settings.set(SEEDED_KEY, now);
    store.settings.set(DEMO_CASE_KEY, c.id);
    store.settings.set(DEMO_USER_KEY, user.id);
    return c.id;
  });
}
