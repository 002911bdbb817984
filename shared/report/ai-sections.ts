import type { SectionId } from './sections';

/**
 * The sections the model writes: the narrative ones. The patient section is made of identifiers
 * the model never sees, and the monitoring section of times and names; the draft keeps both.
 */
export const AI_SECTION_IDS = ['modalities', 'anesthesia', 'baselines', 'events', 'closing', 'interpretation'] as const satisfies readonly SectionId[];
export type AiSectionId = (typeof AI_SECTION_IDS)[number];

export function isAiSection(id: SectionId): id is AiSectionId {
  return (AI_SECTION_IDS as readonly SectionId[]).includes(id);
}
