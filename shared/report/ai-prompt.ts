/**
 * The AI narrative's prompt and the splitter that turns its streamed answer back into report
 * sections. Pure: the service (electron/services/ai) sends what this builds.
 *
 * The model rewrites the deterministic draft, section by section, into clinical prose. It gets
 * the de-identified facts and the de-identified draft only, and answers with one `## <id>` line
 * per section so each section can be shown as soon as its text arrives.
 */
import { SECTION_IDS, SECTION_TITLES, type Draft, type SectionId } from './draft';
import { deidentifyDraft, type AiDraftSection, type AiFacts, type Identifiers } from './deidentify';

/** Bump when the wording changes, so stored narratives can say which prompt wrote them. */
export const PROMPT_VERSION = 1;

/**
 * The sections the model writes: the narrative ones. The patient section is made of identifiers
 * the model never sees, and the monitoring section of times and names; the model's version of
 * either could only be worse than the draft's, so it gets them as context and does not write them.
 */
export const AI_SECTION_IDS = ['modalities', 'anesthesia', 'baselines', 'events', 'closing', 'interpretation'] as const satisfies readonly SectionId[];
export type AiSectionId = (typeof AI_SECTION_IDS)[number];

export function isAiSection(id: SectionId): id is AiSectionId {
  return (AI_SECTION_IDS as readonly SectionId[]).includes(id);
}

export type NarrativePrompt = Readonly<{
  system: string;
  user: string;
  sections: readonly AiDraftSection[];
  /**
   * The fixed wording of the prompt (no case data in it). The request guard leaves these out of
   * its search: a surname that is an ordinary word ("Case", "Example") must not match our own
   * instructions, or that person's cases could never be narrated.
   */
  constants: readonly string[];
}>;

// Kept free of names and dates on purpose: the request guard searches the whole request,
// this text included, for the case's identifiers.
const SYSTEM = [
  'You write the narrative of a post-operative intraoperative neuromonitoring (IONM) report. An interpreting physician reviews and signs it.',
  'You receive the case facts as JSON and a standard draft of the report, section by section. Rewrite the draft sections you are asked for into polished, concise clinical prose.',
  '',
  'Rules:',
  '- Use only the facts and the draft. Never add a finding, cause, diagnosis, recommendation, time, number, side, spinal level or modality that is not in them.',
  '- Keep every clock time exactly as written (24-hour HH:MM) and every number with its unit. Do not convert, round or compute times, durations or numbers.',
  '- Where the draft says "not recorded", say so plainly; do not fill the gap.',
  '- Text shown as [removed] was withheld for privacy. Leave it out; never guess it. Write no names, calendar dates or places: the date is the day of surgery.',
  '- Interpretation: the draft gives the wording suggested from the record. Restate what it concludes, no more; where it draws no conclusion, draw none. The interpreting physician reviews and adopts it.',
  '',
  'Output format:',
  '- For each section asked for, in the order given, write one line "## <section id>" with the id exactly as given (for example "## events"), then the section text on the following lines.',
  '- No other headings, no preamble, no closing remarks, no Markdown tables.',
].join('\n');

/**
 * The system and user messages. `draft` is the case's deterministic draft as built; it is
 * de-identified here (patient section rebuilt from the facts, every other section scrubbed), so
 * the caller cannot hand the model the identified one by mistake.
 */
export function buildNarrativePrompt(facts: AiFacts, draft: Draft, identifiers: Identifiers): NarrativePrompt {
  // The interpretation section of the draft is empty until the physician writes it: the model
  // works from the wording suggested from the record (or from nothing, where it suggests nothing).
  const offered: Draft = { ...draft, sections: draft.sections.map((s) => (s.id === 'interpretation' ? { ...s, text: s.suggestion ?? '' } : s)) };
  const sections = deidentifyDraft(offered, facts, identifiers);
  const head = 'Case facts (de-identified JSON):';
  const drafted = 'Standard draft:';
  const close = '</section>';
  const open = (s: AiDraftSection) => `<section id="${s.id}" title="${s.title}">`;
  const ask = `Write these ${AI_SECTION_IDS.length} sections, in this order: ${AI_SECTION_IDS.join(', ')}. The other sections are context only: do not write them.`;
  const user = [head, JSON.stringify(facts, null, 1), '', drafted, ...sections.map((s) => `${open(s)}\n${s.text}\n${close}`), '', ask].join('\n');
  return { system: SYSTEM, user, sections, constants: [SYSTEM, head, drafted, close, ask, ...sections.map(open)] };
}

