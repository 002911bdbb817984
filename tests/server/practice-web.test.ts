import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleCase, testBackend, type TestBackend } from '../helpers/backend';
import { launchChromium } from '../helpers/chromium';
import { watchErrors } from '../helpers/browser';
import { until } from '../helpers/patience';
import { addUser, freshTotp, serverCli, startTestServer, type TestServer } from '../helpers/practice-server';

const NPI = '1234567893';
let s: TestServer;
let browser: Browser;
let ws: TestBackend;
let physicianSecret: string;
let billingSecret: string;

beforeAll(async () => {
  s = await startTestServer(undefined, { web: true });
  physicianSecret = await addUser(s.dir, 'dr.web', ['physician'], { npi: NPI });
  billingSecret = await addUser(s.dir, 'billing.web', ['billing']);
  browser = await launchChromium();
  // The workstation in the OR, on its own port and folder, syncing in the background as the app does.
  ws = testBackend({ sync: true });
  const code = JSON.parse((await serverCli(['enroll-code', '--dir', s.dir, '--workstation', 'OR Web', '--json'])).stdout).code as string;
  await ws.ok('enrollSync', { url: `https://127.0.0.1:${s.server.port}`, fingerprint: s.server.fingerprint, code });
});

afterAll(async () => {
  await browser?.close();
  await ws?.close();
  await s?.stop();
});

/**
 * Page errors other than the HTTP answers the test provokes (Chromium logs every 4xx a fetch
 * gets: the first look at /api/me before logging in, the wrong code, the refused signature).
 */
function unexpected(errors: readonly string[]): string[] {
  return errors.filter((e) => !/^Failed to load resource: the server responded with a status of (401|403)/.test(e));
}

/** A browser at the practice server (its certificate is self-signed: this test trusts it as a pinned workstation does). */
async function openServerPage(): Promise<{ page: Page; errors: string[]; close: () => Promise<void> }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, ignoreHTTPSErrors: true, acceptDownloads: true });
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(`https://127.0.0.1:${s.server.port}/`);
  return { page, errors, close: () => context.close() };
}

async function logIn(page: Page, username: string, secret: string): Promise<void> {
  await page.getByLabel('User name').fill(username);
  await page.getByLabel('Password').fill('a long enough passphrase');
  await page.getByLabel('Six-digit code from your authenticator app').fill(freshTotp(secret));
  await page.getByRole('button', { name: 'Log in' }).click();
}

