/**
 * Quick entry in a real Chromium at 1280×720, on a case with no device source: the technologist
 * marks the whole case with one key (and Enter) per fact, corrects a time, and records a typed
 * note as the alert it reads as. The timeline, the report and the claim then hold those facts.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useBrowser, type Host } from '../helpers/browser';
import { sampleCase } from '../helpers/backend';

const ui = useBrowser();
let host: Host;

const pad = (n: number) => String(n).padStart(2, '0');
/** The clock time the page shows for an instant (same machine, same zone). */
const hms = (ms: number) => {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
};

async function press(page: Page, key: string, form: string): Promise<void> {
  // Keys act only outside text fields: leave the note box first, as a technologist would (Esc).
  if (await page.getByLabel('Note').evaluate((el) => el === document.activeElement)) await page.getByLabel('Note').press('Escape');
  await page.keyboard.press(key);
  await expect.poll(() => page.getByRole('form', { name: `Record: ${form}` }).isVisible()).toBe(true);
}

/** Open an entry by its key, set its time (minutes before now), record it with Enter. */
async function enter(page: Page, key: string, form: string, minutesAgo: number, fill?: (f: ReturnType<Page['getByRole']>) => Promise<void>): Promise<void> {
  await press(page, key, form);
  const f = page.getByRole('form', { name: `Record: ${form}` });
  await f.getByLabel('Time').fill(hms(Date.now() - minutesAgo * 60_000));
  if (fill) await fill(f);
  await f.getByLabel('Time').press('Enter');
  await expect.poll(() => page.getByRole('status', { name: 'Last entry' }).textContent()).toContain(`${form} recorded at`);
}

