/**
 * What every page carries, drawn after layout when the page count is known: a header with the
 * patient, MRN, date of service and case id (a loose page still says whose it is), a footer with
 * "Page X of Y"; and, on an unsigned report, the DRAFT watermark under the content.
 */
import { rgb, type PDFPage } from 'pdf-lib';
import { CONTENT_BOTTOM, CONTENT_TOP, MUTED, PAGE, RULE } from './pdf-flow';
import type { PdfFonts, TextStyle } from './pdf-fonts';

export type RunningHead = Readonly<{ patient: string; mrn: string; dateOfService: string; caseId: string; title: string; generated: string }>;

export function drawRunningHeads(pages: readonly PDFPage[], fonts: PdfFonts, h: RunningHead): void {
  const left = PAGE.margin;
  const right = PAGE.width - PAGE.margin;
  const name: TextStyle = { size: 9.5, weight: 'bold' };
  const small: TextStyle = { size: 8.5 };
  const muted: TextStyle = { size: 8, color: MUTED };
  const top = PAGE.height - PAGE.margin;
  const ids = `MRN ${fonts.clean(h.mrn)}    Date of service ${h.dateOfService}`;
  const caseLine = `Case ${h.caseId}`;
  const idsW = fonts.width(ids, small);
  const caseW = fonts.width(caseLine, muted);
  const patient = fonts.fit(fonts.clean(h.patient, 'bold'), name, right - left - idsW - 16);
  const title = fonts.fit(h.title, muted, right - left - caseW - 16);
  pages.forEach((page, i) => {
    fonts.draw(page, patient, left, top - 9, name);
    fonts.draw(page, ids, right - idsW, top - 9, small);
    fonts.draw(page, title, left, top - 21, muted);
    fonts.draw(page, caseLine, right - caseW, top - 21, muted);
    page.drawLine({ start: { x: left, y: CONTENT_TOP + 8 }, end: { x: right, y: CONTENT_TOP + 8 }, thickness: 0.8, color: RULE });

    const footY = PAGE.margin;
    page.drawLine({ start: { x: left, y: CONTENT_BOTTOM - 6 }, end: { x: right, y: CONTENT_BOTTOM - 6 }, thickness: 0.6, color: RULE });
    fonts.draw(page, h.generated, left, footY, { size: 7.5, color: MUTED });
    const pageNo = `Page ${i + 1} of ${pages.length}`;
    fonts.draw(page, pageNo, right - fonts.width(pageNo, small), footY, small);
  });
}

const WATERMARK = rgb(0.9, 0.9, 0.9);

/**
 * Large, light, diagonal, and drawn before the content so nothing it crosses is hidden (no
 * transparency needed, which PDF/A would have to account for).
 */
export function drawWatermark(page: PDFPage, fonts: PdfFonts, text: string): void {
  const style: TextStyle = { size: 150, weight: 'bold', color: WATERMARK };
  const w = fonts.width(text, style);
  const a = Math.PI / 4;
  const [cx, cy] = [PAGE.width / 2, PAGE.height / 2];
  // Start so that the text's middle (and half its cap height) sits on the page's centre.
  const capHalf = style.size * 0.36;
  const x = cx - (w / 2) * Math.cos(a) + capHalf * Math.sin(a);
  const y = cy - (w / 2) * Math.sin(a) - capHalf * Math.cos(a);
  fonts.draw(page, text, x, y, style, 45);
}
