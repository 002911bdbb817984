/**
 * The practice dashboard from the practice's own cases: cases by status, report lag (capture end
 * → draft complete, → signed, → delivered), the share of cases clean at close, the scrubber's
 * top findings, minutes captured vs billed, and the same per technologist and per physician.
 *
 * Pure: the backend reads one summary row per case (the case, its step times from `case_times`
 * and its claim summary from `claim_index`) and this module does the arithmetic, so the figures
 * are tested without a database and are the same in the app, the CLI and the CSV.
 *
 * Definitions (also in the README):
 * - "Closed cases" are cases past capture (closed, signed, sent, amended); open and capturing
 *   cases count only in "cases by status" and in cases per month.
 * - Capture end is when monitoring ended on the timeline, or when the case was closed if the
 *   timeline has no end. A lag is the time from capture end to the step's first time; a step
 *   recorded before capture end (device clock ahead of the workstation) counts as 0.
 * - Median: the middle lag (the mean of the two middle ones for an even count). 90th
 *   percentile: nearest rank, the lag at position ⌈0.9 × n⌉ in ascending order.
 * - Clean at close: the first claim after capture had no blocking finding but the signature
 *   (see migration 0006). Top findings count cases per rule in each case's latest claim.
 * - Weeks are ISO weeks (Monday to Sunday) of the date of service.
 */
import { CASE_STATUSES, CASE_STATUS_LABELS, type CaseStatus } from '../domain/vocabulary';
import { addDays, pad2 } from '../util/time';

export const LAG_STEPS = ['draft', 'signed', 'delivered'] as const;
export type LagStep = (typeof LAG_STEPS)[number];
export const LAG_STEP_LABELS: Readonly<Record<LagStep, string>> = {
  draft: 'Draft complete',
  signed: 'Signed',
  delivered: 'Delivered to the EHR',
};

/** One case as the store summarises it (times in ms since the epoch). */
export type DashboardCaseRow = Readonly<{
  caseId: string;
  status: CaseStatus;
  dateOfService: string;
  technologistId: string | null;
  physicianId: string | null;
  monitoringEnded: number | null;
  closed: number | null;
  draftComplete: number | null;
  signed: number | null;
  delivered: number | null;
  claim: Readonly<{ billedMinutes: number; monitoredMinutes: number | null; cleanAtClose: boolean | null; topRules: readonly string[] }> | null;
}>;

export type RuleInfo = Readonly<{ title: string; severity: string }>;

export type LagStat = Readonly<{
  step: LagStep;
  label: string;
  /** Closed cases with this step recorded. */
  measured: number;
  /** Closed cases still without it. */
  waiting: number;
  medianMinutes: number | null;
  p90Minutes: number | null;
}>;

export type WeekRow = Readonly<{
  /** ISO week, "2026-W48". */
  week: string;
  monday: string;
  /** Closed cases with their date of service in the week. */
  cases: number;
  medianMinutes: Readonly<Record<LagStep, number | null>>;
  cleanAtClose: number;
  notCleanAtClose: number;
  capturedMinutes: number;
  billedMinutes: number;
}>;

export type PersonRow = Readonly<{
  personId: string | null;
  name: string;
  cases: number;
  medianDraftMinutes: number | null;
  medianSignedMinutes: number | null;
  cleanSharePct: number | null;
  capturedMinutes: number;
  billedMinutes: number;
}>;

export type FindingRow = Readonly<{ rule: string; title: string; severity: string; cases: number; sharePct: number }>;

export type Dashboard = Readonly<{
  from: string | null;
  to: string | null;
  /** Earliest and latest date of service among the cases (null when there are none). */
  firstDate: string | null;
  lastDate: string | null;
  cases: number;
  closedCases: number;
  byStatus: ReadonlyArray<Readonly<{ status: CaseStatus; label: string; cases: number }>>;
  lag: readonly LagStat[];
  weeks: readonly WeekRow[];
  clean: Readonly<{ measured: number; clean: number; notClean: number; unknown: number; sharePct: number | null; arithmetic: string }>;
  findings: readonly FindingRow[];
  minutes: Readonly<{ cases: number; captured: number; billed: number; billedPct: number | null; arithmetic: string }>;
  technologists: readonly PersonRow[];
  physicians: readonly PersonRow[];
  /** What the ROI calculator's "Use my numbers" takes. */
  measured: Readonly<{ casesPerMonth: number | null; casesPerMonthArithmetic: string; denialRiskPct: number | null; denialRiskArithmetic: string }>;
  /** Claims computed for this view (missing or older than the case), and those left for later. */
  claims: Readonly<{ recomputed: number; pending: number }>;
}>;

