import os from 'node:os';
import type { ArgsIn, Method, ResultOf } from '../../shared/contract/api';
import type { Backend } from '../backend/host';
import { ResultError } from './io';

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
    const r = await (await this.backend()).call(method, args);
    if (!r.ok) throw new ResultError(r);
    return r.value as ResultOf<M>;
  }

  async close(): Promise<void> {
    await this.#backend?.close();
    this.#backend = null;
  }
}

function userName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return 'unknown';
  }
}
