/** The report's sections, in the order the report shows them, and their titles. */
export const SECTION_IDS = ['patient', 'modalities', 'anesthesia', 'baselines', 'events', 'notes', 'closing', 'interpretation', 'monitoring'] as const;
export type SectionId = (typeof SECTION_IDS)[number];

export const SECTION_TITLES: Readonly<Record<SectionId, string>> = {
  patient: 'Patient, procedure and indication',
  modalities: 'Modalities monitored',
  anesthesia: 'Anesthesia',
  baselines: 'Baseline findings',
  events: 'Intraoperative events',
  notes: 'Notes as recorded',
  closing: 'Closing status',
  interpretation: 'Interpretation and conclusion',
  monitoring: 'Monitoring times and personnel',
};
