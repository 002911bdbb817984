/**
 * Site names → our vocabulary. Devices name modalities freely per site ("L MEP", "Lower SSEP",
 * "TES MEP", "MEP Drempel") and technologists type free text, so both go through an editable
 * rule table. Built-in rules are seeded; a site adds its own (which win by priority). Text no
 * rule recognises stays a note: nothing is ever dropped.
 */
import { EVENT_KINDS, type EventKind } from './event-kinds';
import { EVENT_SIDES, LIMBS, MODALITIES, type EventSide, type Limb, type Modality } from './modality';

export type MatchType = 'contains' | 'word' | 'regex';

export type MappingRuleFields = Readonly<{
  target: 'modality' | 'kind';
  matchType: MatchType;
  pattern: string;
  modality: Modality | null;
  limb: Limb | null;
  side: EventSide | null;
  kind: EventKind | null;
  /** Lower runs first; site rules default to 50, built-ins to 100+. */
  priority: number;
  enabled: boolean;
}>;

export type MappingRule = MappingRuleFields & Readonly<{ id: number; builtin: boolean }>;

type Rule = Omit<MappingRuleFields, 'enabled' | 'matchType' | 'modality' | 'limb' | 'side' | 'kind'> &
  Partial<Pick<MappingRuleFields, 'matchType' | 'modality' | 'limb' | 'side' | 'kind'>>;

const m = (pattern: string, modality: Modality, priority: number, extra: Partial<Rule> = {}): Rule => ({ target: 'modality', matchType: 'regex', pattern, modality, priority, ...extra });
const k = (pattern: string, kind: EventKind, priority: number): Rule => ({ target: 'kind', matchType: 'regex', pattern, kind, priority });

