/**
 * EHR delivery in the browser, on the demo case: an administrator sets up a drop folder and an
 * HL7 receiver (a real MLLP listener on loopback) in Settings → EHR, the physician closes and
 * signs in the UI, one click on Send to EHR delivers to both and the panel follows each
 * destination live; a re-send is a second message. Save as PDF downloads a DRAFT before signing
 * and the signed report after. Settings → Export charges takes a date range and lists the cases
 * it left out with the reason.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HANG_MS } from '../helpers/patience';
import type { Page } from 'playwright-core';
import { CHARGE_COLUMNS } from '../../shared/billing/charges';
import { parseHl7 } from '../../shared/hl7/parse';
import { completeReport, sampleCase } from '../helpers/backend';
import { useBrowser, type Host } from '../helpers/browser';
import { ROOT } from '../helpers/cli';
import { startMllpListener, type MllpListener } from '../helpers/mllp-listener';
import { tempDir } from '../helpers/temp-dir';

let listener: MllpListener | null = null;
// Registered before the browser's own: after hooks run last-registered first, so the receiver
// stops after the pages and the host are closed, as a delivery in flight expects.
afterEach(async () => {
  await listener?.stop();
  listener = null;
});
const ui = useBrowser({ viewport: { width: 1440, height: 1000 }, acceptDownloads: true });
let host: Host;

async function newPage(timeout = HANG_MS): Promise<Page> {
  return ui.page({ timeout });
}

/** The demo case, captured to the end (still "capturing"), and an administrator with a PIN. */
async function demoHost(): Promise<{ caseId: string }> {
  host = await ui.host({ seedDemo: true, capture: true, demoSpeed: 50_000 });
  await host.backend.demo?.done;
  await host.backend.capture?.idle();
  const b = host.backend;
  const admin = await b.ok('saveUser', { user: { name: 'Ada Admin', role: 'admin' } });
  await b.ok('setUserPin', { id: admin.id, newPin: 'admin-pin-1' });
  return { caseId: (await b.ok('listCases', {}))[0]!.id };
}

function hl7Field(message: string, segment: string, n: number): string {
  const parsed = parseHl7(message);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.message.segments.find((s) => s.id === segment)?.fields[n]?.raw ?? '';
}

const destinationState = (page: Page, id: string) => page.getByRole('list', { name: 'Delivery status' }).locator(`li[data-destination="${id}"]`).getAttribute('data-state');

