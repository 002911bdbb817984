/**
 * The dashboard's arithmetic (shared/dashboard) without a database: percentiles, ISO weeks,
 * lags, shares, measured figures and the CSV, each against a hand computation.
 */
import { describe, expect, it } from 'vitest';
import { buildDashboard, daysBetween, formatLag, isoWeek, lagMinutes, median, percentile, type DashboardCaseRow } from '../../shared/dashboard/dashboard';
import { dashboardCsv, dashboardCsvName } from '../../shared/dashboard/csv';

const M = 60_000;
const T0 = Date.UTC(2026, 2, 2, 11, 0);

function row(over: Partial<DashboardCaseRow> & { caseId: string }): DashboardCaseRow {
  return {
    status: 'signed',
    dateOfService: '2026-03-02',
    technologistId: null,
    physicianId: null,
    monitoringEnded: T0,
    closed: T0 + 10 * M,
    draftComplete: null,
    signed: null,
    delivered: null,
    claim: { billedMinutes: 100, monitoredMinutes: 120, cleanAtClose: true, topRules: [] },
    ...over,
  };
}

describe('median and 90th percentile', () => {
  it('by hand', () => {
    expect(median([])).toBeNull();
    expect(median([7])).toBe(7);
    // Even count: the mean of the two middle values. 10, 20 | 30, 40 → 25.
    expect(median([40, 10, 30, 20])).toBe(25);
    expect(median([5, 1, 3])).toBe(3);
    // Nearest rank ⌈0.9 n⌉: n = 10 → 9th value; n = 3 → 3rd; n = 1 → 1st; n = 11 → ⌈9.9⌉ = 10th.
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBe(9);
    expect(percentile([600, 60, 120], 0.9)).toBe(600);
    expect(percentile([42], 0.9)).toBe(42);
    expect(percentile(Array.from({ length: 11 }, (_, i) => i + 1), 0.9)).toBe(10);
    expect(percentile([], 0.9)).toBeNull();
  });
});

describe('ISO weeks', () => {
  it.each([
    ['2026-03-02', '2026-W10', '2026-03-02'], // a Monday
    ['2026-03-08', '2026-W10', '2026-03-02'], // its Sunday
    ['2026-01-01', '2026-W01', '2025-12-29'], // Thursday 1 January: week 1 of 2026
    ['2027-01-01', '2026-W53', '2026-12-28'], // Friday 1 January: still 2026's week 53
    ['2024-12-30', '2025-W01', '2024-12-30'], // Monday 30 December: week 1 of 2025
    ['2026-11-27', '2026-W48', '2026-11-23'],
  ])('%s is %s (from %s)', (date, week, monday) => {
    expect(isoWeek(date)).toEqual({ week, monday });
  });

  it('days between dates across a month and a leap day', () => {
    expect(daysBetween('2026-03-01', '2026-03-15')).toBe(14);
    expect(daysBetween('2028-02-28', '2028-03-01')).toBe(2);
  });
});

describe('lags', () => {
  it('from monitoring end, else from close; a step before capture end counts as 0', () => {
    expect(lagMinutes(row({ caseId: 'a', signed: T0 + 120 * M }), 'signed')).toBe(120);
    expect(lagMinutes(row({ caseId: 'b', monitoringEnded: null, signed: T0 + 120 * M }), 'signed')).toBe(110);
    expect(lagMinutes(row({ caseId: 'c', signed: T0 - 5 * M }), 'signed')).toBe(0);
    expect(lagMinutes(row({ caseId: 'd' }), 'signed')).toBeNull();
    expect(lagMinutes(row({ caseId: 'e', monitoringEnded: null, closed: null, signed: T0 }), 'signed')).toBeNull();
  });

  it('as a person reads them', () => {
    expect(formatLag(null)).toBe('—');
    expect(formatLag(44.6)).toBe('45 min');
    expect(formatLag(125)).toBe('2 h 05 min');
    expect(formatLag(27 * 60 + 20)).toBe('1 d 3 h');
  });
});

