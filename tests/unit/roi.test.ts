/**
 * The ROI model (shared/roi) against figures worked out by hand. Each hand computation is written
 * out in the comments, as a practice manager would do it on paper.
 */
import { describe, expect, it } from 'vitest';
import { computeRoi, cents, num, parseRoiInputs, pct, ROI_DEFAULTS, ROI_FIELDS, roiText, scenario, seriesMax, usd, type RoiInputs, type RoiResult } from '../../shared/roi/roi';

const line = (r: RoiResult, which: 'now' | 'withCloseout', id: string) => r[which].lines.find((l) => l.id === id)!;
const values = (r: RoiResult, which: 'now' | 'withCloseout') => Object.fromEntries(r[which].lines.map((l) => [l.id, l.monthly]));

describe('defaults (the issue\'s figures)', () => {
  const r = computeRoi(ROI_DEFAULTS);

  it('are the issue\'s inputs', () => {
    expect(ROI_DEFAULTS).toEqual({
      casesPerMonth: 30,
      reimbursement: 1000,
      denialRatePct: 20,
      recoveredPct: 60,
      staffMinutesPerDenial: 60,
      staffCostPerHour: 32.5,
      arDays: 45,
      costOfCapitalPct: 8,
      expectedDenialRatePct: 5,
      softwareCostPerMonth: 0,
      setupCost: 0,
    });
  });

  it('now, at 20%', () => {
    // denied   = 30 × 20%                         = 6
    // rework   = 6 × 60 min ÷ 60 × $32.50/h        = $195.00
    // lost     = 6 × (100% − 60%) × $1,000         = $2,400.00
    // delayed  = 6 × 60% × $1,000                  = $3,600.00
    // carrying = $3,600 × 8% × 45 ÷ 365 = 12,960 ÷ 365 = 35.5068… → $35.51
    // leakage  = 195.00 + 2,400.00 + 35.51         = $2,630.51; a year × 12 = $31,566.12
    expect(values(r, 'now')).toEqual({ denied: 6, rework: 195, lost: 2400, carrying: 35.51, leakage: 2630.51 });
    expect(r.now.leakage).toBe(2630.51);
    expect(line(r, 'now', 'leakage').yearly).toBe(31566.12);
    expect(line(r, 'now', 'denied').yearly).toBe(72);
    expect(line(r, 'now', 'rework').yearly).toBe(2340);
    expect(line(r, 'now', 'carrying').yearly).toBe(426.12);
  });

  it('with Closeout, at 5%', () => {
    // denied   = 30 × 5%                           = 1.5
    // rework   = 1.5 × 1 h × $32.50                = $48.75
    // lost     = 1.5 × 40% × $1,000                = $600.00
    // delayed  = 1.5 × 60% × $1,000                = $900.00
    // carrying = $900 × 8% × 45 ÷ 365 = 3,240 ÷ 365 = 8.8767… → $8.88
    // leakage  = 48.75 + 600.00 + 8.88             = $657.63; a year $7,891.56
    expect(values(r, 'withCloseout')).toEqual({ denied: 1.5, rework: 48.75, lost: 600, carrying: 8.88, leakage: 657.63 });
    expect(line(r, 'withCloseout', 'leakage').yearly).toBe(7891.56);
  });

  it('savings, net and payback', () => {
    // savings = 2,630.51 − 657.63 = $1,972.88 a month; × 12 = $23,674.56 a year
    // software $0 → net = $1,972.88; no setup cost and net > 0 → pays back immediately
    expect(r.savings).toMatchObject({ monthly: 1972.88, yearly: 23674.56 });
    expect(r.net).toMatchObject({ monthly: 1972.88, yearly: 23674.56 });
    expect(r.payback).toMatchObject({ kind: 'immediately', months: 0, text: 'Immediately' });
    // One denied claim: $32.50 rework + 40% × $1,000 = $400 + $600 × 8% × 45/365 = $5.9178… → $438.42
    expect(r.perDenial.value).toBe(438.42);
  });

  it('shows the arithmetic with the numbers filled in', () => {
    expect(line(r, 'now', 'denied').arithmetic).toBe('30 cases × 20% = 6 denied claims');
    expect(line(r, 'now', 'rework').arithmetic).toBe('6 denied claims × 60 min ÷ 60 × $32.50/h = $195.00');
    expect(line(r, 'now', 'lost').arithmetic).toBe('6 denied claims × 40% not recovered × $1,000.00 = $2,400.00');
    expect(line(r, 'now', 'carrying').arithmetic).toBe('6 denied claims × 60% recovered × $1,000.00 = $3,600.00 paid 45 days late; $3,600.00 × 8% a year × 45 ÷ 365 days = $35.51');
    expect(line(r, 'now', 'leakage').arithmetic).toBe('$195.00 + $2,400.00 + $35.51 = $2,630.51');
    expect(line(r, 'now', 'leakage').yearlyArithmetic).toBe('$2,630.51 × 12 = $31,566.12');
    expect(line(r, 'withCloseout', 'denied').arithmetic).toBe('30 cases × 5% = 1.5 denied claims');
    expect(r.savings.arithmetic).toBe('$2,630.51 now − $657.63 with Closeout = $1,972.88');
    expect(r.perDenial.arithmetic).toBe('$32.50 rework + $400.00 never recovered + $5.92 carrying = $438.42 per denied claim');
  });

  it('charts leakage from 0% to 40%, one point per percent, through both marked rates', () => {
    expect(r.series).toHaveLength(41);
    expect(r.series[0]).toEqual({ denialRatePct: 0, leakage: 0 });
    expect(r.series[5]).toEqual({ denialRatePct: 5, leakage: 657.63 });
    expect(r.series[20]).toEqual({ denialRatePct: 20, leakage: 2630.51 });
    // 40%: 12 denied → rework $390 + lost $4,800 + $7,200 × 8% × 45/365 = 25,920/365 = 71.0136… → $71.01 = $5,261.01
    expect(r.series[40]).toEqual({ denialRatePct: 40, leakage: 5261.01 });
    // Leakage only grows with the denial rate.
    expect(r.series.every((p, i) => i === 0 || p.leakage >= r.series[i - 1]!.leakage)).toBe(true);
  });
});

