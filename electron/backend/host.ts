import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { AppStatus, Method, StoreHealth } from '../../shared/contract/api';
import { isMethodName as isMethod } from '../../shared/contract/methods';
import type { PushMessage } from '../../shared/contract/events';
import { DEFAULT_MESSAGES } from '../../shared/contract/errors';
import { zodFieldErrors } from '../../shared/util/field-errors';
import { localIsoDate } from '../../shared/util/time';
import { tooDeepMessage, valueTooDeep } from '../../shared/util/json-depth';
import { err, ok, type Result } from '../../shared/util/result';
import type { ServiceContext } from '../services/context';
import { createLogger, silentLogger, type Logger } from '../services/log';
import { Store } from '../services/store/store';
import { IntegrityMonitor } from '../services/store/integrity-monitor';
import { DB_FILE_NAME, lastCheckedOk, recordCheckedOk } from '../services/store/open-db';
import { AppError, classifyStorageError, damagedDatabase } from '../services/store/store-errors';
import { removeImportLeftovers } from '../services/casefile/import-staging';
import type { DemoHandle } from '../demo/demo-capture';
import type * as DemoRuntimeModule from '../demo/demo-runtime';
import { loadProcedure } from '../../shared/contract/load-procedure';
import { readPlainArgs } from '../../shared/contract/plain-args';
import { afterImport, handlers, reindexClaim, warmHandlers } from './handlers';
import type { CaseFileBytes } from '../services/casefile/casefile-service';
import type { CaseFileImport } from '../../shared/casefile/case-file';
import { CaptureService } from '../services/capture/capture-service';
import { DeliveryWorker } from '../services/ehr/delivery-worker';
import { AiRuntime } from '../services/ai/ai-runtime';
import type { AiKeySource } from '../../shared/report/ai-run';
import type { SyncEngine } from '../services/sync/sync-engine';
import type { RemoteOutcome } from '../../shared/domain/remote-signing';

export type DemoRuntime = typeof DemoRuntimeModule;

export type BackendOptions = Readonly<{
  dataDir: string;
  nativeBinding?: string | undefined;
  actor: string;
  appVersion: string;
  /**
   * Put the bundled synthetic demo case in an empty store (the app's first start); with capture
   * on, its events are played by the device simulator through the real watcher. Handed in by
   * the entry that wants it (`await import('../demo/demo-runtime')`), never imported
   * here: a backend without the demo does not load it.
   */
  demo?: Readonly<{
    runtime: DemoRuntime;
    /** Playback speed (simulated seconds per real second); default 60. */
    speed?: number;
    /** A pty pair for the demo's serial monitor (npm run demo, where socat exists). */
    serial?: Readonly<{ appPath: string; devicePath: string }>;
  }>;
  /** Write the log file under dataDir/logs (the app); the CLI and tests keep quiet. */
  logToFile?: boolean;
  now?: () => number;
  /** How long a write waits for another program's lock (tests shorten it). */
  busyTimeoutMs?: number;
  /**
   * Run capture (watch folders, read serial ports) for the capturing case: the app, the dev host
   * and `closeout capture`. One-shot CLI commands leave it off.
   */
  capture?: boolean;
  /** Run the EHR delivery queue in this process (default: with capture, i.e. the app). */
  deliver?: boolean;
  /** Send to the practice server in the background (default: with capture, i.e. the app). */
  sync?: boolean;
  /** The AI narrative's API key at start: from the environment (CLI, dev host) or the OS secure store (app). */
  aiKey?: Readonly<{ value: string; source: AiKeySource }> | null;
}>;

