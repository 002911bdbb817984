/**
 * The AI narrative's prompt and the splitter that turns its streamed answer back into report
 * sections. Pure: the service (electron/services/ai) sends what this builds.
 *
 * The model writes the narrative sections from the de-identified facts alone (deidentify.ts):
 * closed vocabularies, numbers, device terms, and times as minutes. It is sent no draft text, no
 * note, nothing anyone typed. It answers with one `## <id>` line per section, so each section can
 * be shown as soon as its text arrives, and writes times as "T+45" tokens (ai-times.ts).
 */
import { SECTION_IDS, SECTION_TITLES, type SectionId } from './sections';
import { AI_SECTION_IDS, isAiSection, type AiSectionId } from './ai-sections';

export { AI_SECTION_IDS, isAiSection, type AiSectionId };
import type { AiFacts } from './deidentify';

/** Bump when the wording changes, so stored narratives can say which prompt wrote them. */
export const PROMPT_VERSION = 2;

export type NarrativePrompt = Readonly<{
  system: string;
  user: string;
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
  'You receive the case facts as JSON: closed vocabularies, numbers, and "terms" (the clinical words of what was recorded, everything else left out). Write the sections you are asked for in polished, concise clinical prose.',
  '',
  'Rules:',
  '- Use only the facts. Never add a finding, cause, diagnosis, recommendation, time, number, side, spinal level or modality that is not in them.',
  '- Times are given as whole minutes from the time base (see "minutesFrom"). Write every time as its token, exactly: minute 45 is T+45, minute -3 is T-3. Never write a clock time, and do not compute times; durations ("activeMinutes", "recoveryMinutes") are written in minutes.',
  '- Keep every number with its unit as given. Do not convert, round or compute numbers.',
  '- A missing fact is not recorded: say so plainly; do not fill the gap. Empty terms mean the record holds no wording you may use.',
  '- Write no names, dates or places.',
  '- Changes from baseline: "changesFromBaseline" says what may be concluded. Only when it is "none recorded" may you write that no significant change from baseline occurred; when it is "cannot be stated", say that it cannot be stated and why ("cannotBeStatedBecause").',
  '- Interpretation: restate only what the facts conclude (what was monitored, each change and its outcome, the closing status). Draw no other conclusion. The interpreting physician reviews and adopts it.',
  '',
  'Output format:',
  '- For each section asked for, in the order given, write one line "## <section id>" with the id exactly as given (for example "## events"), then the section text on the following lines.',
  '- No other headings, no preamble, no closing remarks, no Markdown tables.',
].join('\n');

const SECTION_GUIDE: Readonly<Record<AiSectionId, string>> = {
  modalities: 'each monitored modality with its limb and sides, when it ran and for how long, and its stimulation where given',
  anesthesia: 'the regimen and each change',
  baselines: 'each baseline with its time and, where given, the peak latencies and amplitudes',
  events: 'what changesFromBaseline says, then the milestones and each alert with its notification, interventions and outcome, in time order',
  closing: 'the closing status',
  interpretation: 'the interpretation and conclusion, within the rules above',
};

/** The system and user messages: the facts and the sections to write. */
export function buildNarrativePrompt(facts: AiFacts): NarrativePrompt {
  const head = 'Case facts (de-identified JSON):';
  const ask = `Write these ${AI_SECTION_IDS.length} sections, in this order: ${AI_SECTION_IDS.join(', ')}.`;
  const guide = AI_SECTION_IDS.map((id) => `- ${id} (${SECTION_TITLES[id]}): ${SECTION_GUIDE[id]}.`);
  const user = [head, JSON.stringify(facts, null, 1), '', ask, ...guide].join('\n');
  return { system: SYSTEM, user, constants: [SYSTEM, head, ask, ...guide] };
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
