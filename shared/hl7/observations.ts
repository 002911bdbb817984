/**
 * HL7 observation messages → capture facts for the IONM workstation.
 *
 * Anaesthesia machines, patient monitors and their gateways report what the anaesthetist sees
 * (MAP, heart rate, temperature, SpO2, end-tidal gases): the neurophysiologist needs those next
 * to the evoked potentials, because a falling MAP or a rising volatile agent explains a signal
 * change. Two message kinds are mapped:
 *
 * - ORU^R01 (IHE PCD-01 "Communicate PCD Data", also lab-style results): one fact per OBX that
 *   carries a value. kind 'vitals', extra {code, label, value, units, …}.
 * - ORU^R40 (IHE PCD ACM PCD-04 "Report Alert"): one fact per alert (per OBR group), text
 *   describing it, extra {alarm: true, …}. Also kind 'vitals', not 'alert': in this app an
 *   alert is a neuromonitoring signal change told to the surgeon; a monitor alarm is context.
 *
 * Nothing here is clinical inference: values, codes and units are kept as sent. What we do infer
 * is marked in `extra`: `shortName` (a label from a small table of well-known codes, used for
 * the display text) and `watchdog` (an ACM keep-alive rather than an alarm, see below).
 *
 * Time: OBX-14 (observation time), else OBR-7 (observation date/time of the group), else MSH-7
 * (message time), whichever first reads as a DTM of at least minute precision; the source goes
 * in extra.timeSource and a UTC offset, when sent, in extra.utcOffset (the wall clock is kept as
 * written, see dtm.ts). `key` is `${MSH-10}:${n}` with n the 1-based position of the OBX among
 * the message's OBX segments: stable across re-reads of the same message.
 */
import type { DeviceEvent, ParseWarning } from '../domain/device-event';
import { parseDtm, type DtmPrecision } from './dtm';
import { fieldValue, headerOf, repetitionCount, type Hl7Header, type Hl7Message, type Hl7Segment } from './parse';

/** Parser output: the same facts every device parser yields (shared/domain/device-event.ts). */
export type CaptureFact = DeviceEvent;
export type CaptureWarning = ParseWarning;

export type ObservationMapping = Readonly<{ events: readonly CaptureFact[]; warnings: readonly CaptureWarning[] }>;

type TimeSource = 'OBX-14' | 'OBR-7' | 'MSH-7';
type ResolvedTime = Readonly<{ wallClock: string; utcOffset: string | null; raw: string; source: TimeSource }>;

const ENOUGH: ReadonlySet<DtmPrecision> = new Set(['minute', 'second', 'fraction']);

/** Map an ORU^R01 or ORU^R40 message; any other message yields no facts and one warning. */
export function observationsFromMessage(msg: Hl7Message): ObservationMapping {
  const h = headerOf(msg);
  switch (observationKind(h)) {
    case 'results':
      return mapResults(msg);
    case 'alerts':
      return mapAlerts(msg);
    case null:
      return { events: [], warnings: [notObservationsWarning(h)] };
  }
}

/** One OBX with its position among the message's OBX segments (1-based) and the OBR it belongs to. */
export type ObxRow = Readonly<{ obx: Hl7Segment; index: number; obr: Hl7Segment | undefined }>;

/** Which observations a message carries, from its MSH-9: results (ORU^R01), alerts (ORU^R40), or none we read. */
export function observationKind(h: Hl7Header): 'results' | 'alerts' | null {
  if (h.messageCode === 'ORU' && h.triggerEvent === 'R01') return 'results';
  if (h.messageCode === 'ORU' && h.triggerEvent === 'R40') return 'alerts';
  return null;
}

/** The warning for a message that carries no observations we read. */
export function notObservationsWarning(h: Hl7Header): CaptureWarning {
  return { where: 'MSH-9', message: `Message type ${h.messageCode}^${h.triggerEvent} carries no observations we read (ORU^R01, ORU^R40).` };
}

function obxRows(msg: Hl7Message): ObxRow[] {
  const rows: ObxRow[] = [];
  let obr: Hl7Segment | undefined;
  let index = 0;
  for (const seg of msg.segments) {
    if (seg.id === 'OBR') obr = seg;
    if (seg.id === 'OBX') {
      index += 1;
      rows.push({ obx: seg, index, obr });
    }
  }
  return rows;
}