export type Backend = Readonly<{
  call: (method: string, args: unknown) => Promise<Result<unknown>>;
  onPush: (listener: (m: PushMessage) => void) => () => void;
  status: () => AppStatus;
  close: () => Promise<void>;
  /** The capture runtime (tests and `closeout capture` wait on it); null when the store is down. */
  capture: CaptureService | null;
  /** The live demo playback, when one runs (tests wait on it). */
  demo: DemoHandle | null;
  /** Hand over the API key the app keeps in the OS secure store (never through a contract call, so never audited as a change). */
  setAiKey: (value: string | null, source: AiKeySource) => void;
  /** Case ids starting with a prefix (the CLI accepts unique prefixes); none when the store is down. */
  caseIdsWithPrefix: (prefix: string) => string[];
  /**
   * Import a case file read as bytes (`closeout case import FILE`): streamed, so its size is not
   * held in memory. Not a contract method: the renderer hands over no files, only values.
   */
  importCaseFileStream: (bytes: CaseFileBytes, opts: Readonly<{ asNew: boolean; name: string }>) => Promise<Result<CaseFileImport>>;
}>;

/**
 * The backend: owns the store (sole writer) and the services, and answers contract calls.
 * Transport-agnostic: the utility process, the WebSocket bridge, the CLI and tests all drive
 * this same object. Nothing thrown escapes `call`: every outcome is a Result.
 */
