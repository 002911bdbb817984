import type { EventKind } from './event-kinds';

/**
 * What a device parser yields: one fact as the device wrote it, before normalisation maps its
 * text to our event kinds and modality vocabulary, and before a zone rule turns its wall clock
 * into an instant. Parsers are pure and streaming: they never touch the store or a clock.
 */
export type DeviceEvent = Readonly<{
  /**
   * The device's wall-clock time, no zone: "YYYY-MM-DDTHH:MM:SS" with optional ".f" to ".ffffff".
   * Vendor clocks are naive local clocks (vendor-formats.md §5, rule 1).
   */
  wallClock: string;
  /** Stable within the file across re-reads (record index, byte offset, event id…): the dedupe key. */
  key: string;
  /** Text as written, trimmed; empty only when the format has no text for it (a trial). */
  text: string;
  /** Set when the format itself says what it is (a Cadwell trial, a baseline flag); else undefined. */
  kind?: EventKind;
  /** The site's own name for the modality (mode name, signal label, file name), unmapped. */
  modalityName?: string;
  durationSec?: number | null;
  /** The device's own time value, untouched (µs integer as text, "HH:MM:SS", TAL onset…). */
  raw: string;
  extra?: Readonly<Record<string, unknown>>;
}>;

/** Problems a parser met and stepped over: shown to the user per file, never thrown. */
export type ParseWarning = Readonly<{ where: string; message: string }>;
