/**
 * How to talk to one serial device: port settings, how its bytes are framed, and how to read
 * them. A config comes from a form or a settings file, so `validateSerialConfig` checks every
 * field and answers in words a technologist can act on, keyed by field (the shape of Err.fields
 * in shared/util/result.ts), before a capture is started with it.
 */
import { isValidTimeZone } from '../../../../shared/util/zoned-time';
import { validateDelimitedProfile, type DelimitedProfile } from '../../../../shared/parsers/delimited-profile';
import { isTextEncodingName, TEXT_ENCODINGS, type TextEncodingName } from '../../../../shared/parsers/text-decoding';

/** The standard rates every USB adapter and UART supports (same list as shared/domain/capture-source.ts). */
export const SERIAL_BAUD_RATES = [300, 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600] as const;
export const SERIAL_PARITIES = ['none', 'even', 'odd'] as const;
export const SERIAL_FRAMINGS = ['lines', 'mllp', 'hl7-lines'] as const;

export type SerialParity = (typeof SERIAL_PARITIES)[number];
/**
 * 'lines': text lines ended by CR, LF or CRLF. 'mllp': HL7 v2 in MLLP frames (0x0B … 0x1C 0x0D),
 * as gateways send it. 'hl7-lines': HL7 v2 with no framing, one segment per line.
 */
export type SerialFraming = (typeof SERIAL_FRAMINGS)[number];

export type SerialCaptureConfig = Readonly<{
  /** COM3 on Windows, /dev/ttyUSB0 (or a /dev/serial/by-id link) on Linux, /dev/cu.* on macOS. */
  path: string;
  baudRate: number;
  dataBits: 7 | 8;
  parity: SerialParity;
  stopBits: 1 | 2;
  framing: SerialFraming;
  /** How the device encodes text (for HL7 with 'utf-8': strict UTF-8, else Windows-1252). */
  encoding: TextEncodingName;
  /** IANA zone the device's wall clock runs in. */
  timeZone: string;
  /**
   * For 'lines': how to read a line (its `encoding` is ignored, the config's is used). Null =
   * each line is free text stamped with the time it was received.
   */
  lineProfile: DelimitedProfile | null;
  /** HL7: answer each message with an ACK (senders that wait for one resend or stall without it). */
  ack: boolean;
}>;

export type SerialConfigCheck = Readonly<{ ok: true; config: SerialCaptureConfig }> | Readonly<{ ok: false; fields: Readonly<Record<string, string>> }>;

/** The zone setting that means "whatever this computer is set to" (capture-source.ts default). */
export const WORKSTATION_ZONE = 'workstation';

const WINDOWS_PORT = /^(?:COM[1-9]\d{0,2}|\\\\\.\\COM[1-9]\d{0,2})$/i;

/**
 * Checks a config from a form or a settings file. Optional fields take their defaults (8 data
 * bits, no parity, 1 stop bit, text lines, UTF-8, free-text lines, ACK on). A time zone of
 * "workstation" becomes this computer's IANA zone.
 */
export function validateSerialConfig(input: unknown): SerialConfigCheck {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return { ok: false, fields: { config: 'The serial port settings must be an object.' } };
  const c = input as Record<string, unknown>;
  const fields: Record<string, string> = {};

  const path = typeof c.path === 'string' ? c.path.trim() : '';
  if (path === '') fields.path = 'Choose or type the serial port (e.g. COM3 on Windows, /dev/ttyUSB0 on Linux).';
  else if (path.length > 200 || hasControlChars(path)) fields.path = 'The port name is not valid: use e.g. COM3 on Windows or /dev/ttyUSB0 on Linux.';
  else if (!path.startsWith('/') && !WINDOWS_PORT.test(path)) fields.path = 'Give the port as COM3 (Windows) or a full path such as /dev/ttyUSB0 (Linux, macOS).';

  if (!(SERIAL_BAUD_RATES as readonly unknown[]).includes(c.baudRate)) {
    fields.baudRate = 'Choose a standard baud rate from 300 to 921600 (most devices use 9600, 19200 or 115200).';
  }
  const dataBits = c.dataBits ?? 8;
  if (dataBits !== 7 && dataBits !== 8) fields.dataBits = 'Data bits must be 7 or 8.';
  const parity = c.parity ?? 'none';
  if (!(SERIAL_PARITIES as readonly unknown[]).includes(parity)) fields.parity = 'Parity must be none, even or odd.';
  const stopBits = c.stopBits ?? 1;
  if (stopBits !== 1 && stopBits !== 2) fields.stopBits = 'Stop bits must be 1 or 2.';
  const framing = c.framing ?? 'lines';
  if (!(SERIAL_FRAMINGS as readonly unknown[]).includes(framing)) {
    fields.framing = 'Choose how the device sends data: text lines, HL7 with MLLP framing, or HL7 one segment per line.';
  }
  const encoding = c.encoding ?? 'utf-8';
  if (!isTextEncodingName(encoding)) fields.encoding = `Choose the text encoding: ${TEXT_ENCODINGS.join(', ')}.`;

  let timeZone = typeof c.timeZone === 'string' ? c.timeZone.trim() : '';
  if (timeZone === WORKSTATION_ZONE) timeZone = workstationZone();
  if (timeZone === '') fields.timeZone = "Give the time zone the device's clock is set to (e.g. America/New_York).";
  else if (!isValidTimeZone(timeZone)) fields.timeZone = `"${timeZone.slice(0, 64)}" is not a time zone this computer knows: use a name such as America/New_York or Europe/Berlin.`;

  const ack = c.ack ?? true;
  if (typeof ack !== 'boolean') fields.ack = 'Say whether to answer each HL7 message with an acknowledgement (yes or no).';

  // A line profile only matters for text lines; an HL7 source keeps no stale profile.
  let lineProfile: DelimitedProfile | null = null;
  if (framing === 'lines' && c.lineProfile !== undefined && c.lineProfile !== null) {
    // The profile's own encoding is not used (the port's is); fill it so an old profile passes.
    const raw = c.lineProfile;
    const withEncoding = typeof raw === 'object' && !Array.isArray(raw) && (raw as Record<string, unknown>).encoding === undefined ? { ...raw, encoding: isTextEncodingName(encoding) ? encoding : 'utf-8' } : raw;
    const checked = validateDelimitedProfile(withEncoding);
    if (checked.ok) lineProfile = checked.profile;
    else for (const [k, v] of Object.entries(checked.fields)) fields[`lineProfile.${k}`] = v;
  }

  if (Object.keys(fields).length > 0) return { ok: false, fields };
  return {
    ok: true,
    config: {
      path,
      baudRate: c.baudRate as number,
      dataBits: dataBits as 7 | 8,
      parity: parity as SerialParity,
      stopBits: stopBits as 1 | 2,
      framing: framing as SerialFraming,
      encoding: encoding as TextEncodingName,
      timeZone,
      lineProfile,
      ack: ack as boolean,
    },
  };
}

function hasControlChars(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

/** This computer's IANA zone ("UTC" when the runtime cannot tell). */
export function workstationZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}
