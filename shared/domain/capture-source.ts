/**
 * Where device data comes from, per workstation: export folders and serial ports. Stored as JSON
 * config per source; checked here (shape) and by the capture service (paths, profiles).
 */
import { z } from 'zod';
import { plainText } from './fields';

export const FOLDER_FORMATS = ['auto', 'edf', 'cadwell-edf', 'cadwell-json', 'xltek-txt', 'nicolet-txt', 'nihon-kohden', 'delimited'] as const;
export type FolderFormat = (typeof FOLDER_FORMATS)[number];
export const FOLDER_FORMAT_LABELS: Readonly<Record<FolderFormat, string>> = {
  auto: 'Detect from each file',
  edf: 'EDF / EDF+ / BDF annotations',
  'cadwell-edf': 'Cadwell EDF+D (one file per mode)',
  'cadwell-json': 'Cadwell Surgical Studio case data (JSON)',
  'xltek-txt': 'Natus / XLTEK exported events (.txt)',
  'nicolet-txt': 'Nicolet exported events (.txt)',
  'nihon-kohden': 'Nihon Kohden events (.LOG + .PNT + .CMT)',
  delimited: 'Delimited event log (CSV, profile below)',
};

export const SERIAL_FRAMINGS = ['lines', 'mllp', 'hl7-lines'] as const;
export type SerialFraming = (typeof SERIAL_FRAMINGS)[number];
export const SERIAL_FRAMING_LABELS: Readonly<Record<SerialFraming, string>> = {
  lines: 'Text lines',
  mllp: 'HL7 v2 with MLLP framing',
  'hl7-lines': 'HL7 v2, one segment per line',
};

export const TEXT_ENCODINGS = ['utf-8', 'windows-1252', 'gbk'] as const;
export const BAUD_RATES = [300, 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600] as const;

/** "workstation" = the zone this computer is set to; else an IANA zone the device clock runs in. */
const ZoneSchema = z.string().trim().min(1).max(64).default('workstation');

export const FolderConfigSchema = z.object({
  path: plainText('The folder', 1000).refine((s) => s.length > 0, { error: 'Choose the folder the device exports to.' }),
  format: z.enum(FOLDER_FORMATS).default('auto'),
  /** For "delimited": how to read the file (checked by the capture service). */
  delimitedProfile: z.record(z.string(), z.unknown()).nullable().default(null),
  encoding: z.enum(TEXT_ENCODINGS).default('utf-8'),
  timeZone: ZoneSchema,
  includeSubfolders: z.boolean().default(false),
  /** Network shares do not deliver change notifications: poll them. */
  usePolling: z.boolean().default(false),
  /** Warn when the device clock is off (off for the demo's simulated device, which replays a past case). */
  checkClock: z.boolean().default(true),
});
export type FolderConfig = z.output<typeof FolderConfigSchema>;

export const SerialConfigSchema = z.object({
  path: plainText('The port', 200).refine((s) => s.length > 0, { error: 'Choose or type the serial port (e.g. COM3 or /dev/ttyUSB0).' }),
  baudRate: z.number().int().refine((n) => (BAUD_RATES as readonly number[]).includes(n), { error: 'Choose a standard baud rate (e.g. 9600 or 115200).' }).default(9600),
  dataBits: z.union([z.literal(7), z.literal(8)]).default(8),
  parity: z.enum(['none', 'even', 'odd']).default('none'),
  stopBits: z.union([z.literal(1), z.literal(2)]).default(1),
  framing: z.enum(SERIAL_FRAMINGS).default('lines'),
  encoding: z.enum(TEXT_ENCODINGS).default('utf-8'),
  timeZone: ZoneSchema,
  lineProfile: z.record(z.string(), z.unknown()).nullable().default(null),
  ack: z.boolean().default(true),
  checkClock: z.boolean().default(true),
});
export type SerialConfig = z.output<typeof SerialConfigSchema>;

export const SourceInputSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('folder'), name: plainText('The name', 80).default(''), enabled: z.boolean().default(true), config: FolderConfigSchema }),
  z.object({ kind: z.literal('serial'), name: plainText('The name', 80).default(''), enabled: z.boolean().default(true), config: SerialConfigSchema }),
]);
export type SourceInput = z.input<typeof SourceInputSchema>;
export type SourceFields = z.output<typeof SourceInputSchema>;

export type CaptureSource = Readonly<SourceFields & { id: string; createdAt: number; updatedAt: number }>;

/** What a source is doing right now, in words for the technologist. */
export const SOURCE_STATES = ['idle', 'watching', 'reading', 'connecting', 'connected', 'waiting', 'unreadable', 'disconnected', 'error', 'stopped'] as const;
export type SourceState = (typeof SOURCE_STATES)[number];

export type SourceStatus = Readonly<{
  sourceId: string;
  name: string;
  kind: 'folder' | 'serial';
  state: SourceState;
  message: string;
  events: number;
  files: number;
  fileErrors: number;
  garbageBytes: number;
  lastEventAt: number | null;
  /** Device clock minus workstation clock, when it can be measured (live data). */
  clockDriftMs: number | null;
}>;

export type CaptureFileStatus = 'reading' | 'done' | 'error' | 'held' | 'ignored';
export type CaptureFile = Readonly<{
  sourceId: string;
  path: string;
  caseId: string | null;
  format: string | null;
  size: number;
  readOffset: number;
  status: CaptureFileStatus;
  message: string | null;
  events: number;
  updatedAt: number;
}>;

/** Beyond this, the source panel warns that the device clock is off. */
export const CLOCK_DRIFT_WARN_MS = 2 * 60_000;

export function sourceDisplayName(s: Pick<CaptureSource, 'name' | 'kind' | 'config'>): string {
  return s.name || (s.kind === 'folder' ? `Folder ${s.config.path}` : `Serial ${s.config.path}`);
}
