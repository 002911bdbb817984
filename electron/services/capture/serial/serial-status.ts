/**
 * What a serial capture is doing, in words for the technologist at the cart: every state says
 * what is wrong and what to do about it, because "error -5" at 7 a.m. in an OR helps nobody.
 */
import { assertNever } from '../../../../shared/util/assert-never';
import type { SerialCaptureConfig } from './serial-config';

export const SERIAL_STATES = ['connecting', 'connected', 'waiting', 'unreadable', 'disconnected', 'error', 'stopped'] as const;
export type SerialState = (typeof SERIAL_STATES)[number];

export type SerialStatus = Readonly<{
  state: SerialState;
  message: string;
  /** Bytes received since the capture started (across reconnects). */
  bytes: number;
  /** Complete lines ('lines') or HL7 messages. */
  lines: number;
  events: number;
  /** Bytes that were not data (control bytes in lines, noise between frames, cut-off lines). */
  garbageBytes: number;
  /** Complete lines or messages that could not be read. */
  badLines: number;
  /** Lines or frames lost half-way (link drop, restarted frame, oversize). */
  droppedFrames: number;
  /** Times the port was opened again after it was lost. */
  reconnects: number;
  /** Receive time of the last byte, ms since the epoch. */
  lastDataAt: number | null;
  /** The latest reason something was not read or stored, in plain words; never quotes data. */
  lastProblem: string | null;
}>;

/** Why a port would not open, from the error text the serialport bindings give. */
export type OpenFailure = 'missing' | 'permission' | 'busy' | 'other';

/**
 * Sorts an open error. The bindings put strerror() text into messages and no code: on Linux
 * "No such file or directory, cannot open …", "Permission denied, cannot open …", "Resource
 * temporarily unavailable Cannot lock port" (another process holds it); on Windows "Opening
 * COM3: File not found" and "Opening COM3: Access denied" (Windows says access denied when
 * another program has the port open).
 */
export function classifyOpenError(err: unknown, platform: NodeJS.Platform = process.platform): OpenFailure {
  const code = typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : '';
  const message = err instanceof Error ? err.message : String(err);
  if (code === 'ENOENT' || /no such file|file not found|cannot find the file|not found/i.test(message)) return 'missing';
  if (code === 'EBUSY' || /cannot lock port|resource busy|device or resource busy|resource temporarily unavailable/i.test(message)) return 'busy';
  if (code === 'EACCES' || code === 'EPERM' || /permission denied|access denied|operation not permitted/i.test(message)) {
    return platform === 'win32' ? 'busy' : 'permission';
  }
  return 'other';
}

export function openFailureMessage(path: string, failure: OpenFailure, err: unknown): string {
  switch (failure) {
    case 'missing':
      return `The serial port ${path} does not exist: check the port name (on Windows COM3, on Linux /dev/ttyUSB0) and that the USB adapter is plugged in. Retrying…`;
    case 'permission':
      return `The serial port ${path} cannot be opened, permission denied: add the user to the dialout group (sudo usermod -aG dialout <user>), then sign out and back in. Retrying…`;
    case 'busy':
      return `The serial port ${path} is in use by another program: close that program (a terminal, another capture) and Closeout will connect. Retrying…`;
    case 'other':
      return `The serial port ${path} could not be opened (${shortReason(err)}). Retrying…`;
    default:
      return assertNever(failure, 'open failure');
  }
}

export function stateMessage(state: Exclude<SerialState, 'error'>, config: SerialCaptureConfig, receiving: boolean): string {
  const { path } = config;
  switch (state) {
    case 'connecting':
      return `Opening the serial port ${path}…`;
    case 'connected':
      return receiving ? `Receiving data on ${path}.` : `Connected to ${path}, waiting for the device to send.`;
    case 'waiting':
      return `Connected, waiting for data from the device: nothing has arrived on ${path} for a while. Check that the device is on and set to send.`;
    case 'unreadable':
      return (
        `Receiving unreadable data on ${path} — check the baud rate (now ${config.baudRate}), data bits and parity against the device's settings ` +
        `(now ${config.dataBits} data bits, parity ${config.parity}, ${config.stopBits} stop bit${config.stopBits === 1 ? '' : 's'}).`
      );
    case 'disconnected':
      return `The serial cable or USB adapter on ${path} is unplugged, or the device is off. Reconnecting…`;
    case 'stopped':
      return `Stopped reading ${path}.`;
    default:
      return assertNever(state, 'serial state');
  }
}

/** The OS reason without stack or repeated path, short enough for a status line. */
function shortReason(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.replace(/^Error:?\s*/i, '').split('\n')[0]?.slice(0, 120) || 'unknown error';
}
