/**
 * Contract handlers of the AI narrative: settings, the key, and runs. The narrative is built from
 * the case's live report (the same facts and draft the screen shows), de-identified, sent, and
 * checked section by section; a person accepts a section through `saveSection` (origin 'ai'),
 * where the check runs again against the facts as they are then.
 */
import type { ArgsOut, ResultOf } from '../../../shared/contract/api';
import type { AiRun, AiSectionState, AiStatus } from '../../../shared/report/ai-run';
import { AI_SECTION_IDS } from '../../../shared/report/ai-prompt';
import { identifiersOf } from '../../../shared/report/deidentify';
import { checkNarrative } from '../../../shared/report/fact-check';
import { isRecordLocked } from '../../../shared/domain/case-status';
import type { CaseRecord } from '../../../shared/domain/case';
import type { ServiceContext } from '../context';
import { AppError } from '../store/store-errors';
import { liveReportFor } from '../report/live-reports';
import { DEFAULT_AI_CONFIG, resolveAiConfig, type AiConfig } from './ai-config';
import { MESSAGES, writeNarrative } from './ai-narrative';
import type { AiRuntime } from './ai-runtime';

const SETTINGS_KEY = 'ai.config';

function runtime(ctx: ServiceContext): AiRuntime {
  if (!ctx.ai) throw new AppError('UNAVAILABLE', 'The AI narrative is not available here.');
  return ctx.ai;
}

/** The stored settings, checked; a damaged entry falls back to the defaults (off). */
export function loadAiConfig(ctx: ServiceContext): AiConfig {
  const stored = ctx.store.settings.get<Partial<AiConfig>>(SETTINGS_KEY) ?? {};
  const r = resolveAiConfig(stored);
  return r.ok ? r.value : DEFAULT_AI_CONFIG;
}

function statusOf(ctx: ServiceContext): AiStatus {
  const c = loadAiConfig(ctx);
  const key = ctx.ai?.keySource ?? null;
  const message = !c.enabled ? 'The AI narrative is off: reports use the standard draft.' : key === null ? 'Add an API key to use the AI narrative.' : null;
  return { enabled: c.enabled, model: c.model, baseURL: c.baseURL, timeoutSeconds: Math.round(c.timeoutMs / 1000), key, ready: message === null, message };
}

export function getAiStatus(ctx: ServiceContext): ResultOf<'getAiStatus'> {
  return statusOf(ctx);
}

export function saveAiSettings(ctx: ServiceContext, a: ArgsOut<'saveAiSettings'>): ResultOf<'saveAiSettings'> {
  const current = loadAiConfig(ctx);
  const r = resolveAiConfig({ ...current, enabled: a.enabled, model: a.model, baseURL: a.baseURL, timeoutMs: a.timeoutSeconds * 1000 });
  if (!r.ok) {
    const field = /address/.test(r.message) ? 'baseURL' : /model/.test(r.message) ? 'model' : 'timeoutSeconds';
    throw new AppError('BAD_INPUT', r.message, { [field]: r.message });
  }
  const { enabled, model, baseURL, timeoutMs } = r.value;
  ctx.store.write(() => {
    ctx.store.settings.set(SETTINGS_KEY, { enabled, model, baseURL, timeoutMs });
    ctx.store.audit.append({ actor: ctx.actor, action: 'ai.settings', caseId: null, detail: { enabled, model } }, ctx.now());
  });
  return statusOf(ctx);
}

export function setAiKey(ctx: ServiceContext, a: ArgsOut<'setAiKey'>): ResultOf<'setAiKey'> {
  const ai = runtime(ctx);
  ai.setKey(a.key, a.savedSecurely ? 'saved' : 'session');
  ctx.store.write(() =>
    ctx.store.audit.append({ actor: ctx.actor, action: a.key ? 'ai.key_set' : 'ai.key_removed', caseId: null, detail: a.key ? { kind: a.savedSecurely ? 'saved' : 'session' } : {} }, ctx.now()),
  );
  return statusOf(ctx);
}

export function getAiNarrative(ctx: ServiceContext, a: ArgsOut<'getAiNarrative'>): ResultOf<'getAiNarrative'> {
  ctx.store.cases.mustGet(a.caseId);
  return { run: runtime(ctx).latest(a.caseId) };
}