function resolveTime(candidates: readonly (readonly [TimeSource, string])[], where: string, warnings: CaptureWarning[]): ResolvedTime | null {
  for (const [source, value] of candidates) {
    if (value === '') continue;
    const t = parseDtm(value);
    if (!t) {
      warnings.push({ where, message: `${source} is not a valid HL7 date/time; trying the next source.` });
      continue;
    }
    if (!ENOUGH.has(t.precision)) continue;
    return { wallClock: t.wallClock, utcOffset: t.utcOffset, raw: value, source };
  }
  return null;
}

function timeExtra(t: ResolvedTime): Record<string, unknown> {
  return t.utcOffset ? { timeSource: t.source, utcOffset: t.utcOffset } : { timeSource: t.source };
}

// ---------------------------------------------------------------------------------------------
// ORU^R01

type ObxValue = Readonly<{ value: number | string; display: string; more?: Readonly<Record<string, unknown>> }>;

function mapResults(msg: Hl7Message): ObservationMapping {
  const h = headerOf(msg);
  const events: CaptureFact[] = [];
  const warnings: CaptureWarning[] = [];
  for (const row of obxRows(msg)) {
    const e = resultFact(h, row, warnings);
    if (e) events.push(e);
  }
  return { events, warnings };
}

/** One OBX of an ORU^R01 as a fact; null (with a warning where there is something to say) when it carries none. */
export function resultFact(h: Hl7Header, { obx, index, obr }: ObxRow, warnings: CaptureWarning[]): CaptureFact | null {
  const where = `OBX ${index}`;
  // Rows without a value are structure, not data: IEEE 11073 containment rows (MDS/VMD/
  // channel) in PCD-01, or status X "cannot be obtained". Skipped without a warning.
  if (obx.fields[5] === undefined || obx.fields[5].raw === '') return null;
  const valueType = fieldValue(obx, 2).trim().toUpperCase();
  const value = readValue(obx, valueType);
  if (value === null) {
    warnings.push({ where, message: `OBX-2 value type "${valueType}" with this OBX-5 is not read as an observation; row skipped.` });
    return null;
  }
  const time = resolveTime(
    [
      ['OBX-14', fieldValue(obx, 14)],
      ['OBR-7', fieldValue(obr, 7)],
      ['MSH-7', h.timestamp],
    ],
    where,
    warnings,
  );
  if (!time) {
    warnings.push({ where, message: 'No usable time (OBX-14, OBR-7, MSH-7 all missing or coarser than minutes); row skipped.' });
    return null;
  }
  const id = codedOf(obx, 3);
  const units = unitsOf(obx);
  const shortName = shortNameOf(id.code, id.label, id.system);
  const name = shortName ?? (id.label || id.code);
  const text = [name, value.display, units.units].filter((s) => s !== '').join(' ');
  return {
    wallClock: time.wallClock,
    key: `${h.controlId}:${index}`,
    text,
    kind: 'vitals',
    raw: time.raw,
    extra: compact({
      code: id.code,
      label: id.label,
      codeSystem: id.system,
      value: value.value,
      units: units.units,
      unitsCode: units.code !== units.units ? units.code : undefined,
      valueType,
      ...(value.more ?? {}),
      shortName,
      subId: fieldValue(obx, 4),
      referenceRange: fieldValue(obx, 7),
      abnormalFlags: fieldValue(obx, 8),
      status: fieldValue(obx, 11),
      ...timeExtra(time),
    }),
  };
}

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * OBX-5 by value type (OBX-2). Only the first repetition is read for NM/SN/coded values (a
 * monitor sends one value per OBX); text types join their repetitions as lines, which is how
 * TX/FT carry multi-line text. Null when the type is not one we read or a number is not one.
 */
