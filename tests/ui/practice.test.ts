/**
 * The Practice page in Chromium against the real backend: the ROI calculator recomputes its
 * figures and redraws its chart as an input changes (and refuses an out-of-range one in plain
 * words), and the dashboard shows the demo case closed and signed, follows a new case live,
 * downloads a table as CSV, and hands its measured figures to the calculator.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HANG_MS } from '../helpers/patience';
import type { Page } from 'playwright-core';
import { useBrowser, type Host } from '../helpers/browser';
import { completeReport, sampleCase } from '../helpers/backend';
import { computeRoi, num, ROI_DEFAULTS, usd } from '../../shared/roi/roi';

const ui = useBrowser({ viewport: { width: 1440, height: 1000 }, acceptDownloads: true });
let host: Host;

async function newPage(timeout = HANG_MS): Promise<Page> {
  return ui.page({ timeout });
}

const cell = (page: Page, line: string, which: 'now-monthly' | 'with-monthly') => page.locator(`tr[data-line="${line}"] td[data-cell="${which}"]`).textContent();

describe('ROI calculator', () => {
  it('an input changed: the figures, their arithmetic and the chart follow at once; out of range is refused plainly', async () => {
    host = await ui.host();
    const page = await newPage();
    await page.goto(host.bridge.pageUrl);
    await page.getByRole('link', { name: 'Practice' }).click();
    await page.getByRole('tab', { name: 'ROI calculator' }).click();
    expect(page.url()).toMatch(/#\/practice\/roi$/);

    // The defaults, worked out by hand in tests/unit/roi.test.ts.
    expect(await cell(page, 'denied', 'now-monthly')).toBe('6');
    expect(await cell(page, 'leakage', 'now-monthly')).toBe('$2,630.51');
    expect(await cell(page, 'leakage', 'with-monthly')).toBe('$657.63');
    const table = page.getByRole('table', { name: 'ROI figures' });
    expect(await table.textContent()).toContain('Now: 30 cases × 20% = 6 denied claims');
    const chart = page.getByRole('img', { name: /^Monthly leakage against denial rate/ });
    expect(await chart.getAttribute('aria-label')).toBe('Monthly leakage against denial rate, 0 to 40%: $2,630.51 at 20% now, $657.63 at 5% with Closeout.');
    const nowMark = chart.locator('[data-mark="now"]');
    const x20 = Number(await nowMark.locator('circle').getAttribute('cx'));
    expect(await page.getByTestId('payback').textContent()).toContain('Immediately');

    // 20% → 30%: 9 denied claims, and the marker moves right along the line.
    const rate = page.getByLabel('Current denial rate');
    await rate.fill('30');
    const expected = computeRoi({ ...ROI_DEFAULTS, denialRatePct: 30 });
    await expect.poll(() => cell(page, 'denied', 'now-monthly')).toBe('9');
    expect(await cell(page, 'leakage', 'now-monthly')).toBe(usd(expected.now.leakage));
    expect(await table.textContent()).toContain('Now: 30 cases × 30% = 9 denied claims');
    expect(await page.getByRole('status', { name: 'Savings' }).textContent()).toContain(usd(expected.savings.monthly));
    expect(await nowMark.getAttribute('data-rate')).toBe('30');
    expect(await nowMark.textContent()).toBe(`Now 30%: ${usd(expected.now.leakage)}`);
    expect(Number(await nowMark.locator('circle').getAttribute('cx'))).toBeGreaterThan(x20);
    expect(await chart.getAttribute('aria-label')).toContain(`${usd(expected.now.leakage)} at 30% now`);

    // A software cost and a setup cost: the payback in months.
    await page.getByLabel('Software cost per month').fill('500');
    await page.getByLabel('One-time setup cost').fill('6000');
    const withCost = computeRoi({ ...ROI_DEFAULTS, denialRatePct: 30, softwareCostPerMonth: 500, setupCost: 6000 });
    await expect.poll(() => page.getByTestId('payback').textContent()).toContain(withCost.payback.text);
    expect(withCost.payback.kind).toBe('months');

    // Out of range: the field says why, the figures stay at the last good numbers.
    await rate.fill('150');
    await expect.poll(() => page.getByText('Current denial rate must be between 0% and 100%.').count()).toBe(1);
    expect(await page.getByText('Correct the marked inputs').count()).toBe(1);
    expect(await cell(page, 'denied', 'now-monthly')).toBe('9');
    // A denial rate past 40% stretches the chart.
    await rate.fill('55');
    await expect.poll(() => chart.getAttribute('aria-label')).toContain('0 to 60%');
    expect(await cell(page, 'denied', 'now-monthly')).toBe(num(30 * 0.55));

    await page.getByRole('button', { name: 'Reset to defaults' }).click();
    await expect.poll(() => cell(page, 'leakage', 'now-monthly')).toBe('$2,630.51');
  });
});

describe('dashboard', () => {
  it('shows the demo case closed and signed, follows a new case live, exports a table, and feeds the calculator', async () => {
    host = await ui.host({ seedDemo: true, capture: true, demoSpeed: 50_000 });
    await host.backend.demo?.done;
    await host.backend.capture?.idle();
    const b = host.backend;
    const caseId = (await b.ok('listCases', {}))[0]!.id;
    await b.ok('setCaseStatus', { id: caseId, status: 'closed' });
    const demoUser = (await b.ok('listUsers', {})).find((u) => u.name === 'Morgan Example (demo)')!;
    await completeReport(b, caseId);
    await b.ok('signReport', { caseId, userId: demoUser.id, pin: 'demo-sign' });

    const page = await newPage();
    await page.goto(`${host.bridge.pageUrl}#/practice`);
    const summary = page.getByRole('region', { name: 'Summary' });
    await expect.poll(() => summary.textContent()).toContain('1 closed');
    // Open coding questions at close are the workstation's, not a payer's denial: clean at close.
    expect(await page.getByTestId('clean-share').textContent()).toBe('100%');
    expect(await summary.textContent()).toContain('1 of 1 closed case clean at close = 100%');

    const status = page.getByRole('img', { name: 'Cases by status' });
    expect(await status.locator('[data-key="signed"]').getAttribute('data-value')).toBe('1');
    const lag = page.getByRole('table', { name: 'Report lag' });
    expect(await lag.locator('tr[data-step="signed"] td').nth(1).textContent()).toBe('1');
    expect(await lag.locator('tr[data-step="delivered"] td').nth(2).textContent()).toBe('1');
    const findings = page.getByRole('img', { name: 'Scrubber findings by number of cases' });
    expect(await findings.locator('[data-key="C01"]').getAttribute('data-value')).toBe('1');
    expect(await page.getByRole('img', { name: /^Median report lag by ISO week, 1 week$/ }).locator('[data-series="signed"] circle').count()).toBe(1);
    expect(await page.getByRole('table', { name: 'Per physician' }).textContent()).toContain('Example');
    const claim = await b.ok('getClaim', { caseId });
    expect(await page.getByRole('region', { name: 'Minutes captured vs billed' }).textContent()).toContain(`${claim.billable.minutes} billed of ${claim.billable.monitoredMinutes} captured minutes in 1 closed case`);

    // A table as CSV.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('region', { name: 'Report lag', exact: true }).getByRole('button', { name: 'CSV of Report lag' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^closeout-lag-\d{4}-\d\d-\d\d-to-\d{4}-\d\d-\d\d\.csv$/);
    const csv = fs.readFileSync((await download.path())!, 'utf8');
    expect(csv.split('\r\n')[0]).toBe('step,label,measured_cases,waiting_cases,median_minutes,p90_minutes');
    expect(csv.split('\r\n')[2]).toMatch(/^signed,Signed,1,0,[\d.]+,[\d.]+$/);

    // A case created elsewhere shows up without a reload (pushed, not polled).
    await b.ok('createCase', sampleCase());
    await expect.poll(() => summary.textContent()).toContain('Cases2');
    expect(await status.locator('[data-key="open"]').getAttribute('data-value')).toBe('1');

    // "Use my numbers" takes the practice's own cases, never the demo: 1 case today (counted as a
    // month); no closed case of the practice yet, so the denial rate stays as it was, and it says so.
    await page.getByRole('tab', { name: 'ROI calculator' }).click();
    await page.getByRole('button', { name: 'Use my numbers' }).click();
    await expect.poll(() => page.getByLabel('Cases per month').inputValue()).toBe('1');
    expect(await page.getByLabel('Current denial rate').inputValue()).toBe('20');
    const said = await page.getByRole('status', { name: 'Measured figures' }).textContent();
    expect(said).toContain('1 case (the demo case left out) from');
    expect(said).toContain('No closed case with a claim in this range yet (the demo case left out).');
    await expect.poll(() => cell(page, 'denied', 'now-monthly')).toBe('0.2');
    expect(await page.getByRole('table', { name: 'ROI figures' }).textContent()).toContain('Now: 1 case × 20% = 0.2 denied claims');
  });
});
