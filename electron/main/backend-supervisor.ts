/**
 * Keeps the backend process alive and carries contract calls to it.
 *
 * Electron-free on purpose: main passes a `spawn` that wraps utilityProcess.fork; tests pass
 * one that wraps child_process.fork, so restart-with-backoff is tested on real processes.
 */
import type { PushMessage } from '../../shared/contract/events';
import type { WireFromBackend } from '../../shared/contract/wire';
import { DEFAULT_MESSAGES } from '../../shared/contract/errors';
import { err, type Result } from '../../shared/util/result';

export type ChildHandle = Readonly<{
  postMessage: (message: unknown) => void;
  onMessage: (listener: (message: unknown) => void) => void;
  onExit: (listener: (code: number | null) => void) => void;
  kill: () => void;
}>;

export type BackendState = 'starting' | 'up' | 'reconnecting' | 'stopped';

export type SupervisorOptions = Readonly<{
  spawn: () => ChildHandle;
  onState?: (state: BackendState) => void;
  onPush?: (message: PushMessage) => void;
  /**
   * A backend (re)started: messages to post before any call reaches it (main hands over the API
   * key it keeps in the OS secure store). Posted in order, ahead of queued calls.
   */
  onReady?: () => readonly unknown[];
  onCrash?: (info: Readonly<{ exitCode: number | null; attempt: number; delayMs: number }>) => void;
  /** Delay before restart number `attempt` (0-based). */
  backoffMs?: (attempt: number) => number;
  /** How long a call waits for the backend to come (back) up before giving up. */
  waitForUpMs?: number;
  callTimeoutMs?: number;
  /** A backend that stayed up this long is healthy again: the backoff starts over. */
  stableAfterMs?: number;
}>;

export const defaultBackoff = (attempt: number): number => Math.min(250 * 2 ** attempt, 10_000);

type Pending = { resolve: (r: Result<unknown>) => void; timer: ReturnType<typeof setTimeout> };

export class BackendSupervisor {
  #child: ChildHandle | null = null;
  #state: BackendState = 'stopped';
  #attempt = 0;
  #upSince = 0;
  #nextId = 1;
  #pending = new Map<number, Pending>();
  #waiters: Array<(up: boolean) => void> = [];
  #restartTimer: ReturnType<typeof setTimeout> | null = null;
  readonly #o: SupervisorOptions;

  constructor(options: SupervisorOptions) {
    this.#o = options;
  }

  get state(): BackendState {
    return this.#state;
  }

  start(): void {
    if (this.#state !== 'stopped') return;
    this.#spawn('starting');
  }

  /** Send one contract call. Never rejects: a dead or absent backend is an UNAVAILABLE result. */
  async call(method: string, args: unknown): Promise<Result<unknown>> {
    if (this.#state === 'stopped') return err('UNAVAILABLE', DEFAULT_MESSAGES.UNAVAILABLE);
    if (this.#state !== 'up') {
      const up = await this.#waitForUp(this.#o.waitForUpMs ?? 15_000);
      if (!up) return err('UNAVAILABLE', DEFAULT_MESSAGES.UNAVAILABLE);
    }
    const child = this.#child;
    if (!child) return err('UNAVAILABLE', DEFAULT_MESSAGES.UNAVAILABLE);
    const id = this.#nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        resolve(err('UNAVAILABLE', 'Closeout\'s background service did not answer in time. Try again.'));
      }, this.#o.callTimeoutMs ?? 60_000);
      this.#pending.set(id, { resolve, timer });
      child.postMessage({ type: 'call', id, method, args });
    });
  }

  stop(): void {
    this.#setState('stopped');
    if (this.#restartTimer) clearTimeout(this.#restartTimer);
    const child = this.#child;
    this.#child = null;
    if (child) {
      child.postMessage({ type: 'shutdown' });
      setTimeout(() => child.kill(), 2000).unref?.();
    }
    this.#failPending();
    this.#resolveWaiters(false);
  }

  #spawn(state: 'starting' | 'reconnecting'): void {
    this.#setState(state);
    const child = this.#o.spawn();
    this.#child = child;
    child.onMessage((m) => this.#onMessage(child, m as WireFromBackend));
    child.onExit((code) => this.#onExit(child, code));
  }

  #onMessage(child: ChildHandle, m: WireFromBackend): void {
    if (child !== this.#child || !m || typeof m !== 'object') return;
    switch (m.type) {
      case 'ready':
        for (const message of this.#o.onReady?.() ?? []) child.postMessage(message);
        this.#upSince = Date.now();
        this.#setState('up');
        this.#resolveWaiters(true);
        return;
      case 'result': {
        const p = this.#pending.get(m.id);
        if (!p) return;
        clearTimeout(p.timer);
        this.#pending.delete(m.id);
        p.resolve(m.result);
        return;
      }
      case 'push':
        this.#o.onPush?.(m.event);
        return;
      default:
        return;
    }
  }

  #onExit(child: ChildHandle, code: number | null): void {
    if (child !== this.#child) return;
    this.#child = null;
    // Calls in flight may or may not have been stored; the caller is told to check and retry.
    this.#failPending();
    if (this.#state === 'stopped') return;
    if (this.#state === 'up' && Date.now() - this.#upSince >= (this.#o.stableAfterMs ?? 30_000)) this.#attempt = 0;
    const delayMs = (this.#o.backoffMs ?? defaultBackoff)(this.#attempt);
    this.#o.onCrash?.({ exitCode: code, attempt: this.#attempt, delayMs });
    this.#attempt++;
    this.#setState('reconnecting');
    this.#restartTimer = setTimeout(() => {
      this.#restartTimer = null;
      if (this.#state !== 'stopped') this.#spawn('reconnecting');
    }, delayMs);
  }

  #failPending(): void {
    for (const [, p] of this.#pending) {
      clearTimeout(p.timer);
      p.resolve(err('UNAVAILABLE', 'Closeout\'s background service restarted during this action. Check whether it was saved, then try again.'));
    }
    this.#pending.clear();
  }

  #waitForUp(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== done);
        resolve(false);
      }, ms);
      const done = (up: boolean) => {
        clearTimeout(timer);
        resolve(up);
      };
      this.#waiters.push(done);
    });
  }

  #resolveWaiters(up: boolean): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w(up);
  }

  #setState(s: BackendState): void {
    if (this.#state === s) return;
    this.#state = s;
    this.#o.onState?.(s);
  }
}
