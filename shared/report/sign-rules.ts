/**
 * When a report may be signed. A signature makes the report a medical-legal document, so it
 * covers only a report that states what the record holds and carries the physician's own
 * interpretation: never a placeholder, never an empty conclusion, never an unresolved gap. Pure:
 * the screen shows the same reasons the backend refuses with.
 */
import { PLACEHOLDER_SENTENCES } from './draft';
import type { Report } from './report';

export type SignBlocker = Readonly<{ code: 'interpretation_missing' | 'interpretation_empty' | 'placeholder' | 'gaps'; message: string }>;

function hasPlaceholder(text: string): string | null {
  const t = text.toLowerCase();
  return PLACEHOLDER_SENTENCES.find((p) => t.includes(p.toLowerCase())) ?? null;
}

export function signingBlockers(report: Pick<Report, 'sections' | 'gaps'>): SignBlocker[] {
  const out: SignBlocker[] = [];
  const interp = report.sections.find((s) => s.id === 'interpretation');
  if (interp && interp.origin === 'draft') {
    out.push({
      code: 'interpretation_missing',
      message: 'The interpretation has not been written: the interpreting physician writes it, or adopts the suggested wording, under "Interpretation and conclusion".',
    });
  } else if (interp && interp.text.trim() === '') {
    out.push({ code: 'interpretation_empty', message: 'The interpretation is empty: write what the monitoring showed.' });
  }
  for (const s of report.sections) {
    if (s.id === 'interpretation' && s.origin === 'draft') continue;
    const p = hasPlaceholder(s.text);
    if (p) out.push({ code: 'placeholder', message: `"${s.title}" still says "${p}": replace it with the physician's own words.` });
  }
  const gaps = report.gaps.filter((g) => !(interp?.origin === 'draft' && g === interp.gaps[0]));
  if (gaps.length > 0) {
    const shown = gaps.slice(0, 3).join('; ');
    out.push({
      code: 'gaps',
      message: `The report still lists ${gaps.length === 1 ? 'a gap' : `${gaps.length} gaps`} (${shown}${gaps.length > 3 ? '; …' : ''}): record what is missing, or edit the section to say what is known.`,
    });
  }
  return out;
}
