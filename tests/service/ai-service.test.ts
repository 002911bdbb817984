/**
 * The AI narrative end to end on the real backend: the demo case (played through the real
 * watcher), a real SQLite file, the real SDK against the fake Messages API on 127.0.0.1.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PushMessage } from '../../shared/contract/events';
import type { AiRun } from '../../shared/report/ai-run';
import { wallClockFormatter } from '../../shared/domain/timeline';
import { findIdentifiers, identifiersOf } from '../../shared/report/deidentify';
import { AI_SECTION_IDS } from '../../shared/report/ai-prompt';
import { narrateFacts, startFakeAnthropic, splitEvery, type FakeAnthropic } from '../helpers/fake-anthropic';
import { testBackend, type TestBackend } from '../helpers/backend';
import { cli } from '../helpers/cli';
import { tempDir } from '../helpers/temp-dir';
import { recordValues } from '../../shared/report/fact-check';

const KEY = 'sk-ant-test-0123456789-never-real';

let fake: FakeAnthropic;
let b: TestBackend;
let caseId: string;
let dataDir: string;

beforeAll(async () => {
  fake = await startFakeAnthropic({ reply: (r) => narrateFacts(r.body), split: splitEvery(7), deltaDelayMs: 1 });
  // Not tempDir(): that one is removed after each test, and this backend serves the whole file.
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'closeout-ai-'));
  b = testBackend({ dataDir, seedDemo: true, capture: true, demoSpeed: 50_000 });
  await b.demo?.done;
  await b.capture?.idle();
  caseId = (await b.ok('listCases', {}))[0]!.id;
});

afterAll(async () => {
  await b?.close();
  await fake?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

function runsOf(pushes: readonly PushMessage[]): AiRun[] {
  return pushes.flatMap((m) => (m.name === 'aiNarrative' ? [m.payload.run] : []));
}

describe('the demo case draft', () => {
  it('is complete at close but for the physician\'s interpretation, and its times are the timeline\'s', async () => {
    await b.ok('setCaseStatus', { id: caseId, status: 'closed' });
    const report = await b.ok('getReport', { caseId });
    const timeline = await b.ok('getTimeline', { caseId });
    expect(report.gaps).toEqual(['Interpretation: not written by the interpreting physician']);
    const clock = wallClockFormatter(report.facts.timeZone);
    const text = (id: string) => report.sections.find((s) => s.id === id)!.text;
    expect(timeline.alerts.length).toBeGreaterThan(0);
    for (const a of timeline.alerts) {
      expect(text('events')).toContain(clock(a.at));
      expect(text('events')).toContain(`Surgeon notified at ${clock(a.notified!.at)}`);
      expect(text('events')).toContain(clock(a.resolved!.at));
    }
    expect(text('monitoring')).toContain(`from ${clock(timeline.monitoring.start!)} to ${clock(timeline.monitoring.end!)}`);
    // Each modality line spans exactly its lanes on the timeline.
    for (const m of report.facts.modalities) {
      expect(text('modalities')).toContain(`${clock(m.firstActivity)}–${clock(m.lastActivity)}`);
      const lanes = timeline.lanes.filter((l) => l.modality === m.modality && (m.limb === null || l.limb === m.limb || l.limb === null));
      const starts = lanes.map((l) => l.intervals[0]!.start);
      const ends = lanes.map((l) => l.intervals.at(-1)!.end);
      expect(Math.min(...starts), m.label).toBe(m.firstActivity);
      expect(Math.max(...ends), m.label).toBe(m.lastActivity);
    }
    // Re-open for the AI tests (they need an unsigned report; closed or open both work).
    await b.ok('setCaseStatus', { id: caseId, status: 'capturing' });
  });
});

describe('AI narrative service', () => {
  it('is off until configured, and says why', async () => {
    const s = await b.ok('getAiStatus', {});
    expect(s).toMatchObject({ enabled: false, key: null, ready: false });
    expect((await b.fail('startAiNarrative', { caseId })).message).toBe('The AI narrative is off: reports use the standard draft.');
    expect((await b.fail('saveAiSettings', { enabled: true, model: 'claude-sonnet-5-5', baseURL: 'http://example.com', timeoutSeconds: 5 })).fields).toEqual({ baseURL: 'The AI service address must use https.' });
    await b.ok('saveAiSettings', { enabled: true, model: 'claude-sonnet-5-5', baseURL: fake.url, timeoutSeconds: 2 });
    expect((await b.fail('startAiNarrative', { caseId })).message).toBe('Add an API key to use the AI narrative.');
    const after = await b.ok('setAiKey', { key: KEY });
    expect(after).toMatchObject({ enabled: true, key: 'session', ready: true, message: null });
    expect(JSON.stringify(after)).not.toContain(KEY);
  });

  it('streams the narrative section by section, sends no identifier, and checks every section', async () => {
    b.pushes.length = 0;
    fake.requests.length = 0;
    const started = await b.ok('startAiNarrative', { caseId });
    expect(started).toMatchObject({ status: 'running', sections: [], attempt: 1 });
    await expect.poll(() => runsOf(b.pushes).at(-1)?.status).toBe('done');
    const runs = runsOf(b.pushes);
    const final = runs.at(-1)!;
    expect(final.sections.map((s) => s.id)).toEqual([...AI_SECTION_IDS]);
    expect(final.sections.every((s) => s.done && s.findings.length === 0)).toBe(true);
    // Partial sections were pushed before the run ended.
    expect(runs.some((r) => r.status === 'running' && r.sections.some((s) => !s.done && s.text.length > 0))).toBe(true);
    expect((await b.ok('getAiNarrative', { caseId })).run).toEqual(final);

    // Nothing that names the patient or the staff went out.
    expect(fake.requests).toHaveLength(1);
    const report = await b.ok('getReport', { caseId });
    const people = await b.ok('listPeople', {});
    const ids = identifiersOf(report.facts, { people });
    const raw = fake.requests[0]!.rawBody;
    // The case's data travels in the user message (the system prompt is our fixed wording).
    const content = (fake.requests[0]!.body?.['messages'] as Array<{ content: string }>)[0]!.content;
    expect(findIdentifiers(content.replace('Case facts (de-identified JSON):', ''), ids)).toEqual([]);
    const c = (await b.ok('getCase', { id: caseId })).case;
    for (const s of [c.patient.lastName, c.patient.firstName, c.patient.mrn, c.patient.dateOfBirth, c.dateOfService, c.facility, ...people.map((p) => p.lastName)]) {
      expect(raw).not.toContain(s);
    }
    expect(JSON.stringify(fake.requests[0]!.headers)).not.toContain(c.patient.lastName);
  });

  it('accepts a clean AI section and refuses one naming a value the record lacks (audited)', async () => {
    const run = (await b.ok('getAiNarrative', { caseId })).run!;
    const events = run.sections.find((s) => s.id === 'events')!;
    const r = await b.ok('saveSection', { caseId, sectionId: 'events', text: events.text, origin: 'ai' });
    expect(r.sections.find((s) => s.id === 'events')).toMatchObject({ origin: 'ai', text: events.text });

    const wrong = events.text.replace(/\b(\d{2}):(\d{2})\b/, (_, h: string, m: string) => `${h}:${String((Number(m) + 1) % 60).padStart(2, '0')}`);
    const refused = await b.fail('saveSection', { caseId, sectionId: 'events', text: wrong, origin: 'ai' });
    expect(refused.code).toBe('BAD_INPUT');
    expect(refused.message).toMatch(/^The AI text names a value the record does not hold \(\d{2}:\d{2}\)\. Correct it or use the standard text\.$/);
    // Nor may the AI write the patient section (it never saw the identifiers).
    expect((await b.fail('saveSection', { caseId, sectionId: 'patient', text: 'A patient.', origin: 'ai' })).message).toBe('The AI does not write this section; edit it as your own text.');
    const log = await cli(b.dataDir, ['audit', 'verify', '--json']);
    expect(JSON.parse(log.stdout)).toMatchObject({ intact: true });
  });

  it('flags invented values while streaming a reply, with their exact place', async () => {
    const report = await b.ok('getReport', { caseId });
    const all = report.sections.map((s) => s.text).join('\n');
    const recorded = recordValues(report.facts).times;
    // A minute of the day the record never mentions (in the report or anywhere in its facts).
    let m = 0;
    const hhmm = (n: number) => `${String(Math.floor(n / 60)).padStart(2, '0')}:${String(n % 60).padStart(2, '0')}`;
    while (all.includes(hhmm(m)) || recorded.has(hhmm(m))) m++;
    fake.options.reply = (r) => narrateFacts(r.body).replace(/## events\n/, `## events\nAt ${hhmm(m)} the TcMEP fell 85% at T2-T3.\n`);
    b.pushes.length = 0;
    const run = await b.ok('startAiNarrative', { caseId, wait: true });
    expect(run.status).toBe('done');
    const events = run.sections.find((s) => s.id === 'events')!;
    expect(events.findings.map((f) => [f.kind, f.token])).toEqual([['time', hhmm(m)], ['number', '85%'], ['level', 'T2-T3']]);
    for (const f of events.findings) expect(events.text.slice(f.start, f.end)).toBe(f.token);
    fake.options.reply = (r) => narrateFacts(r.body);
  });

  it('gives up after a timeout and one retry, keeping the standard draft; a cancel stops a run', async () => {
    fake.failNext('hang', 2);
    fake.requests.length = 0;
    const run = await b.ok('startAiNarrative', { caseId, wait: true });
    expect(run).toMatchObject({ status: 'failed', sections: [], message: 'The AI service did not answer; the report keeps the standard draft.' });
    expect(fake.requests).toHaveLength(2);
    expect((await b.ok('getReport', { caseId })).sections.find((s) => s.id === 'closing')?.origin).toBe('draft');

    fake.failNext('hang', 1);
    const running = await b.ok('startAiNarrative', { caseId });
    expect(running.status).toBe('running');
    const cancelled = await b.ok('cancelAiNarrative', { caseId });
    expect(cancelled.run).toMatchObject({ status: 'cancelled', sections: [] });
  });

  it('keeps the key out of the database, the logs and every reply', async () => {
    const files = [...walk(b.dataDir)];
    expect(files.some((f) => f.endsWith('.sqlite') || f.endsWith('.db'))).toBe(true);
    for (const f of files) expect(fs.readFileSync(f).includes(KEY), f).toBe(false);
    expect(JSON.stringify(b.pushes)).not.toContain(KEY);
  });
});

describe('AI narrative from the CLI', () => {
  it('status, settings, a narrative with --accept, and a section edit; the key comes from the environment', async () => {
    const dir = tempDir();
    const seeded = testBackend({ dataDir: dir });
    // The date of service is the day monitoring started (an hour ago may be yesterday, near midnight).
    const startedAt = Date.now() - 3600_000;
    const dos = new Date(startedAt);
    const dateOfService = `${dos.getFullYear()}-${String(dos.getMonth() + 1).padStart(2, '0')}-${String(dos.getDate()).padStart(2, '0')}`;
    const c = await seeded.ok('createCase', (await import('../helpers/backend')).sampleCase({ dateOfService }));
    await seeded.ok('addNote', { caseId: c.id, text: 'Monitoring start', occurredAt: startedAt, clientId: 'cli-ai-1', kind: 'monitoring_start' });
    await seeded.ok('addNote', { caseId: c.id, text: 'At closure all modalities at baseline', occurredAt: Date.now() - 60_000, clientId: 'cli-ai-2' });
    await seeded.close();

    const off = await cli(dir, ['ai', 'status', '--json']);
    expect(JSON.parse(off.stdout)).toMatchObject({ enabled: false, key: null });
    expect((await cli(dir, ['ai', 'set', '--on', '--base-url', 'ftp://x'])).code).toBe(2);
    const on = await cli(dir, ['ai', 'set', '--on', '--base-url', fake.url, '--timeout', '3', '--json']);
    expect(on.code).toBe(0);
    const noKey = await cli(dir, ['ai', 'narrative', c.id]);
    expect(noKey).toMatchObject({ code: 2, stderr: 'Error: Add an API key to use the AI narrative.\n' });

    process.env['CLOSEOUT_ANTHROPIC_API_KEY'] = KEY;
    try {
      const st = await cli(dir, ['ai', 'status']);
      expect(st.stdout).toContain('API key:      set (from $CLOSEOUT_ANTHROPIC_API_KEY)');
      const n = await cli(dir, ['ai', 'narrative', c.id, '--accept', '--json']);
      expect(n.code).toBe(0);
      const out = JSON.parse(n.stdout) as AiRun & { accepted: string[] };
      expect(out.status).toBe('done');
      expect(out.accepted).toEqual([...AI_SECTION_IDS]);
      const report = JSON.parse((await cli(dir, ['report', c.id, '--json'])).stdout) as { sections: Array<{ id: string; origin: string }> };
      expect(report.sections.filter((s) => s.origin === 'ai').map((s) => s.id)).toEqual([...AI_SECTION_IDS]);

      fake.options.reply = (r) => narrateFacts(r.body).replace('## closing\n', '## closing\nAt 23:59 all was well.\n');
      const flagged = await cli(dir, ['ai', 'narrative', c.id]);
      expect(flagged.code).toBe(3);
      expect(flagged.stdout).toContain('! 23:59: 23:59 is not a time in the record');
    } finally {
      delete process.env['CLOSEOUT_ANTHROPIC_API_KEY'];
      fake.options.reply = (r) => narrateFacts(r.body);
    }
    const edit = await cli(dir, ['report', 'edit', c.id, 'closing', '--ai'], 'At 23:59 all was well.\n');
    expect(edit.code).toBe(2);
    expect(edit.stderr).toContain('The AI text names a value the record does not hold (23:59)');
    const mine = await cli(dir, ['report', 'edit', c.id, 'closing'], 'All modalities at baseline at closure.\n');
    expect(mine).toMatchObject({ code: 0, stdout: 'Saved: Closing status.\n' });
    expect((await cli(dir, ['report', 'edit', c.id, 'closing', '--revert'])).stdout).toBe('Reverted: Closing status.\n');
  });
});

function* walk(dir: string): Generator<string> {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else yield p;
  }
}
