/**
 * DeviceEvent (as the device wrote it) → the fields we store: kind, modality, side, limb and the
 * instant, keeping the device's raw value and the zone rule used. Pure.
 */
import type { DeviceEvent } from './device-event';
import type { EventKind } from './event-kinds';
import { classifyText, mapModalityName, type CompiledRules } from './mapping';
import { boundEventFields } from './event-limits';
import { wallClockToInstant } from '../util/zoned-time';

export type NormalizedEvent = Readonly<{
  /** Suffix added to the device key when one device fact yields two events. */
  keySuffix: string;
  kind: EventKind;
  modality: string | null;
  side: string | null;
  limb: string | null;
  modalityName: string | null;
  text: string;
  occurredAt: number;
  raw: string;
  clockZone: string;
  payload: Readonly<Record<string, unknown>> | null;
}>;

/** `cut`: what was cut to the event limits (event-limits.ts), in plain words without content; absent when nothing was. */
export type NormalizeResult = { ok: true; events: NormalizedEvent[]; cut?: string } | { ok: false; reason: string };

/**
 * One device fact usually makes one event. A sentence that reports an alert and the surgeon's
 * notification together ("Loss of R APB MEP, surgeon notified") makes both, at the same time,
 * because the report and the claim need each as its own fact.
 */
export function normalizeDeviceEvent(d: DeviceEvent, rules: CompiledRules, timeZone: string): NormalizeResult {
  const occurredAt = wallClockToInstant(d.wallClock, timeZone);
  if (occurredAt === null) return { ok: false, reason: `unreadable time "${d.wallClock.slice(0, 40)}"` };
  // Cut to the limits first: what is read and stored is what the record keeps.
  const bounded = boundEventFields({ text: d.text.trim(), modalityName: d.modalityName ?? null, raw: d.raw });
  const { text, modalityName } = bounded;
  const read = readText(text, modalityName, rules);
  const kind: EventKind = d.kind ?? read.kind ?? 'note';
  const base = {
    modality: read.modality,
    side: read.side,
    limb: read.limb,
    modalityName,
    text,
    occurredAt,
    raw: bounded.raw ?? '',
    clockZone: timeZone,
    payload: payloadOf(d),
  };
  const events: NormalizedEvent[] = [{ keySuffix: '', kind, ...base }];
  if (kind === 'alert' && read.notified) events.push({ keySuffix: ':notified', kind: 'surgeon_notified', ...base });
  return bounded.cut === null ? { ok: true, events } : { ok: true, events, cut: bounded.cut };
}

export type TextReading = Readonly<{
  /** The kind the words state; null when no rule recognises them (a note). */
  kind: EventKind | null;
  modality: string | null;
  side: string | null;
  limb: string | null;
  /** "Loss of R APB MEP, surgeon notified": the notification is a fact of its own. */
  notified: boolean;
}>;

const NOTIFIED_IN_ALERT = /\b(surgeon|dr\.?\s+\w+)\s+(was\s+)?(notified|informed|told)\b|\b(notified|informed|told)\s+(the\s+)?surgeon\b/i;

/**
 * What a text states under the site's names-and-words rules: one reading for a device's text
 * and for what the technologist types, so the same words mean the same fact either way.
 */
export function readText(text: string, modalityName: string | null, rules: CompiledRules): TextReading {
  const byName = modalityName ? mapModalityName(modalityName, rules) : null;
  const byText = text ? mapModalityName(text, rules) : null;
  const mapped = byName?.modality ? byName : byText?.modality ? byText : null;
  const kind = text ? classifyText(text, rules) : null;
  return {
    kind,
    modality: mapped?.modality ?? null,
    side: mapped?.side ?? byText?.side ?? null,
    limb: mapped?.limb ?? byText?.limb ?? null,
    notified: kind === 'alert' && NOTIFIED_IN_ALERT.test(text),
  };
}

function payloadOf(d: DeviceEvent): Readonly<Record<string, unknown>> | null {
  const p: Record<string, unknown> = { ...d.extra };
  if (d.durationSec !== undefined && d.durationSec !== null) p['durationSec'] = d.durationSec;
  return Object.keys(p).length ? p : null;
}