describe('EHR delivery in the browser', () => {
  it('an administrator sets up a drop folder and an HL7 receiver; the physician signs; one click delivers to both', async () => {
    const { caseId } = await demoHost();
    const b = host.backend;
    listener = await startMllpListener();
    const dropDir = tempDir('closeout-drop-');
    const page = await newPage();

    // Settings → EHR: the letterhead with a logo, then the two destinations.
    await page.goto(`${host.bridge.pageUrl}#/settings`);
    const card = page.getByRole('region', { name: 'EHR settings' });
    await expect.poll(() => card.getByText('None yet: Send to EHR stays off').isVisible()).toBe(true);
    await card.getByLabel('Practice name').fill('Synthetic Neuromonitoring Associates');
    await card.getByLabel('Address line 1').fill('100 Example Way');
    await card.getByLabel('Phone').fill('555-0100');
    const logo = card.getByLabel('Logo (PNG or JPEG, up to 500 KB)');
    await logo.setInputFiles({ name: 'huge.png', mimeType: 'image/png', buffer: Buffer.alloc(600 * 1024, 1) });
    await expect.poll(() => card.getByText('huge.png is 600 KB; the logo may be 500 KB at most.').isVisible()).toBe(true);
    await logo.setInputFiles({ name: 'not-a-logo.png', mimeType: 'image/png', buffer: Buffer.from('plain text, not an image') });
    await expect.poll(() => card.getByText('not-a-logo.png is not a PNG or JPEG image.').isVisible()).toBe(true);
    await logo.setInputFiles(path.join(ROOT, 'resources', 'icon.png'));
    const preview = card.getByLabel('Letterhead preview');
    await expect.poll(() => preview.getByRole('img', { name: 'Logo' }).getAttribute('src')).toMatch(/^data:image\/png;base64,iVBORw0KGgo/);
    expect(await preview.textContent()).toContain('Synthetic Neuromonitoring Associates');

    await card.getByRole('button', { name: 'Add drop folder' }).click();
    const folder = card.getByRole('listitem', { name: 'Destination 1' });
    await folder.getByLabel('Name', { exact: true }).fill('Scanning share');
    expect(await folder.getByLabel('Id', { exact: true }).inputValue()).toBe('scanning-share');
    await folder.getByLabel('Folder', { exact: true }).fill(dropDir);

    await card.getByRole('button', { name: 'Add HL7 receiver' }).click();
    const his = card.getByRole('listitem', { name: 'Destination 2' });
    await his.getByLabel('Name', { exact: true }).fill('Hospital HIS');
    await his.getByLabel('Host', { exact: true }).fill('127.0.0.1');
    await his.getByLabel('Port', { exact: true }).fill('not a port');
    await his.getByLabel('Receiving application').fill('EPIC');
    await his.getByLabel('MRN assigning authority').fill('DEMOGEN');
    await his.getByLabel('Timeout (seconds)').fill('5');

    // The form's own check (a port that is not a number), then the backend's schema's field errors.
    const save = card.getByRole('button', { name: 'Save EHR settings' });
    await card.getByLabel('Administrator PIN').fill('admin-pin-1');
    await save.click();
    await expect.poll(() => his.getByText('Give the port as a number, e.g. 6661.').isVisible()).toBe(true);
    await his.getByLabel('Port', { exact: true }).fill(String(listener.port));
    await save.click();
    await expect.poll(() => his.getByText('Give the receiving facility (MSH-6).').isVisible()).toBe(true);
    expect((await b.ok('getEhrSettings', {})).destinations).toEqual([]);
    await his.getByLabel('Receiving facility').fill('DEMO_GENERAL');
    await card.getByLabel('Administrator PIN').fill('wrong-pin');
    await save.click();
    await expect.poll(() => card.getByText('That PIN is not right. Nothing was changed.').first().isVisible()).toBe(true);
    await card.getByLabel('Administrator PIN').fill('admin-pin-1');
    await save.click();
    await expect.poll(() => card.getByRole('status').textContent()).toBe('EHR settings saved by Ada Admin.');
    const saved = await b.ok('getEhrSettings', {});
    expect(saved.destinations.map((d) => [d.kind, d.id, d.enabled])).toEqual([
      ['folder', 'scanning-share', true],
      ['mllp', 'hospital-his', true],
    ]);
    expect(saved.destinations[1]).toMatchObject({ host: '127.0.0.1', port: listener.port, receivingFacility: 'DEMO_GENERAL', timeoutSeconds: 5, tls: false });
    expect(saved.letterhead).toMatchObject({ practiceName: 'Synthetic Neuromonitoring Associates', addressLines: ['100 Example Way'], phone: '555-0100', logo: { type: 'png' } });
    expect(await card.getByRole('listitem', { name: 'Destination 2' }).textContent()).toContain(`127.0.0.1:${listener.port}`);

    // The demo case: not signed yet, so Send to EHR is off and says why.
    await page.goto(`${host.bridge.pageUrl}#/cases/${caseId}`);
    await page.getByRole('tab', { name: /^Report/ }).click();
    const report = page.getByRole('tabpanel', { name: 'Report' });
    const send = report.getByRole('button', { name: 'Send to EHR' });
    await expect.poll(() => send.isDisabled()).toBe(true);
    expect(await report.getByRole('region', { name: 'Send and save' }).textContent()).toContain('Sign the report first: only a signed report goes to the EHR.');

    // Closed and signed in the UI by the demo physician.
    await page.getByRole('button', { name: 'Close case' }).click();
    // The demo is capturing: closing asks once.
    await page.getByRole('group', { name: 'Close while capturing' }).getByRole('button', { name: 'Close now' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Sign report' }).isVisible()).toBe(true);
    // The physician adopts the interpretation the record suggests.
    await report.getByRole('region', { name: 'Interpretation and conclusion' }).getByRole('button', { name: 'Adopt as written' }).click();
    await expect.poll(() => page.getByRole('list', { name: 'Before signing' }).count()).toBe(0);
    await page.getByLabel('Physician').selectOption({ label: 'Morgan Example (demo)' });
    await page.getByLabel('PIN', { exact: true }).fill('demo-sign');
    await page.getByRole('button', { name: 'Sign report' }).click();
    await expect.poll(() => report.textContent()).toContain('Signed by Morgan Example (demo)');
    await expect.poll(() => send.isDisabled()).toBe(false);
    expect(await report.getByRole('region', { name: 'Send and save' }).textContent()).toContain('Sends the signed report to Scanning share, Hospital HIS.');

    // One click: both destinations, followed live.
    await send.click();
    await expect.poll(() => destinationState(page, 'scanning-share')).toBe('delivered');
    await expect.poll(() => destinationState(page, 'hospital-his')).toBe('acknowledged');
    const status = page.getByRole('list', { name: 'Delivery status' });
    expect(await status.locator('li[data-destination="scanning-share"]').textContent()).toMatch(/Delivered to the folder.*v1 · 1 attempt · done \d\d:\d\d:\d\d/);
    expect(await status.locator('li[data-destination="hospital-his"]').textContent()).toMatch(/Acknowledged by the EHR.*v1 · 1 attempt · done \d\d:\d\d:\d\d/);
    expect(await send.isDisabled()).toBe(true);
    await expect.poll(() => page.locator('.case-title [data-status]').getAttribute('data-status')).toBe('sent');

    // The drop folder holds exactly one PDF, whole and valid.
    const pdfs = fs.readdirSync(dropDir).filter((f) => f.endsWith('.pdf'));
    expect(pdfs).toEqual([`DEMO-0001_${(await b.ok('getCase', { id: caseId })).case.dateOfService}_IONM_${caseId}_v1.pdf`]);
    expect(fs.readdirSync(dropDir)).toEqual(pdfs);
    const pdfPath = path.join(dropDir, pdfs[0]!);
    expect(fs.readFileSync(pdfPath).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    execFileSync('qpdf', ['--check', pdfPath], { timeout: HANG_MS });

    // The HL7 receiver got one MDM^T02.
    expect(listener.received).toHaveLength(1);
    expect(hl7Field(listener.received[0]!.text, 'MSH', 9)).toMatch(/^MDM\^T02/);
    expect(hl7Field(listener.received[0]!.text, 'TXA', 12)).toBe(`${caseId}-1`);

    // A re-send of one destination: a new message, said to be recorded. The receiver garbles its
    // first answer: the row shows the retry and its time, then the acknowledgement, live.
    listener.setPolicy((_message, index) => (index === 1 ? { kind: 'garbled' } : { kind: 'AA' }));
    await status.getByRole('button', { name: 'Re-send to Hospital HIS' }).click();
    await expect.poll(() => report.getByRole('status', { name: 'Send result' }).textContent()).toBe('Re-sent to Hospital HIS; the re-send is recorded in the audit log.');
    await expect.poll(() => destinationState(page, 'hospital-his')).toBe('retrying');
    const hisRow = status.locator('li[data-destination="hospital-his"]');
    expect(await hisRow.textContent()).toMatch(/Retrying.*v1 · 1 attempt · retrying at \d\d:\d\d:\d\d/);
    expect(await hisRow.locator('.delivery-msg').textContent()).not.toBe('');
    expect(await hisRow.getByRole('button').count()).toBe(0);
    await expect.poll(() => destinationState(page, 'hospital-his')).toBe('acknowledged');
    expect(await hisRow.textContent()).toMatch(/v1 · 2 attempts · done/);
    expect(listener.received).toHaveLength(3);
    expect(listener.received[1]!.controlId).not.toBe(listener.received[0]!.controlId);
    expect(listener.received[2]!.controlId).toBe(listener.received[1]!.controlId);

    // Every delivery in the history, newest first.
    await report.getByText(/^History of deliveries/).click();
    const history = report.getByRole('table', { name: 'Delivery history' }).locator('tbody tr');
    await expect.poll(() => history.count()).toBe(3);
    expect(await history.evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset['state']))).toEqual(['acknowledged', 'acknowledged', 'delivered']);
    expect(await history.first().textContent()).toMatch(/^v1Hospital HIS/);
    expect(fs.readdirSync(dropDir).filter((f) => f.endsWith('.pdf'))).toHaveLength(1);
  });

  it('Save as PDF: a DRAFT before signing, the signed report after; with no destination, Send to EHR says who sets one up', async () => {
    const { caseId } = await demoHost();
    const b = host.backend;
    const page = await newPage();
    await page.goto(`${host.bridge.pageUrl}#/cases/${caseId}`);
    await page.getByRole('tab', { name: /^Report/ }).click();
    const panel = page.getByRole('tabpanel', { name: 'Report' }).getByRole('region', { name: 'Send and save' });
    const savePdf = panel.getByRole('button', { name: 'Save as PDF' });

    const [draft] = await Promise.all([page.waitForEvent('download'), savePdf.click()]);
    expect(draft.suggestedFilename()).toBe(`DEMO-0001_${(await b.ok('getCase', { id: caseId })).case.dateOfService}_IONM_${caseId}_vdraft.pdf`);
    const draftBytes = fs.readFileSync((await draft.path())!);
    expect(draftBytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    await expect.poll(() => panel.getByRole('status', { name: 'PDF result' }).textContent()).toMatch(/DRAFT: not signed yet\)\.$/);

    // Signed (through the API this time): the PDF is the one kept for the EHR.
    await b.ok('setCaseStatus', { id: caseId, status: 'closed' });
    const demoUser = (await b.ok('listUsers', {})).find((u) => u.name === 'Morgan Example (demo)')!;
    await completeReport(b, caseId);
    await b.ok('signReport', { caseId, userId: demoUser.id, pin: 'demo-sign' });
    await expect.poll(() => page.getByRole('tabpanel', { name: 'Report' }).textContent()).toContain('Signed by Morgan Example (demo)');
    const [signed] = await Promise.all([page.waitForEvent('download'), savePdf.click()]);
    expect(signed.suggestedFilename()).toMatch(new RegExp(`_IONM_${caseId}_v1\\.pdf$`));
    const signedPath = (await signed.path())!;
    expect(fs.readFileSync(signedPath).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    execFileSync('qpdf', ['--check', signedPath], { timeout: HANG_MS });
    await expect.poll(() => panel.getByRole('status', { name: 'PDF result' }).textContent()).toMatch(/signed, as sent to the EHR\)\.$/);

    const send = panel.getByRole('button', { name: 'Send to EHR' });
    expect(await send.isDisabled()).toBe(true);
    expect(await panel.textContent()).toContain('No destination is set up yet. An administrator sets up destinations under Settings → EHR.');
  });

  it('Settings → Export charges: a date range gives the clean or overridden cases and lists the ones left out with the reason', async () => {
    const { caseId } = await demoHost();
    const b = host.backend;
    // The demo case: coding questions answered, closed, overridden by a biller (the report is unsigned).
    const claim = await b.ok('getClaim', { caseId });
    await b.ok('saveBillingDetails', { caseId, details: { ...claim.details, limbs: { ...claim.details.limbs, TCMEP: ['upper', 'lower'] }, emgExtremities: 2 } });
    await b.ok('setCaseStatus', { id: caseId, status: 'closed' });
    const biller = await b.ok('saveUser', { user: { name: 'Bill Ing', role: 'billing' } });
    await b.ok('setUserPin', { id: biller.id, newPin: 'biller-pin-1' });
    await b.ok('overrideClaim', { caseId, userId: biller.id, pin: 'biller-pin-1', reason: 'Signed on paper; scanned copy attached in the EHR' });
    // A second case the same day, still open: left out.
    const open = await b.ok('createCase', sampleCase());
    const day = (await b.ok('getCase', { id: caseId })).case.dateOfService;
    expect((await b.ok('getCase', { id: open.id })).case.dateOfService).toBe(day);

    const page = await newPage();
    await page.goto(`${host.bridge.pageUrl}#/settings`);
    const card = page.getByRole('region', { name: 'Export charges' });
    await card.getByLabel('From').fill(day);
    await card.getByLabel('To').fill(day);
    const [download] = await Promise.all([page.waitForEvent('download'), card.getByRole('button', { name: 'Export CSV' }).click()]);
    expect(download.suggestedFilename()).toBe(`charges-${day}-to-${day}.csv`);
    const [header, ...rows] = fs.readFileSync((await download.path())!, 'utf8').trim().split('\r\n');
    expect(header).toBe(CHARGE_COLUMNS.join(','));
    expect(rows.map((r) => r.split(',')[CHARGE_COLUMNS.indexOf('code')])).toEqual(['95938', '95939', '95861', '95941']);
    expect(rows.every((r) => r.startsWith(`${caseId},`) && r.includes(',overridden,'))).toBe(true);
    await expect.poll(() => card.getByRole('status').textContent()).toBe(`Saved charges-${day}-to-${day}.csv: 4 lines from 1 case.`);
    const skipped = card.getByRole('list', { name: 'Left out' }).locator('li');
    expect(await skipped.count()).toBe(1);
    expect(await skipped.first().getAttribute('data-case')).toBe(open.id);
    expect(await skipped.first().textContent()).toContain(`${day}: The case is still open: close it first.`);

    // A range with no case: nothing saved, and it says so.
    await card.getByLabel('From').fill('2020-01-01');
    await card.getByLabel('To').fill('2020-01-31');
    await card.getByRole('button', { name: 'Export JSON' }).click();
    await expect.poll(() => card.getByRole('status').textContent()).toBe('No charges to export from 2020-01-01 to 2020-01-31: no case has that date of service. Nothing was saved.');
  });
});
