import { randomUUID } from 'node:crypto';
import { CLOSING_STATUSES, INTERVENTIONS, NOTIFIED_ROLES, QUICK_ENTRY_KINDS, RECOVERIES, type QuickEntryInput, type QuickEntryKind } from '../../../shared/domain/quick-entry';
import { EVENT_KIND_LABELS } from '../../../shared/domain/event-kinds';
import { EVENT_SIDES, LIMBS, MODALITIES, MODALITY_LABELS, modalityFromTyped, type Modality } from '../../../shared/domain/modality';
import { looseKey } from '../../../shared/util/loose-key';
import { localClock, nearestClockTime } from '../../../shared/util/time';
import { jsonOut, str, type Command } from '../command';
import { EXIT, printJson, UsageError } from '../io';

const KINDS = QUICK_ENTRY_KINDS.map((k) => k.replace(/_/g, '-'));

/** "21:37" or "21:37:05" (the nearest such time), or an ISO instant. */
export function parseAt(text: string, now: number): number {
  const clock = nearestClockTime(now, text);
  if (clock !== null) return clock;
  const iso = Date.parse(text);
  if (Number.isNaN(iso)) throw new UsageError(`--at must be HH:MM, HH:MM:SS or an ISO date-time, not "${text}".`);
  return iso;
}

const named = (m: Modality) => (MODALITY_LABELS[m] === m ? m : `${m} (${MODALITY_LABELS[m]})`);

/** --modality as typed: an id or a label; otherwise a message that lists what it could mean. */
export function parseModality(text: string): Modality {
  const r = modalityFromTyped(text);
  if (r.modality) return r.modality;
  const all = `--modality must be one of: ${MODALITIES.map(named).join(', ')}.`;
  if (r.near.length > 1) throw new UsageError(`"${text}" could be ${r.near.slice(0, -1).map(named).join(', ')} or ${named(r.near[r.near.length - 1]!)}: say which.`);
  if (r.near.length === 1) throw new UsageError(`"${text}" is not a modality; did you mean ${named(r.near[0]!)}? ${all}`);
  throw new UsageError(`"${text}" is not a modality Closeout knows. ${all}`);
}

/** The flags each kind of entry takes (besides --at and --json): any other is refused, not dropped. */
const FLAGS: Readonly<Record<QuickEntryKind, readonly string[]>> = {
  monitoring_start: [],
  baseline: ['modality', 'limbs', 'detail'],
  alert: ['modality', 'side', 'limbs', 'muscle', 'amplitude', 'latency', 'detail'],
  surgeon_notified: ['who', 'role'],
  intervention: ['action', 'detail'],
  alert_resolved: ['recovery', 'alert', 'detail'],
  electrodes_removed: [],
  closing: ['status', 'detail'],
  monitoring_end: [],
};

/** Every flag some kind of entry takes. */
const ENTRY_FLAGS = [...new Set(Object.values(FLAGS).flat())];

/** One of a fixed list, typed with hyphens, spaces or underscores in any case; otherwise the list. */
function choice<T extends string>(flag: string, text: string, choices: readonly T[]): T {
  const found = choices.find((c) => looseKey(c) === looseKey(text));
  if (found) return found;
  throw new UsageError(`--${flag} must be one of: ${choices.map((c) => c.replace(/_/g, '-')).join(', ')}; not "${text}".`);
}

/** The entry the flags describe; the schema then checks each field and names a bad one. */
export function entryFromFlags(kind: QuickEntryKind, v: (flag: string) => string | undefined): QuickEntryInput {
  const cliKind = kind.replace(/_/g, '-');
  for (const flag of ENTRY_FLAGS) {
    if (v(flag) !== undefined && !FLAGS[kind].includes(flag)) {
      const takes = FLAGS[kind].length ? `it takes ${FLAGS[kind].map((f) => `--${f}`).join(', ')}` : 'it takes only --at';
      throw new UsageError(`--${flag} does not apply to ${cliKind}: ${takes}.`);
    }
  }
  const has = (flag: string) => (v(flag) ?? '') !== '';
  const limbs = has('limbs') ? v('limbs')!.split(',').map((s) => s.trim()).filter(Boolean) : [];
  if (kind === 'alert' && limbs.length > 1) throw new UsageError('An alert is on one limb: give one --limbs value (upper, lower, trunk-head or cranial).');
  return {
    kind,
    ...(has('modality') ? { modality: parseModality(v('modality')!) } : {}),
    ...(kind === 'baseline' && limbs.length ? { limbs: limbs.map((l) => choice('limbs', l, ['upper', 'lower'] as const)) } : {}),
    ...(kind === 'alert' && limbs.length ? { limb: choice('limbs', limbs[0]!, LIMBS) } : {}),
    ...(has('side') ? { side: choice('side', v('side')!, EVENT_SIDES) } : {}),
    ...(has('muscle') ? { muscle: v('muscle') } : {}),
    ...(has('amplitude') ? { amplitudeDropPct: num(v('amplitude'), '--amplitude') } : {}),
    ...(has('latency') ? { latencyIncreasePct: num(v('latency'), '--latency') } : {}),
    ...(has('who') ? { who: v('who') } : {}),
    ...(has('role') ? { role: choice('role', v('role')!, NOTIFIED_ROLES) } : {}),
    ...(has('action') ? { action: choice('action', v('action')!, Object.keys(INTERVENTIONS) as (keyof typeof INTERVENTIONS)[]) } : {}),
    ...(has('recovery') ? { recovery: choice('recovery', v('recovery')!, Object.keys(RECOVERIES) as (keyof typeof RECOVERIES)[]) } : {}),
    ...(has('alert') ? { alertEventId: num(v('alert'), '--alert') } : {}),
    ...(has('status') ? { status: choice('status', v('status')!, Object.keys(CLOSING_STATUSES) as (keyof typeof CLOSING_STATUSES)[]) } : {}),
    ...(has('detail') ? { detail: v('detail') } : {}),
  } as QuickEntryInput;
}