describe('a practice with a setup cost: payback in months', () => {
  const inputs: RoiInputs = {
    casesPerMonth: 50,
    reimbursement: 1500,
    denialRatePct: 25,
    recoveredPct: 50,
    staffMinutesPerDenial: 45,
    staffCostPerHour: 40,
    arDays: 60,
    costOfCapitalPct: 10,
    expectedDenialRatePct: 10,
    softwareCostPerMonth: 500,
    setupCost: 6000,
  };
  const r = computeRoi(inputs);

  it('every line by hand', () => {
    // now: denied = 50 × 25% = 12.5
    //   rework   = 12.5 × 45/60 h × $40 = 12.5 × $30        = $375.00
    //   lost     = 12.5 × 50% × $1,500                       = $9,375.00
    //   delayed  = 12.5 × 50% × $1,500                       = $9,375.00
    //   carrying = $9,375 × 10% × 60/365 = 56,250/365 = 154.109… → $154.11
    //   leakage  = 375 + 9,375 + 154.11                      = $9,904.11
    expect(values(r, 'now')).toEqual({ denied: 12.5, rework: 375, lost: 9375, carrying: 154.11, leakage: 9904.11 });
    // with: denied = 50 × 10% = 5; rework 5 × $30 = $150; lost 5 × 50% × $1,500 = $3,750;
    //   carrying = $3,750 × 10% × 60/365 = 22,500/365 = 61.643… → $61.64; leakage = $3,961.64
    expect(values(r, 'withCloseout')).toEqual({ denied: 5, rework: 150, lost: 3750, carrying: 61.64, leakage: 3961.64 });
  });

  it('savings, net, payback', () => {
    // savings = 9,904.11 − 3,961.64 = $5,942.47; a year $71,309.64
    // net     = 5,942.47 − 500      = $5,442.47; a year $65,309.64
    // payback = 6,000 ÷ 5,442.47    = 1.1024… → "1.1 months"
    expect(r.savings).toMatchObject({ monthly: 5942.47, yearly: 71309.64 });
    expect(r.software).toMatchObject({ monthly: 500, yearly: 6000 });
    expect(r.net).toMatchObject({ monthly: 5442.47, yearly: 65309.64, arithmetic: '$5,942.47 savings − $500.00 software = $5,442.47' });
    expect(r.payback.kind).toBe('months');
    expect(r.payback.months).toBeCloseTo(6000 / 5442.47, 9);
    expect(r.payback.text).toBe('1.1 months');
    expect(r.payback.arithmetic).toBe('$6,000.00 setup ÷ $5,442.47 net savings a month = 1.1 months');
    expect(line(r, 'now', 'rework').arithmetic).toBe('12.5 denied claims × 45 min ÷ 60 × $40.00/h = $375.00');
  });
});

