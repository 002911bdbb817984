/**
 * Pages and the cursor down them: US Letter (US claims), 0.75 in margins, a running header and
 * footer band kept free on every page (drawn once the page count is known), and content that
 * moves to the next page when it does not fit.
 */
import { rgb, type PDFDocument, type PDFPage } from 'pdf-lib';
import type { PdfFonts, TextStyle } from './pdf-fonts';
import { wrapText } from './pdf-text';

export const PAGE = { width: 612, height: 792, margin: 54 } as const;
/** Header band: two lines and a rule below the top margin; footer band: a rule and one line. */
export const HEADER_HEIGHT = 40;
export const FOOTER_HEIGHT = 20;
export const CONTENT_TOP = PAGE.height - PAGE.margin - HEADER_HEIGHT;
export const CONTENT_BOTTOM = PAGE.margin + FOOTER_HEIGHT;

export const RULE = rgb(0.8, 0.83, 0.87);
export const MUTED = rgb(0.4, 0.45, 0.52);

export const lineHeight = (size: number) => size * 1.32;
/** From the top of a line box to its baseline. */
const ascent = (size: number) => size * 0.98;

export type ParagraphOptions = Readonly<{ indent?: number; bullet?: boolean }>;

export class PageFlow {
  readonly pages: PDFPage[] = [];
  readonly left = PAGE.margin;
  readonly right = PAGE.width - PAGE.margin;
  readonly width = PAGE.width - 2 * PAGE.margin;
  #page!: PDFPage;
  /** Top of the free space on the current page. */
  y = CONTENT_TOP;

  constructor(
    private readonly doc: PDFDocument,
    readonly fonts: PdfFonts,
    /** Drawn first on every new page, under the content (the DRAFT watermark). */
    private readonly underlay: (page: PDFPage) => void,
  ) {
    this.newPage();
  }

  get page(): PDFPage {
    return this.#page;
  }

  newPage(): void {
    this.#page = this.doc.addPage([PAGE.width, PAGE.height]);
    this.underlay(this.#page);
    this.pages.push(this.#page);
    this.y = CONTENT_TOP;
  }

  /** Room for `height` points here, else a new page (unless this one is still empty). */
  ensure(height: number): void {
    if (this.y - height < CONTENT_BOTTOM && this.y < CONTENT_TOP) this.newPage();
  }

  space(height: number): void {
    this.y = Math.max(CONTENT_BOTTOM, this.y - height);
  }

  /** One line at the cursor (already fitted); the cursor moves below it. */
  line(text: string, style: TextStyle, x = this.left): void {
    this.ensure(lineHeight(style.size));
    this.fonts.draw(this.#page, text, x, this.y - ascent(style.size), style);
    this.y -= lineHeight(style.size);
  }

  /** Wrapped text; a bullet paragraph hangs its lines after the bullet. */
  paragraph(text: string, style: TextStyle, opts: ParagraphOptions = {}): void {
    const indent = opts.indent ?? 0;
    const hang = opts.bullet ? this.fonts.width('•  ', style) : 0;
    const lines = wrapText(this.fonts, text, style, this.width - indent - hang);
    lines.forEach((l, i) => {
      this.ensure(lineHeight(style.size));
      if (opts.bullet && i === 0) this.fonts.draw(this.#page, '•', this.left + indent, this.y - ascent(style.size), style);
      this.fonts.draw(this.#page, l, this.left + indent + hang, this.y - ascent(style.size), style);
      this.y -= lineHeight(style.size);
    });
  }

  /** A heading kept together with at least `keep` points of what follows it. */
  heading(text: string, style: TextStyle, keep = 40): void {
    this.ensure(lineHeight(style.size) + keep);
    this.line(text, style);
  }

  rule(color = RULE, thickness = 0.6): void {
    this.#page.drawLine({ start: { x: this.left, y: this.y }, end: { x: this.right, y: this.y }, thickness, color });
  }
}
