import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ANSWER_MS } from '../helpers/patience';
import { writeNarrative, MESSAGES, type NarrativeRequest } from '../../electron/services/ai/ai-narrative';
import { DEFAULT_AI_CONFIG, resolveAiConfig, apiKeyFromEnv, type AiConfig } from '../../electron/services/ai/ai-config';
import type { Logger } from '../../electron/services/log';
import { buildNarrativePrompt, type SectionUpdate } from '../../shared/report/ai-prompt';
import { guardRequest } from '../../shared/report/ai-guard';
import { deidentifyFacts, findIdentifiers, identifiersOf, jsonTextForScan } from '../../shared/report/deidentify';
import { AI_SECTION_IDS } from '../../shared/report/ai-prompt';
import { redactFields, type LogFields } from '../../shared/util/redact';
import { SYNTHETIC_LEAK_FORMS, apiKeyOf, faithfulNarrativeShown, faithfulNarrative, splitEvery, startFakeAnthropic, syntheticCase, syntheticEvents, syntheticPeople, type FakeAnthropic } from '../helpers/fake-anthropic';
import { ev } from '../helpers/events';

const KEY = 'sk-ant-test-not-a-real-key';
const c = syntheticCase();
const ids = identifiersOf(c.facts, { people: Object.values(syntheticPeople) });
const ai = deidentifyFacts(c.facts, new Map());

let fake: FakeAnthropic;
beforeEach(async () => {
  fake = await startFakeAnthropic({ reply: faithfulNarrative(), split: splitEvery(5), deltaDelayMs: 1 });
});
afterEach(async () => {
  await fake.close();
});

function recordingLogger() {
  const lines: Array<{ level: string; event: string; fields: LogFields }> = [];
  const logger: Logger = {
    info: (event, fields = {}) => lines.push({ level: 'info', event, fields }),
    warn: (event, fields = {}) => lines.push({ level: 'warn', event, fields }),
    error: (event, _e, fields = {}) => lines.push({ level: 'error', event, fields }),
  };
  return { lines, logger };
}

// The idle timeout only fires where a test makes the fake API hang; elsewhere it must never trip,
// however slow a loaded machine is. A retry that must succeed gets room for a stalled event loop.
const config = (patch: Partial<AiConfig> = {}): AiConfig => ({ ...DEFAULT_AI_CONFIG, enabled: true, baseURL: fake.url, timeoutMs: ANSWER_MS, retryDelayMs: 10, ...patch });
const RETRY_TIMEOUT_MS = 1500;

function request(patch: Partial<NarrativeRequest> = {}): NarrativeRequest {
  return { facts: c.facts, typed: new Map(), identifiers: ids, apiKey: KEY, config: config(), ...patch };
}

