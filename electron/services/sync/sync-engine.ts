/**
 * Sends what the practice server has not received, in the background, in order, and says where
 * it stands. Never in the OR's way: it reads in short transactions, talks to the server outside
 * them, and on any failure waits (0.5 s, doubling to 3 s) and tries again. A batch is acknowledged
 * in the store only after the server confirmed it, so a stop at any point re-sends at most one
 * batch, which the server keeps once.
 */
import type { SyncStatus } from '../../../shared/domain/sync';
import type { Logger } from '../log';
import type { Store } from '../store/store';
import { fetchPinnedCertificate, normalizeFingerprint, PracticeServerError, requestJson } from './practice-client';
import type { PracticeBillingSettings, PracticeEhrSettings, PracticePhysician, RemoteAction, RemoteEdit, RemoteOutcome, RemoteSignature, SignableDraft } from '../../../shared/domain/remote-signing';
import type { Batch, PracticeLink, RecordOut } from './sync-repo';

export const BATCH_LIMITS = { records: 200, events: 2000, audit: 2000 } as const;
/** The longest wait between two tries while the server is unreachable. */
export const RETRY_CAP_MS = 3000;

export type SyncEngineOptions = Readonly<{
  store: Store;
  log: Logger;
  now: () => number;
  /** Told whenever the status changes (the status bar). */
  onStatus?: (s: SyncStatus) => void;
  /** How often to look for new records while idle (ms). */
  pollMs?: number;
  /**
   * Remote signing (the host wires the report service in): the drafts a remote physician may
   * sign, and how a signature made on the server is applied here (then sent to the EHR).
   */
  remote?: Readonly<{
    drafts: () => Promise<SignableDraft[]>;
    apply: (sig: RemoteSignature) => Promise<RemoteOutcome>;
    applyEdit: (edit: RemoteEdit) => Promise<RemoteOutcome>;
    /** An addendum or a claim override made on the server (optional: a host without them refuses nothing, it just does not pull them). */
    applyAction?: (action: RemoteAction) => Promise<RemoteOutcome>;
    /** The practice's billing settings set on the server (its newest version), taken once per version. */
    applySettings?: (billing: PracticeBillingSettings) => Promise<void>;
    /** Where reports go, set on the server (its newest version), taken once per version. */
    applyEhrSettings?: (ehr: PracticeEhrSettings) => Promise<void>;
    /** The practice's physicians (accounts with an NPI): those missing here join the people list. */
    applyPhysicians?: (list: readonly PracticePhysician[]) => Promise<void>;
    /** A closed case's charge lines (or why none), sent with its claim summary for the office's export. */
    charges?: (caseId: string) => Promise<Readonly<{ exportable: boolean; rows: readonly unknown[]; why: string | null }>>;
    afterApplied: (caseId: string) => Promise<void>;
  }>;
}>;

export class SyncEngine {
  readonly #o: SyncEngineOptions;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #running = false;
  #stopped = true;
  #stopping = false;
  #inFlight: Promise<void> | null = null;
  #failures = 0;
  #unreachableSince: number | null = null;
  #lastSyncedAt: number | null = null;
  #problem: string | null = null;
  #revoked = false;
  #last: string | null = null;
  #draftMark: string | null = null;

  constructor(o: SyncEngineOptions) {
    this.#o = o;
  }

  /** Run in the background until stop(). */
  start(): void {
    this.#stopped = false;
    this.#schedule(0);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#stopping = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#inFlight;
  }

  status(): SyncStatus {
    const repo = this.#o.store.sync;
    const link = repo.link();
    if (!link) return { state: 'off', waiting: 0, unreachableSince: null, lastSyncedAt: null, server: null, problem: null };
    const waiting = repo.waiting();
    const state = this.#revoked ? 'revoked' : this.#unreachableSince !== null ? 'unreachable' : waiting > 0 ? 'waiting' : 'synced';
    return {
      state,
      waiting,
      unreachableSince: this.#unreachableSince,
      lastSyncedAt: this.#lastSyncedAt,
      server: { url: link.url, workstationName: link.workstationName, fingerprint: link.fingerprint },
      problem: this.#problem,
    };
  }

  /**
   * Send everything now (`closeout sync now`, the Sync button): resolves when nothing is waiting
   * or the server failed (the status says which).
   */
  async syncNow(): Promise<SyncStatus> {
    await this.#inFlight;
    const run = this.#drain();
    this.#inFlight = run;
    await run;
    return this.status();
  }

