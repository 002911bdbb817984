/**
 * What denials and late reports cost a practice each month, and what changes when reports and
 * claims are clean at case close. Pure: the ROI page, `closeout roi` and the tests share it.
 *
 * The model (every money figure per month; yearly = monthly × 12):
 *
 *   denied            = cases per month × denial rate
 *   rework            = denied × staff minutes per denial ÷ 60 × staff cost per hour
 *   revenue lost      = denied × (1 − share recovered on appeal) × reimbursement per case
 *   delayed cash      = denied × share recovered × reimbursement per case
 *   carrying cost     = delayed cash × annual cost of capital × days in A/R ÷ 365
 *   leakage           = rework + revenue lost + carrying cost
 *
 * "With Closeout" is the same model at the expected denial rate. Savings = leakage now − leakage
 * with Closeout; net benefit = savings − the software's monthly cost; payback = one-time setup
 * cost ÷ net benefit (immediately when there is no setup cost and the net benefit is positive,
 * never when the net benefit is not positive).
 *
 * Money is rounded to cents at each line, and totals are sums of the rounded lines, so every
 * equation shown ("$195.00 + $2,400.00 + $35.51 = $2,630.51") adds up exactly as printed.
 * Reference figures (defaults and help text) come from ../shared/reference/billing-rules.md §6.
 */
import { z } from 'zod';

/** The reference's sources behind the help text (billing-rules.md, Sources). */
export const ROI_SOURCES = {
  S53: 'https://nervecenter.polsia.app/blog/the-complete-guide-to-ionm-claim-denials',
  S54: 'https://nervecenter.polsia.app/blog/why-ionm-billing-rejections-cost-you-more-than-you-think',
  S55: 'https://beckershospitalreview.com/finance/denial-rework-costs-providers-roughly-118-per-claim-4-takeaways.html',
  S56: 'https://premierinc.com/newsroom/blog/trend-alert-private-payers-retain-profits-by-refusing-or-delaying-legitimate-medical-claims',
  S57: 'https://chiefhealthcareexecutive.com/view/hospitals-providers-spent-25b-on-battles-with-claims-report-finds',
  S58: 'https://www.webpt.com/blog/post/the-true-cost-of-a-denied-claim-in-your-pt-practice/',
  S59: 'http://education.ncgmedical.com/blog/how-much-are-claim-rejections-costing-you',
  S60: 'https://www.goodknightconsulting.net/post/shrinking-reimbursment',
} as const;
export type RoiSourceId = keyof typeof ROI_SOURCES;

export type RoiUnit = 'cases' | 'usd' | 'percent' | 'minutes' | 'usd_per_hour' | 'days';

export type RoiField = Readonly<{
  key: RoiKey;
  label: string;
  unit: RoiUnit;
  min: number;
  max: number;
  step: number;
  default: number;
  /** The CLI flag (`closeout roi --cases-per-month 30`). */
  flag: string;
  help: string;
  sources: readonly RoiSourceId[];
}>;

/**
 * Every input with its range and default. The issue's defaults; ranges are wide enough for any
 * practice and narrow enough to catch a typo (a 2,000% denial rate, 9,000 days in A/R).
 */