describe('quick entry on a case with no device source', () => {
  it('one key per fact, a corrected time, a typed note recorded as the alert it reads as: timeline, report and claim follow', async () => {
    host = await ui.host();
    const b = host.backend;
    const surgeon = await b.ok('createPerson', { role: 'surgeon', lastName: 'Sample', firstName: 'Sam', credential: 'MD', npi: '1000000012' });
    const c = await b.ok('createCase', sampleCase({ surgeonId: surgeon.id, readerLocation: 'in_room' }));
    await b.ok('setCaseStatus', { id: c.id, status: 'capturing' });
    const page = await ui.page();
    await page.goto(`${host.bridge.pageUrl}#/cases/${c.id}`);
    await expect.poll(() => page.getByRole('toolbar', { name: 'Record at this moment' }).isVisible()).toBe(true);

    // One key opens the entry timed to the keystroke; Enter records it.
    await press(page, 's', 'Monitoring start');
    const keyed = await page.getByRole('form', { name: 'Record: Monitoring start' }).getByLabel('Time').inputValue();
    expect(keyed).toMatch(/^\d\d:\d\d:\d\d$/);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('form', { name: 'Record: Monitoring start' }).count()).toBe(0);

    // The case as it happened, times corrected back to when each fact was seen.
    await enter(page, 's', 'Monitoring start', 130);
    await enter(page, 'b', 'Baseline', 128);
    await enter(page, 'b', 'Baseline', 126, async (f) => {
      await f.getByLabel('Modality').selectOption('TCMEP');
    });

    // A typed note goes through the site's names-and-words rules: offered, never applied by itself.
    const note = page.getByLabel('Note');
    await note.fill('MEP drop L TA 60%, surgeon notified');
    await note.press('Enter');
    const offer = page.getByRole('group', { name: 'What the words say' }).first();
    await expect.poll(() => offer.textContent()).toContain('Recorded as a note. It reads as an alert in TcMEP (left, lower limb), with the surgeon notified.');
    await offer.getByRole('button', { name: 'Record as alert' }).click();
    const events = page.getByRole('list', { name: 'Events' });
    await expect.poll(() => events.locator('li.superseded').textContent()).toContain('(recorded as alert)');
    await expect.poll(() => events.locator('li[data-kind="alert"]').count()).toBe(1);
    expect(await events.locator('li[data-kind="surgeon_notified"]').count()).toBe(1);

    await enter(page, 'i', 'Intervention', 0, async (f) => {
      await f.getByLabel('What').selectOption('retractor_released');
    });
    await enter(page, 'r', 'Recovery', 0);
    await enter(page, 'x', 'Electrodes out', 0);
    await enter(page, 'c', 'Closing', 0);
    await enter(page, 'e', 'Monitoring end', 0);
    // Entered with a corrected time: the keystroke is kept beside it.
    await expect.poll(() => events.textContent()).toContain('(time corrected; keyed');
    expect(await events.locator('li').first().textContent()).toContain('typed by');

    // The record: one monitoring segment, the alert notified, treated and recovered.
    const t = await b.ok('getTimeline', { caseId: c.id });
    expect(t.monitoring.segments).toHaveLength(1);
    expect(t.monitoring.derived).toBe(false);
    expect(t.alerts).toHaveLength(1);
    expect(t.alerts[0]).toMatchObject({ modality: 'TCMEP', side: 'left', limb: 'lower', outcome: 'recovered' });
    expect(t.alerts[0]!.interventions.map((i) => i.text)).toEqual(['Retractor released']);
    expect(t.lanes.filter((l) => l.entered).map((l) => l.key)).toEqual(['SSEP:lower', 'SSEP:upper', 'TCMEP:lower', 'TCMEP:upper']);

    // The report tells it, and draws no conclusion the record does not hold.
    await page.getByRole('tab', { name: /Report/ }).click();
    const report = page.getByRole('tabpanel', { name: 'Report' });
    const eventsSection = report.getByRole('region', { name: 'Intraoperative events' });
    await expect.poll(() => eventsSection.textContent()).toContain('Significant change in TcMEP, left lower limb: MEP drop L TA 60%, surgeon notified.');
    // The report follows the record as it is pushed: wait for the last entries to reach it.
    await expect.poll(() => eventsSection.textContent()).toContain('Recovered after');
    expect(await eventsSection.textContent()).toContain('Intervention: Retractor released.');
    await expect.poll(() => report.getByRole('region', { name: 'Closing status' }).textContent()).toContain('At closure, all monitored modalities at baseline.');

    // The claim bills the typed modalities and time: no override needed for the markers.
    await page.getByRole('tab', { name: /^Claim/ }).click();
    const claim = await b.ok('getClaim', { caseId: c.id });
    expect(claim.lines.map((l) => l.code)).toEqual(expect.arrayContaining(['95938', '95939', '95940']));
    expect(claim.lines.find((l) => l.code === '95940')!.units).toBeGreaterThan(0);
    expect(claim.findings.map((f) => f.rule)).not.toContain('R05');
  });

  it('a refused entry comes back as it was filled, with the reason beside it; corrected, it is recorded once', async () => {
    host = await ui.host();
    const b = host.backend;
    const c = await b.ok('createCase', sampleCase());
    await b.ok('setCaseStatus', { id: c.id, status: 'capturing' });
    const page = await ui.page();
    await page.goto(`${host.bridge.pageUrl}#/cases/${c.id}`);
    await expect.poll(() => page.getByRole('toolbar', { name: 'Record at this moment' }).isVisible()).toBe(true);

    // A time typed ten minutes ahead: no entry may be in the future.
    await press(page, 'b', 'Baseline');
    const form = page.getByRole('form', { name: 'Record: Baseline' });
    await form.getByLabel('Modality').selectOption('TCMEP');
    await form.getByLabel('Detail').fill('all four limbs, good morphology');
    await form.getByLabel('Time').fill(hms(Date.now() + 10 * 60_000));
    await form.getByLabel('Time').press('Enter');
    await expect.poll(() => form.getByRole('alert').first().textContent()).toMatch(/future/i);
    expect(await form.getByLabel('Modality').inputValue()).toBe('TCMEP');
    expect(await form.getByLabel('Detail').inputValue()).toBe('all four limbs, good morphology');
    expect(await b.ok('listEvents', { caseId: c.id, limit: 10 })).toEqual([]);

    await form.getByLabel('Time').fill(hms(Date.now() - 60_000));
    await form.getByLabel('Time').press('Enter');
    await expect.poll(() => page.getByRole('status', { name: 'Last entry' }).textContent()).toContain('Baseline recorded at');
    const stored = await b.ok('listEvents', { caseId: c.id, limit: 10 });
    expect(stored.map((e) => [e.kind, e.modality])).toEqual([
      ['baseline', 'TCMEP'],
      ['baseline', 'TCMEP'],
    ]);
  });
});