// ---------------------------------------------------------------------------------------------
// Streaming splitter
// ---------------------------------------------------------------------------------------------

export type SectionUpdate = Readonly<{
  sectionId: SectionId;
  /** The section's whole text so far (replace, don't append: a retry starts sections over). */
  text: string;
  done: boolean;
}>;

export type SectionStream = Readonly<{
  /** Feed the next text delta; updates are emitted synchronously. */
  push: (delta: string) => void;
  /** The answer is complete: flush, and mark the last section done. */
  end: () => void;
  /** Section texts in the order their headers arrived (trimmed). */
  result: () => ReadonlyArray<Readonly<{ id: SectionId; text: string }>>;
}>;

const TITLE_TO_ID: ReadonlyMap<string, SectionId> = new Map(SECTION_IDS.map((id) => [SECTION_TITLES[id].toLowerCase(), id]));

/** The section a header line names: "## events", "## Events:", "## **Intraoperative events**". */
export function parseSectionHeader(line: string): SectionId | null {
  const m = /^\s*##(?!#)\s*(.*?)\s*$/.exec(line);
  if (!m) return null;
  const name = m[1]!.replace(/[*_`]/g, '').replace(/[:.]$/, '').trim().toLowerCase();
  if ((SECTION_IDS as readonly string[]).includes(name)) return name as SectionId;
  return TITLE_TO_ID.get(name) ?? null;
}

/** Could this incomplete line still turn out to be a header? Such a line is held until its end. */
function mayBeHeader(partial: string): boolean {
  const t = partial.trimStart();
  return t === '' || t === '#' || (t.startsWith('##') && !t.startsWith('###'));
}

/**
 * Split a streamed answer into sections as `## id` lines arrive. Deltas may cut anywhere (inside
 * "## ", inside an id, inside a word). Text is emitted as soon as it cannot be part of a header,
 * so a section shows while its first line is still being written; text before the first header
 * is dropped, an unknown `## ` line stays text, and a section named twice continues.
 */
export function createSectionStream(onUpdate: (u: SectionUpdate) => void): SectionStream {
  const texts = new Map<SectionId, string>();
  let current: SectionId | null = null;
  /** The current line, while it may still be a header. */
  let pending = '';
  /** The current line is known to be text (already passed on). */
  let lineIsText = false;
  let dirty = false;

  const append = (s: string) => {
    if (current === null || s === '') return;
    texts.set(current, (texts.get(current) ?? '') + s);
    dirty = true;
  };
  const emit = (done: boolean) => {
    if (current === null) return;
    onUpdate({ sectionId: current, text: (texts.get(current) ?? '').trim(), done });
    dirty = false;
  };
  const endLine = () => {
    const id = lineIsText ? null : parseSectionHeader(pending);
    if (id) {
      if (current !== null) emit(true);
      current = id;
      // A section named again continues on a new line.
      if (texts.has(id)) append('\n');
      else texts.set(id, '');
      dirty = true;
    } else {
      if (!lineIsText) append(pending);
      append('\n');
    }
    pending = '';
    lineIsText = false;
  };

  return {
    push(delta) {
      const lines = delta.split('\n');
      lines.forEach((piece, i) => {
        if (lineIsText) append(piece);
        else {
          pending += piece;
          if (!mayBeHeader(pending)) {
            append(pending);
            pending = '';
            lineIsText = true;
          }
        }
        if (i < lines.length - 1) endLine();
      });
      if (dirty) emit(false);
    },
    end() {
      if (pending !== '' || lineIsText) endLine();
      emit(true);
    },
    result() {
      return [...texts.entries()].map(([id, text]) => ({ id, text: text.trim() }));
    },
  };
}