const num = (v: string | undefined, what: string): number | null => {
  if (v === undefined) return null;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new UsageError(`${what} must be a whole number.`);
  return n;
};

export const entryCommands: readonly Command[] = [
  {
    words: ['entry'],
    usage: `closeout entry CASE_ID ${KINDS.join('|')} [--at HH:MM[:SS]] [--modality M] [--limbs upper,lower] [--side left|right|bilateral] [--muscle TEXT] [--amplitude PCT] [--latency PCT] [--who NAME] [--role ${NOTIFIED_ROLES.map((r) => r.replace(/ /g, '-')).join('|')}] [--action ${Object.keys(INTERVENTIONS).map((a) => a.replace(/_/g, '-')).join('|')}] [--recovery full|partial|none] [--alert EVENT_ID] [--status at-baseline|changes-persist] [--detail TEXT] [--json]`,
    summary: 'Quick entry: record a structured fact on a running case, as the technologist does with one key (time = now, or --at, kept beside the keystroke).',
    options: {
      ...jsonOut,
      at: { type: 'string' },
      modality: { type: 'string' },
      limbs: { type: 'string' },
      side: { type: 'string' },
      muscle: { type: 'string' },
      amplitude: { type: 'string' },
      latency: { type: 'string' },
      who: { type: 'string' },
      role: { type: 'string' },
      action: { type: 'string' },
      recovery: { type: 'string' },
      alert: { type: 'string' },
      status: { type: 'string' },
      detail: { type: 'string' },
    },
    positionals: 2,
    async run({ io, session, args, values }) {
      const [caseId, kindArg] = args as [string, string];
      const kind = kindArg.replace(/-/g, '_');
      if (!(QUICK_ENTRY_KINDS as readonly string[]).includes(kind)) throw new UsageError(`KIND must be one of: ${KINDS.join(', ')}.`);
      const keyedAt = Date.now();
      const at = str(values, 'at');
      const occurredAt = at ? parseAt(at, keyedAt) : keyedAt;
      const entry = entryFromFlags(kind as QuickEntryKind, (k) => str(values, k));
      const events = await session.call('addEntry', { caseId, occurredAt, keyedAt: at ? keyedAt : null, clientId: randomUUID(), entry });
      if (values['json']) printJson(io, events);
      else for (const e of events) io.stdout(`${EVENT_KIND_LABELS[e.kind]} ${e.id} stored at ${localClock(e.occurredAt)}: ${e.text}\n`);
      return EXIT.ok;
    },
  },
  {
    words: ['note', 'record'],
    usage: 'closeout note record CASE_ID NOTE_ID [--json]',
    summary: 'Record a typed note as what the site’s names-and-words rules read it as (an alert, a baseline…); the note is kept, marked superseded.',
    options: { ...jsonOut },
    positionals: 2,
    async run({ io, session, args, values }) {
      const [caseId, noteId] = args as [string, string];
      const id = Number(noteId);
      if (!Number.isInteger(id) || id < 1) throw new UsageError('NOTE_ID is the number of the note (closeout events list CASE_ID).');
      const events = await session.call('acceptNoteReading', { caseId, noteId: id });
      if (values['json']) printJson(io, events);
      else for (const e of events) io.stdout(`${EVENT_KIND_LABELS[e.kind]} ${e.id} stored at ${localClock(e.occurredAt)}: ${e.text}\n`);
      return EXIT.ok;
    },
  },
];
