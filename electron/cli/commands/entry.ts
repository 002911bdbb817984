import { randomUUID } from 'node:crypto';
import { QUICK_ENTRY_KINDS, type QuickEntryInput } from '../../../shared/domain/quick-entry';
import { EVENT_KIND_LABELS } from '../../../shared/domain/event-kinds';
import { MODALITIES, MODALITY_LABELS, modalityFromTyped, type Modality } from '../../../shared/domain/modality';
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

const num = (v: string | undefined, what: string): number | null => {
  if (v === undefined) return null;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new UsageError(`${what} must be a whole number.`);
  return n;
};

export const entryCommands: readonly Command[] = [
  {
    words: ['entry'],
    usage: `closeout entry CASE_ID ${KINDS.join('|')} [--at HH:MM[:SS]] [--modality M] [--limbs upper,lower] [--side S] [--muscle TEXT] [--amplitude PCT] [--latency PCT] [--who NAME] [--role ROLE] [--action A] [--recovery full|partial|none] [--alert EVENT_ID] [--status at_baseline|changes_persist] [--detail TEXT] [--json]`,
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
      const v = (k: string) => str(values, k);
      // The schema checks every field and names the bad ones; absent flags are its defaults.
      const entry = {
        kind,
        ...(v('modality') ? { modality: parseModality(v('modality')!) } : {}),
        ...(v('limbs') ? { limbs: v('limbs')!.split(',').map((s) => s.trim()).filter(Boolean) } : {}),
        ...(v('side') ? { side: v('side') } : {}),
        ...(v('muscle') ? { muscle: v('muscle') } : {}),
        ...(v('amplitude') ? { amplitudeDropPct: num(v('amplitude'), '--amplitude') } : {}),
        ...(v('latency') ? { latencyIncreasePct: num(v('latency'), '--latency') } : {}),
        ...(v('who') ? { who: v('who') } : {}),
        ...(v('role') ? { role: v('role') } : {}),
        ...(v('action') ? { action: v('action') } : {}),
        ...(v('recovery') ? { recovery: v('recovery') } : {}),
        ...(v('alert') ? { alertEventId: num(v('alert'), '--alert') } : {}),
        ...(v('status') ? { status: v('status') } : {}),
        ...(v('detail') ? { detail: v('detail') } : {}),
      } as QuickEntryInput;
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
