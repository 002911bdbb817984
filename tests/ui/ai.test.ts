/**
 * The AI narrative in the browser, on the demo case: set it up under Settings, ask for it, watch
 * the sections stream in, see an invented value marked and refused until corrected, accept one
 * section, keep the standard text for another. The real SDK talks to the fake API on 127.0.0.1.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useBrowser, type Host } from '../helpers/browser';
import { narrateFacts, splitEvery, startFakeAnthropic, type FakeAnthropic } from '../helpers/fake-anthropic';
import { findIdentifiers, identifiersOf } from '../../shared/report/deidentify';

const KEY = 'sk-ant-ui-test-key-never-real';

let fake: FakeAnthropic;
// Registered before the browser's own: after hooks run last-registered first, so the fake API
// closes after the pages and the host.
afterEach(async () => {
  await fake?.close();
});
const ui = useBrowser({ viewport: { width: 1360, height: 900 } });
let host: Host;

/** A faithful model (it writes from the facts it is sent), except one invented time in the events. */
function reply(body: Record<string, unknown> | null, wrongTime: string): string {
  return narrateFacts(body).replace('## events\n', `## events\nMonitoring was eventful; the first change was noted at ${wrongTime}.\n`);
}

describe('AI narrative in the browser', () => {
  it('is set up in Settings, streams into the report, marks an invented time, and accepts only what matches the record', async () => {
    let wrongTime = '00:00';
    fake = await startFakeAnthropic({ reply: (r) => reply(r.body, wrongTime), split: splitEvery(6), deltaDelayMs: 4 });
    host = await ui.host({ seedDemo: true, capture: true, demoSpeed: 50_000 });
    await host.backend.demo?.done;
    await host.backend.capture?.idle();
    const caseId = (await host.backend.ok('listCases', {}))[0]!.id;
    // A minute of the day the demo record never mentions.
    const draft = (await host.backend.ok('getReport', { caseId })).sections.map((s) => s.text).join('\n');
    for (let m = 0; draft.includes(wrongTime); m++) wrongTime = `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

    const page: Page = await ui.page();

    // Settings: off until turned on and given a key.
    await page.goto(`${host.bridge.pageUrl}#/settings`);
    const card = page.getByRole('region', { name: 'AI narrative settings' });
    await expect.poll(() => card.getByLabel('AI narrative state').textContent()).toBe('The AI narrative is off: reports use the standard draft.');
    await card.getByLabel('AI narrative', { exact: true }).selectOption('on');
    await card.getByLabel('Service address').fill('http://example.com');
    await card.getByRole('button', { name: 'Save AI settings' }).click();
    await expect.poll(() => card.getByText('The AI service address must use https.').first().isVisible()).toBe(true);
    await card.getByLabel('Service address').fill(fake.url);
    await card.getByLabel('Timeout (seconds)').fill('5');
    await card.getByRole('button', { name: 'Save AI settings' }).click();
    await expect.poll(() => card.getByLabel('AI narrative state').textContent()).toBe('Add an API key to use the AI narrative.');
    await card.getByLabel('API key').fill(KEY);
    await card.getByRole('button', { name: 'Store key' }).click();
    await expect.poll(() => card.getByLabel('AI narrative state').textContent()).toMatch(/^Ready: reports can ask claude-/);
    expect(await card.textContent()).toContain('A key is set, kept only until Closeout closes');
    expect(await card.getByLabel('API key').inputValue()).toBe('');
    expect(await page.content()).not.toContain(KEY);

    // The report: ask for the narrative and watch it stream.
    await page.goto(`${host.bridge.pageUrl}#/cases/${caseId}`);
    await page.getByRole('tab', { name: /Report/ }).click();
    const report = page.getByRole('tabpanel', { name: 'Report' });
    await report.getByRole('button', { name: 'Write AI narrative' }).click();
    await expect.poll(() => report.getByText('AI text (writing…)').count(), { interval: 20 }).toBeGreaterThan(0);
    await expect.poll(() => report.getByRole('status', { name: 'AI narrative' }).textContent()).toMatch(/^Narrative written by/);
    for (const title of ['Modalities monitored', 'Anesthesia', 'Baseline findings', 'Intraoperative events', 'Closing status', 'Interpretation and conclusion']) {
      expect(await report.getByRole('group', { name: `AI text for ${title}` }).count(), title).toBe(1);
    }
    // The AI does not write the patient or monitoring sections.
    expect(await report.getByRole('group', { name: 'AI text for Patient, procedure and indication' }).count()).toBe(0);

    // The invented time is marked, and the section cannot be accepted as is.
    const events = report.getByRole('group', { name: 'AI text for Intraoperative events' });
    expect(await events.locator('mark.finding').allTextContents()).toEqual([wrongTime]);
    expect(await events.getByRole('list', { name: 'Findings in Intraoperative events' }).textContent()).toContain(`${wrongTime}: ${wrongTime} is not a time in the record`);
    expect(await events.getByRole('button', { name: 'Accept AI text' }).isDisabled()).toBe(true);
    // Edited out: the live check clears, and it is accepted.
    await events.getByRole('button', { name: 'Edit AI text' }).click();
    const box = events.getByLabel('Intraoperative events AI text');
    await box.fill((await box.inputValue()).replace(`Monitoring was eventful; the first change was noted at ${wrongTime}.\n`, ''));
    await expect.poll(() => events.getByRole('button', { name: 'Accept AI text' }).isDisabled()).toBe(false);
    await events.getByRole('button', { name: 'Accept AI text' }).click();
    const eventsSection = report.getByRole('region', { name: 'Intraoperative events' });
    await expect.poll(() => eventsSection.textContent()).toContain('AI text, accepted');
    expect(await eventsSection.getByRole('group').count()).toBe(0);

    // A clean section is accepted as written; another keeps the standard text.
    const modalities = report.getByRole('group', { name: 'AI text for Modalities monitored' });
    expect(await modalities.textContent()).toContain('All values match the record');
    await modalities.getByRole('button', { name: 'Accept AI text' }).click();
    await expect.poll(() => report.getByRole('region', { name: 'Modalities monitored' }).textContent()).toContain('AI text, accepted');
    await report.getByRole('group', { name: 'AI text for Closing status' }).getByRole('button', { name: 'Keep the standard text' }).click();
    expect(await report.getByRole('group', { name: 'AI text for Closing status' }).count()).toBe(0);
    const after = await host.backend.ok('getReport', { caseId });
    expect(after.sections.map((s) => [s.id, s.origin])).toEqual([
      ['patient', 'draft'],
      ['modalities', 'ai'],
      ['anesthesia', 'draft'],
      ['baselines', 'draft'],
      ['events', 'ai'],
      // The notes stay as recorded: the AI is not sent them and never writes that section.
      ['notes', 'draft'],
      ['closing', 'draft'],
      ['interpretation', 'draft'],
      ['monitoring', 'draft'],
    ]);

    // What left the machine named no one.
    const people = await host.backend.ok('listPeople', {});
    const ids = identifiersOf(after.facts, { people });
    for (const q of fake.requests) {
      const content = (q.body?.['messages'] as Array<{ content: string }>)[0]!.content;
      expect(findIdentifiers(content.replace('Case facts (de-identified JSON):', ''), ids)).toEqual([]);
    }
  });

  it('a service that does not answer leaves the standard draft and says so', async () => {
    fake = await startFakeAnthropic({ failures: ['hang', 'hang'] });
    host = await ui.host();
    const c = await host.backend.ok('createCase', (await import('../helpers/backend')).sampleCase());
    await host.backend.ok('saveAiSettings', { enabled: true, model: 'claude-sonnet-5-5', baseURL: fake.url, timeoutSeconds: 1 });
    await host.backend.ok('setAiKey', { key: KEY });
    const page = await ui.page();
    await page.goto(`${host.bridge.pageUrl}#/cases/${c.id}`);
    await page.getByRole('tab', { name: /Report/ }).click();
    const report = page.getByRole('tabpanel', { name: 'Report' });
    await report.getByRole('button', { name: 'Write AI narrative' }).click();
    await expect.poll(() => report.getByRole('status', { name: 'AI narrative' }).textContent()).toMatch(/^The AI service did not answer; the report keeps the standard draft\./);
    expect(await report.locator('.ai-suggestion').count()).toBe(0);
    expect(await report.getByRole('button', { name: 'Write AI narrative' }).isVisible()).toBe(true);
  });
});