/** Seeded on first start (builtin = 1). Regexes are case-insensitive. */
export const DEFAULT_RULES: readonly MappingRuleFields[] = (
  [
    // Modalities: the more specific names first.
    m('\\bd[-\\s]?wave\\b', 'DWAVE', 100),
    m('\\b(t|trig(gered)?)[-\\s]?emg\\b|\\bscrew stim|\\bpedicle screw.*\\bma\\b|\\bdrempel\\b|\\bthreshold\\b', 'EMG_TRIGGERED', 105),
    m('\\bcranial nerve\\b|\\bfacial (nerve )?emg\\b|\\bcn\\s?(vii|7|x|10|xi|xii)\\b', 'EMG_CRANIAL', 106),
    m('\\bh[-\\s]?reflex\\b', 'HREFLEX', 107),
    m('\\btof\\b|\\btrain[-\\s]of[-\\s]four\\b', 'TOF', 108),
    m('\\bbaep\\b|\\bbaer\\b|\\babr\\b|\\bauditory\\b', 'BAEP', 110),
    m('\\bvep\\b|\\bvisual evoked\\b', 'VEP', 111),
    m('\\becog\\b|\\belectrocorticogra', 'ECOG', 112),
    m('\\bphase reversal\\b', 'PHASE_REVERSAL', 113),
    m('\\bdorsal column\\b|\\bdcm\\b', 'DCM', 114),
    m('\\bmotor mapping\\b|\\bcortical (motor )?(stim|mapping)\\b|\\bsubcortical\\b', 'MOTOR_MAPPING', 115),
    m('\\bupper\\s+s?sep\\b|\\b(median|ulnar)\\b.*\\bs?sep\\b|\\bs?sep\\b.*\\b(median|ulnar)\\b', 'SSEP', 120, { limb: 'upper' }),
    m('\\blower\\s+s?sep\\b|\\b(tibial|peroneal|ptn)\\b.*\\bs?sep\\b|\\bs?sep\\b.*\\b(tibial|peroneal)\\b', 'SSEP', 121, { limb: 'lower' }),
    m('\\bs?sep\\b|\\bsomatosensory\\b', 'SSEP', 125),
    m('\\bupper\\s+(tc|tes\\s)?mep\\b', 'TCMEP', 130, { limb: 'upper' }),
    m('\\blower\\s+(tc|tes\\s)?mep\\b', 'TCMEP', 131, { limb: 'lower' }),
    m('(tc|tces|tes|\\b)\\s?-?mep\\b|\\bmotor evoked\\b|\\bcmap\\b', 'TCMEP', 135),
    m('\\bfree[-\\s]?run\\b|\\bs[-\\s]?emg\\b|\\bspontaneous emg\\b|\\bemg\\b', 'EMG_FREE', 140),
    m('\\beeg\\b', 'EEG', 145),
    // Kinds, for free text. Recovery before loss ("recovered after loss"), "back to baseline"
    // before "baseline", notification before alert words.
    k('\\bmonitoring\\s+(start|started|begins?|began|on)\\b', 'monitoring_start', 100),
    k('\\bmonitoring\\s+(end|ended|stop|stopped|complete[d]?|off)\\b', 'monitoring_end', 101),
    k('\\b(recover(ed|y)?|returned|return(ing)? to baseline|back to baseline|resolved|improv(ed|ing))\\b', 'alert_resolved', 110),
    // A sentence that opens with the notification is one; "Loss of …, surgeon notified" is an
    // alert (normalize.ts also records its notification).
    k('^\\W*(the\\s+)?(surgeon|dr\\.?\\s+\\w+)\\s+(was\\s+)?(notified|informed|aware|told)\\b|^\\W*(notified|informed|told)\\s+(the\\s+)?(surgeon|dr\\b)', 'surgeon_notified', 111),
    k('\\b(reader|physician|neurophysiologist|dr\\.?\\s+\\w+)\\s+(joined|connected|logged (in|on)|online)\\b|\\bremote (reader|physician) (joined|connected)\\b', 'physician_joined', 116),
    k('\\b(reader|physician|neurophysiologist|dr\\.?\\s+\\w+)\\s+(left|disconnected|logged (out|off)|offline)\\b', 'physician_left', 117),
    k('\\b(raise[ds]?|increase[ds]?|elevat(e|ed))\\s+(the\\s+)?(map|bp|blood pressure)\\b|\\bmap\\s+(raised|increased)\\b|\\bretract(or|ion)s?\\s+(released|relaxed|removed)\\b|\\b(release[ds]?|relax(ed)?)\\s+(the\\s+)?retract|\\bscrew\\s+(removed|redirected)\\b|\\b(remove[ds]?|redirect(ed)?)\\s+(the\\s+)?screw\\b|\\breposition|\\bwarm(ed)? saline\\b|\\birrigat|\\bsteroids?\\b|\\breduce[ds]?\\s+(the\\s+)?(distraction|correction)\\b|\\bwake[-\\s]?up test\\b', 'intervention', 120),
    k('\\b(loss|lost|decreased?|declined?|drop(ped)?|down\\s+\\d+\\s?%|\\d+\\s?%\\s+(decrease|drop|reduction)|reduc(ed|tion)|latency (increase|prolong)|prolonged latency|train activity|neurotonic|a[-\\s]?trains?|alert|significant change|absent|disappear)', 'alert', 130),
    k('\\b(surgeon|dr\\.?\\s+\\w+)\\s+(was\\s+)?(notified|informed|aware|told)\\b|\\b(notified|informed|told)\\s+(the\\s+)?(surgeon|dr\\b)', 'surgeon_notified', 131),
    // "At closure all modalities at baseline" is a closing status, not a baseline recording.
    k('\\b(at|unchanged from|stable (at|from|compared to)|remain(ed|s)? at|consistent with|similar to|compared (to|with)) baseline\\b', 'note', 135),
    k('\\bbaseline', 'baseline', 140),
    k('\\b(propofol|remifentanil|sufentanil|fentanyl|ketamine|dexmedetomidine|sevo(flurane)?|des(flurane)?|iso(flurane)?|nitrous|n2o|mac\\b|bolus|tiva|paralytic|rocuronium|vecuronium|succinylcholine|neuromuscular block|anesthe)', 'anesthesia_change', 150),
    k('\\b(map|bp|blood pressure|heart rate|hr|temp(erature)?|spo2|sat|etco2)\\s*[:=]?\\s*\\d', 'vitals', 155),
    k('\\b(incision|skin (open|cut)|exposure|position(ed|ing)|prone|supine|lateral decubitus|intubat|induction|pedicle screw|screws?|instrumentation|rods?\\b|correction|derotation|distraction|osteotomy|decompression|laminectomy|discectomy|cage|graft|clamp(ed|ing)?|unclamp|cross[-\\s]?clamp|shunt|resection|closure|closing|skin closed|dura (open|closed))', 'milestone', 160),
  ] as const
).map((r) => ({ matchType: 'regex', modality: null, limb: null, side: null, kind: null, enabled: true, ...r }) as MappingRuleFields);

