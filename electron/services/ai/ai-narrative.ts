/**
 * The optional AI narrative: the de-identified facts (closed vocabularies, numbers, device terms,
 * times as minutes; deidentify.ts) go to the Anthropic API, the answer streams back section by
 * section to `onSection` with its time tokens turned back into the case's clock times, and each
 * section is fact-checked against the record. Nothing here can hold up a report: every failure
 * comes back as a code and a plain sentence, and the report keeps its standard draft.
 *
 * Privacy: what is sent is built without free text; the request body is then searched for the
 * case's identifiers and the Safe Harbor kinds before it is sent (and refused on any hit). Logs
 * carry codes, timings and token counts only, never request or answer text.
 */
import type Anthropic from '@anthropic-ai/sdk';
import type * as AnthropicSdk from '@anthropic-ai/sdk';
import type { Message, MessageCreateParamsNonStreaming } from '@anthropic-ai/sdk/resources/messages/messages';
import type { SectionId } from '../../../shared/report/draft';
import type { CaseFacts } from '../../../shared/report/facts';
import { deidentifyFacts, timeBaseOf, type Identifiers, type TypedFacts } from '../../../shared/report/deidentify';
import { restoreTimes } from '../../../shared/report/ai-times';
import { AI_SECTION_IDS, buildNarrativePrompt, createSectionStream, isAiSection, type AiSectionId, type SectionUpdate } from '../../../shared/report/ai-prompt';
import { guardRequest } from '../../../shared/report/ai-guard';
import { checkNarrative, type NarrativeCheck } from '../../../shared/report/fact-check';
import { silentLogger, type Logger } from '../log';
import type { AiConfig } from './ai-config';

export type NarrativeFailureCode = 'timeout' | 'unavailable' | 'refused' | 'not_configured';

export type NarrativeResult =
  | Readonly<{
      ok: true;
      /** Every section id; '' for a section the answer did not hold (see `missing`). */
      sections: Readonly<Record<AiSectionId, string>>;
      checks: Readonly<Record<AiSectionId, NarrativeCheck>>;
      /** Sections the answer lacked or cut short: the report keeps the draft's text for them. */
      missing: readonly AiSectionId[];
      attempts: number;
    }>
  | Readonly<{ ok: false; code: NarrativeFailureCode; message: string }>;

export type NarrativeRequest = Readonly<{
  /** The case's facts: de-identified here, by construction, before anything is built to send. */
  facts: CaseFacts;
  /** Which events the technologist typed (their texts are never sent). */
  typed: TypedFacts;
  identifiers: Identifiers;
  apiKey: string | null | undefined;
  config: AiConfig;
  /** Each update of a section the model writes (AI_SECTION_IDS), with its whole text so far. */
  onSection?: (update: SectionUpdate) => void;
  /** Called before each attempt (1, then 2 on the retry): a retry starts the sections over. */
  onAttempt?: (attempt: number) => void;
  signal?: AbortSignal;
  logger?: Logger;
}>;

export const MESSAGES = {
  gaveUp: 'The AI service did not answer; the report keeps the standard draft.',
  off: 'The AI narrative is turned off; the report keeps the standard draft.',
  noKey: 'No API key is set for the AI narrative; the report keeps the standard draft.',
  badKey: 'The AI service did not accept the API key; the report keeps the standard draft.',
  refused: 'The AI narrative was not requested: the request would have contained patient identifiers. The report keeps the standard draft.',
  declined: 'The AI service declined to write this narrative; the report keeps the standard draft.',
  rejected: 'The AI service could not take this request; the report keeps the standard draft.',
  cancelled: 'The AI narrative was cancelled; the report keeps the standard draft.',
  noIdentifiers: "The AI narrative needs the patient's name, MRN and birth date on the case first, to check that none of them is sent. The report keeps the standard draft.",
} as const;

type Failure = Readonly<{ ok: false; code: NarrativeFailureCode; message: string; retry: boolean; status: number | null }>;
type Attempt = Readonly<{ ok: true; message: Message; sections: ReadonlyArray<Readonly<{ id: SectionId; text: string }>> }> | Failure;

/** The SDK would otherwise log through `console` (and, at debug level, request bodies). */
const QUIET = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

