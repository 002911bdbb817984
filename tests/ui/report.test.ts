import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useBrowser, type Host } from '../helpers/browser';
import { completeReport, sampleCase } from '../helpers/backend';

const ui = useBrowser({ viewport: { width: 1360, height: 900 } });
let host: Host;

async function open(): Promise<Page> {
  host = await ui.host();
  const page = await ui.page();
  await page.goto(host.bridge.pageUrl);
  return page;
}

describe('report in the browser', () => {
  it('the draft follows the record; a person edits a section, closes the case, signs with a PIN, then adds an addendum', async () => {
    const page = await open();
    const b = host.backend;
    const doc = await b.ok('createPerson', { role: 'physician', lastName: 'Reader', firstName: 'Rita', credential: 'MD', npi: '1234567893' });
    const user = await b.ok('saveUser', { user: { name: 'Dr Reader', role: 'physician', personId: doc.id } });
    await b.ok('setUserPin', { id: user.id, newPin: 'open-sesame' });
    const c = await b.ok('createCase', sampleCase({ physicianId: doc.id, readerLocation: 'remote' }));
    const t0 = Date.now() - 2 * 3600_000;
    await b.ok('addNote', { caseId: c.id, text: 'Monitoring start', occurredAt: t0, clientId: 'n-000001', kind: 'monitoring_start' });
    await b.ok('addNote', { caseId: c.id, text: 'Incision', occurredAt: t0 + 10 * 60_000, clientId: 'n-000002', kind: 'milestone' });

    await page.goto(`${host.bridge.pageUrl}#/cases/${c.id}`);
    await page.getByRole('tab', { name: /Report/ }).click();
    const report = page.getByRole('tabpanel', { name: 'Report' });
    await expect.poll(() => report.textContent()).toContain('Closing status: not recorded.');
    expect(await page.getByRole('list', { name: 'Report gaps' }).textContent()).toContain('Closing status: not recorded');

    // A new fact updates the draft live.
    await b.ok('addNote', { caseId: c.id, text: 'At closure all modalities at baseline', occurredAt: Date.now() - 60_000, clientId: 'n-000003' });
    await expect.poll(() => report.getByRole('region', { name: 'Closing status' }).textContent()).toContain('At closure all modalities at baseline.');

    // The interpretation is the physician's: empty (a gap), with wording suggested from the record.
    const interp = report.getByRole('region', { name: 'Interpretation and conclusion' });
    expect(await interp.locator('.section-text').first().textContent()).toBe('Interpretation: not yet written by the interpreting physician.');
    const suggested = interp.getByRole('group', { name: 'Suggested wording' });
    await expect.poll(() => suggested.textContent()).toContain('At closing: all modalities at baseline.');
    expect(await suggested.textContent()).not.toMatch(/no significant change/i);

    // Closed, it cannot be signed yet, and the panel says why.
    expect(await report.textContent()).toContain('Close the case to sign the report');
    await page.getByRole('button', { name: 'Close case' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Sign report' }).isVisible()).toBe(true);
    const before = page.getByRole('list', { name: 'Before signing' });
    await expect.poll(() => before.textContent()).toContain('The interpretation has not been written');
    expect(await before.textContent()).toContain('The report still lists');
    await page.getByLabel('PIN').fill('open-sesame');
    expect(await page.getByRole('button', { name: 'Sign report' }).isDisabled()).toBe(true);

    // The physician edits the suggestion into their own words: it stays as written.
    await suggested.getByRole('button', { name: 'Edit the suggestion' }).click();
    const box = interp.getByLabel('Interpretation and conclusion text');
    expect(await box.inputValue()).toContain('At closing: all modalities at baseline.');
    await box.fill('Uneventful monitoring. No changes from baseline.');
    await interp.getByRole('button', { name: 'Save section' }).click();
    await expect.poll(() => interp.textContent()).toContain('Uneventful monitoring. No changes from baseline.');
    await expect.poll(() => before.textContent()).not.toContain('The interpretation has not been written');
    // The other gaps (no recordings reached this workstation) are settled by the physician too.
    await completeReport(b, c.id);
    await expect.poll(() => before.count()).toBe(0);

    // Sign: a wrong PIN is refused, the right one signs.
    await page.getByLabel('PIN').fill('guess');
    await page.getByRole('button', { name: 'Sign report' }).click();
    await expect.poll(() => page.getByText('That PIN is not right. Nothing was signed.').first().isVisible()).toBe(true);
    await page.getByLabel('PIN').fill('open-sesame');
    await page.getByRole('button', { name: 'Sign report' }).click();
    await expect.poll(() => report.textContent()).toContain('Signed by Dr Reader, MD');
    await expect.poll(() => page.getByText('Signed', { exact: true }).first().isVisible()).toBe(true);
    expect(await interp.getByRole('button', { name: 'Edit' }).count()).toBe(0);

    // Addendum.
    await page.getByLabel('Addendum').fill('Remote reader confirmed findings by phone at close.');
    await page.getByLabel('PIN').fill('open-sesame');
    await page.getByRole('button', { name: 'Sign addendum' }).click();
    await expect.poll(() => report.textContent()).toContain('Addendum 1');
    expect(await report.textContent()).toContain('Remote reader confirmed findings by phone at close.');
    expect((await b.ok('getCase', { id: c.id })).case.status).toBe('amended');
  });
});
