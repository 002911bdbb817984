/**
 * What of a recorded text may reach the AI: its terms. A text is cut into tokens and only three
 * kinds survive, in order: words of Closeout's fixed clinical vocabulary (below), spinal levels
 * (L4, L4-L5, C5-6), and numbers written with a clinical unit (80%, 85 mmHg, 14 mA, 38.2 ms). Every
 * other token is dropped, not masked: a name, a place, a date, a phone number, an MRN, an age, a
 * word this list does not know. Safe by construction rather than by search: nothing leaves unless
 * it is on the list, so a new way of writing an identifier cannot slip through (the request guard
 * still searches the result as a second wall).
 *
 * The list holds IONM, anatomy, anesthesia and surgery words and the small words that join them.
 * It leaves out month names, titles (Dr, Mr), relatives, places, and ages ("year", "old"), and any
 * word that is mostly a name. A missing clinical word costs only detail in the narrative (the
 * report keeps the text as recorded); a word added here is sent from every case: add with care.
 */

const WORDS = `
a about above adm ah apb absent across activity acute added adequate adjusted administered after again air all alert alerts along also alternative
amplitude amplitudes an anal and anesthesia anesthesiologist anesthetic anesthetist ankle anterior any aortic applied are arm arms
around arterial as at attempted attenuated augmented available average averages averaging awake away axillary
back baep baeps baer baseline baselines be been before below biceps bilateral bilaterally bipolar bispectral bladder block blockade
blood bolus both brachial brainstem brevis burst bursts but by
c-arm cage cz cpz cages calf can cathode cauda caudal central cerebral cervical change changed changes check checked clamp clamped cleared
closing closure cmap cmaps coagulation cold compared compression concern confirmed connected consistent continue continued continuous
contralateral cord correction cortex cortical count counts cranial crossclamp current curve
d-wave d-waves data decompression decrease decreased deep deformity degraded dissection delayed deltoid desflurane detected dexmedetomidine
diathermy digiti discectomy discharge discharges discussed distal distraction dorsal dose down drift drilling drop dropped dura dural durotomy
during dwave
ear ecog edb ecr edema eeg eegs effect electrocautery electrode electrodes emg emgs end ended epidural erb evoked excessive exposure extension
extensor extremities extremity
f-wave facet fcr fdi facial fasciculations femoral fentanyl fiber fibrillation field final firing first flexion flexor fluid fluids following
foot for forearm four fpz free free-run from full fusion fz
gain gastrocnemius given good gradual gradually graft
hallucis hand head heart hemostasis h-reflex high hip hold hr hypotension hypothermia
better ice impedance impedances implant incised incision improved improvement in increase increased induction infusion inhalational initial insertion
instrumentation interbody intermittent interpreted interrupted intervention interventions intraoperative intubation irrigation is
isoflurane it its
ketamine knee
lamina laminectomy laminotomy large last latencies latency lateral lateralis leads left leg legs less level levels lidocaine limb
limbs longus loss lost low lower lumbar
mac magnesium maintained manipulation map mild marked maximum mean medial medialis median mep meps midazolam midline minimal minimi
minor mixed moderate modalities moved modality monitored monitoring morphology motor movement multiple muscle muscles myotome myotomes
nerve nerves neuromuscular neurotonic new nitrous no noise noisy none normal not noted now
obtained of off on onset or osteotomy other out output over oxide
pain paralysis point ptn paralytic paraspinal partial partially pause paused pedicle per perfusion peripheral peroneal persist persisted
persistent persists phase placed placement plate pollicis poor popliteal position positioned positioning post posterior potential
potentials pre present pressure prior probe prone propofol proximal pulse pulses
quadriceps
radial raised range rate re-established reappeared reason received recorded recordings recovered recovery rectus reduced
reduction reflex regional released remained remifentanil removal removed reposition repositioned repositioning reproducible
residual resolved response responses rest restored resumed retracted retraction retractor return returned right rocuronium rod
rods root roots run runs
sacral saline sep seps ssep sseps same screw screws sedation segment sensory set severe sevoflurane side sides signal signals significant single site sites skin slightly
slight slow somatosensory space spinal spine spontaneous stable standby start started status steroid stimulated stimulation
stimulator stimuli stimulus still stop stopped sufentanil sugammadex supine surgeon surgery surgical suspected sustained
ta table tap tce tcmep tcmeps temperature tendon than that the then thoracic threshold thresholds tibial tibialis tightened time
tiva to tof total train train-of-four trains transcranial trapezius traction trend triceps triggered twitch twitches two
ulnar unchanged under unilateral up upper
vastus vecuronium vm vep veps vertebral very vital vitals volatile voltage
warm warmed warming was waveform waveforms were while wide with within without worse worsened wound wrist
zero
`;

const VOCABULARY: ReadonlySet<string> = new Set(WORDS.split(/\s+/).filter(Boolean));

