/**
 * The CPT/HCPCS codes an IONM professional claim uses (billing-rules.md §1–§3). Descriptors are
 * paraphrases; `confirmed: false` marks rows the reference could not verify against the CPT book.
 * Data, not logic: the claim builder and the scrubber both read this one table.
 */
export type CodeKind = 'base' | 'time' | 'deleted';

export type CodeInfo = Readonly<{
  code: string;
  kind: CodeKind;
  descriptor: string;
  /** Has a professional/technical split (26 / TC). */
  pcTc: boolean;
  /** Medically unlikely edit: most units per date of service (null: none known). */
  mue: number | null;
  /** Time codes: minutes per unit. */
  unitMinutes?: 15 | 60;
  /** What replaced a deleted code. */
  replacedBy?: string;
  confirmed: boolean;
  sources: readonly string[];
}>;

const base = (code: string, descriptor: string, mue: number | null, sources: readonly string[], confirmed = true): CodeInfo => ({ code, kind: 'base', descriptor, pcTc: true, mue, confirmed, sources });
const deleted = (code: string, descriptor: string, replacedBy: string, sources: readonly string[]): CodeInfo => ({ code, kind: 'deleted', descriptor, pcTc: false, mue: null, replacedBy, confirmed: true, sources });

export const CODES: Readonly<Record<string, CodeInfo>> = Object.fromEntries(
  ([
    { code: '95940', kind: 'time', descriptor: 'Continuous intraoperative neurophysiology monitoring in the operating room, one on one, each 15 minutes', pcTc: false, mue: null, unitMinutes: 15, confirmed: true, sources: ['S1', 'S8'] },
    { code: '95941', kind: 'time', descriptor: 'Continuous intraoperative neurophysiology monitoring from outside the operating room (remote or nearby) or for more than one case, per hour', pcTc: false, mue: null, unitMinutes: 60, confirmed: true, sources: ['S1', 'S5'] },
    { code: 'G0453', kind: 'time', descriptor: 'Continuous intraoperative neurophysiology monitoring from outside the operating room, per patient, attention directed exclusively to one patient, each 15 minutes', pcTc: false, mue: null, unitMinutes: 15, confirmed: true, sources: ['S3', 'S4'] },
    base('95925', 'Short-latency somatosensory evoked potential study, upper limbs', 1, ['S34']),
    base('95926', 'Short-latency somatosensory evoked potential study, lower limbs', 1, ['S34']),
    base('95927', 'Short-latency somatosensory evoked potential study, trunk or head', 1, ['S34']),
    base('95938', 'Short-latency somatosensory evoked potential study, upper and lower limbs', 1, ['S34', 'S35']),
    base('95928', 'Central motor evoked potential study (transcranial motor stimulation), upper limbs', 1, ['S36']),
    base('95929', 'Central motor evoked potential study (transcranial motor stimulation), lower limbs', 1, ['S36']),
    base('95939', 'Central motor evoked potential study (transcranial motor stimulation), upper and lower limbs', 1, ['S35']),
    base('95860', 'Needle electromyography, one extremity with or without related paraspinal areas', 1, ['S37']),
    base('95861', 'Needle electromyography, two extremities with or without related paraspinal areas', 1, ['S37']),
    base('95863', 'Needle electromyography, three extremities with or without related paraspinal areas', 1, ['S37']),
    base('95864', 'Needle electromyography, four extremities with or without related paraspinal areas', 1, ['S37']),
    base('95867', 'Needle electromyography, cranial nerve supplied muscles, unilateral', 1, ['S37']),
    base('95868', 'Needle electromyography, cranial nerve supplied muscles, bilateral', 1, ['S37'], false),
    base('95869', 'Needle electromyography, thoracic paraspinal muscles', 1, ['S37']),
    base('95870', 'Needle electromyography, limited study of muscles in one extremity or non-limb (axial) muscles', 4, ['S37', 'S28']),
    base('95907', 'Nerve conduction studies, 1-2 studies', 1, ['S30']),
    base('95908', 'Nerve conduction studies, 3-4 studies', 1, ['S30']),
    base('95909', 'Nerve conduction studies, 5-6 studies', 1, ['S30']),
    base('95910', 'Nerve conduction studies, 7-8 studies', 1, ['S30']),
    base('95911', 'Nerve conduction studies, 9-10 studies', 1, ['S30']),
    base('95912', 'Nerve conduction studies, 11-12 studies', 1, ['S30']),
    base('95913', 'Nerve conduction studies, 13 or more studies', 1, ['S30']),
    base('95937', 'Neuromuscular junction testing (repetitive stimulation), each nerve', 3, ['S38']),
    base('95822', 'Electroencephalogram, recording in coma or sleep only', 1, ['S37']),
    base('95955', 'Electroencephalogram during non-intracranial surgery', 1, ['S32']),
    base('95829', 'Electrocorticogram at surgery', 1, ['S32']),
    base('95961', 'Functional cortical and subcortical mapping by stimulation, first hour of physician attendance', 1, ['S41']),
    base('95962', 'Functional cortical and subcortical mapping by stimulation, each additional hour of physician attendance', 3, ['S41']),
    base('92653', 'Auditory evoked potentials, neurodiagnostic, with interpretation and report', 1, ['S42']),
    base('95930', 'Visual evoked potential study', 1, ['S28'], false),
    base('95933', 'Blink reflex study', 1, ['S28'], false),
    deleted('95920', 'Intraoperative neurophysiology testing, per hour', '95940 / 95941 / G0453', ['S6']),
    deleted('95900', 'Nerve conduction, motor, each nerve, without F-wave', '95907-95913', ['S30']),
    deleted('95903', 'Nerve conduction, motor, each nerve, with F-wave', '95907-95913', ['S30']),
    deleted('95904', 'Nerve conduction, sensory, each nerve', '95907-95913', ['S30']),
    deleted('95934', 'H-reflex, gastrocnemius/soleus', '95907-95913', ['S30', 'S61']),
    deleted('95936', 'H-reflex, other muscle', '95907-95913', ['S30', 'S61']),
    deleted('92585', 'Auditory evoked potentials, comprehensive', '92650-92653', ['S42']),
    deleted('92586', 'Auditory evoked potentials, limited', '92650-92653', ['S42']),
  ] as CodeInfo[]).map((c) => [c.code, c]),
);

export const TIME_CODES = ['95940', '95941', 'G0453'] as const;
export type TimeCode = (typeof TIME_CODES)[number];

export function isTimeCode(code: string): code is TimeCode {
  return (TIME_CODES as readonly string[]).includes(code);
}

export function codeInfo(code: string): CodeInfo | null {
  return CODES[code] ?? null;
}

/**
 * Units earned by `minutes` of a time code, CPT's midpoint rule (§1.2): 15-minute codes earn the
 * first unit at 8 minutes and one more every 15 (8, 23, 38, 53 …); 95941 earns its first hour at
 * 31 minutes and one more every 60 (31, 91, 151 …).
 */
export function timeUnits(code: TimeCode, minutes: number): number {
  const m = Math.floor(minutes);
  if (code === '95941') return m < 31 ? 0 : Math.floor((m - 31) / 60) + 1;
  return m < 8 ? 0 : Math.floor((m - 8) / 15) + 1;
}

/** The fewest minutes that earn `units` (the figure a coder checks against). */
export function minutesForUnits(code: TimeCode, units: number): number {
  if (units <= 0) return 0;
  return code === '95941' ? 60 * (units - 1) + 31 : 15 * (units - 1) + 8;
}
