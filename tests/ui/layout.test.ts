/**
 * The workstation screen at the sizes ORs have (1280×720 and 1440×900): the case during capture,
 * its report and claim, the practice dashboard and the ROI calculator. Nothing overflows its card
 * or the page (a money figure or a table cut off is a defect), and during capture the checklist of
 * what a payer would deny is in view without scrolling. Screenshots are kept for people to look at.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startHost, useBrowser, type Host } from '../helpers/browser';

const ui = useBrowser();
let host: Host;
let caseId: string;
const SHOTS = path.join(os.tmpdir(), 'closeout-screens');

beforeAll(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  // The demo plays slowly enough to still be capturing while the screens are checked.
  host = await startHost({ seedDemo: true, capture: true, demoSpeed: 120 });
  caseId = (await host.backend.ok('listCases', {}))[0]!.id;
});
afterAll(async () => {
  await host?.close();
});

/** Every element that sticks out of its card, and whether the page itself scrolls sideways. */
function overflows(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const name = (el: Element) => `${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string' ? `.${el.className.trim().split(/\s+/).join('.')}` : ''} "${(el.textContent ?? '').trim().slice(0, 40)}"`;
    if (document.documentElement.scrollWidth > window.innerWidth + 1) out.push(`the page scrolls sideways (${document.documentElement.scrollWidth} px wide)`);
    for (const card of Array.from(document.querySelectorAll('.card'))) {
      const c = card.getBoundingClientRect();
      if (c.width === 0) continue;
      for (const el of Array.from(card.querySelectorAll('*'))) {
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.height === 0) continue;
        // Inside a container that scrolls (a wide table in its own scroller) it is reachable.
        let scrolled = false;
        for (let p = el.parentElement; p && p !== card; p = p.parentElement) {
          const o = getComputedStyle(p).overflowX;
          if (o === 'auto' || o === 'scroll') scrolled = true;
        }
        if (scrolled) continue;
        if (r.right > c.right + 1 || r.left < c.left - 1) out.push(`${name(el)} sticks out of ${name(card)} by ${Math.round(Math.max(r.right - c.right, c.left - r.left))} px`);
      }
    }
    return [...new Set(out)].slice(0, 20);
  });
}

const SIZES = [
  [1280, 720],
  [1440, 900],
] as const;

describe.each(SIZES)('at %i×%i', (width, height) => {
  it('the case during capture: the payer checklist in view, nothing cut off on any tab', async () => {
    const page = await ui.page({ viewport: { width, height } });
    await page.goto(`${host.bridge.pageUrl}#/cases/${caseId}`);
    await expect.poll(() => page.getByText('Capturing', { exact: true }).first().isVisible()).toBe(true);
    await expect.poll(() => page.getByRole('region', { name: 'What a payer would deny' }).getByRole('status', { name: 'Claim summary' }).isVisible()).toBe(true);
    // In view without scrolling: its summary line lies inside the window.
    const box = (await page.getByRole('region', { name: 'What a payer would deny' }).getByRole('status', { name: 'Claim summary' }).boundingBox())!;
    expect(box.y + box.height).toBeLessThanOrEqual(height);
    await page.screenshot({ path: path.join(SHOTS, `case-capturing-${width}x${height}.png`) });
    expect(await overflows(page)).toEqual([]);

    await page.getByRole('tab', { name: /Report/ }).click();
    await expect.poll(() => page.getByRole('tabpanel', { name: 'Report' }).isVisible()).toBe(true);
    await page.screenshot({ path: path.join(SHOTS, `report-${width}x${height}.png`), fullPage: true });
    expect(await overflows(page)).toEqual([]);

    await page.getByRole('tab', { name: /^Claim/ }).click();
    await expect.poll(() => page.getByRole('tabpanel', { name: 'Claim' }).isVisible()).toBe(true);
    await page.screenshot({ path: path.join(SHOTS, `claim-${width}x${height}.png`), fullPage: true });
    expect(await overflows(page)).toEqual([]);
  });

  it('the practice dashboard and the ROI calculator: no figure or table cut off', async () => {
    const page = await ui.page({ viewport: { width, height } });
    await page.goto(`${host.bridge.pageUrl}#/practice`);
    await expect.poll(() => page.getByRole('heading', { name: 'Practice' }).isVisible()).toBe(true);
    await page.waitForLoadState('networkidle');
    await page.screenshot({ path: path.join(SHOTS, `dashboard-${width}x${height}.png`), fullPage: true });
    expect(await overflows(page)).toEqual([]);
    // The Capture page lists each source once, with its state, settings and actions together.
    await page.goto(`${host.bridge.pageUrl}#/capture`);
    const list = page.getByRole('list', { name: 'Capture sources' });
    await expect.poll(() => list.textContent()).toContain('Demo device (simulated)');
    expect(await page.getByText('Demo device (simulated)', { exact: true }).count()).toBe(1);
    expect(await list.getByRole('button', { name: 'Edit Demo device (simulated)' }).count()).toBe(1);
    expect(await overflows(page)).toEqual([]);
    await page.goto(`${host.bridge.pageUrl}#/practice`);
    await page.getByRole('tab', { name: /ROI/ }).click();
    await expect.poll(() => page.getByText(/Leakage/).first().isVisible()).toBe(true);
    await page.screenshot({ path: path.join(SHOTS, `roi-${width}x${height}.png`), fullPage: true });
    expect(await overflows(page)).toEqual([]);
  });
});

describe('closing a case while it captures', () => {
  it('asks once; "Keep capturing" changes nothing, "Close now" closes', async () => {
    const page = await ui.page();
    await page.goto(`${host.bridge.pageUrl}#/cases/${caseId}`);
    await expect.poll(() => page.getByText('Capturing', { exact: true }).first().isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Close case' }).click();
    const ask = page.getByRole('group', { name: 'Close while capturing' });
    await expect.poll(() => ask.textContent()).toContain('Capture is running: closing stops it and freezes the timeline.');
    await ask.getByRole('button', { name: 'Keep capturing' }).click();
    expect((await host.backend.ok('getCase', { id: caseId })).case.status).toBe('capturing');
    await page.getByRole('button', { name: 'Close case' }).click();
    await page.getByRole('group', { name: 'Close while capturing' }).getByRole('button', { name: 'Close now' }).click();
    await expect.poll(async () => (await host.backend.ok('getCase', { id: caseId })).case.status).toBe('closed');
  });
});
