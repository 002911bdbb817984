import os from 'node:os';
import type { ArgsIn, Method, ResultOf } from '../../shared/contract/api';
import type { Backend } from '../backend/host';
import type { CaseFileBytes } from '../services/casefile/casefile-service';
import type { CaseFileImport } from '../../shared/casefile/case-file';
import { ResultError, UsageError } from './io';

/** The CLI's handle on the backend: opened on first use, so commands that need no store stay fast. */
export class CliSession {
  #backend: Backend | null = null;
  #capture = false;
  #deliver = false;

  constructor(
    readonly dataDir: string,
    readonly appVersion: string,
  ) {}

  /** Run capture in this process (`closeout capture`); call before the first backend use. */
  enableCapture(): void {
    this.#capture = true;
  }

  /** Send queued reports to the EHR from this process (`closeout send`). */
  enableDelivery(): void {
    this.#deliver = true;
  }

  async backend(): Promise<Backend> {
    if (!this.#backend) {
      const { createBackend } = await import('../backend/host');
      const { envAiKey } = await import('../services/ai/ai-config');
      this.#backend = createBackend({ dataDir: this.dataDir, actor: `cli:${userName()}`, appVersion: this.appVersion, capture: this.#capture, deliver: this.#deliver, aiKey: envAiKey() });
    }
    return this.#backend;
  }

  /** Call a contract method; a failed Result is thrown as ResultError for the runner to report. */
  async call<M extends Method>(method: M, args: ArgsIn<M>): Promise<ResultOf<M>> {
    const backend = await this.backend();
    const r = await backend.call(method, resolveCaseIds(backend, method, args));
    if (!r.ok) throw new ResultError(r);
    return r.value as ResultOf<M>;
  }

  /** Import a case file streamed from bytes; a failed Result is thrown as ResultError. */
  async importCaseFileStream(bytes: CaseFileBytes, opts: Readonly<{ asNew: boolean; name: string }>): Promise<CaseFileImport> {
    const r = await (await this.backend()).importCaseFileStream(bytes, opts);
    if (!r.ok) throw new ResultError(r);
    return r.value;
  }

  async close(): Promise<void> {
    await this.#backend?.close();
    this.#backend = null;
  }
}

/** Methods whose `id` is a case id (elsewhere `id` names a person, a user, a source…). */
const CASE_ID_METHODS: ReadonlySet<string> = new Set(['getCase', 'updateCase', 'setCaseStatus']);

/**
 * A case id may be given by a unique prefix, as git takes commit ids ("3f2a" for
 * "3f2a91c0-…"): at least 4 characters, and it must name one case only.
 */
function resolveCaseIds<T>(backend: Pick<Backend, 'caseIdsWithPrefix'>, method: string, args: T): T {
  if (!args || typeof args !== 'object') return args;
  const one = (v: unknown): unknown => {
    if (typeof v !== 'string' || v.length < 4 || v.length >= 36) return v;
    const ids = backend.caseIdsWithPrefix(v);
    if (ids.includes(v) || ids.length === 0) return v;
    if (ids.length === 1) return ids[0];
    throw new UsageError(`"${v}" is the start of ${ids.length > 5 ? 'more than 5' : ids.length} case IDs (${ids.slice(0, 3).join(', ')}${ids.length > 3 ? ', …' : ''}): give more of the ID.`);
  };
  const a = { ...(args as Record<string, unknown>) };
  if ('caseId' in a) a['caseId'] = one(a['caseId']);
  if (Array.isArray(a['caseIds'])) a['caseIds'] = (a['caseIds'] as unknown[]).map(one);
  if (CASE_ID_METHODS.has(method) && 'id' in a) a['id'] = one(a['id']);
  return a as T;
}

function userName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return 'unknown';
  }
}
