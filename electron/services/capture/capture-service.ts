/**
 * Capture for the workstation: while a case is "capturing", every enabled source feeds it. The
 * service follows case status changes, keeps the source statuses for the UI, and stops cleanly.
 * At start it resumes a case left capturing, so files that arrived while the app was closed are
 * read and a serial device is reconnected.
 */
import { createHash } from 'node:crypto';
import type { CaptureSource, FolderConfig, SerialConfig, SourceStatus } from '../../../shared/domain/capture-source';
import { compileRules, DEFAULT_RULES, type CompiledRules } from '../../../shared/domain/mapping';
import type { PushMessage } from '../../../shared/contract/events';
import type { ServiceContext } from '../context';
import { EventWriter } from './event-writer';
import type { CaptureCase } from './file-ingest';
import type { FolderCapture } from './folder-capture';
import type { SerialSourceCapture } from './serial-source';

type Running = FolderCapture | SerialSourceCapture;

/**
 * The readers (chokidar, the device parsers, serialport) are loaded by an active service only: a
 * one-shot command asks for rules and statuses and must not pay for them at start (#15).
 */
type Readers = Readonly<{ FolderCapture: typeof FolderCapture; SerialSourceCapture: typeof SerialSourceCapture }>;
async function loadReaders(): Promise<Readers> {
  const [{ FolderCapture }, { SerialSourceCapture }] = await Promise.all([import('./folder-capture'), import('./serial-source')]);
  return { FolderCapture, SerialSourceCapture };
}

const BUILTIN_RULES_KEY = 'mapping.builtinVersion';

export class CaptureService {
  readonly #ctx: ServiceContext;
  readonly #writer: EventWriter;
  #rules: CompiledRules | null = null;
  #target: CaptureCase | null = null;
  #running = new Map<string, Running>();
  #statuses = new Map<string, SourceStatus>();
  #pushTimer: ReturnType<typeof setTimeout> | null = null;
  /** Source ids and versions the running captures were started with. */
  #sourcesSeen = '';
  /** Stops under way (the case left capturing), awaited before the store may close. */
  #stopping: Promise<unknown> = Promise.resolve();
  /** stop() was called: the store is about to close, nothing more is read from it. */
  #closed = false;

  readonly #active: boolean;
  readonly #readers: Promise<Readers> | null;
  /** The latest start under way (readers loading, the previous ones stopping). */
  #starting: Promise<void> = Promise.resolve();
  /** Counts stops: a start whose readers arrive after a later stop (or start) does nothing. */
  #generation = 0;
  /** The case capture was last started for, from the moment it is asked (the readers may still be loading). */
  #wanted: string | null = null;

  /** `active: false` (one-shot CLI commands): rules and statuses only, nothing is watched. */
  constructor(ctx: ServiceContext, opts: Readonly<{ active: boolean }>) {
    this.#ctx = ctx;
    this.#writer = new EventWriter(ctx);
    this.#active = opts.active;
    this.#readers = opts.active ? loadReaders() : null;
  }

