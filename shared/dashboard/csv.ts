/**
 * The dashboard's tables as CSV (RFC 4180, CRLF), one file per table: the same tables the page
 * shows, for the app's download buttons and `closeout dashboard --csv`. Minutes are rounded to
 * one decimal; empty cells mean "not measured yet".
 */
import { LAG_STEPS, type Dashboard, type PersonRow } from './dashboard';

export const DASHBOARD_TABLES = ['summary', 'status', 'lag', 'weeks', 'findings', 'technologists', 'physicians'] as const;
export type DashboardTableId = (typeof DASHBOARD_TABLES)[number];

export const DASHBOARD_TABLE_TITLES: Readonly<Record<DashboardTableId, string>> = {
  summary: 'Summary',
  status: 'Cases by status',
  lag: 'Report lag',
  weeks: 'By week',
  findings: 'Top scrubber findings',
  technologists: 'Per technologist',
  physicians: 'Per physician',
};

type Cell = string | number | null;
export type CsvTable = Readonly<{ id: DashboardTableId; columns: readonly string[]; rows: ReadonlyArray<readonly Cell[]> }>;

const min1 = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10);

function personRows(list: readonly PersonRow[]): Cell[][] {
  return list.map((p) => [p.name, p.cases, min1(p.medianDraftMinutes), min1(p.medianSignedMinutes), p.cleanSharePct, p.capturedMinutes, p.billedMinutes]);
}
const PERSON_COLUMNS = ['name', 'closed_cases', 'median_minutes_to_draft', 'median_minutes_to_signed', 'clean_at_close_pct', 'captured_minutes', 'billed_minutes'];

export function dashboardTable(d: Dashboard, id: DashboardTableId): CsvTable {
  switch (id) {
    case 'summary':
      return {
        id,
        columns: ['measure', 'value', 'how'],
        rows: [
          ['from', d.from ?? d.firstDate, d.from ? 'chosen' : 'first date of service'],
          ['to', d.to ?? d.lastDate, d.to ? 'chosen' : 'last date of service'],
          ['cases', d.cases, null],
          ['closed_cases', d.closedCases, 'closed, signed, sent or amended'],
          ['clean_at_close_pct', d.clean.sharePct, d.clean.arithmetic],
          ['captured_minutes', d.minutes.captured, null],
          ['billed_minutes', d.minutes.billed, d.minutes.arithmetic],
          ['cases_per_month', d.measured.casesPerMonth, d.measured.casesPerMonthArithmetic],
          ['not_clean_at_close_pct', d.measured.denialRiskPct, d.measured.denialRiskArithmetic],
        ],
      };
    case 'status':
      return { id, columns: ['status', 'label', 'cases'], rows: d.byStatus.map((s) => [s.status, s.label, s.cases]) };
    case 'lag':
      return { id, columns: ['step', 'label', 'measured_cases', 'waiting_cases', 'median_minutes', 'p90_minutes'], rows: d.lag.map((l) => [l.step, l.label, l.measured, l.waiting, min1(l.medianMinutes), min1(l.p90Minutes)]) };
    case 'weeks':
      return {
        id,
        columns: ['week', 'monday', 'closed_cases', ...LAG_STEPS.map((s) => `median_minutes_to_${s}`), 'clean_at_close', 'not_clean_at_close', 'captured_minutes', 'billed_minutes'],
        rows: d.weeks.map((w) => [w.week, w.monday, w.cases, ...LAG_STEPS.map((s) => min1(w.medianMinutes[s])), w.cleanAtClose, w.notCleanAtClose, w.capturedMinutes, w.billedMinutes]),
      };
    case 'findings':
      return { id, columns: ['rule', 'title', 'severity', 'cases', 'share_pct'], rows: d.findings.map((f) => [f.rule, f.title, f.severity, f.cases, f.sharePct]) };
    case 'technologists':
      return { id, columns: PERSON_COLUMNS, rows: personRows(d.technologists) };
    case 'physicians':
      return { id, columns: PERSON_COLUMNS, rows: personRows(d.physicians) };
  }
}

function cell(v: Cell): string {
  if (v === null) return '';
  let s = String(v);
  // A cell starting with = + - @ (or a tab/CR) is a formula to a spreadsheet: keep it text.
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function tableCsv(t: CsvTable): string {
  return `${[t.columns.map(cell).join(','), ...t.rows.map((r) => r.map(cell).join(','))].join('\r\n')}\r\n`;
}

export function dashboardCsv(d: Dashboard, id: DashboardTableId): string {
  return tableCsv(dashboardTable(d, id));
}

/** The file name a download or `--out` suggests: "closeout-lag-2026-09-01-to-2026-11-27.csv". */
export function dashboardCsvName(d: Dashboard, id: DashboardTableId): string {
  const from = d.from ?? d.firstDate;
  const to = d.to ?? d.lastDate;
  return `closeout-${id}${from && to ? `-${from}-to-${to}` : ''}.csv`;
}
