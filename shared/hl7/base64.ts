/**
 * RFC 4648 base64 over Uint8Array, written out because shared/ has neither Buffer (Node only)
 * nor a btoa that takes bytes (btoa takes a "binary string", which doubles memory for a PDF and
 * is easy to misuse with text). Output has no line breaks: HL7 ED data must stay on one line,
 * and '+', '/', '=' are not HL7 delimiters, so it needs no escaping.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const LOOKUP = (() => {
  const t = new Int16Array(128).fill(-1);
  for (let i = 0; i < ALPHABET.length; i += 1) t[ALPHABET.charCodeAt(i)] = i;
  return t;
})();

export function base64Encode(bytes: Uint8Array): string {
  const parts: string[] = [];
  // Build in slices so a multi-megabyte PDF does not make one giant string concatenation chain.
  const SLICE = 3 * 16 * 1024;
  for (let start = 0; start < bytes.length; start += SLICE) {
    const end = Math.min(bytes.length, start + SLICE);
    let s = '';
    let i = start;
    for (; i + 2 < end; i += 3) {
      const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
      s += ALPHABET[(n >> 18) & 63]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + ALPHABET[n & 63]!;
    }
    const rest = end - i;
    if (rest === 1) {
      const n = (bytes[i] as number) << 16;
      s += `${ALPHABET[(n >> 18) & 63]!}${ALPHABET[(n >> 12) & 63]!}==`;
    } else if (rest === 2) {
      const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8);
      s += `${ALPHABET[(n >> 18) & 63]!}${ALPHABET[(n >> 12) & 63]!}${ALPHABET[(n >> 6) & 63]!}=`;
    }
    parts.push(s);
  }
  return parts.join('');
}

/**
 * Strict decode (whitespace tolerated, as some receivers wrap lines): null for anything that is
 * not canonical base64, so a corrupted document is noticed rather than half-decoded.
 */
export function base64Decode(text: string): Uint8Array | null {
  const s = text.replace(/[\r\n\t ]/g, '');
  if (s.length % 4 !== 0) return null;
  const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((s.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < s.length; i += 4) {
    const last = i + 4 === s.length;
    const v: number[] = [];
    for (let k = 0; k < 4; k += 1) {
      const c = s.charCodeAt(i + k);
      if (c === 0x3d && last && k >= 4 - pad) {
        v.push(0);
        continue;
      }
      const x = c < 128 ? (LOOKUP[c] as number) : -1;
      if (x < 0) return null;
      v.push(x);
    }
    const n = ((v[0] as number) << 18) | ((v[1] as number) << 12) | ((v[2] as number) << 6) | (v[3] as number);
    if (o < out.length) out[o++] = (n >> 16) & 255;
    if (o < out.length) out[o++] = (n >> 8) & 255;
    if (o < out.length) out[o++] = n & 255;
  }
  return out;
}
