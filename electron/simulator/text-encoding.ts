/**
 * Encoders for the text the simulated devices write. Windows IONM workstations write their text
 * exports in the system code page (Windows-1252 in the Americas and Western Europe), which Node
 * cannot encode by itself: TextEncoder only speaks UTF-8.
 */
import { CP1252_80_9F } from '../../shared/parsers/text-decoding';

export type DeviceTextEncoding = 'utf-8' | 'windows-1252';

const utf8 = new TextEncoder();

/** Code point → 0x80–0x9F byte, the only range where Windows-1252 is not Latin-1. */
const CP1252_REVERSE: ReadonlyMap<number, number> = new Map(CP1252_80_9F.map((cp, i) => [cp, 0x80 + i] as const));

/** Windows-1252 bytes; a character the code page lacks becomes "?" as Windows' own conversion does. */
export function encodeWindows1252(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  let n = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0) as number;
    if (cp < 0x80 || (cp >= 0xa0 && cp <= 0xff)) out[n++] = cp;
    else out[n++] = CP1252_REVERSE.get(cp) ?? 0x3f;
  }
  return out.subarray(0, n);
}

export function encodeDeviceText(text: string, encoding: DeviceTextEncoding): Uint8Array {
  return encoding === 'utf-8' ? utf8.encode(text) : encodeWindows1252(text);
}