describe('money at the range limits', () => {
  /** "$10,600,800,000.12" → 1060080000012n: the printed amount, in cents, exactly. */
  const centsOf = (printed: string) => BigInt(printed.replace(/[$,.]/g, '')) * (printed.startsWith('-') ? -1n : 1n);

  it('a year is exactly twelve months, to the cent, at any size', () => {
    expect(usd(cents(883_400_000.01 * 12))).toBe('$10,600,800,000.12');
    expect(usd(1.005)).toBe('$1.01');
    expect(usd(-2.675)).toBe('-$2.68');
    const max = Object.fromEntries(ROI_FIELDS.map((f) => [f.key, f.max])) as RoiInputs;
    for (const inputs of [max, { ...max, expectedDenialRatePct: 0, staffCostPerHour: 499.5, reimbursement: 99_999.99 }, { ...max, expectedDenialRatePct: 3, softwareCostPerMonth: 12_345.67 }]) {
      const r = computeRoi(inputs);
      for (const f of [r.savings, r.software, r.net]) expect(centsOf(usd(f.yearly))).toBe(centsOf(usd(f.monthly)) * 12n);
    }
  });

  it('a payback under a tenth of a month says how much, not "0 months"', () => {
    const r = computeRoi({ ...ROI_DEFAULTS, casesPerMonth: 10_000, reimbursement: 100_000, setupCost: 100 });
    expect(r.payback.kind).toBe('months');
    expect(r.payback.months!).toBeLessThan(0.001);
    expect(r.payback.text).not.toMatch(/^0 months$/);
    expect(Number(r.payback.text.split(' ')[0])).toBeCloseTo(r.payback.months!, 6);
  });
});

describe('payback never', () => {
  it('when the software costs more than it saves', () => {
    // savings $1,972.88 (defaults) − software $2,500 = −$527.12 a month
    const r = computeRoi({ ...ROI_DEFAULTS, softwareCostPerMonth: 2500, setupCost: 1000 });
    expect(r.net.monthly).toBe(-527.12);
    expect(r.payback).toMatchObject({ kind: 'never', months: null, text: 'Never' });
    expect(r.payback.arithmetic).toBe('Savings of $1,972.88 a month do not exceed the software cost of $2,500.00 a month.');
  });

  it('when the expected rate is no better than today', () => {
    const r = computeRoi({ ...ROI_DEFAULTS, expectedDenialRatePct: 20 });
    expect(r.savings.monthly).toBe(0);
    expect(r.payback.kind).toBe('never');
  });

  it('with no cases at all', () => {
    const r = computeRoi({ ...ROI_DEFAULTS, casesPerMonth: 0 });
    expect(values(r, 'now')).toEqual({ denied: 0, rework: 0, lost: 0, carrying: 0, leakage: 0 });
    expect(line(r, 'now', 'denied').arithmetic).toBe('0 cases × 20% = 0 denied claims');
    expect(r.payback.kind).toBe('never');
  });
});

describe('the chart range', () => {
  it('reaches past 40% when a marked rate does', () => {
    expect(seriesMax(ROI_DEFAULTS)).toBe(40);
    expect(seriesMax({ ...ROI_DEFAULTS, denialRatePct: 55 })).toBe(60);
    expect(computeRoi({ ...ROI_DEFAULTS, denialRatePct: 55 }).series).toHaveLength(61);
  });

  it('one case at 1%: a hundredth of a claim still adds up to the cent', () => {
    // 1 × 1% = 0.01 denied; rework 0.01 × $32.50 = $0.325 → $0.33 (half away from zero);
    // lost 0.01 × 40% × $1,000 = $4.00; carrying 0.01 × 60% × $1,000 = $6 × 8% × 45/365 = $0.0591… → $0.06
    const s = scenario({ ...ROI_DEFAULTS, casesPerMonth: 1 }, 1);
    expect(Object.fromEntries(s.lines.map((l) => [l.id, l.monthly]))).toEqual({ denied: 0.01, rework: 0.33, lost: 4, carrying: 0.06, leakage: 4.39 });
  });
});