  /** Seed the built-in mapping rules and resume a case left capturing. */
  start(): void {
    this.#seedRules();
    if (!this.#active) return;
    const capturing = this.#ctx.store.cases.capturing();
    if (capturing) this.#startFor(capturing.id);
  }

  async stop(): Promise<void> {
    this.#closed = true;
    // A stop already under way (the case left capturing a moment ago) finishes first: its last
    // status read must not meet a closed database.
    await this.#stopping;
    await Promise.all([...this.#running.values()].map((r) => r.stop()));
    this.#running.clear();
    this.#target = null;
    if (this.#pushTimer) clearTimeout(this.#pushTimer);
    this.#pushTimer = null;
  }

  /**
   * The person says the export files are complete (a one-shot read of a finished folder): a last
   * line without its line end is read as whole. Never done on a timer or when capture merely stops.
   */
  completeFiles(): void {
    for (const r of this.#running.values()) if ('completeFiles' in r) r.completeFiles();
  }

  /** Follow case status changes pushed by the services. */
  onPush(m: PushMessage): void {
    if (!this.#active || m.name !== 'caseChanged') return;
    const { caseId, status } = m.payload;
    if (status === 'capturing' && this.#wanted !== caseId) this.#startFor(caseId);
    else if (status !== 'capturing' && this.#wanted === caseId) void this.#stopAll();
  }

  /** Sources were added, changed or removed: restart what runs. */
  async sourcesChanged(): Promise<void> {
    if (!this.#active) return;
    const id = this.#wanted;
    await this.#stopAll();
    if (id) this.#startFor(id);
    else this.#publish();
  }

  /** After another program wrote to the database: follow its capturing case and sources. */
  async syncWithStore(): Promise<void> {
    if (!this.#active) return;
    this.#rules = null;
    const capturing = this.#ctx.store.cases.capturing();
    const sources = JSON.stringify(this.#ctx.store.capture.listSources().map((s) => [s.id, s.updatedAt]));
    if (capturing?.id === this.#wanted && sources === this.#sourcesSeen) return;
    if (capturing) this.#startFor(capturing.id);
    else await this.#stopAll();
  }

  rulesChanged(): void {
    this.#rules = null;
  }

  rules(): CompiledRules {
    this.#rules ??= compileRules(this.#ctx.store.capture.listRules());
    return this.#rules;
  }

  get capturingCaseId(): string | null {
    return this.#target?.id ?? null;
  }

  statuses(): SourceStatus[] {
    return this.#ctx.store.capture.listSources().map((s) => this.#statuses.get(s.id) ?? idleStatus(s));
  }

  /** Read a held file anyway. */
  release(sourceId: string, path: string): boolean {
    const r = this.#running.get(sourceId);
    if (!r || !('release' in r)) return false;
    r.release(path);
    return true;
  }

  /** Wait until every folder source has read what it has seen (tests, CLI). */
  async idle(): Promise<void> {
    await this.#starting;
    await Promise.all([...this.#running.values()].map((r) => ('idle' in r ? r.idle() : Promise.resolve())));
  }

  #startFor(caseId: string): void {
    const c = this.#ctx.store.cases.get(caseId);
    if (!c || !this.#readers) return;
    const stopped = this.#stopAll();
    this.#wanted = c.id;
    // Starts and stops follow each other quickly (sources saved, the case reopened): only the
    // latest start may open its sources, or two readers would fight over one serial port.
    const generation = this.#generation;
    this.#starting = Promise.all([this.#readers, stopped]).then(([{ FolderCapture, SerialSourceCapture }]) => {
      if (generation !== this.#generation || this.#closed) return;
      this.#target = { id: c.id, dateOfService: c.dateOfService, patient: c.patient };
      const all = this.#ctx.store.capture.listSources();
      this.#sourcesSeen = JSON.stringify(all.map((s) => [s.id, s.updatedAt]));
      for (const s of all) {
        if (!s.enabled) continue;
        const onStatus = (st: SourceStatus) => this.#onStatus(st);
        const r: Running =
          s.kind === 'folder'
            ? new FolderCapture({ ctx: this.#ctx, source: s as CaptureSource & { kind: 'folder'; config: FolderConfig }, writer: this.#writer, rules: () => this.rules(), target: () => this.#target, onStatus })
            : new SerialSourceCapture({ ctx: this.#ctx, source: s as CaptureSource & { kind: 'serial'; config: SerialConfig }, writer: this.#writer, rules: () => this.rules(), target: () => this.#target, onStatus });
        this.#running.set(s.id, r);
        r.start();
      }
      this.#ctx.log.info('capture.started', { caseId, count: this.#running.size });
      this.#publish();
    }).catch((e: unknown) => this.#ctx.log.error('capture.start_failed', e));
  }

  #stopAll(): Promise<void> {
    this.#generation++;
    this.#wanted = null;
    const running = [...this.#running.values()];
    this.#running.clear();
    this.#target = null;
    const stopping = Promise.all(running.map((r) => r.stop())).then(() => {
      if (!this.#closed) this.#publish();
    });
    this.#stopping = this.#stopping.then(() => stopping);
    return stopping;
  }

  #onStatus(s: SourceStatus): void {
    this.#statuses.set(s.sourceId, s);
    // Counters change with every batch: tell the UI at most a few times a second.
    if (this.#closed) return;
    this.#pushTimer ??= setTimeout(() => {
      this.#pushTimer = null;
      this.#publish();
    }, 250);
  }

  #publish(): void {
    if (this.#closed) return;
    this.#ctx.emit({ name: 'captureStatus', payload: { sources: this.statuses() } });
  }

  #seedRules(): void {
    const { store } = this.#ctx;
    const version = createHash('sha256').update(JSON.stringify(DEFAULT_RULES)).digest('hex').slice(0, 16);
    if (store.settings.get(BUILTIN_RULES_KEY) === version) return;
    store.write(() => {
      const disabled = new Set(store.capture.listRules().filter((r) => r.builtin && !r.enabled).map((r) => r.pattern));
      store.capture.replaceBuiltins(DEFAULT_RULES, disabled, this.#ctx.now());
      store.settings.set(BUILTIN_RULES_KEY, version);
    });
    this.#rules = null;
  }
}

function idleStatus(s: CaptureSource): SourceStatus {
  return {
    sourceId: s.id,
    name: s.name,
    kind: s.kind,
    state: s.enabled ? 'idle' : 'stopped',
    message: s.enabled ? 'Starts when a case is capturing.' : 'Turned off.',
    events: 0,
    files: 0,
    fileErrors: 0,
    garbageBytes: 0,
    lastEventAt: null,
    clockDriftMs: null,
  };
}
