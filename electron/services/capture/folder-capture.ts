/**
 * Watches one export folder with chokidar and feeds new and growing files to the ingest, one
 * file at a time. Files that arrived while the app was closed are picked up by the initial scan.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FSWatcher } from 'chokidar';
import type * as Chokidar from 'chokidar';
import type { CaptureSource, FolderConfig, SourceStatus } from '../../../shared/domain/capture-source';
import type { CompiledRules } from '../../../shared/domain/mapping';
import type { ServiceContext } from '../context';
import type { EventWriter } from './event-writer';
import { FolderIngest, storageProblem, type CaptureCase } from './file-ingest';

/** Bursts of change events for one file (a device appending) are read once. */
const DEBOUNCE_MS = 40;
const RETRY_MISSING_MS = 5000;
let chokidarModule: typeof Chokidar | null = null;

/** After the database refused a write (a full disk): try the file again this much later. */
const STORAGE_RETRY_MS = 3000;
/**
 * A full look at the folder this often: file events can be lost (network shares, a burst that
 * overflows the OS queue, a file written while the watcher was starting); sizes are compared
 * with what was read, so a missed file is read at most this late.
 */
const RESCAN_MS = 15_000;

const IGNORED_NAME = /(^|[\\/])(\.|~\$)|\.(tmp|temp|part|partial|crdownload|swp|lock)$/i;

export type FolderCaptureDeps = Readonly<{
  ctx: ServiceContext;
  source: CaptureSource & { kind: 'folder'; config: FolderConfig };
  writer: EventWriter;
  rules: () => CompiledRules;
  target: () => CaptureCase | null;
  onStatus: (s: SourceStatus) => void;
}>;

export class FolderCapture {
  readonly #d: FolderCaptureDeps;
  readonly #ingest: FolderIngest;
  #watcher: FSWatcher | null = null;
  #timers = new Map<string, ReturnType<typeof setTimeout>>();
  #queue: string[] = [];
  #queued = new Set<string>();
  #forced = new Set<string>();
  #running = false;
  #stopped = false;
  #retry: ReturnType<typeof setTimeout> | null = null;
  #status: SourceStatus;
  #driftSamples: number[] = [];
  /** Resolves when the queue is empty (tests and the CLI wait on it). */
  #idleWaiters: Array<() => void> = [];
  #ready: Promise<void> = Promise.resolve();
  #readyNow: () => void = () => {};
  #rescan: ReturnType<typeof setInterval> | null = null;

