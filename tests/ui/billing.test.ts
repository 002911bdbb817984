/**
 * Billing in the browser, on the demo case: the live checklist asks the coding questions and
 * takes the answers in place, the claim panel shows the lines, a billing user overrides the
 * unsigned report with PIN and reason, and the charges download as CSV. The checklist follows
 * the case while it captures. Settings → Billing: an administrator turns a rule off with a PIN.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HANG_MS } from '../helpers/patience';
import type { Locator, Page } from 'playwright-core';
import { useBrowser, type Host } from '../helpers/browser';
import { CHARGE_COLUMNS } from '../../shared/billing/charges';

const ui = useBrowser({ viewport: { width: 1440, height: 1000 } });
let host: Host;

async function newPage(timeout = HANG_MS): Promise<Page> {
  return ui.page({ timeout });
}

/** The rule ids of a findings list, in order. */
const rulesIn = (list: Locator) => list.locator(':scope > li').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset['rule']));

describe('billing in the browser', () => {
  it('demo case: coding questions answered in the checklist, lines on the claim, a biller overrides, charges exported as CSV', async () => {
    host = await ui.host({ seedDemo: true, capture: true, demoSpeed: 50_000 });
    await host.backend.demo?.done;
    await host.backend.capture?.idle();
    const b = host.backend;
    const caseId = (await b.ok('listCases', {}))[0]!.id;
    const biller = await b.ok('saveUser', { user: { name: 'Bill Ing', role: 'billing' } });
    await b.ok('setUserPin', { id: biller.id, newPin: 'biller-pin-1' });

    const page = await newPage();
    await page.goto(`${host.bridge.pageUrl}#/cases/${caseId}`);
    const checklist = page.getByRole('region', { name: 'What a payer would deny' });
    const blocking = checklist.getByRole('list', { name: 'Blocking findings' });

    // The two questions the device names leave open, and the unsigned report.
    const tcmep = checklist.getByRole('group', { name: 'TcMEP limbs' });
    const emg = checklist.getByRole('group', { name: 'EMG extremities' });
    await expect.poll(() => tcmep.count()).toBe(1);
    expect(await emg.count()).toBe(1);
    expect(await rulesIn(blocking)).toEqual(['R16', 'C01', 'C01']);
    const text = await blocking.textContent();
    expect(text).toContain('TcMEP: which limbs were tested? The device names (L MEP, R MEP) do not say.');
    expect(text).toContain('EMG: how many extremities were monitored? The record does not say (no recording or entry names limb and side).');
    const r16 = blocking.locator('li[data-rule="R16"]');
    expect(await r16.textContent()).toContain('The report is not signed yet.');
    expect(await r16.textContent()).toContain('What to do: The interpreting physician signs the report');
    // A source outside the shell's short list of openable references is shown with its address.
    expect(await r16.getByText('S35', { exact: true }).getAttribute('title')).toMatch(/^https:\/\/webhooks\.codingahead\.com\//);
    expect(await checklist.getByRole('status', { name: 'Claim summary' }).textContent()).toMatch(/^3 blocking findings\./);
    expect(await rulesIn(checklist.getByRole('list', { name: 'Warnings' }))).toContain('R27');

    // Answered in place, one right after the other: both answers are kept.
    await tcmep.getByRole('button', { name: 'Both' }).click();
    await emg.getByRole('button', { name: '2', exact: true }).click();
    await expect.poll(() => tcmep.count()).toBe(0);
    await expect.poll(() => emg.count()).toBe(0);
    await expect.poll(() => rulesIn(blocking)).toEqual(['R16']);
    expect((await b.ok('getClaim', { caseId })).details).toMatchObject({ limbs: { TCMEP: ['upper', 'lower'] }, emgExtremities: 2 });

    // The claim panel: the lines the answers give, the time, and the form showing the answers.
    await page.getByRole('tab', { name: /^Claim/ }).click();
    const panel = page.getByRole('tabpanel', { name: 'Claim' });
    const lines = panel.getByRole('table', { name: 'Charge lines' }).locator('tbody tr');
    await expect.poll(() => lines.evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset['code']))).toEqual(['95938', '95939', '95861', '95941']);
    expect(await panel.getByRole('status', { name: 'Claim status' }).textContent()).toBe('Not clean');
    expect(await panel.getByLabel('Time code', { exact: true }).textContent()).toContain('95941 · Reader remote');
    expect(await panel.getByRole('list', { name: 'Not billed' }).textContent()).toContain('Train-of-four');
    const details = panel.getByRole('form', { name: 'Billing details' });
    expect(await details.getByRole('group', { name: 'TcMEP limbs' }).getByLabel('Upper limb').isChecked()).toBe(true);
    expect(await details.getByLabel('EMG extremities').inputValue()).toBe('2');

    // Not exportable yet, and it says why.
    const csvButton = panel.getByRole('button', { name: 'Export charges (CSV)' });
    expect(await csvButton.isDisabled()).toBe(true);
    expect(await panel.getByRole('group', { name: 'Export charges' }).textContent()).toContain('The case is still open: close it to export its charges.');

    // The override: field errors from the backend, a wrong PIN, then the right one.
    const override = panel.getByRole('form', { name: 'Override' });
    await override.getByLabel('Billing PIN').fill('biller-pin-1');
    await override.getByLabel('Reason').fill('short');
    await override.getByRole('button', { name: 'Override' }).click();
    await expect.poll(() => override.getByText(/at least 10 characters/).first().isVisible()).toBe(true);
    await override.getByLabel('Billing PIN').fill('wrong');
    await override.getByLabel('Reason').fill('Signed on paper; scanned copy attached in the EHR');
    await override.getByRole('button', { name: 'Override' }).click();
    await expect.poll(() => override.getByText('That PIN is not right. Nothing was changed.').first().isVisible()).toBe(true);
    await override.getByLabel('Billing PIN').fill('biller-pin-1');
    await override.getByRole('button', { name: 'Override' }).click();
    await expect.poll(() => panel.getByRole('status', { name: 'Claim status' }).textContent()).toBe('Overridden by Bill Ing');
    expect(await panel.getByLabel('Override in force').textContent()).toContain('Signed on paper; scanned copy attached in the EHR');
    expect(await page.getByRole('tab', { name: /^Claim/ }).textContent()).toBe('Claim (overridden)');
    expect(await checklist.getByRole('status', { name: 'Claim summary' }).textContent()).toContain('Overridden by Bill Ing');

    // Closed, the charges download.
    await page.getByRole('button', { name: 'Close case' }).click();
    // The demo is capturing: closing asks once.
    await page.getByRole('group', { name: 'Close while capturing' }).getByRole('button', { name: 'Close now' }).click();
    await expect.poll(() => csvButton.isDisabled()).toBe(false);
    const [download] = await Promise.all([page.waitForEvent('download'), csvButton.click()]);
    expect(download.suggestedFilename()).toMatch(/^charges-\d{4}-\d\d-\d\d-[0-9a-f]{8}\.csv$/);
    const csv = fs.readFileSync((await download.path())!, 'utf8');
    const [header, ...rows] = csv.trim().split('\r\n');
    expect(header).toBe(CHARGE_COLUMNS.join(','));
    expect(rows.map((r) => r.split(',')[CHARGE_COLUMNS.indexOf('code')])).toEqual(['95938', '95939', '95861', '95941']);
    expect(rows.every((r) => r.startsWith(`${caseId},`) && r.includes(',overridden,closeout-default '))).toBe(true);
    await expect.poll(() => panel.getByRole('group', { name: 'Export charges' }).getByRole('status').textContent()).toMatch(/\.csv: 4 lines\.$/);
  });

  it('the checklist follows the demo case live while it captures, refetching at most about once a second', async () => {
    // 600× speed: monitoring starts ~3 s in and ends ~16 s in; the checklist must follow.
    host = await ui.host({ seedDemo: true, capture: true, demoSpeed: 600 });
    const b = host.backend;
    let finished = false;
    void b.demo?.done.then(() => (finished = true));
    const caseId = (await b.ok('listCases', {}))[0]!.id;
    await expect.poll(async () => (await b.ok('getClaim', { caseId })).findings.map((f) => f.rule), { interval: 100 }).toContain('R05');

    const page = await newPage();
    const loadedAt = Date.now();
    let claimCalls = 0;
    let capturePushes = 0;
    page.on('websocket', (ws) => {
      ws.on('framesent', (f) => {
        if (typeof f.payload === 'string' && f.payload.includes('"method":"getClaim"')) claimCalls++;
      });
      ws.on('framereceived', (f) => {
        if (typeof f.payload === 'string' && /"type":"push".*"name":"events?Captured"/.test(f.payload)) capturePushes++;
      });
    });
    await page.goto(`${host.bridge.pageUrl}#/cases/${caseId}`);
    const blocking = page.getByRole('region', { name: 'What a payer would deny' }).getByRole('list', { name: 'Blocking findings' });
    // Monitoring started but has not ended: the time cannot be billed yet.
    await expect.poll(() => rulesIn(blocking), { interval: 50 }).toContain('R05');
    expect(finished).toBe(false);
    // Monitoring end arrives through the watcher: R05 leaves the list without a reload.
    await expect.poll(() => rulesIn(blocking), { interval: 100 }).not.toContain('R05');
    const seconds = (Date.now() - loadedAt) / 1000;
    expect(await page.locator('.case-title [data-status]').getAttribute('data-status')).toBe('capturing');
    expect(await rulesIn(blocking)).toEqual(expect.arrayContaining(['R16', 'C01']));
    // Hundreds of capture pushes arrived meanwhile; the claim was asked for about once a second.
    expect(claimCalls).toBeGreaterThan(2);
    expect(claimCalls).toBeLessThanOrEqual(Math.ceil(seconds * 1.25) + 3);
    expect(capturePushes).toBeGreaterThan(5 * claimCalls);
    await b.demo?.done;
  });

  it('Settings → Billing: an administrator turns R31 off with a PIN; the rule sets JSON is checked; every version is kept', async () => {
    host = await ui.host();
    const b = host.backend;
    const admin = await b.ok('saveUser', { user: { name: 'Ada Admin', role: 'admin' } });
    await b.ok('setUserPin', { id: admin.id, newPin: 'admin-pin-1' });
    const page = await newPage();
    await page.goto(`${host.bridge.pageUrl}#/settings`);
    const card = page.getByRole('region', { name: 'Billing settings' });

    await expect.poll(() => card.getByText('None yet: the rules shipped with Closeout are in force.').isVisible()).toBe(true);
    expect(await card.getByRole('list', { name: 'Payer rule sets' }).textContent()).toContain('payer name contains “aetna”');
    const r31 = card.getByLabel('Severity of R31');
    expect(await r31.inputValue()).toBe('warn');
    const save = card.getByRole('button', { name: 'Save billing settings' });
    expect(await save.isDisabled()).toBe(true);

    // R31 off; a wrong PIN changes nothing, the right one saves.
    await r31.selectOption('off');
    await card.getByLabel('Practice billing role').selectOption('professional');
    await card.getByLabel('Administrator PIN').fill('guess');
    await save.click();
    await expect.poll(() => card.getByText('That PIN is not right. Nothing was changed.').first().isVisible()).toBe(true);
    expect((await b.ok('getBillingSettings', {})).history).toEqual([]);
    await card.getByLabel('Administrator PIN').fill('admin-pin-1');
    await save.click();
    await expect.poll(() => card.getByRole('status').textContent()).toBe('Billing settings saved by Ada Admin.');
    const history = card.getByRole('list', { name: 'Rule set history' }).locator('li');
    await expect.poll(() => history.count()).toBe(1);
    expect(await history.first().textContent()).toContain('saved by Ada Admin');
    expect(await r31.inputValue()).toBe('off');
    const saved = await b.ok('getBillingSettings', {});
    expect(saved).toMatchObject({ ruleSetsSource: 'saved', practice: { role: 'professional' } });
    expect(saved.ruleSets.base.rules['R31']!.severity).toBe('off');

    // The whole document as JSON: errors are shown and nothing is sent; a valid edit saves.
    await card.getByRole('button', { name: 'Edit as JSON' }).click();
    const editor = card.getByLabel('Rule sets JSON');
    const doc = await editor.inputValue();
    await editor.fill(doc.replace('{', '{,'));
    await card.getByLabel('Administrator PIN').fill('admin-pin-1');
    await save.click();
    await expect.poll(() => card.getByRole('list', { name: 'Rule sets errors' }).textContent()).toMatch(/^Not valid JSON/);
    const bumped = doc.replace(/"version": "2026\.1"/, '"version": "2026.2"');
    expect(bumped).not.toBe(doc);
    await editor.fill(bumped.replace(/"concurrencyLimit": \d+/, '"concurrencyLimit": 0'));
    await save.click();
    await expect.poll(() => card.getByRole('list', { name: 'Rule sets errors' }).textContent()).toContain('base.params.concurrencyLimit');
    expect((await b.ok('getBillingSettings', {})).history).toHaveLength(1);
    await editor.fill(bumped);
    await card.getByLabel('Administrator PIN').fill('admin-pin-1');
    await save.click();
    await expect.poll(() => history.count()).toBe(2);
    expect(await history.first().textContent()).toContain('closeout-default 2026.2');
    expect(await history.nth(1).textContent()).toContain('closeout-default 2026.1');
    expect((await b.ok('getBillingSettings', {})).ruleSets.base.version).toBe('2026.2');
  });
});
