/**
 * The serial ports this computer has, for the port picker. `SerialPort.list()` asks the OS
 * (udevadm on Linux, SetupAPI on Windows, IOKit on macOS) and fails outright on Linux machines
 * without udevadm (minimal installs, containers). Then we look in /dev for the usual names, and
 * when even that finds nothing, say so in plain words: the user can always type the path.
 */
import fs from 'node:fs';


export type SerialPortInfo = Readonly<{
  path: string;
  manufacturer?: string;
  serialNumber?: string;
  vendorId?: string;
  productId?: string;
}>;

export type SerialPortList = Readonly<{ ok: true; ports: readonly SerialPortInfo[] }> | Readonly<{ ok: false; message: string }>;

type ListedPort = Readonly<{ path: string; manufacturer?: string | undefined; serialNumber?: string | undefined; vendorId?: string | undefined; productId?: string | undefined }>;

export type ListPortsDeps = Readonly<{
  list?: () => Promise<readonly ListedPort[]>;
  platform?: NodeJS.Platform;
  /** Names in /dev (injected by tests). */
  readDevDir?: () => readonly string[];
}>;

export const CANNOT_LIST_MESSAGE = 'This computer cannot list its serial ports. Type the port path instead (e.g. /dev/ttyUSB0 or COM3).';

/** USB adapters first (what a device cable almost always is), then CDC-ACM, then built-in UARTs. */
const DEV_PATTERNS: readonly RegExp[] = [/^ttyUSB\d+$/, /^ttyACM\d+$/, /^ttyS\d+$/];

export async function listSerialPorts(deps: ListPortsDeps = {}): Promise<SerialPortList> {
  const list = deps.list ?? (async () => (await import('serialport')).SerialPort.list());
  try {
    const ports = await list();
    return { ok: true, ports: ports.map(describe) };
  } catch {
    const platform = deps.platform ?? process.platform;
    if (platform === 'linux') {
      const found = scanDev(deps.readDevDir ?? (() => fs.readdirSync('/dev')));
      if (found.length > 0) return { ok: true, ports: found };
    }
    return { ok: false, message: CANNOT_LIST_MESSAGE };
  }
}

function describe(p: ListedPort): SerialPortInfo {
  return {
    path: p.path,
    ...(p.manufacturer ? { manufacturer: p.manufacturer } : {}),
    ...(p.serialNumber ? { serialNumber: p.serialNumber } : {}),
    ...(p.vendorId ? { vendorId: p.vendorId } : {}),
    ...(p.productId ? { productId: p.productId } : {}),
  };
}

function scanDev(readDevDir: () => readonly string[]): SerialPortInfo[] {
  let names: readonly string[];
  try {
    names = readDevDir();
  } catch {
    return [];
  }
  const out: SerialPortInfo[] = [];
  for (const pattern of DEV_PATTERNS) {
    const matching = names.filter((n) => pattern.test(n)).sort((a, b) => trailingNumber(a) - trailingNumber(b));
    for (const name of matching) out.push({ path: `/dev/${name}` });
  }
  return out;
}

function trailingNumber(name: string): number {
  return Number(/\d+$/.exec(name)?.[0] ?? 0);
}