describe("the practice server's page in the browser (real Chromium, HTTPS, PostgreSQL, a syncing workstation)", () => {
  it('the remote physician follows the case live, reads the report and signs it; the workstation takes the signature', async () => {
    // The practice's physicians reach the workstation with sync: the physician may be in its list already.
    const doc = (await ws.ok('listPeople', { role: 'physician' })).find((p) => p.npi === NPI) ?? (await ws.ok('createPerson', { role: 'physician', lastName: 'Web', firstName: 'Wanda', credential: 'MD', npi: NPI }));
    const c = await ws.ok('createCase', sampleCase({ physicianId: doc.id, readerLocation: 'remote' }));
    await ws.ok('setCaseStatus', { id: c.id, status: 'capturing' });
    const t0 = Date.now() - 2 * 3600_000;
    await ws.ok('addNote', { caseId: c.id, text: 'Monitoring start', occurredAt: t0, clientId: 'web-start-1', kind: 'monitoring_start' });

    const { page, errors, close } = await openServerPage();
    try {
      // A wrong code is said plainly.
      await page.getByLabel('User name').fill('dr.web');
      await page.getByLabel('Password').fill('a long enough passphrase');
      await page.getByLabel('Six-digit code from your authenticator app').fill('000000');
      await page.getByRole('button', { name: 'Log in' }).click();
      await expect.poll(() => page.getByRole('alert').textContent()).toContain('six-digit code is not right');
      await logIn(page, 'dr.web', physicianSecret);
      await page.getByRole('heading', { name: 'Waiting for my signature' }).waitFor();

      // Live: the case page follows the OR.
      await until('the case on the server', async () => (await s.db.pool.query('SELECT 1 FROM ws_cases WHERE case_id = $1', [c.id])).rowCount === 1);
      await page.goto(`https://127.0.0.1:${s.server.port}/#/case/${c.id}`);
      await page.getByRole('heading', { name: /Testpatient, Bea/ }).waitFor();
      expect(await page.locator('svg').count()).toBeGreaterThan(0);
      await ws.ok('addNote', { caseId: c.id, text: 'MEP amplitude down 60% left TA', occurredAt: Date.now() - 60_000, clientId: 'web-alert-1' });
      await page.getByText('MEP amplitude down 60% left TA').waitFor();

      // The case closes in the OR; the report arrives; the physician signs it with the password.
      for (let m = 5; m < 60; m += 5) await ws.ok('addNote', { caseId: c.id, text: `Check ${m}: stable`, occurredAt: t0 + m * 60_000, clientId: `web-check-${m}` });
      await ws.ok('addNote', { caseId: c.id, text: 'Monitoring end', occurredAt: t0 + 65 * 60_000, clientId: 'web-end-1', kind: 'monitoring_end' });
      await ws.ok('setCaseStatus', { id: c.id, status: 'closed' });
      // The technologist settles the sections with gaps; the interpretation is the physician's, written here.
      const r = await ws.ok('getReport', { caseId: c.id });
      for (const sec of r.sections) if (sec.id !== 'interpretation' && sec.gaps.length > 0) await ws.ok('saveSection', { caseId: c.id, sectionId: sec.id, text: sec.text });
      const form = page.getByRole('form', { name: 'Interpretation' });
      await form.getByRole('heading', { name: 'Write the interpretation' }).waitFor();
      expect(await page.getByRole('button', { name: 'Sign report' }).count()).toBe(0);
      await form.getByLabel('Interpretation and conclusion').fill('Transient left TA MEP change that recovered; no lasting change.');
      await form.getByRole('button', { name: 'Save interpretation' }).click();
      await form.getByRole('heading', { name: 'Interpretation (yours)' }).waitFor();
      const interp = (await ws.ok('getReport', { caseId: c.id })).sections.find((x) => x.id === 'interpretation')!;
      expect(interp).toMatchObject({ origin: 'person', text: 'Transient left TA MEP change that recovered; no lasting change.' });
      await page.getByLabel('Your password, to sign').fill('a long enough passphrase');
      await page.getByRole('button', { name: 'Sign report' }).click();
      await page.getByRole('status').filter({ hasText: 'the workstation has it as version 1' }).waitFor();
      const v = (await ws.ok('getReport', { caseId: c.id })).versions;
      expect(v.map((x) => x.signerName)).toEqual(['Synthetic dr.web']);

      // Later, an addendum from the same page: signed with the password, a new version on the workstation.
      const add = page.getByRole('form', { name: 'Add an addendum' });
      await add.waitFor();
      await page.getByLabel('Signed report').getByText('Transient left TA MEP change that recovered').waitFor();
      await add.getByLabel('Addendum').fill('Reviewed the left TA traces again: full recovery by closure.');
      await add.getByLabel('Your password, to sign').fill('not my password');
      await add.getByRole('button', { name: 'Sign addendum' }).click();
      await expect.poll(() => add.getByRole('alert').textContent()).toContain('That password is not right. No addendum was added.');
      await add.getByLabel('Your password, to sign').fill('a long enough passphrase');
      await add.getByRole('button', { name: 'Sign addendum' }).click();
      await add.getByRole('status').filter({ hasText: 'on the workstation as version 2' }).waitFor();
      const both = (await ws.ok('getReport', { caseId: c.id })).versions;
      expect(both.map((x) => [x.kind, x.signerName, x.addendumText])).toEqual([
        ['original', 'Synthetic dr.web', null],
        ['addendum', 'Synthetic dr.web', 'Reviewed the left TA traces again: full recovery by closure.'],
      ]);
      await page.getByLabel('Signed report').getByText('Addendum (version 2)').waitFor();

      // The queue no longer lists it.
      await page.goto(`https://127.0.0.1:${s.server.port}/#/queue`);
      await page.getByText('Nothing is waiting for your signature.').waitFor();
      expect(unexpected(errors)).toEqual([]);
    } finally {
      await close();
    }
  });

  it('billing sees every workstation’s claims, not clean first, and cannot reach the signing page', async () => {
    const bare = await ws.ok('createCase', sampleCase({ dateOfService: '2026-11-03' }));
    await ws.ok('setCaseStatus', { id: bare.id, status: 'closed' });
    await until('the claim on the server', async () => (await s.db.pool.query('SELECT 1 FROM ws_claims WHERE case_id = $1', [bare.id])).rowCount === 1);
    const { page, errors, close } = await openServerPage();
    try {
      await logIn(page, 'billing.web', billingSecret);
      const table = page.getByRole('table', { name: 'Claim worklist' });
      await table.waitFor();
      const first = table.locator('tbody tr').first();
      await expect.poll(() => first.textContent()).toContain('Not clean');
      expect(await table.textContent()).toContain('2026-11-03');
      expect(await page.getByRole('link', { name: 'My queue' }).count()).toBe(0);
      // The practice-wide charge export: a CSV file, and what was left out with why.
      const exp = page.getByRole('form', { name: 'Export charges' });
      await exp.getByLabel('From (date of service)').fill('2026-11-01');
      await exp.getByLabel('To').fill('2026-12-31');
      const download = page.waitForEvent('download');
      await exp.getByRole('button', { name: 'Export CSV' }).click();
      const file = await download;
      expect(file.suggestedFilename()).toBe('charges-2026-11-01-to-2026-12-31.csv');
      await exp.getByRole('status').getByText(/Not clean/).first().waitFor();
      // The office overrides that claim with a reason; its workstation keeps the override in the biller's name.
      const row = table.locator('tbody tr').filter({ hasText: '2026-11-03' });
      await row.getByRole('button', { name: 'Override…' }).click();
      await row.getByLabel('Reason (kept with the claim)').fill('Payer agreed by phone, reference 4711.');
      await row.getByRole('button', { name: 'Override', exact: true }).click();
      await until('the override on the workstation', async () => (await ws.ok('getClaim', { caseId: bare.id })).exportable);
      expect((await ws.ok('getClaim', { caseId: bare.id })).override).toMatchObject({ by: 'Synthetic billing.web', reason: 'Payer agreed by phone, reference 4711.' });
      await until('the overridden claim back on the server', async () => (await s.db.pool.query('SELECT clean FROM ws_claims WHERE case_id = $1', [bare.id])).rows[0]?.clean === true);
      await page.reload();
      await expect.poll(() => table.locator('tbody tr').filter({ hasText: '2026-11-03' }).textContent()).toContain('Overridden');
      expect(await table.locator('tbody tr').filter({ hasText: '2026-11-03' }).textContent()).toContain('By Synthetic billing.web');
      // The office answers what the claim needs and no device says; the workstation stores the answers.
      const answering = table.locator('tbody tr').filter({ hasText: '2026-11-03' });
      await answering.getByRole('button', { name: 'Answer…' }).click();
      const form = answering.getByRole('form', { name: /Answers for the claim of/ });
      await form.getByLabel('EMG extremities').selectOption('2');
      await form.getByLabel('Advance Beneficiary Notice on file').check();
      await form.getByRole('group', { name: 'The surgeon ordered' }).getByLabel('SSEP').check();
      await form.getByRole('button', { name: 'Send answers' }).click();
      await until('the answers on the workstation', async () => (await ws.ok('getClaim', { caseId: bare.id })).details.emgExtremities === 2);
      expect((await ws.ok('getClaim', { caseId: bare.id })).details).toMatchObject({ abnOnFile: true, surgeonOrder: ['SSEP'] });
      // The practice dashboard and the ROI calculator over every workstation: the workstation's own components, over the server.
      await page.getByRole('link', { name: 'Practice' }).click();
      const summary = page.getByRole('region', { name: 'Summary' });
      await expect.poll(async () => Number(await summary.locator('.tile b').first().textContent())).toBeGreaterThanOrEqual(2);
      await page.getByRole('tab', { name: 'ROI calculator' }).click();
      await page.getByRole('button', { name: 'Use my numbers' }).click();
      await expect.poll(() => page.getByRole('status', { name: 'Measured figures' }).textContent()).toMatch(/Cases per month: .*Current denial rate/);
      // The API refuses a billing account's signature whatever the page shows.
      const refused = await page.evaluate(async (id) => (await fetch(`/api/cases/${id}/sign`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ draftSha256: 'a'.repeat(64), password: 'x' }) })).status, bare.id);
      expect(refused).toBe(403);
      expect(unexpected(errors)).toEqual([]);
    } finally {
      await close();
    }
  });
});
