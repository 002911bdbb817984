import { readNihonKohdenMagic } from './nihon-kohden';
import { decodeText, sniffBom } from './text-decoding';
import { parseTimeOfDay } from './time-of-day';

/**
 * Which parser a dropped or watched file needs, from its name and first bytes (vendor-formats.md
 * detection rules). Content beats extension wherever the content has a signature; the text
 * formats have none, so their extension and line shapes decide, and the reason says how sure
 * that is.
 */
export type DetectedFormat = 'edf' | 'bdf' | 'cadwell-json' | 'xltek-txt' | 'nicolet-txt' | 'nihon-kohden-log' | 'hl7' | 'unknown';

export type Detection = Readonly<{ format: DetectedFormat; reason: string }>;

/** Enough for every rule here (EDF header, line 8 of a text export, "Cases" near the start). */
export const DETECT_BYTES = 64 * 1024;

const EDF_VERSION = '0       ';
const EDF_FIXED_HEADER = 256;
const BDF_MAGIC = [0xff, ...new TextEncoder().encode('BIOSEMI')];
const MLLP_START = 0x0b;

export function detectFormat(fileName: string, firstBytes: Uint8Array): Detection {
  const ext = extensionOf(fileName);
  const head = firstBytes.subarray(0, DETECT_BYTES);

  const hl7 = detectHl7(head);
  if (hl7) return hl7;
  if (startsWith(head, BDF_MAGIC)) return { format: 'bdf', reason: 'Starts with 0xFF "BIOSEMI" (BDF version field).' };
  const edf = detectEdf(head);
  if (edf) return edf;

  const nk = readNihonKohdenMagic(head);
  if (nk) {
    if (ext === 'log') return { format: 'nihon-kohden-log', reason: `Nihon Kohden "${nk}" header in a .LOG file.` };
    return { format: 'unknown', reason: `Nihon Kohden "${nk}" header in a .${ext || '(none)'} file: open the .LOG next to it (it reads the .PNT and .CMT).` };
  }

  if (ext === 'json') return detectCadwell(head);

  const text = decodeHead(head);
  const nicolet = detectNicolet(text);
  if (nicolet) return nicolet;
  if (ext === 'txt') {
    const xltek = detectXltek(text);
    if (xltek) return xltek;
  }
  return { format: 'unknown', reason: ext ? `No known signature in this .${ext} file.` : 'No known signature and no extension.' };
}

function extensionOf(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

function startsWith(bytes: Uint8Array, prefix: readonly number[], at = 0): boolean {
  if (bytes.length < at + prefix.length) return false;
  return prefix.every((b, i) => bytes[at + i] === b);
}

function ascii(bytes: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < Math.min(to, bytes.length); i++) s += String.fromCharCode(bytes[i] as number);
  return s;
}

function detectHl7(head: Uint8Array): Detection | null {
  const msh = [...new TextEncoder().encode('MSH|')];
  if (startsWith(head, msh)) return { format: 'hl7', reason: 'Starts with an HL7 v2 "MSH|" segment.' };
  if (head[0] === MLLP_START && startsWith(head, msh, 1)) return { format: 'hl7', reason: 'MLLP frame (0x0B) around an HL7 v2 "MSH|" segment.' };
  if (startsWith(head, [0xef, 0xbb, 0xbf]) && startsWith(head, msh, 3)) return { format: 'hl7', reason: 'HL7 v2 "MSH|" segment after a UTF-8 BOM.' };
  return null;
}

/**
 * EDF: the version field is "0" padded to 8 bytes, and the 256-byte fixed header is plain ASCII
 * whose header-size field agrees with its signal count. The 44-byte reserved field says EDF+C/D.
 */
function detectEdf(head: Uint8Array): Detection | null {
  if (ascii(head, 0, 8) !== EDF_VERSION) return null;
  if (head.length < EDF_FIXED_HEADER) return { format: 'edf', reason: 'EDF version field "0"; the rest of the header was not available to check.' };
  for (let i = 0; i < EDF_FIXED_HEADER; i++) {
    const c = head[i] as number;
    if (c < 0x20 || c > 0x7e) return null;
  }
  const headerBytes = Number(ascii(head, 184, 192).trim());
  const signals = Number(ascii(head, 252, 256).trim());
  if (!Number.isInteger(signals) || signals < 0 || headerBytes !== EDF_FIXED_HEADER * (signals + 1)) return null;
  const reserved = ascii(head, 192, 236).trim();
  const plus = reserved.startsWith('EDF+C') ? 'EDF+C (continuous)' : reserved.startsWith('EDF+D') ? 'EDF+D (discontinuous, e.g. Cadwell per-mode export)' : 'plain EDF';
  return { format: 'edf', reason: `EDF version field "0", consistent header (${signals} signals), ${plus}.` };
}

function detectCadwell(head: Uint8Array): Detection {
  let i = startsWith(head, [0xef, 0xbb, 0xbf]) ? 3 : 0;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x09 || head[i] === 0x0a || head[i] === 0x0d)) i++;
  if (head[i] !== 0x7b) return { format: 'unknown', reason: 'A .json file that does not start with an object.' };
  // "Cases" as a member name near the start; the case body (waveforms) follows it.
  if (/"Cases"\s*:\s*\[/.test(ascii(head, i, head.length))) {
    return { format: 'cadwell-json', reason: 'A .json object with a "Cases" list near the start (Cadwell case-data export).' };
  }
  return { format: 'unknown', reason: 'A .json object without a "Cases" list near the start: not a Cadwell case-data export.' };
}

function decodeHead(head: Uint8Array): string {
  const bom = sniffBom(head);
  return decodeText(head, bom ? bom.encoding : 'utf-8');
}

function detectNicolet(text: string): Detection | null {
  const lines = text.split(/\r\n|\r|\n/).slice(0, 200);
  for (const line of lines) {
    if (!line.includes('\t')) continue;
    if (/\bname\b.*\btime\b.*\bduration\b/i.test(line)) return { format: 'nicolet-txt', reason: 'Tab-separated Name/Time/Duration header (Nicolet events export).' };
    if (/exam start/i.test(line)) return { format: 'nicolet-txt', reason: 'A tab-separated "Exam Start" line (Nicolet events export).' };
  }
  return null;
}

/** Line 7 and the event lines after it have an H:MM:SS second item (weak: ask for a real sample). */
function detectXltek(text: string): Detection | null {
  const lines = text.split(/\r\n|\r|\n/);
  if (lines.length < 7) return null;
  const secondIsTime = (line: string): boolean => parseTimeOfDay(line.trim().split(/\s+/)[1] ?? '') !== null;
  if (!secondIsTime(lines[6] ?? '')) return null;
  // The last line may be cut by the byte limit; check whole lines only.
  const events = lines.slice(7, -1).filter((l) => l.trim() !== '').slice(0, 20);
  // Most, not all: the parser itself steps over the odd line without a time.
  if (events.length > 0 && events.filter(secondIsTime).length < events.length * 0.8) return null;
  return {
    format: 'xltek-txt',
    reason: `A .txt whose line 7${events.length ? ` and ${events.length} following line(s)` : ''} carry an H:MM:SS second item (XLTEK events export; weak evidence).`,
  };
}
