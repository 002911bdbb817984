/**
 * The last check before anything leaves for the AI service: the request body exactly as it will
 * be serialized, searched for the case's own identifiers and for every kind of identifier HIPAA's
 * Safe Harbor names (45 CFR 164.514(b)(2)) that has a written shape: dates, phone and fax numbers,
 * e-mail and web addresses, IP addresses, social security, record, account, licence, device and
 * serial numbers (any long run of digits), street addresses, ages over 89, and titled names.
 * What is sent is built without free text already (deidentify.ts); this is the second wall, and it
 * stops the request instead of trusting the first.
 */
import { findIdentifierMatches, jsonTextForScan, type IdentifierKind, type Identifiers } from './deidentify';

/** The Safe Harbor kinds searched by shape, whatever the case holds. */
export type SafeHarborKind = 'date' | 'phone' | 'email' | 'url' | 'ip' | 'ssn' | 'long number' | 'address' | 'age' | 'titled name';

export type GuardResult =
  | Readonly<{ ok: true; serialized: string }>
  /** Kinds and a count only: what matched is PHI and must not travel further (not even to a log). */
  | Readonly<{ ok: false; kinds: ReadonlyArray<IdentifierKind | SafeHarborKind>; count: number }>;

const MONTH = '(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)';
const AGE_WORDS = '(?:ninety|one hundred)(?:[-\\s](?:one|two|three|four|five|six|seven|eight|nine))?';

const SHAPES: ReadonlyArray<readonly [SafeHarborKind, RegExp]> = [
  ['email', /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/giu],
  ['url', /\bhttps?:\/\/|\bwww\.[\p{L}\p{N}-]+\.|\b[\p{L}\p{N}-]+\.(?:com|org|net|edu|gov|io|us)\b/giu],
  ['ip', /(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])|\b(?:[0-9a-f]{1,4}:){4,7}[0-9a-f]{1,4}\b/giu],
  ['ssn', /(?<!\d)\d{3}[-\s]\d{2}[-\s]\d{4}(?!\d)/g],
  ['phone', /(?<![\d.])(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}(?!\d)|(?<![\d.:])\d{3}[-.]\d{4}(?![\d.])/g],
  ['date', new RegExp(`(?<![\\d.])(?:\\d{1,4}[/.-]\\d{1,2}[/.-]\\d{2,4}|\\d{4}-\\d{2}-\\d{2})(?![\\d.])|\\b${MONTH}\\.?\\s+\\d{1,2}(?:st|nd|rd|th)?\\b|\\b\\d{1,2}(?:st|nd|rd|th)?\\s+(?:of\\s+)?${MONTH}\\b|\\b${MONTH}\\.?\\s+\\d{4}\\b|(?<!\\d)\\d{1,2}[-\\s/.]${MONTH}[-\\s/.]\\d{2,4}(?!\\d)`, 'giu')],
  ['long number', /(?<![\d.])\d{7,}(?![\d.])/g],
  ['address', /\b\d{1,6}\s+(?:[\p{Lu}][\p{L}'-]*\s+){1,3}(?:street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|court|ct|way|place|pl|terrace|highway|hwy)\b\.?|\bp\.?\s?o\.?\s+box\s+\d+/giu],
  ['age', new RegExp(`\\b(?:9\\d|1[0-2]\\d)\\s?(?:-\\s?)?(?:years?|yrs?|y\\.?\\s?o\\b\\.?|yo\\b|[mf]\\b)|\\b(?:age[ds]?|aged)\\s+(?:9\\d|1[0-2]\\d)\\b|\\b${AGE_WORDS}\\b`, 'giu')],
  ['titled name', /\b(?:[Dd]r|[Mm]rs?|[Mm]s|[Mm]iss|[Pp]rof)\.?\s+\p{Lu}[\p{L}'’-]+/gu],
];

/** Where the Safe Harbor shapes occur in a text (for the guard and its tests; the matches are PHI). */
export function safeHarborMatches(text: string): Array<{ kind: SafeHarborKind; start: number; end: number }> {
  const out: Array<{ kind: SafeHarborKind; start: number; end: number }> = [];
  for (const [kind, re] of SHAPES) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      if (m[0].length === 0) {
        re.lastIndex++;
        continue;
      }
      out.push({ kind, start: m.index, end: m.index + m[0].length });
    }
  }
  return out;
}

/**
 * `constants` are fixed texts of ours inside the body (the prompt's wording, `"model":"…"`): they
 * hold no case data and are blanked before the search, as are JSON object keys (every key is a
 * literal in our code: deidentifyFacts builds its object field by field). Everything else, which
 * is everything derived from the case, is searched as sent.
 */
export function guardRequest(body: unknown, identifiers: Identifiers, constants: readonly string[] = []): GuardResult {
  const serialized = JSON.stringify(body);
  let scan = jsonTextForScan(serialized);
  for (const c of constants) {
    const form = jsonTextForScan(JSON.stringify(c).slice(1, -1));
    if (form !== '') scan = scan.split(form).join(' ');
  }
  scan = scan.replace(/"[A-Za-z_]+"\s*:/g, ' ');
  const own = findIdentifierMatches(scan, identifiers);
  const shaped = safeHarborMatches(scan);
  if (own.length === 0 && shaped.length === 0) return { ok: true, serialized };
  const kinds = [...new Set<IdentifierKind | SafeHarborKind>([...own.map((m) => m.kind), ...shaped.map((m) => m.kind)])];
  return { ok: false, kinds, count: own.length + shaped.length };
}