export async function cancelAiNarrative(ctx: ServiceContext, a: ArgsOut<'cancelAiNarrative'>): Promise<ResultOf<'cancelAiNarrative'>> {
  ctx.store.cases.mustGet(a.caseId);
  const e = runtime(ctx).cancel(a.caseId);
  return { run: e ? await e.finished : runtime(ctx).latest(a.caseId) };
}

/** Everything that names the patient or the staff, for the scrubber and the request guard. */
function identifiersFor(ctx: ServiceContext, c: CaseRecord, facts: Parameters<typeof identifiersOf>[0]) {
  const people = [c.surgeonId, c.technologistId, c.physicianId].map((id) => (id ? ctx.store.people.get(id) : null));
  // A room named only by a number ("12") would make every 12 an identifier: only worded ones.
  const room = /\p{L}/u.test(c.orRoom) && c.orRoom.trim().length >= 3 ? [c.orRoom] : [];
  return identifiersOf(facts, { people, phrases: room });
}

export async function startAiNarrative(ctx: ServiceContext, a: ArgsOut<'startAiNarrative'>): Promise<ResultOf<'startAiNarrative'>> {
  const ai = runtime(ctx);
  const c = ctx.store.cases.mustGet(a.caseId);
  if (isRecordLocked(c.status) || ctx.store.report.versions(c.id).length > 0) {
    throw new AppError('INVALID_STATE', 'This report is signed and cannot change. Add an addendum instead.');
  }
  const status = statusOf(ctx);
  if (!status.ready) throw new AppError('INVALID_STATE', status.message ?? MESSAGES.off);
  const already = ai.running(c.id);
  if (already) return a.wait ? await already.finished : already.run;

  const config = loadAiConfig(ctx);
  const lr = liveReportFor(ctx, c);
  const facts = lr.facts();
  const typed = lr.typed();
  const identifiers = identifiersFor(ctx, c, facts);
  const initial: AiRun = {
    runId: ctx.newId(),
    caseId: c.id,
    status: 'running',
    model: config.model,
    attempt: 1,
    startedAt: ctx.now(),
    finishedAt: null,
    message: null,
    sections: [],
    missing: [],
  };
  const audit = (action: string, detail: Record<string, unknown>) => {
    try {
      ctx.store.write(() => ctx.store.audit.append({ actor: ctx.actor, action, caseId: c.id, detail }, ctx.now()));
    } catch (e) {
      ctx.log.error('ai.audit_failed', e);
    }
  };
  audit('ai.narrative.request', { model: config.model });

  const entry = ai.begin(
    initial,
    ({ signal, onSection, onAttempt }) =>
      writeNarrative({
        facts,
        typed,
        identifiers,
        apiKey: ai.key,
        config,
        signal,
        logger: ctx.log,
        onAttempt,
        // Findings once a section is complete: a half-written number is not yet wrong.
        onSection: (u) => onSection(u, u.done ? checkNarrative(u.text, facts).findings : []),
      }),
    (result, run, cancelled): AiRun => {
      const finishedAt = ctx.now();
      if (!result.ok) {
        audit(cancelled ? 'ai.narrative.cancelled' : 'ai.narrative.failed', { code: result.code });
        // The screen goes back to the standard draft: no half narrative is left to accept.
        return { ...run, status: cancelled ? 'cancelled' : 'failed', finishedAt, message: result.message, sections: [] };
      }
      const sections: AiSectionState[] = AI_SECTION_IDS.filter((id) => !result.missing.includes(id)).map((id) => ({
        id,
        text: result.sections[id],
        done: true,
        findings: result.checks[id].findings,
      }));
      const findings = sections.reduce((n, s) => n + s.findings.length, 0);
      audit('ai.narrative.done', { count: sections.length, findings, missing: result.missing.length });
      return { ...run, status: 'done', attempt: result.attempts, finishedAt, sections, missing: result.missing };
    },
    (run) => ctx.emit({ name: 'aiNarrative', payload: { caseId: c.id, run } }),
  );
  return a.wait ? await entry.finished : entry.run;
}