const MINUTE = 60_000;
const DAY = 86_400_000;
/** Average days in a month (365.25 ÷ 12). */
export const DAYS_PER_MONTH = 30.4375;

// ---------------------------------------------------------------- statistics

function sorted(xs: readonly number[]): number[] {
  return [...xs].sort((a, b) => a - b);
}

/** The middle value; the mean of the two middle ones for an even count; null when empty. */
export function median(xs: readonly number[]): number | null {
  if (!xs.length) return null;
  const s = sorted(xs);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Nearest rank: the value at position ⌈p × n⌉ (1-based) in ascending order; null when empty. */
export function percentile(xs: readonly number[], p: number): number | null {
  if (!xs.length) return null;
  const s = sorted(xs);
  const rank = Math.max(1, Math.ceil(Number((p * s.length).toPrecision(12))));
  return s[Math.min(rank, s.length) - 1] as number;
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const share = (part: number, whole: number) => (whole ? round1((part / whole) * 100) : null);

// ---------------------------------------------------------------- calendar

/** ISO 8601 week of a calendar date ("2026-W48") and the Monday it starts on. */
export function isoWeek(iso: string): { week: string; monday: string } {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const t = Date.UTC(y, m - 1, d);
  const dow = (new Date(t).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  // The week belongs to the year of its Thursday.
  const thursday = t + (3 - dow) * DAY;
  const year = new Date(thursday).getUTCFullYear();
  const week = 1 + Math.floor((thursday - Date.UTC(year, 0, 1)) / DAY / 7);
  return { week: `${year}-W${pad2(week)}`, monday: addDays(iso, -dow) };
}

export function daysBetween(from: string, to: string): number {
  const at = (iso: string) => {
    const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
    return Date.UTC(y, m - 1, d);
  };
  return Math.round((at(to) - at(from)) / DAY);
}

// ---------------------------------------------------------------- the dashboard

const RUNNING: ReadonlySet<CaseStatus> = new Set(['open', 'capturing']);

function captureEnd(r: DashboardCaseRow): number | null {
  return r.monitoringEnded ?? r.closed;
}

function stepTime(r: DashboardCaseRow, step: LagStep): number | null {
  switch (step) {
    case 'draft':
      return r.draftComplete;
    case 'signed':
      return r.signed;
    case 'delivered':
      return r.delivered;
  }
}

/** Minutes from capture end to the step, or null when either is missing. */
export function lagMinutes(r: DashboardCaseRow, step: LagStep): number | null {
  const start = captureEnd(r);
  const t = stepTime(r, step);
  if (start === null || t === null) return null;
  return Math.max(0, t - start) / MINUTE;
}

function lags(rows: readonly DashboardCaseRow[], step: LagStep): number[] {
  return rows.map((r) => lagMinutes(r, step)).filter((x): x is number => x !== null);
}

function minutesOf(rows: readonly DashboardCaseRow[]): { cases: number; captured: number; billed: number } {
  let cases = 0;
  let captured = 0;
  let billed = 0;
  for (const r of rows) {
    if (!r.claim || r.claim.monitoredMinutes === null) continue;
    cases++;
    captured += r.claim.monitoredMinutes;
    billed += r.claim.billedMinutes;
  }
  return { cases, captured, billed };
}

function people(rows: readonly DashboardCaseRow[], key: 'technologistId' | 'physicianId', names: ReadonlyMap<string, string>): PersonRow[] {
  const by = new Map<string | null, DashboardCaseRow[]>();
  for (const r of rows) {
    const id = r[key];
    const list = by.get(id);
    if (list) list.push(r);
    else by.set(id, [r]);
  }
  return [...by.entries()]
    .map(([personId, list]) => {
      const known = list.filter((r) => r.claim?.cleanAtClose !== null && r.claim?.cleanAtClose !== undefined);
      const m = minutesOf(list);
      return {
        personId,
        name: personId === null ? 'Not set' : (names.get(personId) ?? 'Unknown person'),
        cases: list.length,
        medianDraftMinutes: median(lags(list, 'draft')),
        medianSignedMinutes: median(lags(list, 'signed')),
        cleanSharePct: share(known.filter((r) => r.claim?.cleanAtClose === true).length, known.length),
        capturedMinutes: m.captured,
        billedMinutes: m.billed,
      };
    })
    .sort((a, b) => b.cases - a.cases || a.name.localeCompare(b.name));
}

function weeks(rows: readonly DashboardCaseRow[]): WeekRow[] {
  const by = new Map<string, { monday: string; rows: DashboardCaseRow[] }>();
  for (const r of rows) {
    const w = isoWeek(r.dateOfService);
    const entry = by.get(w.week);
    if (entry) entry.rows.push(r);
    else by.set(w.week, { monday: w.monday, rows: [r] });
  }
  if (!by.size) return [];
  // Every week from the first to the last, so a quiet week shows as a gap, not a jump.
  const mondays = [...by.values()].map((w) => w.monday).sort();
  const out: WeekRow[] = [];
  for (let monday = mondays[0] as string; monday <= (mondays[mondays.length - 1] as string); monday = addDays(monday, 7)) {
    const { week } = isoWeek(monday);
    const list = by.get(week)?.rows ?? [];
    const m = minutesOf(list);
    out.push({
      week,
      monday,
      cases: list.length,
      medianMinutes: { draft: median(lags(list, 'draft')), signed: median(lags(list, 'signed')), delivered: median(lags(list, 'delivered')) },
      cleanAtClose: list.filter((r) => r.claim?.cleanAtClose === true).length,
      notCleanAtClose: list.filter((r) => r.claim?.cleanAtClose === false).length,
      capturedMinutes: m.captured,
      billedMinutes: m.billed,
    });
  }
  return out;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * The figures "Use my numbers" takes: the practice's own cases only (a demo case is nobody's
 * workload and no payer's denial), and as the denial rate the share of closed cases whose claim a
 * payer would have refused at close (see cleanAtClose: open coding questions and the signature do
 * not count).
 */
function measured(rows: readonly DashboardCaseRow[], range: Readonly<{ from: string | null; to: string | null }>, leftOut: number): Dashboard['measured'] {
  const dates = rows.map((r) => r.dateOfService).sort();
  const first = dates[0] ?? null;
  const last = dates[dates.length - 1] ?? null;
  const all = rows;
  const closed = rows.filter((r) => !RUNNING.has(r.status));
  const notCleanN = closed.filter((r) => r.claim?.cleanAtClose === false).length;
  const measuredN = closed.filter((r) => r.claim?.cleanAtClose === true).length + notCleanN;
  const clean = { measured: measuredN, notClean: notCleanN };
  const demo = leftOut ? ` (${leftOut === 1 ? 'the demo case' : `${leftOut} demo cases`} left out)` : '';
  let casesPerMonth: number | null = null;
  let casesPerMonthArithmetic = `No cases in this range${demo}.`;
  if (all.length && first && last) {
    const explicit = range.from !== null && range.to !== null;
    const from = explicit ? (range.from as string) : first;
    const to = explicit ? (range.to as string) : last;
    const days = daysBetween(from, to) + 1;
    // Without a chosen range, a single busy day must not read as a month's worth of them.
    const counted = explicit ? days : Math.max(days, DAYS_PER_MONTH);
    // cases per month = cases × 30.4375 days ÷ days counted
    casesPerMonth = round1((all.length * DAYS_PER_MONTH) / counted);
    const shown = (x: number) => String(Math.round(x * 100) / 100);
    casesPerMonthArithmetic = `${plural(all.length, 'case')}${demo} from ${from} to ${to} (${plural(days, 'day')}${counted !== days ? ', counted as a whole month' : ''}): ${all.length} × ${shown(DAYS_PER_MONTH)} ÷ ${shown(counted)} days = ${casesPerMonth} ${casesPerMonth === 1 ? 'case' : 'cases'} a month`;
  }
  const denialRiskPct = clean.measured ? round1((clean.notClean / clean.measured) * 100) : null;
  const denialRiskArithmetic = clean.measured
    ? `${clean.notClean} of ${plural(clean.measured, 'closed case')}${demo} not clean at close (open coding questions and the signature not counted) = ${denialRiskPct}%`
    : `No closed case with a claim in this range yet${demo}.`;
  return { casesPerMonth, casesPerMonthArithmetic, denialRiskPct, denialRiskArithmetic };
}

export type DashboardInputs = Readonly<{
  rows: readonly DashboardCaseRow[];
  from: string | null;
  to: string | null;
  /** Person id → "First Last, CRED". */
  names: ReadonlyMap<string, string>;
  /** Rule id → title and severity in the rule sets in force. */
  rules: Readonly<Record<string, RuleInfo>>;
  /** Cases shown but left out of the measured figures "Use my numbers" takes (the demo). */
  notMeasured?: ReadonlySet<string>;
  claims?: Dashboard['claims'];
}>;

export function buildDashboard(inp: DashboardInputs): Dashboard {
  const all = inp.rows;
  const closed = all.filter((r) => !RUNNING.has(r.status));
  const dates = all.map((r) => r.dateOfService).sort();
  const first = dates[0] ?? null;
  const last = dates[dates.length - 1] ?? null;

  const byStatus = CASE_STATUSES.map((status) => ({ status, label: CASE_STATUS_LABELS[status], cases: all.filter((r) => r.status === status).length }));

  const lag: LagStat[] = LAG_STEPS.map((step) => {
    const xs = lags(closed, step);
    return { step, label: LAG_STEP_LABELS[step], measured: xs.length, waiting: closed.filter((r) => stepTime(r, step) === null).length, medianMinutes: median(xs), p90Minutes: percentile(xs, 0.9) };
  });

  const cleanN = closed.filter((r) => r.claim?.cleanAtClose === true).length;
  const notCleanN = closed.filter((r) => r.claim?.cleanAtClose === false).length;
  const measuredN = cleanN + notCleanN;
  const sharePct = share(cleanN, measuredN);
  const clean = {
    measured: measuredN,
    clean: cleanN,
    notClean: notCleanN,
    unknown: closed.length - measuredN,
    sharePct,
    arithmetic: measuredN ? `${cleanN} of ${plural(measuredN, 'closed case')} clean at close = ${sharePct}%` : 'No closed case with a claim in this range yet.',
  };

  const withClaim = closed.filter((r) => r.claim !== null);
  const counts = new Map<string, number>();
  for (const r of withClaim) for (const rule of r.claim?.topRules ?? []) counts.set(rule, (counts.get(rule) ?? 0) + 1);
  const findings = [...counts.entries()]
    .map(([rule, cases]) => ({ rule, title: inp.rules[rule]?.title ?? rule, severity: inp.rules[rule]?.severity ?? 'unknown', cases, sharePct: share(cases, withClaim.length) ?? 0 }))
    .sort((a, b) => b.cases - a.cases || a.rule.localeCompare(b.rule));

  const m = minutesOf(closed);
  const billedPct = share(m.billed, m.captured);
  const minutes = {
    ...m,
    billedPct,
    arithmetic: m.cases ? `${m.billed} billed of ${m.captured} captured minutes in ${plural(m.cases, 'closed case')}${billedPct === null ? '' : ` = ${billedPct}%`}` : 'No closed case with captured minutes in this range yet.',
  };

  return {
    from: inp.from,
    to: inp.to,
    firstDate: first,
    lastDate: last,
    cases: all.length,
    closedCases: closed.length,
    byStatus,
    lag,
    weeks: weeks(closed),
    clean,
    findings,
    minutes,
    technologists: people(closed, 'technologistId', inp.names),
    physicians: people(closed, 'physicianId', inp.names),
    measured: measured(
      all.filter((r) => !inp.notMeasured?.has(r.caseId)),
      { from: inp.from, to: inp.to },
      all.filter((r) => inp.notMeasured?.has(r.caseId)).length,
    ),
    claims: inp.claims ?? { recomputed: 0, pending: 0 },
  };
}

/** "45 min", "2 h 05 min", "3 d 4 h": a lag as a person reads it. */
export function formatLag(minutes: number | null): string {
  if (minutes === null) return '—';
  const m = Math.round(minutes);
  if (m < 60) return `${m} min`;
  if (m < 24 * 60) return `${Math.floor(m / 60)} h ${pad2(m % 60)} min`;
  const h = Math.round(m / 60);
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}