// The answer as shown: the model's time tokens ("T+68") replaced by the case's clock times.
const expectedSections = Object.fromEntries(
  faithfulNarrativeShown()
    .split(/^## (\w+)\n/m)
    .slice(1)
    .reduce<string[][]>((acc, x, i) => (i % 2 === 0 ? [...acc, [x]] : (acc[acc.length - 1]!.push(x.trim()), acc)), []),
);

describe('writeNarrative against the fake API (real SDK, real HTTP)', () => {
  it('streams the sections in order, each seen partially before the answer ends, and fact-checks them', async () => {
    const updates: Array<SectionUpdate & { at: number }> = [];
    const r = await writeNarrative(request({ onSection: (u) => updates.push({ ...u, at: performance.now() }) }));
    expect(r).toMatchObject({ ok: true, attempts: 1, missing: [] });
    if (!r.ok) return;
    expect(r.sections).toEqual(expectedSections);
    for (const id of AI_SECTION_IDS) expect(r.checks[id]).toEqual({ ok: true, findings: [] });

    const firstSeen = [...new Set(updates.map((u) => u.sectionId))];
    expect(firstSeen).toEqual([...AI_SECTION_IDS]);
    expect(updates.filter((u) => u.done).map((u) => u.sectionId)).toEqual([...AI_SECTION_IDS]);
    const events = updates.filter((u) => u.sectionId === 'events' && !u.done && u.text !== '');
    expect(events.length).toBeGreaterThan(10);
    // A time token still being written at the end of a partial text ("T+6") waits for its digits.
    const partial = events.find((u) => u.text.length > 40)!.text.replace(/T[+-]?\d*$/, '');
    expect(expectedSections['events']!.startsWith(partial)).toBe(true);
    expect(events[0]!.text.length).toBeLessThan(expectedSections['events']!.length);
    // The first section was on screen while the server was still writing the answer.
    const lastDelta = fake.deltaWrittenAt[0]!.at(-1)!;
    expect(updates[0]!.at).toBeLessThan(lastDelta);
  });

  it('sends nothing that identifies the patient: raw bodies and headers searched in every format', async () => {
    fake.failNext(500);
    const r = await writeNarrative(request());
    expect(r.ok).toBe(true);
    expect(fake.requests).toHaveLength(2);
    for (const q of fake.requests) {
      const raw = q.rawBody;
      const headers = JSON.stringify(q.headers);
      expect(SYNTHETIC_LEAK_FORMS.filter((f) => raw.includes(f) || headers.includes(f))).toEqual([]);
      for (const w of ['nunez', 'núñez', 'jose', 'josé', 'mx0077', 'mx-0077', 'quillfeather', 'voltaic', 'galvanetti', 'sintético', 'sintetico', '1966', '2026']) {
        expect(raw.toLowerCase()).not.toContain(w);
      }
      expect(findIdentifiers(jsonTextForScan(raw), ids)).toEqual([]);
      expect(q.method).toBe('POST');
      expect(q.url).toBe('/v1/messages');
      expect(apiKeyOf(q)).toBe(KEY);
      expect(typeof q.headers['anthropic-version']).toBe('string');
    }
    // What was sent is exactly what the guard searched.
    const p = buildNarrativePrompt(ai);
    const params = { model: DEFAULT_AI_CONFIG.model, max_tokens: DEFAULT_AI_CONFIG.maxTokens, system: p.system, messages: [{ role: 'user', content: p.user }], stream: true };
    const guarded = guardRequest(params, ids);
    expect(guarded.ok && JSON.parse(guarded.serialized)).toEqual(fake.requests[0]!.body);
  });

  it('retries once after a timeout (no answer at all) and succeeds', async () => {
    fake.failNext('hang');
    const { lines, logger } = recordingLogger();
    const r = await writeNarrative(request({ config: config({ timeoutMs: RETRY_TIMEOUT_MS }), logger }));
    expect(r).toMatchObject({ ok: true, attempts: 2 });
    expect(fake.requests).toHaveLength(2);
    expect(lines.find((l) => l.event === 'ai.narrative.attempt_failed')?.fields).toMatchObject({ code: 'timeout', attempt: 1 });
  });

  it('retries once after a stream that stalls midway; the sections start over', async () => {
    fake.failNext('stall');
    const updates: SectionUpdate[] = [];
    const attempts: number[] = [];
    const r = await writeNarrative(request({ config: config({ timeoutMs: RETRY_TIMEOUT_MS }), onSection: (u) => updates.push(u), onAttempt: (n) => attempts.push(n) }));
    expect(r).toMatchObject({ ok: true, attempts: 2 });
    expect(attempts).toEqual([1, 2]);
    if (r.ok) expect(r.sections).toEqual(expectedSections);
    // The first section was shown during the first attempt, and again from its start.
    const first = updates.filter((u) => u.sectionId === 'modalities' && u.text !== '');
    expect(first.some((u, i) => i > 0 && u.text.length < first[i - 1]!.text.length)).toBe(true);
  });

  it('retries once after the connection drops midway', async () => {
    fake.failNext('drop');
    const { lines, logger } = recordingLogger();
    const r = await writeNarrative(request({ logger }));
    expect(r).toMatchObject({ ok: true, attempts: 2 });
    // Seen as a dropped connection at once, not found later by the idle timeout (a minute here).
    expect(lines.find((l) => l.event === 'ai.narrative.attempt_failed')?.fields).toMatchObject({ code: 'unavailable', attempt: 1 });
  });

  it.each([500, 529] as const)('retries once after a %i and succeeds', async (status) => {
    fake.failNext(status);
    const r = await writeNarrative(request());
    expect(r).toMatchObject({ ok: true, attempts: 2 });
  });

  it('gives up after two timeouts with the plain message, having waited out each attempt', async () => {
    fake.failNext('hang', 2);
    const t0 = performance.now();
    const r = await writeNarrative(request({ config: config({ timeoutMs: 300 }) }));
    const ms = performance.now() - t0;
    expect(r).toEqual({ ok: false, code: 'timeout', message: 'The AI service did not answer; the report keeps the standard draft.' });
    expect(fake.requests).toHaveLength(2);
    expect(ms).toBeGreaterThanOrEqual(550);
  });

  it('gives up after two server errors, without the SDK adding retries of its own', async () => {
    fake.failNext(529);
    fake.failNext(500);
    const r = await writeNarrative(request());
    expect(r).toEqual({ ok: false, code: 'unavailable', message: MESSAGES.gaveUp });
    expect(fake.requests).toHaveLength(2);
  });

  it('gives up when nothing listens (no network): refused at once, never left to the idle timeout', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const { lines, logger } = recordingLogger();
    const r = await writeNarrative(request({ logger, config: config({ baseURL: `http://127.0.0.1:${port}` }) }));
    expect(r).toEqual({ ok: false, code: 'unavailable', message: MESSAGES.gaveUp });
    expect(lines.filter((l) => l.event === 'ai.narrative.attempt_failed').map((l) => l.fields['code'])).toEqual(['unavailable', 'unavailable']);
  });

  it('refuses to send a request that would contain an identifier, and logs no content', async () => {
    // A surname that is also a clinical word ("Block") passes the vocabulary: the guard stops it.
    const blockCase = syntheticCase({ patient: { lastName: 'Block', firstName: 'Ana', mrn: 'MX-0077', dateOfBirth: '1966-03-14', sex: 'F' } }, [
      ...syntheticEvents(),
      ev('milestone', 40, { text: 'Nerve block placed by anesthesia' }),
    ]);
    const { lines, logger } = recordingLogger();
    const r = await writeNarrative(request({ facts: blockCase.facts, identifiers: identifiersOf(blockCase.facts), logger }));
    expect(r).toEqual({ ok: false, code: 'refused', message: MESSAGES.refused });
    expect(fake.requests).toHaveLength(0);
    expect(lines).toEqual([{ level: 'warn', event: 'ai.narrative.refused', fields: { code: 'refused', count: 1, kind: 'name' } }]);
  });

  it('refuses to send without identifiers to check against (the guard would pass anything)', async () => {
    const none = { names: [], fullNames: [], mrns: [], dates: [], numbers: [], phrases: [], ages: [] };
    const r = await writeNarrative(request({ identifiers: none }));
    expect(r).toEqual({ ok: false, code: 'refused', message: MESSAGES.noIdentifiers });
    expect(fake.requests).toHaveLength(0);
  });

  it('never sends what the technologist typed, only a quick entry\u2019s closed fields', async () => {
    const typedCase = syntheticCase({}, [
      ...syntheticEvents(),
      ev('note', 101, { text: 'Wife Maria Lopez called, 312-555-0199', source: 'keyboard' }),
    ]);
    const alertId = typedCase.facts.alerts[0]!.eventIds[0]!;
    const typed = new Map<number, Readonly<Record<string, unknown>> | null>([[alertId, { kind: 'alert', modality: 'TCMEP', side: 'left', muscle: 'tibialis anterior', amplitudeDropPct: 80, latencyIncreasePct: 10 }]]);
    const r = await writeNarrative(request({ facts: typedCase.facts, typed }));
    expect(r.ok).toBe(true);
    const raw = fake.requests[0]!.rawBody;
    expect(raw).not.toMatch(/maria|lopez|0199|wife/i);
    // The typed alert's words stay home; its percentages go.
    expect(raw).not.toContain('amplitude down 80% from baseline');
    expect(raw).toContain('\\"amplitudeDropPct\\": 80');
    expect(raw).toContain('\\"latencyIncreasePct\\": 10');
  });

  it('does nothing without a key or when turned off', async () => {
    expect(await writeNarrative(request({ apiKey: '' }))).toEqual({ ok: false, code: 'not_configured', message: MESSAGES.noKey });
    expect(await writeNarrative(request({ apiKey: null }))).toEqual({ ok: false, code: 'not_configured', message: MESSAGES.noKey });
    expect(await writeNarrative(request({ config: config({ enabled: false }) }))).toEqual({ ok: false, code: 'not_configured', message: MESSAGES.off });
    expect(fake.requests).toHaveLength(0);
  });

  it('does not retry a rejected key', async () => {
    fake.options.acceptKey = 'sk-ant-other';
    const r = await writeNarrative(request());
    expect(r).toEqual({ ok: false, code: 'not_configured', message: MESSAGES.badKey });
    expect(fake.requests).toHaveLength(1);
  });

  it('flags an answer that invents a time, a number and a side', async () => {
    // T+73 is read back as 09:41: a time the record does not hold.
    fake.options.reply = faithfulNarrative().replace('At T+68 the left tibialis', 'At T+73 the right tibialis').replace('fell 80%', 'fell 85%');
    const r = await writeNarrative(request());
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.checks.events.ok).toBe(false);
    expect(r.checks.events.findings.map((f) => [f.kind, f.token])).toEqual([
      ['time', '09:41'],
      ['side', 'right'],
      ['number', '85%'],
    ]);
    for (const f of r.checks.events.findings) expect(r.sections.events.slice(f.start, f.end)).toBe(f.token);
    expect(AI_SECTION_IDS.filter((id) => !r.checks[id].ok)).toEqual(['events']);
  });

  it('drops the section cut short by max_tokens', async () => {
    fake.options.stopReason = 'max_tokens';
    fake.options.reply = faithfulNarrative().slice(0, faithfulNarrative().indexOf('recovered by 09:52'));
    const r = await writeNarrative(request());
    expect(r).toMatchObject({ ok: true, missing: ['interpretation'] });
    if (r.ok) expect(r.sections.interpretation).toBe('');
  });

  it('ignores sections the model was told not to write', async () => {
    fake.options.reply = `## patient\nJosé, 60.\n${faithfulNarrative()}\n## monitoring\nAll day.`;
    const seen = new Set<string>();
    const r = await writeNarrative(request({ onSection: (u) => seen.add(u.sectionId) }));
    expect(r).toMatchObject({ ok: true, missing: [] });
    expect([...seen]).toEqual([...AI_SECTION_IDS]);
    if (r.ok) expect(Object.keys(r.sections)).toEqual([...AI_SECTION_IDS]);
  });

  it('stops when the caller cancels', async () => {
    fake.options.deltaDelayMs = 20;
    const ac = new AbortController();
    const r = await writeNarrative(request({ signal: ac.signal, onSection: () => ac.abort() }));
    expect(r).toEqual({ ok: false, code: 'unavailable', message: MESSAGES.cancelled });
    expect(fake.requests).toHaveLength(1);
  });

  it('keeps going when the screen callback throws', async () => {
    const { lines, logger } = recordingLogger();
    const r = await writeNarrative(request({ logger, onSection: () => {
      throw new Error('render failed');
    } }));
    expect(r.ok).toBe(true);
    expect(lines.filter((l) => l.event === 'ai.narrative.on_section_failed')).toHaveLength(1);
  });

  it('logs codes, timings and token counts only: allow-listed fields, no text', async () => {
    const { lines, logger } = recordingLogger();
    fake.failNext(500);
    fake.options.reply = faithfulNarrative().replace('T+68', 'T+73');
    await writeNarrative(request({ logger }));
    expect(lines.map((l) => l.event)).toEqual(['ai.narrative.attempt_failed', 'ai.narrative.done', 'ai.narrative.tokens', 'ai.narrative.tokens', 'ai.narrative.findings', 'ai.narrative.total']);
    for (const l of lines) expect(Object.values(redactFields(l.fields))).not.toContain('[redacted]');
    const all = JSON.stringify(lines);
    expect(all).not.toMatch(/09:41|TcMEP|Núñez|Nunez|baseline/i);
    expect(lines.find((l) => l.event === 'ai.narrative.attempt_failed')?.fields).toMatchObject({ code: 'unavailable', status: 500, attempt: 1 });
    expect(lines.filter((l) => l.event === 'ai.narrative.tokens').map((l) => l.fields['kind'])).toEqual(['input', 'output']);
  });
});

describe('ai-config', () => {
  it('checks settings and never holds the key', () => {
    expect(resolveAiConfig({})).toEqual({ ok: true, value: DEFAULT_AI_CONFIG });
    expect(DEFAULT_AI_CONFIG).toMatchObject({ enabled: false, timeoutMs: 30_000, baseURL: 'https://api.anthropic.com' });
    expect(Object.keys(DEFAULT_AI_CONFIG).some((k) => /key/i.test(k))).toBe(false);
    expect(resolveAiConfig({ baseURL: 'http://127.0.0.1:9/' })).toMatchObject({ ok: true, value: { baseURL: 'http://127.0.0.1:9' } });
    expect(resolveAiConfig({ baseURL: 'http://api.example.com' })).toEqual({ ok: false, message: 'The AI service address must use https.' });
    expect(resolveAiConfig({ timeoutMs: 0 }).ok).toBe(false);
    expect(resolveAiConfig({ model: 'claude sonnet; rm' }).ok).toBe(false);
    expect(apiKeyFromEnv({ CLOSEOUT_ANTHROPIC_API_KEY: '  sk-x ' })).toBe('sk-x');
    expect(apiKeyFromEnv({ ANTHROPIC_API_KEY: 'sk-y' })).toBeNull();
  });
});