export function createBackend(opts: BackendOptions): Backend {
  const log: Logger = opts.logToFile ? createLogger({ dir: path.join(opts.dataDir, 'logs') }) : silentLogger;
  const listeners = new Set<(m: PushMessage) => void>();
  const now = opts.now ?? Date.now;

  let store: Store | null = null;
  let health: StoreHealth;
  try {
    store = Store.open({ dataDir: opts.dataDir, nativeBinding: opts.nativeBinding, ...(opts.busyTimeoutMs ? { busyTimeoutMs: opts.busyTimeoutMs } : {}) });
    health = { state: 'ok', schemaVersion: store.schemaVersion, warnings: store.privacy.warnings };
    log.info('store.opened', { schemaVersion: store.schemaVersion });
    if (store.privacy.tightened.length) log.info('store.made_private', { count: store.privacy.tightened.length });
    if (store.privacy.warnings.length) log.warn('store.not_private', { count: store.privacy.warnings.length });
    // What a killed import left beside the store (PHI) goes at the next start.
    const leftovers = removeImportLeftovers(opts.dataDir);
    if (leftovers.length) log.info('import.leftovers_removed', { count: leftovers.length });
  } catch (e) {
    const known = e instanceof AppError ? e : classifyStorageError(e, `the data folder (${opts.dataDir})`, opts.dataDir);
    if (!known) log.error('store.open_failed', e);
    health = known
      ? { state: 'error', code: known.code, message: known.message }
      : { state: 'error', code: 'INTERNAL', message: DEFAULT_MESSAGES.INTERNAL };
  }

  let capture: CaptureService | null = null;
  let delivery: DeliveryWorker | null = null;
  // Damage found while running is handled as damage found at open: said in the same words, and
  // nothing more is written (capture and the EHR queue stop, every call is refused).
  const integrity: IntegrityMonitor | null = store && new IntegrityMonitor({
    file: path.join(opts.dataDir, DB_FILE_NAME),
    nativeBinding: opts.nativeBinding,
    now,
    checkedOkAt: lastCheckedOk(opts.dataDir),
    recordOk: (at) => recordCheckedOk(opts.dataDir, at),
    onDamage: (detail) => {
      const e = damagedDatabase(`the data folder (${opts.dataDir})`, detail);
      health = { state: 'error', code: e.code, message: e.message };
      log.error('store.damage_found', new Error('integrity check failed'));
      void capture?.stop();
      void delivery?.stop();
      for (const l of listeners) l({ name: 'storeChanged', payload: {} });
    },
  });
  const ai = new AiRuntime(opts.aiKey ?? null);
  const afterRemote = async (c: ServiceContext, caseId: string, o: RemoteOutcome): Promise<RemoteOutcome> => {
    if (o.state === 'applied') await reindexClaim(c, caseId);
    return o;
  };
  let sync: Promise<SyncEngine> | null = null;
  let closing = false;
  const loadSync = (): Promise<SyncEngine> =>
    (sync ??= import('../services/sync/sync-engine').then(({ SyncEngine }) => {
      if (!store) throw new Error('no store');
      const c = ctx;
      const remoteSigning = () => import('../services/report/remote-signature');
      const remoteActions = () => import('../services/sync/apply-remote-action');
      return new SyncEngine({
        store,
        log,
        now,
        onStatus: (s) => ctx?.emit({ name: 'syncStatus', payload: s }),
        ...(c
          ? {
              remote: {
                drafts: async () => (await remoteSigning()).signableDrafts(c),
                // A signature or an addendum from the server changes the claim (R16 goes) as one made here does.
                apply: async (sig) => afterRemote(c, sig.caseId, (await remoteSigning()).applyRemoteSignature(c, sig)),
                applyEdit: async (edit) => (await remoteSigning()).applyRemoteEdit(c, edit),
                applyAction: async (action) => afterRemote(c, action.caseId, (await remoteActions()).applyRemoteAction(c, action)),
                applySettings: async (billing) => void (await remoteActions()).applyPracticeBilling(c, billing),
                applyEhrSettings: async (ehr) => void (await remoteActions()).applyPracticeEhr(c, ehr),
                applyPhysicians: async (list) => void (await remoteActions()).applyPracticePhysicians(c, list),
                charges: async (caseId) => (await import('../services/billing/billing-service')).chargesForServer(c, caseId),
                afterApplied: async (caseId) => (await remoteSigning()).deliverAfterRemoteSignature(c, caseId),
              },
            }
          : {}),
      });
    }));
  let zone: string | undefined;
  const ctx: ServiceContext | null = store && {
    store,
    actor: opts.actor,
    now,
    today: () => localIsoDate(now()),
    // Asked when a case is made or an entry read, not at start: the first Intl call loads the
    // time zone data (~12 ms), which a one-shot command that makes no case need not pay (#15).
    get timeZone() {
      return (zone ??= Intl.DateTimeFormat().resolvedOptions().timeZone);
    },
    emit: (m) => {
      capture?.onPush(m);
      for (const l of listeners) l(m);
    },
    log,
    newId: randomUUID,
    get capture() {
      return capture;
    },
    ai,
    get delivery() {
      return delivery;
    },
    integrity,
    loadSync,
  };
  let watchTimer: ReturnType<typeof setInterval> | null = null;
  if (ctx) {
    capture = new CaptureService(ctx, { active: opts.capture === true });
    if (opts.capture && store) {
      // The CLI (or anything else) may write while the app runs: SQLite's data_version changes
      // when another connection commits. Follow it so capture and screens stay true.
      const db = store.db;
      let seen = db.pragma('data_version', { simple: true });
      watchTimer = setInterval(() => {
        if (!db.open) return;
        const now = db.pragma('data_version', { simple: true });
        if (now === seen) return;
        seen = now;
        void capture?.syncWithStore();
        ctx.emit({ name: 'storeChanged', payload: {} });
      }, 1000);
      watchTimer.unref?.();
    }
    try {
      capture.start();
    } catch (e) {
      log.error('capture.start_failed', e);
    }
    // The EHR queue survives restarts: whatever was due when the app stopped goes out now. One
    // process sends (the app); the CLI only when asked (`closeout send`).
    delivery = new DeliveryWorker(ctx);
    if (opts.deliver ?? opts.capture === true) delivery.start();
    // The app sends to the practice server in the background once joined; one-shot commands only when asked.
    if (opts.sync ?? opts.capture === true) void loadSync().then((e) => closing || e.start()).catch((e: unknown) => log.error('sync.start_failed', e));
  }

  let demo: DemoHandle | null = null;
  if (ctx && opts.demo) {
    const { runtime, speed, serial } = opts.demo;
    try {
      runtime.seedDemoOnFirstRun(ctx);
      if (opts.capture) demo = runtime.startDemoCapture(ctx, { folder: runtime.demoFolder(opts.dataDir), speed: speed ?? 60, ...(serial ? { serial } : {}) });
    } catch (e) {
      // A failed demo must not keep a technologist out of real work.
      log.error('demo.seed_failed', e);
    }
  }

  // The app (capture on) loads the services it will need once it is up; one-shot commands load
  // only what their call uses (#15: start-up).
  if (ctx && opts.capture) setTimeout(() => void warmHandlers().catch((e: unknown) => log.error('warm.failed', e)), 0).unref?.();
  // A long-running backend checks the whole file when idle, then daily (integrity-monitor.ts).
  if (opts.capture) integrity?.start();

  const status = (): AppStatus => ({ appVersion: opts.appVersion, dataDir: opts.dataDir, store: health });

  async function call(method: string, rawArgs: unknown): Promise<Result<unknown>> {
    if (!isMethod(method)) return err('BAD_INPUT', `Unknown request "${String(method).slice(0, 40)}".`);
    // Before anything recurses into the arguments (zod, JSON.stringify): a value nested thousands
    // deep would overflow the stack and come back as an internal error instead of bad input.
    if (valueTooDeep(rawArgs)) return err('BAD_INPUT', tooDeepMessage('The request'));
    // getStatus takes no arguments (its schema is the empty object): answered without loading
    // the contract's schemas, which a one-shot `closeout status` would otherwise pay for (#15).
    if (method === 'getStatus') return isArgsObject(rawArgs) ? ok(status()) : err('BAD_INPUT', DEFAULT_MESSAGES.BAD_INPUT);
    // Plainly good arguments of a plain read call are read by hand (no zod to load: #15); else
    // only this call's schemas are built (a case list does not build the case form's).
    const plain = readPlainArgs(method, rawArgs ?? {});
    const parsed = plain ? { success: true as const, data: plain } : (await loadProcedure(method)).args.safeParse(rawArgs ?? {});
    if (!parsed.success) return err('BAD_INPUT', DEFAULT_MESSAGES.BAD_INPUT, zodFieldErrors(parsed.error));
    integrity?.touch();
    const handler = handlers[method as Exclude<Method, 'getStatus'>] as (c: ServiceContext, a: unknown) => unknown;
    return run(method, (c) => handler(c, parsed.data));
  }

  /** Run a service function as a call: every outcome a Result, nothing thrown. */
  async function run<T>(method: string, fn: (c: ServiceContext) => T | Promise<T>): Promise<Result<T>> {
    if (!ctx || health.state === 'error') {
      return health.state === 'error' ? err(health.code, health.message) : err('DB_UNAVAILABLE', DEFAULT_MESSAGES.DB_UNAVAILABLE);
    }
    const started = performance.now();
    try {
      const value = await fn(ctx);
      const ms = Math.round(performance.now() - started);
      if (ms > 200) log.warn('call.slow', { method, ms });
      return ok(value);
    } catch (e) {
      if (e instanceof AppError) return err(e.code, e.message, e.fields);
      const storage = classifyStorageError(e, `the data folder (${opts.dataDir})`, opts.dataDir);
      if (storage) {
        log.warn('call.storage_error', { method, code: storage.code });
        return err(storage.code, storage.message);
      }
      log.error('call.failed', e, { method });
      return err('INTERNAL', DEFAULT_MESSAGES.INTERNAL);
    }
  }

  return {
    call,
    onPush(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    status,
    async close() {
      closing = true;
      if (watchTimer) clearInterval(watchTimer);
      await demo?.stop();
      await ai.stop();
      await sync?.then((e) => e.stop()).catch(() => {});
      await delivery?.stop();
      listeners.clear();
      await capture?.stop();
      await integrity?.stop();
      store?.close();
    },
    capture,
    demo,
    setAiKey: (value, source) => ai.setKey(value, source),
    caseIdsWithPrefix: (prefix) => store?.cases.idsWithPrefix(prefix) ?? [],
    importCaseFileStream: (bytes, a) => run('importCaseFileStream', async (c) => afterImport(c, await (await import('../services/casefile/casefile-service')).importCaseFileStream(c, bytes, a))),
  };
}

/** What `z.object({})` accepts: nothing, or an object that is not an array (extra keys ignored). */
function isArgsObject(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'object' && !Array.isArray(v));
}
