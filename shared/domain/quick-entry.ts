/**
 * Quick entry: what the technologist marks by hand during surgery, as structured facts. Where the
 * IONM machine exports little or nothing live (NIM, NVM5, older builds), or the technologist sees
 * a change before any file says so, these entries ARE the record. Each entry becomes events of
 * the same kinds the device parsers produce, so the timeline, the report, the claim and the
 * dashboard treat a typed fact and an exported one alike. Pure.
 */
import { z } from 'zod';
import type { EventKind } from './event-kinds';
import { IdSchema, plainText } from './fields';
import { EVENT_SIDES, LIMB_LABELS, MODALITIES, MODALITY_LABELS, type EventSide, type Limb, type Modality } from './modality';

export const QUICK_ENTRY_KINDS = [
  'monitoring_start',
  'baseline',
  'alert',
  'surgeon_notified',
  'intervention',
  'alert_resolved',
  'electrodes_removed',
  'closing',
  'monitoring_end',
] as const;
export type QuickEntryKind = (typeof QUICK_ENTRY_KINDS)[number];

/** The button, its one key (pressed outside a text field) and what it records. */
export const QUICK_ENTRY_BUTTONS: ReadonlyArray<Readonly<{ kind: QuickEntryKind; label: string; key: string }>> = [
  { kind: 'monitoring_start', label: 'Monitoring start', key: 'S' },
  { kind: 'baseline', label: 'Baseline', key: 'B' },
  { kind: 'alert', label: 'Alert', key: 'A' },
  { kind: 'surgeon_notified', label: 'Surgeon told', key: 'T' },
  { kind: 'intervention', label: 'Intervention', key: 'I' },
  { kind: 'alert_resolved', label: 'Recovery', key: 'R' },
  { kind: 'electrodes_removed', label: 'Electrodes out', key: 'X' },
  { kind: 'closing', label: 'Closing', key: 'C' },
  { kind: 'monitoring_end', label: 'Monitoring end', key: 'E' },
];

export const INTERVENTIONS = {
  map_raised: 'MAP raised',
  retractor_released: 'Retractor released',
  irrigation: 'Warm saline irrigation',
  anesthetic_change: 'Anesthetic changed',
  screw_redirected: 'Screw removed or redirected',
  correction_reduced: 'Correction or distraction reduced',
  repositioned: 'Patient or limb repositioned',
  steroids: 'Steroids given',
  wake_up_test: 'Wake-up test',
  other: 'Other intervention',
} as const;
export type InterventionAction = keyof typeof INTERVENTIONS;

export const RECOVERIES = { full: 'Full recovery to baseline', partial: 'Partial recovery', none: 'No recovery (final outcome)' } as const;
export type Recovery = keyof typeof RECOVERIES;

export const NOTIFIED_ROLES = ['surgeon', 'anesthesiologist', 'interpreting physician', 'other'] as const;

export const CLOSING_STATUSES = { at_baseline: 'all monitored modalities at baseline', changes_persist: 'changes persist compared with baseline' } as const;

const modality = z.enum(MODALITIES, { error: 'Choose the modality.' });
const detail = (what: string) => plainText(what, 300).default('');
const pct = (what: string, max: number) =>
  z
    .number({ error: `${what} must be a number.` })
    .int(`${what} must be a whole number.`)
    .min(1, `${what} must be at least 1%.`)
    .max(max, `${what} must be at most ${max}%.`)
    .nullable()
    .default(null);

export const QuickEntrySchema = z.discriminatedUnion(
  'kind',
  [
    z.object({ kind: z.literal('monitoring_start') }),
    z.object({ kind: z.literal('monitoring_end') }),
    z.object({
      kind: z.literal('baseline'),
      modality,
      /** One baseline event per limb group; none = the modality as a whole. */
      limbs: z.array(z.enum(['upper', 'lower'])).max(2).default([]),
      detail: detail('The baseline note'),
    }),
    z
      .object({
        kind: z.literal('alert'),
        modality,
        side: z.enum(EVENT_SIDES).nullable().default(null),
        limb: z.enum(['upper', 'lower', 'trunk_head', 'cranial']).nullable().default(null),
        muscle: plainText('The muscle or site', 60).default(''),
        amplitudeDropPct: pct('The amplitude drop', 100),
        latencyIncreasePct: pct('The latency increase', 500),
        detail: detail('The alert note'),
      })
      .refine((a) => a.amplitudeDropPct !== null || a.latencyIncreasePct !== null || a.detail !== '', {
        error: 'Say what changed: the amplitude drop, the latency increase, or in words.',
        path: ['amplitudeDropPct'],
      }),
    z.object({
      kind: z.literal('surgeon_notified'),
      who: plainText('The name', 80).refine((s) => s.length > 0, { error: 'Say who was told.' }),
      role: z.enum(NOTIFIED_ROLES).default('surgeon'),
    }),
    z.object({
      kind: z.literal('intervention'),
      action: z.enum(Object.keys(INTERVENTIONS) as [InterventionAction, ...InterventionAction[]], { error: 'Choose what was done.' }),
      detail: detail('The intervention note'),
    }),
    z.object({
      kind: z.literal('alert_resolved'),
      recovery: z.enum(Object.keys(RECOVERIES) as [Recovery, ...Recovery[]], { error: 'Choose how it recovered.' }),
      /** The alert it answers (its event id); the latest open alert when not given. */
      alertEventId: z.number().int().positive().nullable().default(null),
      detail: detail('The recovery note'),
    }),
    z.object({ kind: z.literal('electrodes_removed') }),
    z.object({
      kind: z.literal('closing'),
      status: z.enum(Object.keys(CLOSING_STATUSES) as [keyof typeof CLOSING_STATUSES, ...(keyof typeof CLOSING_STATUSES)[]]),
      detail: detail('The closing note'),
    }),
  ],
  { error: 'Choose what to record.' },
);
export type QuickEntry = z.output<typeof QuickEntrySchema>;
export type QuickEntryInput = z.input<typeof QuickEntrySchema>;

