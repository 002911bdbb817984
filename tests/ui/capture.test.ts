import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useBrowser, type Host } from '../helpers/browser';
import { sampleCase } from '../helpers/backend';
import { tempDir } from '../helpers/temp-dir';
import { cadwellEdf, DEMO_PATIENT, xltekText } from '../helpers/capture';

const ui = useBrowser({ viewport: { width: 1360, height: 900 } });
let host: Host;

async function open(): Promise<Page> {
  host = await ui.host({ capture: true });
  const page = await ui.page();
  await page.goto(host.bridge.pageUrl);
  return page;
}

describe('capture in the browser, against the real backend and watcher', () => {
  it('adds an export folder in the Capture page, starts capture, and sees device events and the timeline arrive live', async () => {
    const page = await open();
    const exportDir = tempDir('closeout-export-');
    const c = await host.backend.ok('createCase', sampleCase({ patient: DEMO_PATIENT, dateOfService: '2026-11-26' }));

    await page.getByRole('link', { name: 'Capture' }).click();
    await page.getByRole('button', { name: 'Add export folder' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('Cadwell OR 7');
    await dialog.getByLabel('Folder', { exact: true }).fill(exportDir);
    await dialog.getByLabel('Device clock zone').fill('UTC');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByRole('list', { name: 'Capture sources' }).textContent()).toContain('Cadwell OR 7');
    expect(await page.getByRole('list', { name: 'Capture sources' }).textContent()).toContain('Starts when a case is capturing.');

    await page.goto(`${host.bridge.pageUrl}#/cases/${c.id}`);
    await page.getByRole('button', { name: 'Start capture' }).click();
    await expect.poll(() => page.getByRole('list', { name: 'Capture sources' }).textContent()).toContain('Watching');

    fs.writeFileSync(path.join(exportDir, 'L MEP.edf'), cadwellEdf({ trials: 20, everySec: 60 }));
    fs.writeFileSync(path.join(exportDir, 'events.txt'), xltekText([['08:01:00', 'Baseline TcMEP obtained'], ['08:09:00', 'Incision']]));
    const events = page.getByRole('list', { name: 'Events' });
    await expect.poll(() => events.textContent()).toContain('Incision');
    // The trials are in the picture, not the list.
    await expect.poll(() => page.locator('svg[aria-label="Case timeline"]').textContent()).toContain('TcMEP');
    expect(await events.textContent()).not.toContain('Stim:');
    await page.getByLabel('Show each trial and vital sign').check();
    await expect.poll(() => events.textContent()).toContain('Stim: 120mA');

    // A line appended by the device shows up without a reload.
    fs.appendFileSync(path.join(exportDir, 'events.txt'), '3 08:15:00 Loss of L TA MEP, surgeon notified\r\n');
    await expect.poll(() => events.textContent()).toContain('Loss of L TA MEP');
    await expect.poll(() => page.locator('svg [data-marker="alert"]').count()).toBe(1);
    expect(await page.getByRole('list', { name: 'Device files' }).textContent()).toContain('L MEP.edf');
  });

  it('shows a held file and reads it once a person adds it anyway', async () => {
    const page = await open();
    const exportDir = tempDir('closeout-export-');
    await host.backend.ok('saveSource', { source: { kind: 'folder', name: 'Exports', config: { path: exportDir, timeZone: 'UTC' } } });
    const c = await host.backend.ok('createCase', sampleCase({ patient: DEMO_PATIENT, dateOfService: '2026-11-26' }));
    await host.backend.ok('setCaseStatus', { id: c.id, status: 'capturing' });
    await page.goto(`${host.bridge.pageUrl}#/cases/${c.id}`);
    fs.writeFileSync(path.join(exportDir, 'other.edf'), cadwellEdf({ trials: 3, patient: 'OTHER-9 M 01-JAN-1950 Someone_Else' }));
    const files = page.getByRole('list', { name: 'Device files' });
    await expect.poll(() => files.textContent()).toContain('names a different patient');
    await page.getByRole('button', { name: 'Add anyway' }).click();
    await expect.poll(() => files.textContent()).toContain('3 events');
  });
});