describe('every equation shown adds up as printed', () => {
  const money = (s: string) => Number(s.replace(/[$,]/g, ''));
  // Pseudo-random but fixed inputs across the ranges.
  let seed = 7;
  const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  const samples: RoiInputs[] = Array.from({ length: 200 }, () =>
    Object.fromEntries(ROI_FIELDS.map((f) => [f.key, Math.round((f.min + rand() * Math.min(f.max - f.min, f.default * 4 || 100)) / f.step) * f.step])) as RoiInputs,
  );

  it('leakage = rework + lost + carrying, printed sums match, yearly = 12 × monthly', () => {
    for (const i of samples) {
      const r = computeRoi(i);
      for (const s of [r.now, r.withCloseout]) {
        const v = Object.fromEntries(s.lines.map((l) => [l.id, l.monthly]));
        expect(cents(v['rework']! + v['lost']! + v['carrying']!)).toBe(v['leakage']);
        const total = s.lines.find((l) => l.id === 'leakage')!;
        const [lhs, rhs] = total.arithmetic.split(' = ');
        expect(cents(lhs!.split(' + ').map(money).reduce((a, b) => a + b, 0))).toBe(money(rhs!));
        for (const l of s.lines) if (l.unit === 'usd') expect(l.yearly).toBe(cents(l.monthly * 12));
      }
      expect(r.savings.monthly).toBe(cents(r.now.leakage - r.withCloseout.leakage));
      expect(r.series.find((p) => p.denialRatePct === Math.round(i.denialRatePct))).toBeDefined();
    }
  });
});

describe('inputs', () => {
  it('missing ones take their default', () => {
    expect(parseRoiInputs({})).toEqual({ ok: true, inputs: ROI_DEFAULTS });
    expect(parseRoiInputs({ casesPerMonth: 12 })).toMatchObject({ ok: true, inputs: { casesPerMonth: 12, reimbursement: 1000 } });
  });

  it('out of range or not a number: plain messages per field', () => {
    const r = parseRoiInputs({ denialRatePct: 120, casesPerMonth: -1, arDays: Number.NaN, reimbursement: 'a lot', costOfCapitalPct: Infinity });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.fields).toEqual({
      denialRatePct: 'Current denial rate must be between 0% and 100%.',
      casesPerMonth: 'Cases per month must be between 0 and 10,000.',
      arDays: 'Days a denied claim sits in A/R: enter a number.',
      reimbursement: 'Average reimbursement per case: enter a number.',
      costOfCapitalPct: 'Annual cost of capital: enter a number.',
    });
    expect(parseRoiInputs({ staffCostPerHour: 501 })).toMatchObject({ ok: false, fields: { staffCostPerHour: 'Staff cost per hour must be between $0 an hour and $500 an hour.' } });
  });

  it('every field has a range holding its default, a flag and help', () => {
    expect(new Set(ROI_FIELDS.map((f) => f.flag)).size).toBe(ROI_FIELDS.length);
    for (const f of ROI_FIELDS) {
      expect(f.default).toBeGreaterThanOrEqual(f.min);
      expect(f.default).toBeLessThanOrEqual(f.max);
      expect(f.help.length).toBeGreaterThan(20);
    }
  });
});

describe('number formats', () => {
  it('money, counts and percentages as a person writes them', () => {
    expect(usd(1234567.891)).toBe('$1,234,567.89');
    expect(usd(-12)).toBe('-$12.00');
    expect(usd(1000, true)).toBe('$1,000');
    expect(cents(1.005)).toBe(1.01);
    expect(cents(-0.325)).toBe(-0.33);
    expect(num(6 * 0.6)).toBe('3.6');
    expect(num(12500)).toBe('12,500');
    expect(num(1.10244, 1)).toBe('1.1');
    expect(pct(12.5)).toBe('12.5%');
  });

  it('the CLI text shows every input with its flag and every line with its arithmetic', () => {
    const text = roiText(computeRoi(ROI_DEFAULTS));
    expect(text).toContain('Current denial rate                                20%   (--denial-rate)');
    expect(text).toContain('30 cases × 20% = 6 denied claims');
    expect(text).toContain('Payback:      Immediately.');
    expect(text).toContain('S53 https://nervecenter.polsia.app/blog/the-complete-guide-to-ionm-claim-denials');
  });
});