/** Units a clinical number may carry here, as written → as sent. Years and ages are not among them. */
const UNITS: ReadonlyArray<readonly [RegExp, string]> = [
  [/^%/, '%'],
  [/^mm\s?hg\b/i, 'mmHg'],
  [/^(?:mcg|µg|μg|ug)\s?\/\s?kg\s?\/\s?(?:min|h|hr)\b/i, 'mcg/kg/min'],
  [/^mg\s?\/\s?kg\s?\/\s?(?:min|h|hr)\b/i, 'mg/kg/h'],
  [/^(?:mcg|µg|μg|ug)\s?\/\s?kg\b/i, 'mcg/kg'],
  [/^mg\s?\/\s?kg\b/i, 'mg/kg'],
  [/^(?:mcg|µg|μg|ug)\b/i, 'mcg'],
  [/^mg\b/i, 'mg'],
  [/^ml\b/i, 'mL'],
  [/^ma\b/i, 'mA'],
  [/^v\b/i, 'V'],
  [/^(?:µs|μs|us)\b/i, 'µs'],
  [/^(?:ms|msec)\b/i, 'ms'],
  [/^(?:µv|μv|uv)\b/i, 'µV'],
  [/^mv\b/i, 'mV'],
  [/^hz\b/i, 'Hz'],
  [/^k?ohms?\b|^kΩ|^Ω/i, 'kOhm'],
  [/^(?:°|º)\s?c\b/i, '°C'],
  [/^(?:°|º)\s?f\b/i, '°F'],
  [/^(?:min|mins|minutes?)\b/i, 'min'],
  [/^(?:s|sec|secs|seconds?)\b/i, 's'],
  [/^(?:bpm)\b/i, 'bpm'],
  [/^mac\b/i, 'MAC'],
];

const LEVEL = /^([CTLS])(\d{1,2})(?:\s?[-–/]\s?([CTLS])?(\d{1,2}))?(?![\p{L}\p{N}])/u;
const LEVEL_MAX: Readonly<Record<string, number>> = { C: 8, T: 12, L: 5, S: 5 };
const NUMBER = /^\d+(?:\.\d+)?/;
const WORD = /^[\p{L}][\p{L}'’-]*\.?/u;

/** "Pérez" → "perez": diacritics do not make a word unknown or known. */
function fold(s: string): string {
  return s.toLowerCase().normalize('NFKD').replace(/\p{M}/gu, '').replace(/[’]/g, "'");
}

function levelAt(text: string): { token: string; length: number } | null {
  const m = LEVEL.exec(text);
  if (!m) return null;
  const ok = (l: string, n: string) => Number(n) >= 1 && Number(n) <= (LEVEL_MAX[l] ?? 0);
  if (!ok(m[1]!, m[2]!)) return null;
  if (m[4] === undefined) return { token: `${m[1]}${Number(m[2])}`, length: m[0].length };
  const to = m[3] ?? m[1]!;
  if (!ok(to, m[4])) return { token: `${m[1]}${Number(m[2])}`, length: m[1]!.length + m[2]!.length };
  return { token: `${m[1]}${Number(m[2])}-${to}${Number(m[4])}`, length: m[0].length };
}

/**
 * The terms of a text, joined by single spaces (commas and full stops kept between kept tokens).
 * Empty when nothing in it is on the list.
 */
export function termsOf(text: string): string {
  const out: string[] = [];
  let i = 0;
  const s = text.normalize('NFC');
  while (i < s.length) {
    const rest = s.slice(i);
    const ch = rest[0]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if ((ch === ',' || ch === ';' || ch === '.') && out.length && !/^[,.;]$/.test(out[out.length - 1]!)) {
      out.push(ch === ';' ? ',' : ch);
      i++;
      continue;
    }
    // A level starts with a capital letter and a digit: tried before words.
    const level = /^[CTLS]\d/.test(rest) ? levelAt(rest) : null;
    if (level && !/^[\p{L}\p{N}]/u.test(s.slice(i - 1, i) || ' ')) {
      out.push(level.token);
      i += level.length;
      continue;
    }
    const num = NUMBER.exec(rest);
    if (num && !/[\p{L}\p{N}.\-/:]/u.test(s.slice(i - 1, i))) {
      const after = rest.slice(num[0].length);
      const gap = /^\s?/.exec(after)![0].length;
      const unit = UNITS.find(([re]) => re.test(after.slice(gap)));
      // "4/4" is a train-of-four count; any other number needs its unit.
      const tof = /^\/\s?4(?!\d)/.exec(after);
      if (tof && Number(num[0]) <= 4) {
        out.push(`${num[0]}/4`);
        i += num[0].length + tof[0].length;
        continue;
      }
      if (unit) {
        const m = unit[0].exec(after.slice(gap))!;
        const next = after.slice(gap + m[0].length);
        // "12 ms-34" or "5 mA/7": part of a longer code, not a value.
        if (!/^[\p{L}\p{N}/-]/u.test(next)) {
          out.push(`${num[0]}${unit[1] === "%" ? "" : " "}${unit[1]}`);
          i += num[0].length + gap + m[0].length;
          continue;
        }
      }
      // Not a value: the whole run of digits and separators goes (a phone number, a date, an ID).
      i += /^[\p{N}.\-/:]+/u.exec(rest)![0].length;
      continue;
    }
    const word = WORD.exec(rest);
    if (word) {
      const w = word[0].replace(/\.$/, '');
      const f = fold(w);
      if (VOCABULARY.has(f) || VOCABULARY.has(f.replace(/'s$/, ''))) out.push(f === 'map' || f === 'mac' || f === 'emg' || f === 'eeg' || f === 'tof' ? f.toUpperCase() : w.length > 1 && w === w.toUpperCase() ? w : f);
      i += w.length;
      continue;
    }
    i++;
  }
  while (out.length && /^[,.]$/.test(out[0]!)) out.shift();
  return out.join(' ').replace(/ ([,.])/g, '$1').replace(/,$/, '').trim();
}

/** True when `word` is on the list (for tests and the guard's own checks). */
export function inVocabulary(word: string): boolean {
  return VOCABULARY.has(fold(word));
}