describe('the dashboard from rows', () => {
  const rows: DashboardCaseRow[] = [
    row({ caseId: 'a', technologistId: 't1', physicianId: 'p1', draftComplete: T0 + 30 * M, signed: T0 + 60 * M, delivered: T0 + 90 * M, claim: { billedMinutes: 100, monitoredMinutes: 120, cleanAtClose: true, topRules: ['R27'] } }),
    row({ caseId: 'b', technologistId: 't1', physicianId: 'p2', draftComplete: T0 + 90 * M, signed: T0 + 240 * M, claim: { billedMinutes: 50, monitoredMinutes: 80, cleanAtClose: false, topRules: ['R27', 'R03'] } }),
    row({ caseId: 'c', dateOfService: '2026-03-16', status: 'closed', technologistId: 't2', physicianId: 'p1', claim: { billedMinutes: 0, monitoredMinutes: null, cleanAtClose: null, topRules: [] } }),
    row({ caseId: 'd', dateOfService: '2026-03-17', status: 'capturing', claim: null, monitoringEnded: null, closed: null }),
  ];
  const d = buildDashboard({ rows, from: null, to: null, names: new Map([['t1', 'Tess Tech, CNIM'], ['p1', 'Dr One, MD']]), rules: { R27: { title: 'Modality without a baseline', severity: 'warn' } } });

  it('counts, lags, weeks with the quiet one between', () => {
    expect(d).toMatchObject({ cases: 4, closedCases: 3, firstDate: '2026-03-02', lastDate: '2026-03-17' });
    // signed lags 60, 240 → median 150, p90 rank ⌈1.8⌉ = 2 → 240; c waits.
    expect(d.lag.find((l) => l.step === 'signed')).toMatchObject({ measured: 2, waiting: 1, medianMinutes: 150, p90Minutes: 240 });
    expect(d.lag.find((l) => l.step === 'delivered')).toMatchObject({ measured: 1, waiting: 2, medianMinutes: 90 });
    // W10 (a, b), W11 quiet, W12 (c; d is capturing, so not counted).
    expect(d.weeks.map((w) => [w.week, w.cases, w.medianMinutes.draft])).toEqual([
      ['2026-W10', 2, 60],
      ['2026-W11', 0, null],
      ['2026-W12', 1, null],
    ]);
  });

  it('clean share, findings, minutes and people', () => {
    // a clean, b not, c unknown: 1 of 2 = 50%.
    expect(d.clean).toEqual({ measured: 2, clean: 1, notClean: 1, unknown: 1, sharePct: 50, arithmetic: '1 of 2 closed cases clean at close = 50%' });
    // Findings over the 3 closed cases with a claim: R27 in 2 (66.7%), R03 in 1 (33.3%), titles where known.
    expect(d.findings).toEqual([
      { rule: 'R27', title: 'Modality without a baseline', severity: 'warn', cases: 2, sharePct: 66.7 },
      { rule: 'R03', title: 'R03', severity: 'unknown', cases: 1, sharePct: 33.3 },
    ]);
    // Minutes where both are known: 120 + 80 = 200 captured, 100 + 50 = 150 billed = 75%.
    expect(d.minutes).toEqual({ cases: 2, captured: 200, billed: 150, billedPct: 75, arithmetic: '150 billed of 200 captured minutes in 2 closed cases = 75%' });
    expect(d.technologists.map((p) => [p.name, p.cases, p.medianDraftMinutes, p.cleanSharePct])).toEqual([
      ['Tess Tech, CNIM', 2, 60, 50],
      ['Unknown person', 1, null, null],
    ]);
    expect(d.physicians.map((p) => [p.name, p.cases, p.medianSignedMinutes])).toEqual([
      ['Dr One, MD', 2, 60],
      ['Unknown person', 1, 240],
    ]);
  });

  it('measured figures: 4 cases over 16 days, at least a month when no range is chosen', () => {
    // No range: 2026-03-02..2026-03-17 is 16 days, counted as 30.4375: 4 × 30.4375 ÷ 30.4375 = 4.
    expect(d.measured).toEqual({
      casesPerMonth: 4,
      casesPerMonthArithmetic: '4 cases from 2026-03-02 to 2026-03-17 (16 days, counted as a whole month): 4 × 30.44 ÷ 30.44 days = 4 cases a month',
      denialRiskPct: 50,
      denialRiskArithmetic: '1 of 2 closed cases not clean at close (open coding questions and the signature not counted) = 50%',
    });
    // A chosen 7-day range is taken as it is: 4 × 30.4375 ÷ 7 = 17.39 → 17.4.
    const week = buildDashboard({ rows, from: '2026-03-11', to: '2026-03-17', names: new Map(), rules: {} });
    expect(week.measured.casesPerMonth).toBe(17.4);
    const none = buildDashboard({ rows: [], from: null, to: null, names: new Map(), rules: {} });
    expect(none.measured).toEqual({ casesPerMonth: null, casesPerMonthArithmetic: 'No cases in this range.', denialRiskPct: null, denialRiskArithmetic: 'No closed case with a claim in this range yet.' });
    expect(none.weeks).toEqual([]);
  });

  it('CSV: RFC 4180, formula-looking text kept as text, file names with the dates', () => {
    const evil = buildDashboard({ rows: [row({ caseId: 'x', technologistId: 't' })], from: null, to: null, names: new Map([['t', '=HYPERLINK("x"), CNIM']]), rules: {} });
    expect(dashboardCsv(evil, 'technologists').split('\r\n')[1]).toBe(`"'=HYPERLINK(""x""), CNIM",1,,,100,120,100`);
    expect(dashboardCsv(d, 'status')).toBe('status,label,cases\r\nopen,Open,0\r\ncapturing,Capturing,1\r\nclosed,Closed,1\r\nsigned,Signed,2\r\nsent,Sent,0\r\namended,Amended,0\r\n');
    expect(dashboardCsvName(d, 'weeks')).toBe('closeout-weeks-2026-03-02-to-2026-03-17.csv');
  });
});