export const ROI_FIELDS = [
  { key: 'casesPerMonth', label: 'Cases per month', unit: 'cases', min: 0, max: 10_000, step: 1, default: 30, flag: 'cases-per-month', help: 'Monitored cases the practice bills in a month. "Use my numbers" takes it from your cases.', sources: [] },
  { key: 'reimbursement', label: 'Average reimbursement per case', unit: 'usd', min: 0, max: 100_000, step: 50, default: 1000, flag: 'reimbursement', help: 'What a paid case brings in. A complex spine case now pays about $1,500-2,000 (consultant blog, S60).', sources: ['S60'] },
  { key: 'denialRatePct', label: 'Current denial rate', unit: 'percent', min: 0, max: 100, step: 1, default: 20, flag: 'denial-rate', help: 'Share of claims denied today. IONM practices report 15-30% of billable cases lost to denials (vendor blog, no method, S53); private payers deny about 15% (Premier, S56).', sources: ['S53', 'S56'] },
  { key: 'recoveredPct', label: 'Denials recovered on appeal', unit: 'percent', min: 0, max: 100, step: 1, default: 60, flag: 'recovered', help: 'Share of denied claims paid in the end. 63% of hospital denials are recoverable (Change Healthcare, S55); private payers paid 54% (2022) to about 70% (2023) after appeals (Premier, S56, S57).', sources: ['S55', 'S56', 'S57'] },
  { key: 'staffMinutesPerDenial', label: 'Staff time per denial', unit: 'minutes', min: 0, max: 600, step: 5, default: 60, flag: 'staff-minutes', help: 'Rework on one denied IONM claim: 30-90 minutes (vendor blog, S54).', sources: ['S54'] },
  { key: 'staffCostPerHour', label: 'Staff cost per hour', unit: 'usd_per_hour', min: 0, max: 500, step: 0.5, default: 32.5, flag: 'staff-cost', help: "The biller's loaded hourly cost. For scale: $25 per claim reworked (MGMA, secondary, S58, S59); $43.84-57.23 per claim fought (Premier, S56, S57).", sources: ['S58', 'S59', 'S56', 'S57'] },
  { key: 'arDays', label: 'Days a denied claim sits in A/R', unit: 'days', min: 0, max: 365, step: 1, default: 45, flag: 'ar-days', help: 'How long the money of a denied claim that is later paid waits. Private payers pay after about 3 rounds of 45-60 days (Premier, S56, S57).', sources: ['S56', 'S57'] },
  { key: 'costOfCapitalPct', label: 'Annual cost of capital', unit: 'percent', min: 0, max: 50, step: 0.5, default: 8, flag: 'cost-of-capital', help: 'What money waiting in A/R costs the practice a year: your line-of-credit rate, or what the cash would earn.', sources: [] },
  { key: 'expectedDenialRatePct', label: 'Expected denial rate with reports clean at close', unit: 'percent', min: 0, max: 100, step: 1, default: 5, flag: 'expected-denial-rate', help: 'Your estimate once reports and claims are complete when the case closes. Not from a study: try your own figure.', sources: [] },
  { key: 'softwareCostPerMonth', label: 'Software cost per month', unit: 'usd', min: 0, max: 100_000, step: 50, default: 0, flag: 'software-cost', help: 'Your quote for Closeout, per month. Left at $0, savings are shown before the software.', sources: [] },
  { key: 'setupCost', label: 'One-time setup cost', unit: 'usd', min: 0, max: 1_000_000, step: 100, default: 0, flag: 'setup-cost', help: 'Installation and training paid once; the payback is the months of net savings it takes to cover it.', sources: [] },
] as const satisfies ReadonlyArray<Omit<RoiField, 'key'> & { key: string }>;

export type RoiKey = (typeof ROI_FIELDS)[number]['key'];
export type RoiInputs = Readonly<Record<RoiKey, number>>;

export const ROI_DEFAULTS: RoiInputs = Object.fromEntries(ROI_FIELDS.map((f) => [f.key, f.default])) as RoiInputs;

function rangeText(f: (typeof ROI_FIELDS)[number]): string {
  const v = (n: number) => (f.unit === 'usd' || f.unit === 'usd_per_hour' ? usd(n, n % 1 === 0) : num(n));
  const unit = f.unit === 'percent' ? '%' : f.unit === 'minutes' ? ' minutes' : f.unit === 'days' ? ' days' : f.unit === 'usd_per_hour' ? ' an hour' : '';
  return `${f.label} must be between ${v(f.min)}${unit} and ${v(f.max)}${unit}.`;
}

/** Every input a finite number in its range; missing ones take their default. */
export const RoiInputSchema = z.object(
  Object.fromEntries(
    ROI_FIELDS.map((f) => [
      f.key,
      z
        .number({ error: `${f.label}: enter a number.` })
        .refine((n) => Number.isFinite(n), { error: `${f.label}: enter a number.` })
        .refine((n) => n >= f.min && n <= f.max, { error: rangeText(f) })
        .default(f.default),
    ]),
  ) as Record<RoiKey, z.ZodDefault<z.ZodNumber>>,
);

// ---------------------------------------------------------------- numbers as a person writes them

/** Float noise off (6 × 0.6 is 3.5999999999999996 in binary): 12 significant digits are plenty. */
function clean(x: number): number {
  return Number(x.toPrecision(12));
}

/**
 * Rounded to cents, half away from zero, exact for any amount the model can reach. The cents are
 * taken to 15 significant digits first: that drops binary noise (1.005 × 100 is 100.49999…) and
 * keeps every cent of amounts up to ten billion dollars (12 digits, as `clean` uses, cut
 * $10,600,800,000.12 to .10).
 */
