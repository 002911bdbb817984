/**
 * Settings of the optional AI narrative. The API key is deliberately not one of them: the app
 * keeps it in Electron safeStorage and the CLI/dev host reads it from the environment
 * (`apiKeyFromEnv`), and either passes it to `writeNarrative` per call, so it never sits in a
 * settings file, the database or a log.
 */
export type AiConfig = Readonly<{
  /** Off unless the practice turns it on: the report never depends on it. */
  enabled: boolean;
  model: string;
  /** The API's origin; tests point it at a local fake server. */
  baseURL: string;
  /** Per attempt: no response event for this long and the attempt is given up. */
  timeoutMs: number;
  maxTokens: number;
  /** Pause before the single retry. */
  retryDelayMs: number;
}>;

export const DEFAULT_AI_CONFIG: AiConfig = {
  enabled: false,
  // Not claude-sonnet-4-5: the SDK lists it as deprecated (end of life 2026-11-30) and warns on
  // stderr for every request that names it.
  model: 'claude-sonnet-5-5',
  baseURL: 'https://api.anthropic.com',
  timeoutMs: 30_000,
  maxTokens: 4096,
  retryDelayMs: 500,
};

/** Where the CLI and the dev host take the key from. */
export const API_KEY_ENV = 'CLOSEOUT_ANTHROPIC_API_KEY';

export function apiKeyFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): string | null {
  const key = env[API_KEY_ENV]?.trim();
  return key ? key : null;
}

/** The environment's key as the backend takes it at start. */
export function envAiKey(env: Readonly<Record<string, string | undefined>> = process.env): { value: string; source: 'environment' } | null {
  const value = apiKeyFromEnv(env);
  return value ? { value, source: 'environment' } : null;
}

export type ConfigResult = Readonly<{ ok: true; value: AiConfig }> | Readonly<{ ok: false; message: string }>;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Settings from a stored or typed patch, checked. Plain http is accepted for loopback only (the
 * tests' fake server): the facts are de-identified, but they still describe a patient's surgery.
 */
export function resolveAiConfig(patch: Readonly<Partial<AiConfig>> = {}): ConfigResult {
  const c: AiConfig = { ...DEFAULT_AI_CONFIG, ...patch };
  let url: URL;
  try {
    url = new URL(c.baseURL);
  } catch {
    return { ok: false, message: 'The AI service address is not a valid URL.' };
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    return { ok: false, message: 'The AI service address must use https.' };
  }
  if (!/^[\w.:-]{1,100}$/.test(c.model)) return { ok: false, message: 'The AI model name is not valid.' };
  if (!Number.isInteger(c.timeoutMs) || c.timeoutMs < 100 || c.timeoutMs > 300_000) {
    return { ok: false, message: 'The AI timeout must be between 0.1 and 300 seconds.' };
  }
  if (!Number.isInteger(c.maxTokens) || c.maxTokens < 256 || c.maxTokens > 32_000) {
    return { ok: false, message: 'The AI answer length must be between 256 and 32,000 tokens.' };
  }
  if (!Number.isInteger(c.retryDelayMs) || c.retryDelayMs < 0 || c.retryDelayMs > 10_000) {
    return { ok: false, message: 'The AI retry pause must be between 0 and 10 seconds.' };
  }
  return { ok: true, value: { ...c, baseURL: c.baseURL.replace(/\/+$/, '') } };
}
