/**
 * Which characters of a report no bundled font can draw, said per field: the PDF prints each as
 * its code point ("[U+1F600]", pdf-fonts.ts), and the export tells the person which field to
 * check rather than leave a silent mark in a medical-legal document. Checked against the same
 * fonts, in the same order, as the PDF draws with; the fonts are parsed once per process.
 */
import type { CaseRecord } from '../../../../shared/domain/case';
import type { Report } from '../../../../shared/report/report';
import type { CaseFacts } from '../../../../shared/report/facts';
import type { PdfAssets } from './pdf-assets';
import { noGlyph } from './pdf-fonts';
import { TrueTypeFont } from './truetype';
import type { PdfLetterhead } from './report-pdf';

type Coverage = Readonly<{ has: (cp: number) => boolean }>;
const parsed = new WeakMap<Uint8Array, Promise<TrueTypeFont>>();
function parse(bytes: Uint8Array | Promise<Uint8Array>): Promise<TrueTypeFont> {
  return Promise.resolve(bytes).then((b) => {
    let p = parsed.get(b);
    if (!p) {
      p = Promise.resolve(new TrueTypeFont(b));
      parsed.set(b, p);
    }
    return p;
  });
}

/** A coverage check over the report's fonts, parsing a fallback only when a character needs it. */
async function coverage(assets: PdfAssets, codePoints: readonly number[]): Promise<Coverage> {
  const regular = await parse(assets.fonts.regular);
  const faces: Array<{ font: TrueTypeFont; only?: (cp: number) => boolean }> = [{ font: regular }];
  let missing = codePoints.filter((cp) => !regular.hasGlyphForCodePoint(cp));
  for (const fb of assets.fonts.fallbacks) {
    if (missing.length === 0) break;
    const wanted = fb.only ? missing.filter(fb.only) : missing;
    if (wanted.length === 0) continue;
    const font = await parse(fb.bytes());
    faces.push({ font, ...(fb.only ? { only: fb.only } : {}) });
    missing = missing.filter((cp) => !((!fb.only || fb.only(cp)) && font.hasGlyphForCodePoint(cp)));
  }
  return { has: (cp) => faces.some((f) => (!f.only || f.only(cp)) && f.font.hasGlyphForCodePoint(cp)) };
}

const drawable = (cp: number) => cp <= 0x20 || (cp >= 0x7f && cp <= 0x9f) || (cp >= 0x200b && cp <= 0x200d) || cp === 0x2060 || (cp >= 0xfe00 && cp <= 0xfe0f) || cp === 0xfeff || cp === 0x2028 || cp === 0x2029;

export type ReportTexts = Readonly<{ record: CaseRecord; report: Pick<Report, 'sections'>; facts: Pick<CaseFacts, 'alerts' | 'milestones' | 'notes'>; letterhead?: PdfLetterhead }>;

/** "The section "Intraoperative events" has a character no font can draw (U+1F600): it is printed as [U+1F600]." */
export async function glyphWarnings(t: ReportTexts, assets: PdfAssets): Promise<string[]> {
  const p = t.record.patient;
  const fields: Array<readonly [string, string]> = [
    ["The patient's name", `${p.lastName} ${p.firstName}`],
    ['The MRN', p.mrn],
    ['The procedure', `${t.record.procedure.description} ${t.record.procedure.levels}`],
    ['The facility', t.record.facility],
    ['The OR room', t.record.orRoom],
    ...t.report.sections.map((s) => [`The section "${s.title}"`, s.text] as const),
    ['An event text', [...t.facts.alerts.map((a) => a.text), ...t.facts.milestones.map((m) => m.text), ...t.facts.notes.map((n) => n.text)].join('\n')],
    ...(t.letterhead ? ([['The letterhead', [t.letterhead.practiceName, ...t.letterhead.addressLines, t.letterhead.phone ?? ''].join('\n')]] as const) : []),
  ];
  const all = new Set<number>();
  for (const [, text] of fields) for (const ch of text.normalize('NFC')) all.add(ch.codePointAt(0) as number);
  const cov = await coverage(assets, [...all].filter((cp) => !drawable(cp)));
  const out: string[] = [];
  for (const [field, text] of fields) {
    const bad = [...new Set([...text.normalize('NFC')].map((ch) => ch.codePointAt(0) as number))].filter((cp) => !drawable(cp) && !cov.has(cp));
    if (bad.length === 0) continue;
    const list = bad.slice(0, 5).map((cp) => `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`).join(', ');
    const more = bad.length > 5 ? ` and ${bad.length - 5} more` : '';
    out.push(`${field} has ${bad.length === 1 ? 'a character' : `${bad.length} characters`} no font can draw (${list}${more}): ${bad.length === 1 ? 'it is' : 'they are'} printed as ${noGlyph(bad[0]!)}${bad.length === 1 ? '' : ' and so on'}. Check that it is what was meant.`);
  }
  return out;
}