/** Two minutes either way of now is a keystroke; a corrected time may go back a day. */
export const EntryInputSchema = z.object({
  caseId: IdSchema,
  /** When it happened: the keystroke, or the time the technologist corrected it to. */
  occurredAt: z.number().int().positive(),
  /** The keystroke, kept beside a corrected time (absent when not corrected). */
  keyedAt: z.number().int().positive().nullable().default(null),
  /** Generated once per entry by the client, so a resend after a reconnect is one entry. */
  clientId: z.string().trim().min(8).max(64),
  entry: QuickEntrySchema,
});
export type EntryInput = z.input<typeof EntryInputSchema>;

/** One event an entry makes (the service adds case, times, source and keys). */
export type EntryEvent = Readonly<{
  keySuffix: string;
  kind: EventKind;
  modality: Modality | null;
  side: EventSide | null;
  limb: Limb | null;
  text: string;
}>;

/** The alert a recovery answers: its modality and side, so the timeline pairs them as it pairs device facts. */
export type AlertRef = Readonly<{ modality: string | null; side: string | null; limb: string | null }>;

const cap = (s: string) => (s ? s[0]!.toUpperCase() + s.slice(1) : s);
const withDetail = (text: string, d: string) => (d ? `${text}: ${d}` : text);

function site(m: Modality, side: string | null, limb: string | null, muscle: string): string {
  const where = muscle ? `${side ? `${side} ` : ''}${muscle}` : [side, limb ? (LIMB_LABELS as Record<string, string>)[limb]?.toLowerCase() : null].filter(Boolean).join(' ');
  return where ? `${cap(where)} ${MODALITY_LABELS[m]}` : MODALITY_LABELS[m];
}

/**
 * The events an entry makes, worded the way the report quotes them. An alert's limb comes from
 * its muscle when not chosen (deltoid → upper limb), as device text is read.
 */
export function entryEvents(entry: QuickEntry, alert: AlertRef | null = null, limbOfMuscle: (s: string) => Limb | null = () => null): EntryEvent[] {
  const ev = (kind: EventKind, text: string, more: Partial<EntryEvent> = {}): EntryEvent => ({ keySuffix: '', kind, modality: null, side: null, limb: null, text, ...more });
  switch (entry.kind) {
    case 'monitoring_start':
      return [ev('monitoring_start', 'Monitoring start')];
    case 'monitoring_end':
      return [ev('monitoring_end', 'Monitoring end')];
    case 'baseline': {
      const limbs: (Limb | null)[] = entry.limbs.length ? [...new Set(entry.limbs)] : [null];
      return limbs.map((limb) =>
        ev('baseline', withDetail(`Baseline ${MODALITY_LABELS[entry.modality]}${limb ? ` (${LIMB_LABELS[limb].toLowerCase()})` : ''} obtained`, entry.detail), {
          keySuffix: limb ? `:${limb}` : '',
          modality: entry.modality,
          limb,
        }),
      );
    }
    case 'alert': {
      const limb = entry.limb ?? (entry.muscle ? limbOfMuscle(entry.muscle) : null);
      const changes = [
        entry.amplitudeDropPct !== null ? `amplitude down ${entry.amplitudeDropPct}%` : null,
        entry.latencyIncreasePct !== null ? `latency up ${entry.latencyIncreasePct}%` : null,
      ].filter(Boolean);
      const what = changes.length ? `${changes.join(', ')} from baseline` : '';
      const text = [`${site(entry.modality, entry.side, limb, entry.muscle)}${what ? ` ${what}` : ''}`, entry.detail].filter(Boolean).join('; ');
      return [ev('alert', text, { modality: entry.modality, side: entry.side, limb })];
    }
    case 'surgeon_notified':
      return [ev('surgeon_notified', `${cap(entry.role)} notified: ${entry.who}`)];
    case 'intervention': {
      // "MAP raised" + "to 85 mmHg" reads as one phrase; a detail of its own follows a colon.
      const d = entry.detail;
      return [ev('intervention', !d ? INTERVENTIONS[entry.action] : /^[a-z]/.test(d) ? `${INTERVENTIONS[entry.action]} ${d}` : `${INTERVENTIONS[entry.action]}: ${d}`)];
    }
    case 'alert_resolved': {
      const m = alert?.modality && (MODALITIES as readonly string[]).includes(alert.modality) ? (alert.modality as Modality) : null;
      const where = m ? site(m, alert?.side ?? null, alert?.limb ?? null, '') : 'Monitoring';
      const words = { full: `${where} back to baseline`, partial: `${where} partially recovered`, none: `${where} did not recover` }[entry.recovery];
      return [ev('alert_resolved', withDetail(words, entry.detail), { modality: m, side: (alert?.side as EventSide | null) ?? null, limb: (alert?.limb as Limb | null) ?? null })];
    }
    case 'electrodes_removed':
      return [ev('milestone', 'Electrodes removed')];
    case 'closing':
      return [ev('note', withDetail(`At closure, ${CLOSING_STATUSES[entry.status]}`, entry.detail))];
  }
}