function readValue(obx: Hl7Segment, valueType: string): ObxValue | null {
  const first = fieldValue(obx, 5).trim();
  switch (valueType) {
    case 'NM':
      return NUMBER.test(first) ? { value: Number(first), display: first } : null;
    case 'SN': {
      // Structured numeric: comparator ^ num1 ^ separator/suffix ^ num2 ("<^5", "^2^-^3", "^7").
      const cmp = fieldValue(obx, 5, { comp: 1 }).trim();
      const n1 = fieldValue(obx, 5, { comp: 2 }).trim();
      const sep = fieldValue(obx, 5, { comp: 3 }).trim();
      const n2 = fieldValue(obx, 5, { comp: 4 }).trim();
      if (!NUMBER.test(n1)) return null;
      if ((cmp === '' || cmp === '=') && sep === '' && n2 === '') return { value: Number(n1), display: n1 };
      const display = `${cmp}${n1}${sep}${n2}`;
      return { value: display, display, more: { comparator: cmp } };
    }
    case 'ST':
    case 'TX':
    case 'FT':
    case '': {
      const lines: string[] = [];
      const reps = repetitionCount(obx, 5);
      for (let r = 1; r <= reps; r += 1) lines.push(fieldValue(obx, 5, { rep: r }));
      const text = lines.join('\n').trim();
      return { value: text, display: text };
    }
    case 'CWE':
    case 'CE':
    case 'CNE':
    case 'CF': {
      const code = fieldValue(obx, 5, { comp: 1 }).trim();
      const label = fieldValue(obx, 5, { comp: 2 }).trim();
      const shown = label || code;
      return { value: shown, display: shown, more: compact({ valueCode: code, valueSystem: fieldValue(obx, 5, { comp: 3 }) }) };
    }
    default:
      return null;
  }
}

type Coded = Readonly<{ code: string; label: string; system: string }>;

function codedOf(seg: Hl7Segment | undefined, field: number): Coded {
  return {
    code: fieldValue(seg, field, { comp: 1 }).trim(),
    label: fieldValue(seg, field, { comp: 2 }).trim(),
    system: fieldValue(seg, field, { comp: 3 }).trim(),
  };
}

/**
 * ISO/IEEE 11073 MDC unit reference ids (what PCD-01 gateways send in OBX-6) → the unit a
 * clinician reads. Anything else (UCUM "mm[Hg]", "ug/dL", free text) is kept as written.
 */
const MDC_UNITS: Readonly<Record<string, string>> = {
  MDC_DIM_MMHG: 'mmHg',
  MDC_DIM_KILO_PA: 'kPa',
  MDC_DIM_BEAT_PER_MIN: '/min',
  MDC_DIM_RESP_PER_MIN: '/min',
  MDC_DIM_PERCENT: '%',
  MDC_DIM_DEGC: '°C',
  MDC_DIM_FAHR: '°F',
  MDC_DIM_SEC: 's',
  MDC_DIM_MILLI_SEC: 'ms',
  MDC_DIM_MILLI_L: 'mL',
};

/** UCUM codes as a report prints them ("Cel" → "°C", "mm[Hg]" → "mmHg"). */
const UCUM_DISPLAY: Readonly<Record<string, string>> = {
  Cel: '°C',
  '[degF]': '°F',
  'mm[Hg]': 'mmHg',
  '/min': '/min',
  '{beats}/min': '/min',
  '%': '%',
};

function unitsOf(obx: Hl7Segment): Readonly<{ units: string; code: string }> {
  const u = codedOf(obx, 6);
  const mdc = MDC_UNITS[u.label] ?? MDC_UNITS[u.code];
  if (mdc) return { units: mdc, code: u.code };
  // MDC gateways put a numeric unit code first and the name second: show the name.
  if (u.code === '' || /^\d+$/.test(u.code)) return { units: u.label, code: u.code };
  return { units: UCUM_DISPLAY[u.code] ?? u.code, code: u.code };
}

/**
 * The few parameters an IONM record names by a short label. By MDC reference id (OBX-3.2, as
 * IEEE 11073 gateways send) or by LOINC code (OBX-3.1 with OBX-3.3 "LN"). Deliberately narrow:
 * e.g. only arterial and non-invasive mean pressures are "MAP", never a venous mean.
 */