export type CompiledRules = Readonly<{
  modality: ReadonlyArray<Readonly<{ test: (s: string) => boolean; rule: MappingRuleFields }>>;
  kind: ReadonlyArray<Readonly<{ test: (s: string) => boolean; rule: MappingRuleFields }>>;
}>;

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Build the matcher for a rule; returns a message instead for a pattern that cannot be used. */
export function compileRule(rule: Pick<MappingRuleFields, 'matchType' | 'pattern'>): ((s: string) => boolean) | string {
  const pattern = rule.pattern.trim();
  if (!pattern) return 'The pattern is empty.';
  if (pattern.length > 1000) return 'The pattern is too long (1000 characters at most).';
  try {
    switch (rule.matchType) {
      case 'contains': {
        const needle = pattern.toLowerCase();
        return (s) => s.toLowerCase().includes(needle);
      }
      case 'word': {
        const re = new RegExp(`(^|[^\\p{L}\\p{N}])${escapeRegex(pattern)}($|[^\\p{L}\\p{N}])`, 'iu');
        return (s) => re.test(s);
      }
      case 'regex': {
        const re = new RegExp(pattern, 'iu');
        return (s) => re.test(s);
      }
    }
  } catch (e) {
    return `The pattern is not a valid regular expression (${e instanceof Error ? e.message : 'invalid'}).`;
  }
}

export function compileRules(rules: readonly MappingRuleFields[]): CompiledRules {
  const usable = [...rules]
    .filter((r) => r.enabled)
    .sort((a, b) => a.priority - b.priority)
    .flatMap((rule) => {
      const test = compileRule(rule);
      return typeof test === 'string' ? [] : [{ test, rule }];
    });
  return { modality: usable.filter((u) => u.rule.target === 'modality'), kind: usable.filter((u) => u.rule.target === 'kind') };
}

const SIDE_PATTERNS: ReadonlyArray<readonly [RegExp, EventSide]> = [
  [/\bbilat(eral)?\b|\bboth\b|\bb\/l\b/i, 'bilateral'],
  [/(^|[\s(_-])(l|lt|left)(?=$|[\s)_-])|\bleft\b/i, 'left'],
  [/(^|[\s(_-])(r|rt|right)(?=$|[\s)_-])|\bright\b/i, 'right'],
];

const LIMB_PATTERNS: ReadonlyArray<readonly [RegExp, Limb]> = [
  [/\bupper\b|\barms?\b|\bmedian\b|\bulnar\b|\bapb\b|\badm\b|\bfdi\b|\bbiceps\b|\bdeltoid\b|\bhand\b/i, 'upper'],
  [/\blower\b|\blegs?\b|\btibial\b|\bperoneal\b|\bptn?\b|\b(ta|ah|abd hal)\b|\btibialis\b|\bgastroc|\bquad|\bvastus\b|\bfoot\b|\bhallucis\b/i, 'lower'],
  [/\bfacial\b|\bcranial\b|\btongue\b|\borbicularis\b|\bmasseter\b/i, 'cranial'],
];

export type Mapped = Readonly<{ modality: Modality | null; limb: Limb | null; side: EventSide | null }>;

/** What modality, limb and side a site name (or a sentence naming one) refers to. */
export function mapModalityName(name: string, rules: CompiledRules): Mapped {
  const hit = rules.modality.find((r) => r.test(name));
  const side = hit?.rule.side ?? SIDE_PATTERNS.find(([re]) => re.test(name))?.[1] ?? null;
  // "Baseline upper and lower SSEP obtained" names both limbs: no single limb, then.
  const limbs = LIMB_PATTERNS.filter(([re]) => re.test(name)).map(([, l]) => l);
  const limb = hit?.rule.limb && !(limbs.length > 1 && limbs.includes(hit.rule.limb)) ? hit.rule.limb : limbs.length === 1 ? (limbs[0] as Limb) : null;
  return { modality: hit?.rule.modality ?? null, limb: hit ? limb : null, side: hit ? side : null };
}

/** The limb a muscle or site name belongs to ("deltoid" → upper), when it names exactly one. */
export function limbOfText(text: string): Limb | null {
  const limbs = LIMB_PATTERNS.filter(([re]) => re.test(text)).map(([, l]) => l);
  return limbs.length === 1 ? (limbs[0] as Limb) : null;
}

/** What kind of fact a free text states; null when no rule recognises it (it stays a note). */
export function classifyText(text: string, rules: CompiledRules): EventKind | null {
  return rules.kind.find((r) => r.test(text))?.rule.kind ?? null;
}

export function isValidRuleFields(r: MappingRuleFields): string | null {
  const test = compileRule(r);
  if (typeof test === 'string') return test;
  if (r.target === 'modality' && !(r.modality && (MODALITIES as readonly string[]).includes(r.modality))) return 'Choose the modality this name means.';
  if (r.target === 'kind' && !(r.kind && (EVENT_KINDS as readonly string[]).includes(r.kind))) return 'Choose the kind of event this text means.';
  if (r.limb && !(LIMBS as readonly string[]).includes(r.limb)) return 'Unknown limb.';
  if (r.side && !(EVENT_SIDES as readonly string[]).includes(r.side)) return 'Unknown side.';
  return null;
}