export function cents(x: number): number {
  const c = Number((x * 100).toPrecision(15));
  return (Math.sign(c) * Math.round(Math.abs(c))) / 100;
}

function group(intPart: string): string {
  return intPart.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** "$1,234.56" (or "$1,235" with whole = true); negative as "-$12.00". */
export function usd(x: number, whole = false): string {
  const v = whole ? Math.round(cents(x)) : cents(x);
  const [i, d] = Math.abs(v).toFixed(whole ? 0 : 2).split('.');
  return `${v < 0 ? '-' : ''}$${group(i as string)}${d ? `.${d}` : ''}`;
}

/** A count or measure with at most `decimals` places and no trailing zeros: 6, 1.5, 3.6. */
export function num(x: number, decimals = 2): string {
  const [i, d] = Math.abs(clean(x)).toFixed(decimals).split('.');
  const frac = (d ?? '').replace(/0+$/, '');
  const s = `${group(i as string)}${frac ? `.${frac}` : ''}`;
  return x < 0 && s !== '0' ? `-${s}` : s;
}

export function pct(x: number): string {
  return `${num(x)}%`;
}

const plural = (n: number, one: string, many: string) => (clean(n) === 1 ? one : many);

// ---------------------------------------------------------------- the model

export type RoiLineId = 'denied' | 'rework' | 'lost' | 'carrying' | 'leakage';

export type RoiLine = Readonly<{
  id: RoiLineId;
  label: string;
  unit: 'claims' | 'usd';
  monthly: number;
  yearly: number;
  /** The monthly figure's arithmetic, with the numbers filled in. */
  arithmetic: string;
  yearlyArithmetic: string;
}>;

export type RoiScenario = Readonly<{
  denialRatePct: number;
  lines: readonly RoiLine[];
  /** Monthly leakage (the `leakage` line's value). */
  leakage: number;
}>;

export type RoiFigure = Readonly<{ monthly: number; yearly: number; arithmetic: string; yearlyArithmetic: string }>;

export type RoiPayback =
  | Readonly<{ kind: 'immediately'; months: 0; text: string; arithmetic: string }>
  | Readonly<{ kind: 'months'; months: number; text: string; arithmetic: string }>
  | Readonly<{ kind: 'never'; months: null; text: string; arithmetic: string }>;

export type RoiPoint = Readonly<{ denialRatePct: number; leakage: number }>;

export type RoiResult = Readonly<{
  inputs: RoiInputs;
  now: RoiScenario;
  withCloseout: RoiScenario;
  /** Leakage per denied claim: the slope of the chart. */
  perDenial: Readonly<{ value: number; arithmetic: string }>;
  savings: RoiFigure;
  software: RoiFigure;
  net: RoiFigure;
  payback: RoiPayback;
  /** Monthly leakage from 0% to at least 40% denial rate, one point per percent. */
  series: readonly RoiPoint[];
}>;

function yearly(monthly: number, label = ''): { yearly: number; yearlyArithmetic: string } {
  const y = cents(monthly * 12);
  return { yearly: y, yearlyArithmetic: `${label}${usd(monthly)} × 12 = ${usd(y)}` };
}

/** The model's numbers at one denial rate (the chart calls this 41+ times per keystroke). */
function amounts(i: RoiInputs, denialRatePct: number) {
  // denied = cases per month × denial rate
  const denied = clean((i.casesPerMonth * denialRatePct) / 100);
  // rework = denied × minutes ÷ 60 × cost per hour
  const rework = cents(((denied * i.staffMinutesPerDenial) / 60) * i.staffCostPerHour);
  // revenue lost = denied × (1 − recovered) × reimbursement
  const unrecoveredPct = clean(100 - i.recoveredPct);
  const lost = cents(((denied * unrecoveredPct) / 100) * i.reimbursement);
  // delayed cash = denied × recovered × reimbursement; carrying = delayed × rate × days ÷ 365
  const delayed = cents(((denied * i.recoveredPct) / 100) * i.reimbursement);
  const carrying = cents((((delayed * i.costOfCapitalPct) / 100) * i.arDays) / 365);
  // leakage = rework + lost + carrying (of the rounded lines, so the printed sum adds up)
  const leakage = cents(rework + lost + carrying);
  return { denied, rework, unrecoveredPct, lost, delayed, carrying, leakage };
}

/** The model at one denial rate, each line with its arithmetic. */
export function scenario(i: RoiInputs, denialRatePct: number): RoiScenario {
  const { denied, rework, unrecoveredPct, lost, delayed, carrying, leakage } = amounts(i, denialRatePct);
  const d = num(denied);
  const claims = plural(denied, 'denied claim', 'denied claims');

  const lines: RoiLine[] = [
    {
      id: 'denied',
      label: 'Denied claims',
      unit: 'claims',
      monthly: denied,
      yearly: clean(denied * 12),
      arithmetic: `${num(i.casesPerMonth)} ${plural(i.casesPerMonth, 'case', 'cases')} × ${pct(denialRatePct)} = ${d} ${claims}`,
      yearlyArithmetic: `${d} × 12 = ${num(denied * 12)} ${plural(denied * 12, 'denied claim', 'denied claims')}`,
    },
    {
      id: 'rework',
      label: 'Staff cost of rework',
      unit: 'usd',
      monthly: rework,
      ...yearly(rework),
      arithmetic: `${d} ${claims} × ${num(i.staffMinutesPerDenial)} min ÷ 60 × ${usd(i.staffCostPerHour)}/h = ${usd(rework)}`,
    },
    {
      id: 'lost',
      label: 'Revenue lost (denials never recovered)',
      unit: 'usd',
      monthly: lost,
      ...yearly(lost),
      arithmetic: `${d} ${claims} × ${pct(unrecoveredPct)} not recovered × ${usd(i.reimbursement)} = ${usd(lost)}`,
    },
    {
      id: 'carrying',
      label: 'Carrying cost of delayed cash',
      unit: 'usd',
      monthly: carrying,
      ...yearly(carrying),
      arithmetic: `${d} ${claims} × ${pct(i.recoveredPct)} recovered × ${usd(i.reimbursement)} = ${usd(delayed)} paid ${num(i.arDays)} days late; ${usd(delayed)} × ${pct(i.costOfCapitalPct)} a year × ${num(i.arDays)} ÷ 365 days = ${usd(carrying)}`,
    },
    {
      id: 'leakage',
      label: 'Total leakage',
      unit: 'usd',
      monthly: leakage,
      ...yearly(leakage),
      arithmetic: `${usd(rework)} + ${usd(lost)} + ${usd(carrying)} = ${usd(leakage)}`,
    },
  ];
  return { denialRatePct, lines, leakage };
}

/** Leakage of one denied claim (before rounding the month): the chart's slope. */
function perDenial(i: RoiInputs): RoiResult['perDenial'] {
  const rework = (i.staffMinutesPerDenial / 60) * i.staffCostPerHour;
  const lost = ((100 - i.recoveredPct) / 100) * i.reimbursement;
  const carrying = ((((i.recoveredPct / 100) * i.reimbursement * i.costOfCapitalPct) / 100) * i.arDays) / 365;
  const value = cents(rework + lost + carrying);
  return {
    value,
    arithmetic: `${usd(rework)} rework + ${usd(lost)} never recovered + ${usd(carrying)} carrying = ${usd(value)} per denied claim`,
  };
}

function payback(i: RoiInputs, savings: number, net: number): RoiPayback {
  if (net <= 0) {
    return {
      kind: 'never',
      months: null,
      text: 'Never',
      arithmetic: `Savings of ${usd(savings)} a month do not exceed the software cost of ${usd(i.softwareCostPerMonth)} a month.`,
    };
  }
  if (i.setupCost <= 0) {
    return {
      kind: 'immediately',
      months: 0,
      text: 'Immediately',
      arithmetic: `No setup cost, and savings of ${usd(savings)} a month exceed the software cost of ${usd(i.softwareCostPerMonth)} a month from the first month.`,
    };
  }
  const months = clean(i.setupCost / net);
  // Under a tenth of a month, tenths would print "0 months": two significant digits instead.
  const shown = months >= 0.1 ? num(months, 1) : num(Number(months.toPrecision(2)), 12);
  return {
    kind: 'months',
    months,
    text: `${shown} ${plural(Number(shown), 'month', 'months')}`,
    arithmetic: `${usd(i.setupCost)} setup ÷ ${usd(net)} net savings a month = ${shown} months`,
  };
}

/** The highest denial rate on the chart: 40%, or further when a rate shown lies beyond it. */
export function seriesMax(i: RoiInputs): number {
  return Math.max(40, Math.ceil(Math.max(i.denialRatePct, i.expectedDenialRatePct) / 10) * 10);
}

/** Inputs already checked (RoiInputSchema); see the module comment for the model. */
export function computeRoi(i: RoiInputs): RoiResult {
  const now = scenario(i, i.denialRatePct);
  const withCloseout = scenario(i, i.expectedDenialRatePct);
  const s = cents(now.leakage - withCloseout.leakage);
  const sw = cents(i.softwareCostPerMonth);
  const n = cents(s - sw);
  const series: RoiPoint[] = [];
  for (let r = 0; r <= seriesMax(i); r++) series.push({ denialRatePct: r, leakage: amounts(i, r).leakage });
  return {
    inputs: i,
    now,
    withCloseout,
    perDenial: perDenial(i),
    savings: { monthly: s, ...yearly(s), arithmetic: `${usd(now.leakage)} now − ${usd(withCloseout.leakage)} with Closeout = ${usd(s)}` },
    software: { monthly: sw, ...yearly(sw), arithmetic: `${usd(sw)} a month` },
    net: { monthly: n, ...yearly(n), arithmetic: `${usd(s)} savings − ${usd(sw)} software = ${usd(n)}` },
    payback: payback(i, s, n),
    series,
  };
}

export type RoiParse = Readonly<{ ok: true; inputs: RoiInputs }> | Readonly<{ ok: false; fields: Readonly<Partial<Record<RoiKey, string>>>; message: string }>;

/** Check raw inputs (missing ones default); field messages in plain words. */
export function parseRoiInputs(raw: unknown): RoiParse {
  const r = RoiInputSchema.safeParse(raw);
  if (r.success) return { ok: true, inputs: r.data as RoiInputs };
  const fields: Partial<Record<RoiKey, string>> = {};
  for (const issue of r.error.issues) {
    const key = String(issue.path[0]) as RoiKey;
    fields[key] ??= issue.message;
  }
  return { ok: false, fields, message: Object.values(fields).join(' ') || 'Some inputs need attention.' };
}

/** The text a practice manager can check line by line (CLI and copy-paste). */
export function roiText(r: RoiResult): string {
  const out: string[] = [];
  const block = (title: string, s: RoiScenario) => {
    out.push(`${title} (denial rate ${pct(s.denialRatePct)})`);
    for (const l of s.lines) out.push(`  ${l.label.padEnd(40)} ${(l.unit === 'usd' ? usd(l.monthly) : num(l.monthly)).padStart(12)} a month   ${(l.unit === 'usd' ? usd(l.yearly) : num(l.yearly)).padStart(13)} a year`, `      ${l.arithmetic}`);
    out.push('');
  };
  out.push('Inputs');
  for (const f of ROI_FIELDS) {
    const v = r.inputs[f.key];
    const shown = f.unit === 'usd' ? usd(v) : f.unit === 'usd_per_hour' ? `${usd(v)} an hour` : f.unit === 'percent' ? pct(v) : f.unit === 'minutes' ? `${num(v)} min` : f.unit === 'days' ? `${num(v)} days` : num(v);
    out.push(`  ${f.label.padEnd(50)} ${shown}   (--${f.flag})`);
  }
  out.push('');
  block('Now', r.now);
  block('With Closeout', r.withCloseout);
  out.push(`Each denied claim costs ${r.perDenial.arithmetic.replace(/ per denied claim$/, '')}.`);
  out.push(`Savings:      ${usd(r.savings.monthly)} a month (${r.savings.arithmetic}); ${usd(r.savings.yearly)} a year (${r.savings.yearlyArithmetic})`);
  out.push(`Software:     ${usd(r.software.monthly)} a month; ${usd(r.software.yearly)} a year`);
  out.push(`Net benefit:  ${usd(r.net.monthly)} a month (${r.net.arithmetic}); ${usd(r.net.yearly)} a year`);
  out.push(`Payback:      ${r.payback.text}. ${r.payback.arithmetic}`);
  out.push('');
  out.push('Where the default figures come from (the expected denial rate is your own estimate):');
  for (const [id, url] of Object.entries(ROI_SOURCES)) out.push(`  ${id} ${url}`);
  return `${out.join('\n')}\n`;
}
