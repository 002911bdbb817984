import demoJson from '../../../resources/demo/demo-case.json';
import { CaseInputSchema } from '../../../shared/domain/case';
import { PersonInputSchema } from '../../../shared/domain/person';
import { EVENT_KINDS, type EventKind } from '../../../shared/domain/event-kinds';
import type { ServiceContext } from '../context';

const SEEDED_KEY = 'demo.seededAt';

type DemoFile = Readonly<{
  people: ReadonlyArray<Record<string, unknown> & { key: string }>;
  case: Record<string, unknown> & { surgeon: string; technologist: string; physician: string };
  startMinutesAgo: number;
  events: ReadonlyArray<{ min: number; kind: string; modality?: string; side?: string; limb?: string; text: string }>;
}>;
const demo = demoJson as DemoFile;

/**
 * On the first start of an empty workstation, add one synthetic case so a newcomer sees a
 * populated app. Times are placed relative to now, so the demo is always "today's case".
 * Never runs again once recorded, and never when real cases exist.
 */
export function seedDemoOnFirstRun(ctx: ServiceContext): string | null {
  const { store } = ctx;
  if (store.settings.get(SEEDED_KEY) !== undefined) return null;
  if (store.cases.list('', 1).length > 0) {
    store.settings.set(SEEDED_KEY, null);
    return null;
  }
  const now = ctx.now();
  const start = now - demo.startMinutesAgo * 60_000;
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
    demo.events.forEach((e, i) => {
      if (!(EVENT_KINDS as readonly string[]).includes(e.kind)) throw new Error(`demo event kind ${e.kind}`);
      store.events.append({
        caseId: c.id,
        kind: e.kind as EventKind,
        modality: e.modality ?? null,
        side: e.side ?? null,
        limb: e.limb ?? null,
        modalityName: e.modality ?? null,
        text: e.text,
        occurredAt: start + e.min * 60_000,
        receivedAt: now,
        source: 'demo',
        dedupeKey: `demo:${i}`,
        raw: null,
        clockZone: ctx.timeZone,
        payload: null,
      });
    });
    store.audit.append({ actor: 'system', action: 'demo.seed', caseId: c.id }, now);
    store.settings.set(SEEDED_KEY, now);
    return c.id;
  });
}