const MDC_SHORT_NAMES: readonly (readonly [RegExp, string])[] = [
  [/^MDC_PRESS_BLD(?:_ART(?:_ABP)?|_NONINV)?_MEAN$/, 'MAP'],
  [/^MDC_PRESS_BLD(?:_ART(?:_ABP)?|_NONINV)?_SYS$/, 'SBP'],
  [/^MDC_PRESS_BLD(?:_ART(?:_ABP)?|_NONINV)?_DIA$/, 'DBP'],
  [/^MDC_ECG_HEART_RATE$/, 'HR'],
  [/^MDC_(?:PULS_RATE|PULS_OXIM_PULS_RATE|PULS_RATE_NON_INV|BLD_PULS_RATE_INV)$/, 'PR'],
  [/^MDC_PULS_OXIM_SAT_O2$/, 'SpO2'],
  [/^MDC_TEMP(?:_[A-Z]+)*\d?$/, 'Temp'],
  [/^MDC_(?:CONC_)?AWAY_CO2_ET$/, 'EtCO2'],
  [/^MDC_(?:RESP_RATE|CO2_RESP_RATE|AWAY_RESP_RATE|TTHOR_RESP_RATE)$/, 'RR'],
  [/^MDC_CONC_AWAY_SEVOFL_ET$/, 'EtSevo'],
  [/^MDC_CONC_AWAY_DESFL_ET$/, 'EtDes'],
  [/^MDC_CONC_AWAY_ISOFL_ET$/, 'EtIso'],
  [/^MDC_CONC_AWAY_N2O_ET$/, 'EtN2O'],
];

const LOINC_SHORT_NAMES: Readonly<Record<string, string>> = {
  '8478-0': 'MAP',
  '8480-6': 'SBP',
  '8462-4': 'DBP',
  '8867-4': 'HR',
  '59408-5': 'SpO2',
  '8310-5': 'Temp',
  '9279-1': 'RR',
};