export async function writeNarrative(req: NarrativeRequest): Promise<NarrativeResult> {
  const log = req.logger ?? silentLogger;
  const { config } = req;
  const t0 = performance.now();
  const fail = (code: NarrativeFailureCode, message: string): NarrativeResult => ({ ok: false, code, message });

  if (!config.enabled) return fail('not_configured', MESSAGES.off);
  const apiKey = req.apiKey?.trim();
  if (!apiKey) return fail('not_configured', MESSAGES.noKey);

  // Without the case's identifiers the guard would search for nothing and pass everything.
  const ids = req.identifiers;
  if (ids.names.length === 0 || ids.mrns.length === 0 || ids.dates.length === 0) {
    log.warn('ai.narrative.refused', { code: 'no_identifiers' });
    return fail('refused', MESSAGES.noIdentifiers);
  }

  const prompt = buildNarrativePrompt(deidentifyFacts(req.facts, req.typed));
  const base = timeBaseOf(req.facts);
  const clockTimes = (text: string, partial: boolean) => restoreTimes(text, base, req.facts.timeZone, partial);
  const params: MessageCreateParamsNonStreaming = {
    model: config.model,
    max_tokens: config.maxTokens,
    system: prompt.system,
    messages: [{ role: 'user', content: prompt.user }],
  };
  // The body as the SDK serializes it for `messages.stream` (it adds `stream: true`).
  const guard = guardRequest({ ...params, stream: true }, req.identifiers, [...prompt.constants, `"model":${JSON.stringify(config.model)}`, '"role":"user"']);
  if (!guard.ok) {
    log.warn('ai.narrative.refused', { code: 'refused', count: guard.count, kind: guard.kinds.join(',') });
    return fail('refused', MESSAGES.refused);
  }

  // The SDK (a fifth of a second to load) only when a narrative is asked for.
  const sdk = await import('@anthropic-ai/sdk');
  const client = new sdk.default({
    apiKey,
    baseURL: config.baseURL,
    timeout: config.timeoutMs,
    // One retry, ours: the SDK's own (2 by default, with backoff) would double the wait.
    maxRetries: 0,
    logLevel: 'off',
    logger: QUIET,
    openTelemetry: false,
  });

  let last: Failure | null = null;
  for (let attempt = 1; attempt <= 2; attempt++) {
    if (attempt > 1) {
      await pause(config.retryDelayMs, req.signal);
      if (req.signal?.aborted) break;
    }
    try {
      req.onAttempt?.(attempt);
    } catch (e) {
      log.error('ai.narrative.on_attempt_failed', e);
    }
    const a0 = performance.now();
    const r = await attemptOnce(sdk, client, params, req, log, clockTimes);
    const ms = Math.round(performance.now() - a0);
    if (r.ok) {
      const result = finish(r, req.facts, attempt, clockTimes);
      const usage = r.message.usage;
      log.info('ai.narrative.done', { code: 'ok', attempt, ms, count: AI_SECTION_IDS.length - result.missing.length });
      log.info('ai.narrative.tokens', { kind: 'input', count: usage.input_tokens });
      log.info('ai.narrative.tokens', { kind: 'output', count: usage.output_tokens });
      const findings = Object.values(result.checks).reduce((n, c) => n + c.findings.length, 0);
      if (findings > 0) log.warn('ai.narrative.findings', { count: findings });
      log.info('ai.narrative.total', { ms: Math.round(performance.now() - t0) });
      return result;
    }
    log.warn('ai.narrative.attempt_failed', { code: r.code, status: r.status, attempt, ms });
    last = r;
    if (!r.retry) break;
  }
  if (req.signal?.aborted) return fail('unavailable', MESSAGES.cancelled);
  const f = last ?? { code: 'unavailable' as const, message: MESSAGES.gaveUp };
  log.warn('ai.narrative.failed', { code: f.code, ms: Math.round(performance.now() - t0) });
  return fail(f.code, f.message);
}

/** One request: streams through the section splitter; gives up after `timeoutMs` without an event. */
type Sdk = typeof AnthropicSdk;

