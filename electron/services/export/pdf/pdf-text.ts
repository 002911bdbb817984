/**
 * Line breaking for the report: at spaces, between CJK characters (which have none), and inside
 * a word only when the word alone is wider than the line. Widths come from the fonts each
 * character is drawn with (fallback included).
 */
import type { PdfFonts, TextStyle } from './pdf-fonts';

const CJK = '\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Hangul}\\u3000-\\u303F\\uFF00-\\uFFEF';
const TOKEN = new RegExp(`\\s+|[${CJK}]|[^\\s${CJK}]+`, 'gu');

/** The text as lines that fit `maxWidth`; each "\n" starts a new line (an empty one stays). */
export function wrapText(fonts: PdfFonts, text: string, style: TextStyle, maxWidth: number): string[] {
  const lines: string[] = [];
  const space = fonts.width(' ', style);
  for (const para of fonts.clean(text, style.weight).split('\n')) {
    let line = '';
    let width = 0;
    let gap = false;
    const start = (token: string, w: number) => {
      // Wider than a whole line: cut it where it must be cut.
      if (w > maxWidth) {
        for (const ch of token) {
          const cw = fonts.width(ch, style);
          if (line !== '' && width + cw > maxWidth) {
            lines.push(line);
            line = '';
            width = 0;
          }
          line += ch;
          width += cw;
        }
        return;
      }
      line = token;
      width = w;
    };
    for (const token of para.match(TOKEN) ?? []) {
      if (/^\s/u.test(token)) {
        gap = line !== '';
        continue;
      }
      const w = fonts.width(token, style);
      const extra = gap ? space : 0;
      if (line === '') start(token, w);
      else if (width + extra + w <= maxWidth) {
        line += gap ? ` ${token}` : token;
        width += extra + w;
      } else {
        lines.push(line);
        line = '';
        width = 0;
        start(token, w);
      }
      gap = false;
    }
    lines.push(line);
  }
  return lines;
}