function shortNameOf(code: string, label: string, system: string): string | undefined {
  if (system === 'LN' || system === 'LOINC') {
    const ln = LOINC_SHORT_NAMES[code];
    if (ln) return ln;
  }
  for (const [re, name] of MDC_SHORT_NAMES) if (re.test(label)) return name;
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// ORU^R40 (IHE PCD ACM)

/**
 * ACM alert attributes, each reported as its own OBX after the alert's event OBX (IHE PCD TF-2
 * PCD-04). Matched by MDC reference id, or by the numeric code seen in the Draeger reference
 * messages when a sender leaves the id text out.
 */
const ATTRS = {
  source: ['MDC_ATTR_ALERT_SOURCE', '68480'],
  phase: ['MDC_ATTR_EVENT_PHASE', '68481'],
  state: ['MDC_ATTR_ALARM_STATE', '68482'],
  inactivationState: ['MDC_ATTR_ALARM_INACTIVATION_STATE', '68483'],
  priority: ['MDC_ATTR_ALARM_PRIORITY', '68484'],
  alertType: ['MDC_ATTR_ALERT_TYPE', '68485'],
  confirmTimeout: ['MDC_ATTR_CONFIRM_TIMEOUT', '67860'],
} as const;
type AttrName = keyof typeof ATTRS;

const PRIORITY_WORDS: Readonly<Record<string, string>> = { PN: 'no', PL: 'low', PM: 'medium', PH: 'high' };
const TYPE_WORDS: Readonly<Record<string, string>> = { SP: 'physiological', ST: 'technical', SA: 'advisory' };

function attrOf(id: Coded): AttrName | undefined {
  for (const [name, [text, code]] of Object.entries(ATTRS) as [AttrName, readonly [string, string]][]) {
    if (id.label === text || (id.label === '' && id.system === 'MDC' && id.code === code)) return name;
  }
  return undefined;
}

/** MDC partition 3 (events, codes 196608–262143) or an MDC_EVT_ reference id. */
function isEventId(id: Coded): boolean {
  if (id.label.startsWith('MDC_EVT_')) return true;
  const n = Number(id.code);
  return id.label === '' && id.system === 'MDC' && Number.isInteger(n) && n >= 3 * 65536 && n < 4 * 65536;
}

function mapAlerts(msg: Hl7Message): ObservationMapping {
  const h = headerOf(msg);
  const events: CaptureFact[] = [];
  const warnings: CaptureWarning[] = [];
  const groups = new Map<Hl7Segment | undefined, ObxRow[]>();
  for (const row of obxRows(msg)) {
    const g = groups.get(row.obr);
    if (g) g.push(row);
    else groups.set(row.obr, [row]);
  }
  let groupNo = 0;
  for (const [obr, rows] of groups) {
    groupNo += 1;
    const e = alertFact(h, obr, rows, groupNo, warnings);
    if (e) events.push(e);
  }
  return { events, warnings };
}

/** One alert of an ORU^R40 (the OBX rows of one OBR, in order) as a fact; null, with a warning, when it cannot be read. */
export function alertFact(h: Hl7Header, obr: Hl7Segment | undefined, rows: readonly ObxRow[], groupNo: number, warnings: CaptureWarning[]): CaptureFact | null {
  const where = `OBR ${groupNo}`;
  const eventRow = rows.find((r) => isEventId(codedOf(r.obx, 3)));
  if (!eventRow) {
    warnings.push({ where, message: 'No alert event OBX (MDC_EVT_…) in this group; skipped.' });
    return null;
  }
  const time = resolveTime(
    [
      ['OBX-14', fieldValue(eventRow.obx, 14)],
      ['OBR-7', fieldValue(obr, 7)],
      ['MSH-7', h.timestamp],
    ],
    where,
    warnings,
  );
  if (!time) {
    warnings.push({ where, message: 'No usable alert time (OBX-14, OBR-7, MSH-7); skipped.' });
    return null;
  }
  const event = codedOf(eventRow.obx, 3);
  const eventText = fieldValue(eventRow.obx, 5).trim();
  const attrs: Partial<Record<AttrName, Hl7Segment>> = {};
  const measurements: Record<string, unknown>[] = [];
  for (const r of rows) {
    if (r === eventRow) continue;
    const id = codedOf(r.obx, 3);
    const attr = attrOf(id);
    if (attr) attrs[attr] = r.obx;
    else if (fieldValue(r.obx, 2) === 'NM' && fieldValue(r.obx, 5) !== '') {
      // The alarmed parameter's current value, with its limits in OBX-7 when sent.
      measurements.push(
        compact({
          code: id.code,
          label: id.label,
          value: NUMBER.test(fieldValue(r.obx, 5).trim()) ? Number(fieldValue(r.obx, 5).trim()) : fieldValue(r.obx, 5),
          units: unitsOf(r.obx).units,
          limits: fieldValue(r.obx, 7),
        }),
      );
    }
  }
  const read = (a: AttrName): string => fieldValue(attrs[a], 5).trim();
  const priority = read('priority');
  const alertType = read('alertType');
  const phase = read('phase');
  const state = read('state');
  const sourceSeg = attrs.source;
  const timeout = attrs.confirmTimeout;
  // The ACM watchdog (keep-alive) is not an alarm. The Draeger reference implementation sends
  // it as MDC_EVT_ACTIVE with priority PN until a code MDC_EVT_WATCHDOG is assigned; we infer
  // "watchdog" from exactly those two forms and say so in extra.
  const watchdog = event.label === 'MDC_EVT_WATCHDOG' || (event.label === 'MDC_EVT_ACTIVE' && priority === 'PN');
  const what = eventText || event.label || event.code;
  const status = [phase, state].filter((s) => s !== '').join(', ');
  const head = watchdog
    ? 'Alarm system watchdog'
    : `${capitalise([TYPE_WORDS[alertType], 'alarm'].filter(Boolean).join(' '))}${PRIORITY_WORDS[priority] ? `, ${PRIORITY_WORDS[priority]} priority` : ''}`;
  return {
    wallClock: time.wallClock,
    key: `${h.controlId}:${eventRow.index}`,
    text: `${head}: ${what}${status ? ` (${status})` : ''}`,
    kind: 'vitals',
    raw: time.raw,
    extra: compact({
      alarm: true,
      watchdog,
      code: event.code,
      label: event.label,
      codeSystem: event.system,
      value: eventText,
      alertId: fieldValue(obr, 3),
      phase,
      state,
      inactivationState: read('inactivationState'),
      priority,
      alertType,
      source: sourceSeg ? compact({ code: fieldValue(sourceSeg, 5, { comp: 1 }), label: fieldValue(sourceSeg, 5, { comp: 2 }) }) : undefined,
      confirmTimeout: timeout ? compact({ value: numberOrText(fieldValue(timeout, 5)), units: unitsOf(timeout).units }) : undefined,
      measurements: measurements.length > 0 ? measurements : undefined,
      ...timeExtra(time),
    }),
  };
}

function numberOrText(s: string): number | string {
  const t = s.trim();
  return NUMBER.test(t) ? Number(t) : t;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Drop undefined and '' so events carry only what the message said. */
function compact(o: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined && v !== '') out[k] = v;
  return out;
}
