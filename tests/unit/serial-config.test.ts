import { describe, expect, it } from 'vitest';
import { validateSerialConfig, workstationZone } from '../../electron/services/capture/serial/serial-config';

const minimal = { path: '/dev/ttyUSB0', baudRate: 9600, timeZone: 'America/New_York' };

describe('validateSerialConfig', () => {
  it('fills the defaults: 8N1, text lines, UTF-8, free-text lines, ACK on', () => {
    expect(validateSerialConfig(minimal)).toEqual({
      ok: true,
      config: { path: '/dev/ttyUSB0', baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1, framing: 'lines', encoding: 'utf-8', timeZone: 'America/New_York', lineProfile: null, ack: true },
    });
  });

  it('accepts Windows port names and every standard rate', () => {
    for (const path of ['COM3', 'com12', '\\\\.\\COM10']) expect(validateSerialConfig({ ...minimal, path }).ok).toBe(true);
    for (const baudRate of [300, 1200, 19200, 115200, 921600]) expect(validateSerialConfig({ ...minimal, baudRate }).ok).toBe(true);
  });

  it('answers field by field in plain words', () => {
    const r = validateSerialConfig({ path: '', baudRate: 9601, dataBits: 6, parity: 'mark', stopBits: 1.5, framing: 'xmodem', encoding: 'latin1', timeZone: 'Mars/Olympus', ack: 'yes' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.fields).toEqual({
      path: 'Choose or type the serial port (e.g. COM3 on Windows, /dev/ttyUSB0 on Linux).',
      baudRate: 'Choose a standard baud rate from 300 to 921600 (most devices use 9600, 19200 or 115200).',
      dataBits: 'Data bits must be 7 or 8.',
      parity: 'Parity must be none, even or odd.',
      stopBits: 'Stop bits must be 1 or 2.',
      framing: 'Choose how the device sends data: text lines, HL7 with MLLP framing, or HL7 one segment per line.',
      encoding: 'Choose the text encoding: utf-8, windows-1252, gbk.',
      timeZone: '"Mars/Olympus" is not a time zone this computer knows: use a name such as America/New_York or Europe/Berlin.',
      ack: 'Say whether to answer each HL7 message with an acknowledgement (yes or no).',
    });
  });

  it('rejects port names that are neither COMn nor a full path', () => {
    const r = validateSerialConfig({ ...minimal, path: 'ttyUSB0' });
    expect(r).toEqual({ ok: false, fields: { path: 'Give the port as COM3 (Windows) or a full path such as /dev/ttyUSB0 (Linux, macOS).' } });
    expect(validateSerialConfig({ ...minimal, path: '/dev/tty\u0000x' }).ok).toBe(false);
  });

  it('a missing time zone is asked for; "workstation" becomes this computer\'s zone', () => {
    expect(validateSerialConfig({ ...minimal, timeZone: undefined })).toEqual({ ok: false, fields: { timeZone: "Give the time zone the device's clock is set to (e.g. America/New_York)." } });
    const r = validateSerialConfig({ ...minimal, timeZone: 'workstation' });
    expect(r.ok && r.config.timeZone).toBe(workstationZone());
  });

  it('checks a line profile, reporting its fields under lineProfile.*', () => {
    const profile = { delimiter: ',', hasHeader: false, timeColumn: 0, timeFormat: 'HH:mm:ss', textColumn: 1 };
    const good = validateSerialConfig({ ...minimal, lineProfile: profile });
    expect(good.ok && good.config.lineProfile).toMatchObject({ ...profile, encoding: 'utf-8' });
    const bad = validateSerialConfig({ ...minimal, lineProfile: { ...profile, timeColumn: 'Time', timeFormat: 'HH:qq' } });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(Object.keys(bad.fields).sort()).toEqual(['lineProfile.timeColumn', 'lineProfile.timeFormat']);
    expect(bad.fields['lineProfile.timeColumn']).toBe('Column names need a header row; use a number (0 = first column).');
  });

  it('an HL7 framing ignores the line profile', () => {
    const r = validateSerialConfig({ ...minimal, framing: 'mllp', lineProfile: { junk: true } });
    expect(r.ok && r.config.lineProfile).toBe(null);
  });

  it('rejects what is not an object', () => {
    expect(validateSerialConfig(null)).toEqual({ ok: false, fields: { config: 'The serial port settings must be an object.' } });
  });
});