  constructor(d: FolderCaptureDeps) {
    this.#d = d;
    const zone = d.source.config.timeZone === 'workstation' ? d.ctx.timeZone : d.source.config.timeZone;
    this.#ingest = new FolderIngest({ ctx: d.ctx, sourceId: d.source.id, root: d.source.config.path, config: d.source.config, writer: d.writer, rules: d.rules, zone });
    this.#status = {
      sourceId: d.source.id,
      name: d.source.name,
      kind: 'folder',
      state: 'idle',
      message: 'Not capturing.',
      events: 0,
      files: 0,
      fileErrors: 0,
      garbageBytes: 0,
      lastEventAt: null,
      clockDriftMs: null,
    };
  }

  get status(): SourceStatus {
    return this.#status;
  }

  start(): void {
    this.#stopped = false;
    // chokidar loads with the first folder watched, not with every backend.
    if (!chokidarModule) {
      const loading: Promise<void> = import('chokidar').then((m) => {
        chokidarModule = m;
        if (this.#stopped) return;
        this.start();
        // Ready when the watcher is (start() put its promise in place of this one).
        return this.#ready === loading ? undefined : this.#ready;
      });
      this.#ready = loading;
      return;
    }
    const watch = chokidarModule.watch;
    const dir = this.#d.source.config.path;
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
      this.#set({ state: 'error', message: `The folder ${dir} cannot be found. Check that the drive or network share is connected; Closeout keeps trying.` });
      this.#retry = setTimeout(() => {
        this.#retry = null;
        if (!this.#stopped) this.start();
      }, RETRY_MISSING_MS);
      return;
    }
    const cfg = this.#d.source.config;
    const watcher = watch(dir, {
      ignoreInitial: false,
      persistent: true,
      depth: cfg.includeSubfolders ? 8 : 0,
      usePolling: cfg.usePolling,
      interval: 1000,
      // Do not wait for files to be "finished": device logs grow for the whole case.
      awaitWriteFinish: false,
      ignored: (p: string) => p !== dir && IGNORED_NAME.test(path.basename(p)),
    });
    this.#watcher = watcher;
    this.#ready = new Promise((resolve) => {
      this.#readyNow = resolve;
      watcher.once('ready', () => resolve());
    });
    this.#rescan = setInterval(() => this.#reconcile(), RESCAN_MS);
    this.#rescan.unref?.();
    const onFile = (abs: string) => this.#schedule(path.relative(dir, abs));
    watcher.on('add', onFile);
    watcher.on('change', onFile);
    watcher.on('ready', () => this.#set({ state: 'watching', message: `Watching ${dir}.` }));
    watcher.on('error', (e) => {
      const code = (e as NodeJS.ErrnoException).code;
      this.#set({
        state: 'error',
        message: code === 'EACCES' || code === 'EPERM' ? `Closeout has no permission to read ${dir}. Ask IT for read access.` : `Watching ${dir} failed; Closeout keeps trying.`,
      });
    });
    this.#set({ state: 'watching', message: `Watching ${dir}.` });
  }

  /** Read the unterminated last line of each file being tailed as whole: see CaptureService.completeFiles. */
  completeFiles(): void {
    const target = this.#d.target();
    if (!target) return;
    let inserted = 0;
    for (const rel of this.#ingest.tailedFiles()) inserted += this.#ingest.complete(rel, target).inserted;
    if (inserted) this.#refreshCounts(inserted);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#retry) clearTimeout(this.#retry);
    if (this.#rescan) clearInterval(this.#rescan);
    this.#rescan = null;
    this.#readyNow();
    // A last line without its line end stays unread: events are append-only, and a line cut
    // mid-word would stay in the record for good. The next capture reads it once it is whole.
    for (const t of this.#timers.values()) clearTimeout(t);
    this.#timers.clear();
    this.#queue = [];
    this.#queued.clear();
    await this.#watcher?.close();
    this.#watcher = null;
    this.#ingest.reset();
    this.#set({ state: 'stopped', message: 'Not capturing.' });
    this.#wakeIdle();
  }

  /** Read a held file anyway (a person confirmed it belongs to this case). */
  release(rel: string): void {
    this.#forced.add(rel);
    this.#schedule(rel, 0);
  }

  /**
   * Resolve once everything now in the folder has been read: the watcher's first scan is over,
   * files whose size differs from what was read are queued (their change events may still be on
   * the way), and the queue has drained.
   */
  async idle(): Promise<void> {
    await this.#ready;
    this.#reconcile();
    if (!this.#running && this.#queue.length === 0 && this.#timers.size === 0) return;
    await new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Queue every file whose size is not what was last read (a missed or late file event). */
  #reconcile(): void {
    if (this.#stopped || !this.#watcher) return;
    const root = this.#d.source.config.path;
    const depth = this.#d.source.config.includeSubfolders ? 8 : 0;
    const walk = (dir: string, level: number): void => {
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(dir, { withFileTypes: true });
      } catch {
        return; // the watcher reports a folder that went away
      }
      for (const e of entries) {
        if (IGNORED_NAME.test(e.name)) continue;
        const abs = path.join(dir, e.name);
        if (e.isDirectory()) {
          if (level < depth) walk(abs, level + 1);
          continue;
        }
        if (!e.isFile()) continue;
        const rel = path.relative(root, abs);
        if (this.#timers.has(rel) || this.#queued.has(rel)) continue;
        const known = this.#d.ctx.store.capture.getFile(this.#d.source.id, rel);
        const size = safeSize(abs);
        if (size !== null && size > 0 && known?.size !== size) this.#schedule(rel, 0);
      }
    };
    walk(root, 0);
  }

  #schedule(rel: string, delay = DEBOUNCE_MS): void {
    if (this.#stopped) return;
    const t = this.#timers.get(rel);
    if (t) clearTimeout(t);
    this.#timers.set(
      rel,
      setTimeout(() => {
        this.#timers.delete(rel);
        if (!this.#queued.has(rel)) {
          this.#queued.add(rel);
          this.#queue.push(rel);
        }
        this.#pump();
      }, delay),
    );
  }

  #pump(): void {
    if (this.#running || this.#stopped) return;
    const rel = this.#queue.shift();
    if (rel === undefined) {
      this.#wakeIdle();
      return;
    }
    this.#queued.delete(rel);
    const target = this.#d.target();
    if (!target) {
      // Not capturing any more: the initial scan of the next capture picks these files up.
      this.#queue = [];
      this.#queued.clear();
      this.#wakeIdle();
      return;
    }
    this.#running = true;
    const force = this.#forced.delete(rel);
    this.#set({ state: 'reading', message: `Reading ${rel}…` });
    const mtime = safeMtime(path.join(this.#d.source.config.path, rel));
    let out: ReturnType<FolderIngest['ingest']>;
    try {
      out = this.#ingest.ingest(rel, target, force);
    } catch (e) {
      // The database cannot take what was read (a full disk): the file is read again shortly,
      // from where its stored read position says, so nothing it holds is lost.
      this.#running = false;
      const problem = storageProblem(this.#d.ctx, e);
      if (!problem) throw e;
      if (force) this.#forced.add(rel);
      this.#set({ state: 'error', message: `${problem.message} The export files stay in ${this.#d.source.config.path} and are read again then: nothing captured is lost.` });
      this.#schedule(rel, STORAGE_RETRY_MS);
      setImmediate(() => this.#pump());
      return;
    }
    if (this.#d.source.config.checkClock !== false && out.newestOccurredAt !== null && mtime !== null && Date.now() - mtime < 60_000) {
      // A file written in the last minute: its newest event's device time vs when it was written.
      this.#driftSamples = [...this.#driftSamples.slice(-20), out.newestOccurredAt - mtime];
    }
    this.#running = false;
    if (out.more) {
      this.#queued.add(rel);
      this.#queue.unshift(rel);
    }
    this.#refreshCounts(out.inserted);
    // Yield between files (and slices of a large file) so calls from the UI are answered.
    setImmediate(() => this.#pump());
  }

  #refreshCounts(inserted: number): void {
    const files = this.#d.ctx.store.capture.listFiles().filter((f) => f.sourceId === this.#d.source.id && f.caseId === this.#d.target()?.id);
    const errors = files.filter((f) => f.status === 'error' || f.status === 'held');
    const drift = this.#driftSamples.length ? median(this.#driftSamples) : null;
    this.#set({
      state: this.#queue.length ? 'reading' : 'watching',
      message: errors.length
        ? `${errors.length} file${errors.length > 1 ? 's' : ''} need${errors.length > 1 ? '' : 's'} attention (see Capture files).`
        : `Watching ${this.#d.source.config.path}.`,
      files: files.length,
      fileErrors: errors.length,
      events: this.#status.events + inserted,
      lastEventAt: inserted ? Date.now() : this.#status.lastEventAt,
      clockDriftMs: drift,
    });
  }

  #set(patch: Partial<SourceStatus>): void {
    this.#status = { ...this.#status, ...patch };
    this.#d.onStatus(this.#status);
  }

  #wakeIdle(): void {
    if (this.#running || this.#queue.length || this.#timers.size) return;
    const w = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const f of w) f();
  }
}

function safeSize(abs: string): number | null {
  try {
    return fs.statSync(abs).size;
  } catch {
    return null;
  }
}

function safeMtime(abs: string): number | null {
  try {
    return fs.statSync(abs).mtimeMs;
  } catch {
    return null;
  }
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}
