import { describe, expect, it } from 'vitest';
import { listSerialPorts, CANNOT_LIST_MESSAGE } from '../../electron/services/capture/serial/list-ports';
import { classifyOpenError, openFailureMessage, stateMessage } from '../../electron/services/capture/serial/serial-status';
import type { SerialCaptureConfig } from '../../electron/services/capture/serial/serial-config';

const config: SerialCaptureConfig = {
  path: '/dev/ttyUSB0',
  baudRate: 9600,
  dataBits: 8,
  parity: 'none',
  stopBits: 1,
  framing: 'lines',
  encoding: 'utf-8',
  timeZone: 'UTC',
  lineProfile: null,
  ack: true,
};

describe('open errors in plain words', () => {
  it('sorts the bindings messages of Linux and Windows', () => {
    expect(classifyOpenError(new Error('Error: No such file or directory, cannot open /dev/ttyUSB0'), 'linux')).toBe('missing');
    expect(classifyOpenError(new Error('Error: Permission denied, cannot open /dev/ttyS0'), 'linux')).toBe('permission');
    expect(classifyOpenError(new Error('Error Resource temporarily unavailable Cannot lock port'), 'linux')).toBe('busy');
    expect(classifyOpenError(new Error('Opening COM9: File not found'), 'win32')).toBe('missing');
    // Windows reports a port held by another program as "access denied".
    expect(classifyOpenError(new Error('Opening COM3: Access denied'), 'win32')).toBe('busy');
    expect(classifyOpenError(Object.assign(new Error('x'), { code: 'EACCES' }), 'darwin')).toBe('permission');
    expect(classifyOpenError(new Error('Error: Inappropriate ioctl for device setting custom baud rate of 9600'), 'linux')).toBe('other');
  });

  it('says what to do', () => {
    expect(openFailureMessage('COM3', 'missing', null)).toContain('COM3 does not exist: check the port name (on Windows COM3, on Linux /dev/ttyUSB0)');
    expect(openFailureMessage('/dev/ttyS0', 'permission', null)).toContain('permission denied: add the user to the dialout group');
    expect(openFailureMessage('COM3', 'busy', null)).toContain('COM3 is in use by another program');
    expect(openFailureMessage('/dev/x', 'other', new Error('Error: Inappropriate ioctl for device'))).toBe('The serial port /dev/x could not be opened (Inappropriate ioctl for device). Retrying…');
  });

  it('the unreadable message names the settings to check', () => {
    expect(stateMessage('unreadable', { ...config, baudRate: 19200, parity: 'even', dataBits: 7 }, true)).toBe(
      "Receiving unreadable data on /dev/ttyUSB0 — check the baud rate (now 19200), data bits and parity against the device's settings (now 7 data bits, parity even, 1 stop bit).",
    );
  });
});

describe('listSerialPorts', () => {
  it('maps what the OS lists, leaving out empty fields', async () => {
    const r = await listSerialPorts({ list: async () => [{ path: '/dev/ttyUSB0', manufacturer: 'FTDI', serialNumber: 'A1', vendorId: '0403', productId: '6001' }, { path: '/dev/ttyS0', manufacturer: undefined }] });
    expect(r).toEqual({ ok: true, ports: [{ path: '/dev/ttyUSB0', manufacturer: 'FTDI', serialNumber: 'A1', vendorId: '0403', productId: '6001' }, { path: '/dev/ttyS0' }] });
  });

  it('when listing fails on Linux (no udevadm), falls back to the usual /dev names, USB adapters first', async () => {
    const r = await listSerialPorts({
      list: () => Promise.reject(new Error('spawn udevadm ENOENT')),
      platform: 'linux',
      readDevDir: () => ['null', 'ttyS10', 'ttyS2', 'ttyACM0', 'tty0', 'ttyUSB1', 'ttyUSB0', 'pts'],
    });
    expect(r).toEqual({ ok: true, ports: ['/dev/ttyUSB0', '/dev/ttyUSB1', '/dev/ttyACM0', '/dev/ttyS2', '/dev/ttyS10'].map((path) => ({ path })) });
  });

  it('says so in plain words when nothing can be found', async () => {
    const fail = (): Promise<never> => Promise.reject(new Error('spawn udevadm ENOENT'));
    expect(await listSerialPorts({ list: fail, platform: 'linux', readDevDir: () => ['null', 'tty0'] })).toEqual({ ok: false, message: CANNOT_LIST_MESSAGE });
    expect(await listSerialPorts({ list: fail, platform: 'win32' })).toEqual({ ok: false, message: CANNOT_LIST_MESSAGE });
    expect(
      await listSerialPorts({
        list: fail,
        platform: 'linux',
        readDevDir: () => {
          throw new Error('EACCES');
        },
      }),
    ).toEqual({ ok: false, message: 'This computer cannot list its serial ports. Type the port path instead (e.g. /dev/ttyUSB0 or COM3).' });
  });
});