async function attemptOnce(
  sdk: Sdk,
  client: Anthropic,
  params: MessageCreateParamsNonStreaming,
  req: NarrativeRequest,
  log: Logger,
  clockTimes: (text: string, partial: boolean) => string,
): Promise<Attempt> {
  const controller = new AbortController();
  const external = req.signal;
  const onAbort = () => controller.abort();
  external?.addEventListener('abort', onAbort, { once: true });
  if (external?.aborted) controller.abort();

  let timedOut = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  // An idle timer, re-armed by every event: a long narrative may take longer than the timeout to
  // stream in full, but a silent connection for that long is a dead one.
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, req.config.timeoutMs);
  };

  let callbackFailed = false;
  const splitter = createSectionStream((u) => {
    // A section the model was told not to write is ignored (the draft's text stands).
    if (!isAiSection(u.sectionId)) return;
    try {
      req.onSection?.({ ...u, text: clockTimes(u.text, !u.done) });
    } catch (e) {
      // The screen's problem, not the narrative's: keep streaming, say it once.
      if (!callbackFailed) log.error('ai.narrative.on_section_failed', e);
      callbackFailed = true;
    }
  });

  arm();
  try {
    const stream = client.messages.stream(params, { signal: controller.signal, maxRetries: 0, timeout: req.config.timeoutMs });
    stream.on('connect', arm);
    stream.on('streamEvent', arm);
    stream.on('text', (delta) => splitter.push(delta));
    const message = await stream.finalMessage();
    splitter.end();
    if (message.stop_reason === 'refusal') return failure('unavailable', MESSAGES.declined, false, null);
    const sections = splitter.result();
    // Cut off at max_tokens: the last section is incomplete, so it does not count.
    return { ok: true, message, sections: message.stop_reason === 'max_tokens' ? sections.slice(0, -1) : sections };
  } catch (e) {
    if (external?.aborted) return failure('unavailable', MESSAGES.cancelled, false, null);
    if (timedOut) return failure('timeout', MESSAGES.gaveUp, true, null);
    return classify(sdk, e, log);
  } finally {
    clearTimeout(timer);
    external?.removeEventListener('abort', onAbort);
  }
}

function failure(code: NarrativeFailureCode, message: string, retry: boolean, status: number | null): Failure {
  return { ok: false, code, message, retry, status };
}

/** Retry once on what a second try can fix: timeouts, dropped connections, 5xx and overload. */
function classify(sdk: Sdk, e: unknown, log: Logger): Failure {
  const { AnthropicError, APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } = sdk;
  if (e instanceof APIUserAbortError) return failure('timeout', MESSAGES.gaveUp, true, null);
  if (e instanceof APIConnectionError) {
    return failure(e instanceof APIConnectionTimeoutError ? 'timeout' : 'unavailable', MESSAGES.gaveUp, true, null);
  }
  if (e instanceof APIError) {
    const status = typeof e.status === 'number' ? e.status : null;
    // An `error` event inside a stream has no status; overload and api errors are transient.
    const type = (e.error as { error?: { type?: unknown } } | undefined)?.error?.type;
    if (status === null) return failure('unavailable', MESSAGES.gaveUp, type === 'overloaded_error' || type === 'api_error', null);
    if (status >= 500) return failure('unavailable', MESSAGES.gaveUp, true, status);
    if (status === 401 || status === 403) return failure('not_configured', MESSAGES.badKey, false, status);
    return failure('unavailable', status === 429 ? MESSAGES.gaveUp : MESSAGES.rejected, false, status);
  }
  // A stream cut short ("request ended without sending any chunks", a reset socket).
  if (e instanceof AnthropicError) return failure('unavailable', MESSAGES.gaveUp, true, null);
  log.error('ai.narrative.unexpected', e);
  return failure('unavailable', MESSAGES.gaveUp, false, null);
}

function finish(r: Extract<Attempt, { ok: true }>, facts: CaseFacts, attempts: number, clockTimes: (text: string, partial: boolean) => string): Extract<NarrativeResult, { ok: true }> {
  const got = new Map(r.sections.map((s) => [s.id, s.text]));
  const sections = {} as Record<AiSectionId, string>;
  const checks = {} as Record<AiSectionId, NarrativeCheck>;
  const missing: AiSectionId[] = [];
  for (const id of AI_SECTION_IDS) {
    const text = clockTimes(got.get(id) ?? '', false);
    if (text === '') missing.push(id);
    sections[id] = text;
    checks[id] = checkNarrative(text, facts);
  }
  return { ok: true, sections, checks, missing, attempts };
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
