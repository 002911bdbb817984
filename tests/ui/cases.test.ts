import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useBrowser, type Host } from '../helpers/browser';
import { sampleCase } from '../helpers/backend';
import { tempDir } from '../helpers/temp-dir';
import { DB_FILE_NAME } from '../../electron/services/store/open-db';

const ui = useBrowser({ viewport: { width: 1360, height: 900 } });
let host: Host;
let errors: string[];

async function open(opts: Parameters<typeof ui.host>[0] = {}): Promise<Page> {
  host = await ui.host(opts);
  const page = await ui.page();
  errors = ui.errors(page);
  await page.goto(host.bridge.pageUrl);
  return page;
}

describe('cases in the browser, against the real backend', () => {
  it('creates a case through the form (adding a surgeon on the way), sees it in the list, adds a note and sees it appear', async () => {
    const page = await open();
    await expect.poll(() => page.getByText('No cases yet').isVisible()).toBe(true);
    await page.getByRole('link', { name: 'New case' }).click();

    await page.getByLabel('Last name').fill('Núñez');
    await page.getByLabel('First name').fill('José');
    await page.getByLabel('MRN').fill('SYN-4242');
    await page.getByLabel('Date of birth').fill('1966-03-14');
    await page.getByLabel('Sex').selectOption('M');
    await page.getByLabel('Procedure', { exact: true }).fill('C5-C6 anterior cervical discectomy and fusion');
    await page.getByLabel('Levels').fill('C5-C6');
    await page.getByLabel('Payer type').selectOption('commercial');
    await page.getByLabel('Diagnosis codes (ICD-10-CM)').fill('m4712, G95.9');

    // People are kept once: add the surgeon from the picker, and it is selected.
    await page.getByLabel('Surgeon', { exact: true }).selectOption('__add__');
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Last name').fill('Sample');
    await dialog.getByLabel('First name').fill('Sam');
    await dialog.getByLabel('NPI').fill('1000000012');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByLabel('Surgeon', { exact: true }).inputValue()).not.toBe('');

    await page.getByRole('button', { name: 'Create case' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Núñez, José' }).isVisible()).toBe(true);
    await expect.poll(() => page.getByText('Open', { exact: true }).isVisible()).toBe(true);
    expect(await page.getByRole('list', { name: 'Still needed' }).textContent()).toContain('Technologist not set.');

    // Stored as typed, codes normalised.
    const [stored] = await host.backend.ok('listCases', {});
    const detail = await host.backend.ok('getCase', { id: stored!.id });
    expect(detail.case.diagnosisCodes).toEqual(['M47.12', 'G95.9']);
    expect(detail.people.surgeon?.npi).toBe('1000000012');

    // One keystroke note: type, Enter; stored with the time Enter was pressed.
    const note = page.getByLabel('Note');
    await note.fill('Baseline SSEP and TcMEP obtained');
    const before = Date.now();
    await note.press('Enter');
    const after = Date.now();
    const list = page.getByRole('list', { name: 'Events' });
    await expect.poll(() => list.textContent()).toContain('Baseline SSEP and TcMEP obtained');
    await expect.poll(() => note.inputValue()).toBe('');
    const [ev] = await host.backend.ok('listEvents', { caseId: stored!.id });
    expect(ev!.occurredAt).toBeGreaterThanOrEqual(before - 50);
    expect(ev!.occurredAt).toBeLessThanOrEqual(after + 50);

    // Back to the list: today's case is there, with its status.
    await page.getByRole('link', { name: 'Cases' }).click();
    const row = page.locator('tr', { hasText: 'Núñez, José' });
    await expect.poll(() => row.textContent()).toContain('SYN-4242');
    expect(await page.getByText('Today', { exact: true }).isVisible()).toBe(true);
  });

  it('shows field-level messages and saves nothing when the form is incomplete', async () => {
    const page = await open();
    await page.getByRole('link', { name: 'New case' }).click();
    await page.getByLabel('Last name').fill('Half');
    await page.getByLabel('Diagnosis codes (ICD-10-CM)').fill('XYZ');
    await page.getByRole('button', { name: 'Create case' }).click();
    await expect.poll(() => page.getByText('Enter the MRN.').isVisible()).toBe(true);
    expect(await page.getByText('"XYZ" is not an ICD-10-CM code. Codes look like M48.062 or G95.9.').isVisible()).toBe(true);
    expect(await page.getByText('Some fields need attention (marked in red).').isVisible()).toBe(true);
    // The cursor goes to the first problem.
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.id)).toBe(await page.getByLabel('First name').getAttribute('id'));
    expect(await host.backend.ok('listCases', {})).toEqual([]);
  });

  it('events captured elsewhere appear live, without a reload', async () => {
    const page = await open();
    const c = await host.backend.ok('createCase', sampleCase());
    await page.goto(`${host.bridge.pageUrl}#/cases/${c.id}`);
    await expect.poll(() => page.getByText('No events yet').isVisible()).toBe(true);
    await host.backend.ok('addNote', { caseId: c.id, text: 'Captured by another client', occurredAt: Date.now(), clientId: 'other-client-0001' });
    await expect.poll(() => page.getByRole('list', { name: 'Events' }).textContent()).toContain('Captured by another client');
    // And a status change made elsewhere updates the header.
    await host.backend.ok('setCaseStatus', { id: c.id, status: 'capturing' });
    await expect.poll(() => page.getByText('Capturing', { exact: true }).isVisible()).toBe(true);
  });

  it('searches by name or MRN, accents optional', async () => {
    const page = await open();
    await host.backend.ok('createCase', sampleCase({ patient: { lastName: 'Żółć', firstName: 'Łukasz', mrn: 'PL-99', dateOfBirth: '1980-01-01', sex: 'M' } }));
    await host.backend.ok('createCase', sampleCase());
    await page.reload();
    await page.getByLabel('Search cases by name or MRN').fill('zolc');
    await expect.poll(() => page.locator('tbody tr').count()).toBe(1);
    expect(await page.locator('tbody tr').textContent()).toContain('Żółć, Łukasz');
    await page.getByLabel('Search cases by name or MRN').fill('syn-1001');
    await expect.poll(() => page.locator('tbody tr').textContent()).toContain('Testpatient, Bea');
    await page.getByLabel('Search cases by name or MRN').fill('nobody-here');
    await expect.poll(() => page.getByText('No case matches “nobody-here”.').isVisible()).toBe(true);
  });

  it('says "reconnecting" when the backend link drops, keeps a note typed meanwhile, and saves it with its original time', async () => {
    const page = await open();
    const c = await host.backend.ok('createCase', sampleCase());
    await page.goto(`${host.bridge.pageUrl}#/cases/${c.id}`);
    await expect.poll(() => page.getByText('No events yet').isVisible()).toBe(true);

    await host.stopBridge();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Reconnecting' }).isVisible()).toBe(true);
    // The link is cut on purpose: a request the page had in flight fails with it, as it should.
    const expected = /^Failed to load resource: net::ERR_CONNECTION_(RESET|REFUSED|CLOSED)$/;
    const keep = () => errors.splice(0, errors.length, ...errors.filter((e) => !expected.test(e)));
    const note = page.getByLabel('Note');
    await note.fill('Typed while disconnected');
    const pressed = Date.now();
    await note.press('Enter');
    const released = Date.now();
    await expect.poll(() => page.getByText(/Saving 1 note/).isVisible()).toBe(true);

    keep();
    await host.restartBridge();
    await expect.poll(() => page.getByRole('list', { name: 'Events' }).textContent()).toContain('Typed while disconnected');
    expect(await page.getByText(/Reconnecting/).count()).toBe(0);
    const [ev] = await host.backend.ok('listEvents', { caseId: c.id });
    // The note keeps the time of the keystroke, not of the reconnect that saved it.
    expect(ev!.occurredAt).toBeGreaterThanOrEqual(pressed - 50);
    expect(ev!.occurredAt).toBeLessThanOrEqual(released + 50);
    // A request failed by the cut may report only after the link is back.
    keep();
  });

  it('a newcomer sees the demo case on first start, its events arriving live from the simulated device', async () => {
    const page = await open({ seedDemo: true, capture: true, demoSpeed: 600 });
    await page.getByRole('link', { name: 'Testpatient, Ada' }).click();
    await expect.poll(() => page.getByText('Capturing', { exact: true }).isVisible()).toBe(true);
    const events = page.getByRole('list', { name: 'Events' });
    // Events arrive while we watch: first the setup, later the alert (about 9 s in at 600×).
    await expect.poll(() => events.textContent()).toContain('Patient in room');
    await expect.poll(() => events.textContent()).toContain('amplitude down');
    // The timeline picture has lanes and the alert marker.
    await expect.poll(() => page.locator('svg[aria-label="Case timeline"] [data-marker="alert"]').count()).toBeGreaterThan(0);
    expect(await page.getByRole('list', { name: 'Capture sources' }).textContent()).toContain('Demo device (simulated)');
    expect(await page.getByText('Nothing missing from the case record.').isVisible()).toBe(true);
  });

  it('a damaged database gets a plain full-page message, not a blank screen', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, DB_FILE_NAME), 'definitely not sqlite '.repeat(100));
    const page = await open({ dataDir: dir });
    await expect.poll(() => page.getByRole('heading', { name: 'Closeout cannot open its case database' }).isVisible()).toBe(true);
    expect(await page.getByRole('alert').textContent()).toMatch(/damaged.*left it untouched/);
  });
});