  /** Join the practice server with a one-time code; everything held here is then sent. */
  async enroll(input: { url: string; fingerprint: string; code: string }): Promise<PracticeLink> {
    const fingerprint = normalizeFingerprint(input.fingerprint);
    const url = new URL(input.url).origin;
    const certPem = await fetchPinnedCertificate(url, fingerprint);
    const target = { url, fingerprint, certPem };
    const r = await requestJson(target, 'POST', '/api/enroll', { body: { code: input.code } });
    const ws = r.body.workstation as { id: string; name: string };
    const link: PracticeLink = { url, fingerprint, certPem, workstationId: ws.id, workstationName: ws.name, enrolledAt: this.#o.now() };
    this.#o.store.sync.enroll(link, String(r.body.credential));
    this.#revoked = false;
    this.#unreachableSince = null;
    this.#problem = null;
    this.#failures = 0;
    this.#o.log.info('sync.enrolled', { workstationId: ws.id });
    this.#changed();
    if (!this.#stopped) this.#schedule(0);
    return link;
  }

  #schedule(ms: number): void {
    if (this.#stopped) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      // A run of "sync now" under way: try again after it (returning here stopped the background
      // loop for good: pressing Sync while it ran ended syncing until the next start).
      if (this.#running) {
        this.#schedule(this.#o.pollMs ?? 500);
        return;
      }
      const run = this.#drain().finally(() => {
        // Retrying is one refused connection every few seconds: cheap, and a signature made while
        // the OR was cut off arrives within seconds of the server being reachable again.
        const delay = this.#failures > 0 ? Math.min(RETRY_CAP_MS, 500 * 2 ** (this.#failures - 1)) : (this.#o.pollMs ?? 500);
        this.#schedule(delay);
      });
      this.#inFlight = run;
    }, ms);
    this.#timer.unref?.();
  }

  async #drain(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    try {
      const repo = this.#o.store.sync;
      // What a pull applies here (a signature, an addendum, a physician added) is news for the
      // server too: send it in the same run, a few rounds at most.
      let pulls = 0;
      for (;;) {
        const link = repo.link();
        const credential = repo.credential();
        if (!link || !credential || this.#revoked || !this.#o.store.db.open) return;
        const batch = repo.nextBatch(BATCH_LIMITS);
        if (batch.records.length === 0 && batch.events.length === 0 && batch.audit.length === 0) {
          if (this.#o.remote) {
            await this.#sendDrafts(link, credential);
            await this.#pullSignatures(link, credential);
            if (++pulls < 3 && repo.waiting() > 0 && !this.#stopping) continue;
          } else if (this.#unreachableSince !== null || this.#failures > 0) await this.#ping(link, credential);
          this.#reachable();
          this.#lastSyncedAt = this.#o.now();
          this.#changed();
          return;
        }
        await this.#send(link, credential, batch);
        repo.acknowledge(batch);
        this.#reachable();
        // Stopping: the batch in hand is sent and acknowledged; the rest waits for the next start.
        if (this.#stopping) return;
      }
    } catch (e) {
      this.#failed(e);
    } finally {
      this.#running = false;
    }
  }

  async #send(link: PracticeLink, credential: string, batch: Batch): Promise<void> {
    const charges = this.#o.remote?.charges;
    const records = charges
      ? await Promise.all(batch.records.map(async (r) => (r.entity === 'claim' && r.row ? { ...r, row: { ...r.row, charges: await charges(r.key) } } : r)))
      : batch.records;
    await requestJson(link, 'POST', '/api/sync/push', {
      credential,
      body: { workstationId: link.workstationId, records, events: batch.events, audit: batch.audit },
      timeoutMs: 30_000,
    });
  }

  /** Closed, unsigned cases' drafts, sent when they changed (and their removal once signed or reopened). */
  async #sendDrafts(link: PracticeLink, credential: string): Promise<void> {
    const repo = this.#o.store.sync;
    const mark = repo.changeMark();
    if (mark === this.#draftMark || !this.#o.remote) return;
    const drafts = await this.#o.remote.drafts();
    const sent = repo.sentDrafts();
    const records: RecordOut[] = [];
    const done: Array<readonly [string, string | null]> = [];
    for (const d of drafts) {
      if (sent.get(d.caseId) === d.draftSha256) continue;
      records.push({ entity: 'draft', key: d.caseId, row: { ...d } });
      done.push([d.caseId, d.draftSha256]);
    }
    const open = new Set(drafts.map((d) => d.caseId));
    for (const caseId of sent.keys()) {
      if (open.has(caseId)) continue;
      records.push({ entity: 'draft', key: caseId, row: null });
      done.push([caseId, null]);
    }
    for (let i = 0; i < records.length; i += 50) {
      await requestJson(link, 'POST', '/api/sync/push', { credential, body: { workstationId: link.workstationId, records: records.slice(i, i + 50) }, timeoutMs: 30_000 });
      repo.draftsSent(done.slice(i, i + 50));
    }
    this.#draftMark = mark;
  }

  /** Signatures a physician made on the server for this workstation's cases: applied (or refused) here, the answer sent back. */
  async #pullSignatures(link: PracticeLink, credential: string): Promise<void> {
    if (!this.#o.remote) return;
    const r = await requestJson(link, 'GET', '/api/sync/pull', { credential, timeoutMs: 10_000 });
    // Interpretations first: a physician writes, then signs what they wrote.
    for (const edit of (r.body.edits ?? []) as RemoteEdit[]) {
      const outcome = await this.#o.remote.applyEdit(edit);
      await requestJson(link, 'POST', `/api/sync/edits/${encodeURIComponent(edit.id)}/outcome`, { credential, body: outcome, timeoutMs: 10_000 });
      this.#draftMark = null;
    }
    if (this.#draftMark === null && ((r.body.edits ?? []) as unknown[]).length > 0) await this.#sendDrafts(link, credential);
    const signatures = (r.body.signatures ?? []) as RemoteSignature[];
    for (const sig of signatures) {
      const outcome = await this.#o.remote.apply(sig);
      await requestJson(link, 'POST', `/api/sync/signatures/${encodeURIComponent(sig.id)}/outcome`, { credential, body: outcome, timeoutMs: 10_000 });
      this.#o.log.info('sync.remote_signature', { state: outcome.state });
      if (outcome.state === 'applied') {
        // The signed version and its case status are news for the server too: sent on the next round.
        this.#draftMark = null;
        await this.#o.remote.afterApplied(sig.caseId).catch((e: unknown) => this.#o.log.error('sync.remote_delivery_failed', e));
      }
    }
    const settings = r.body.settings as { billing?: PracticeBillingSettings | null; ehr?: PracticeEhrSettings | null } | undefined;
    if (settings?.billing && this.#o.remote.applySettings) await this.#o.remote.applySettings(settings.billing);
    if (settings?.ehr && this.#o.remote.applyEhrSettings) await this.#o.remote.applyEhrSettings(settings.ehr);
    if (Array.isArray(r.body.physicians) && this.#o.remote.applyPhysicians) await this.#o.remote.applyPhysicians(r.body.physicians as PracticePhysician[]);
    const applyAction = this.#o.remote.applyAction;
    if (!applyAction) return;
    for (const action of (r.body.actions ?? []) as RemoteAction[]) {
      const outcome = await applyAction(action);
      await requestJson(link, 'POST', `/api/sync/actions/${encodeURIComponent(action.id)}/outcome`, { credential, body: outcome, timeoutMs: 10_000 });
      this.#o.log.info('sync.remote_action', { kind: action.kind, state: outcome.state });
      // A signed addendum goes to the EHR as the signature did: the physician is not here to send it.
      if (outcome.state === 'applied' && action.kind === 'addendum') {
        await this.#o.remote.afterApplied(action.caseId).catch((e: unknown) => this.#o.log.error('sync.remote_delivery_failed', e));
      }
    }
  }

  async #ping(link: PracticeLink, credential: string): Promise<void> {
    await requestJson(link, 'GET', '/api/workstation/ping', { credential, timeoutMs: 10_000 });
    this.#reachable();
    this.#lastSyncedAt = this.#o.now();
  }

  #reachable(): void {
    this.#failures = 0;
    this.#unreachableSince = null;
    this.#problem = null;
  }

  #failed(e: unknown): void {
    this.#failures += 1;
    if (e instanceof PracticeServerError && (e.status === 401 || e.status === 403)) {
      this.#revoked = true;
      this.#problem = e.message;
      this.#o.log.warn('sync.refused', { status: e.status });
    } else if (e instanceof PracticeServerError && e.unreachable) {
      this.#unreachableSince ??= this.#o.now();
      // The message names the network failure only (no request content).
      this.#problem = e.message;
      if (this.#failures === 1) this.#o.log.warn('sync.unreachable', { code: e.code });
    } else {
      this.#unreachableSince ??= this.#o.now();
      this.#problem = e instanceof Error ? e.message : 'unknown error';
      this.#o.log.error('sync.failed', e);
    }
    this.#changed();
  }

  #changed(): void {
    const s = this.status();
    const key = `${s.state}:${s.waiting}:${s.unreachableSince}`;
    if (key === this.#last) return;
    this.#last = key;
    this.#o.onStatus?.(s);
  }
}
