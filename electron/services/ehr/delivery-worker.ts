/**
 * The delivery queue's worker: sends what is due, one delivery at a time, and sleeps until the
 * next retry. The queue is in SQLite, so a restart picks up where it stopped; an MLLP message
 * keeps its control id through every retry, and a delivery is marked done exactly once.
 */
import { isSuccess, retryDelayMs, type DeliveryState } from '../../../shared/ehr/delivery';
import type { ServiceContext } from '../context';
import type { MllpSendResult } from '../hl7/mllp-client';
import type { StoredDelivery } from '../store/delivery-repo';

/**
 * The senders (sockets, TLS, the drop folder, the EHR settings) load on the first delivery: every
 * backend has a worker, most never send, and a one-shot command must not pay for them (#15).
 */
async function senders() {
  const [mllp, folder, settings] = await Promise.all([import('../hl7/mllp-client'), import('./drop-folder'), import('./ehr-settings')]);
  return { ...mllp, ...folder, ...settings };
}

/** How long a message marked "sent" may stay unanswered before a restart sends it again. */
const IN_FLIGHT_GRACE_MS = 30_000;
/** How long one process holds a delivery it is working on. */
const LEASE_MS = 6 * 60_000;

type Outcome = Readonly<{ state: DeliveryState; message: string | null; retry: boolean }>;

export class DeliveryWorker {
  readonly #ctx: ServiceContext;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #running: Promise<void> | null = null;
  /** Not started: this process does not send (the CLI, unless asked); queued rows wait for the app. */
  #stopped = true;

  constructor(ctx: ServiceContext) {
    this.#ctx = ctx;
  }

  start(): void {
    this.#stopped = false;
    this.kick();
  }

  /** Something was queued: look now. */
  kick(): void {
    if (this.#stopped) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    if (!this.#running) this.#running = this.#drain().finally(() => {
      this.#running = null;
      this.#arm();
    });
  }

  /** Resolve when nothing is being sent and nothing is due now (tests and the CLI wait on it). */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.idle();
  }

  #arm(): void {
    if (this.#stopped) return;
    const next = this.#ctx.store.delivery.nextAttemptAt();
    if (next === null) return;
    const wait = Math.max(0, next - this.#ctx.now());
    this.#timer = setTimeout(() => this.kick(), Math.min(wait, 2 ** 31 - 1));
    this.#timer.unref?.();
  }

  async #drain(): Promise<void> {
    for (;;) {
      if (this.#stopped) return;
      const { store } = this.#ctx;
      const d = store.delivery.due(this.#ctx.now());
      if (!d) return;
      // A lease long enough for the slowest send; if this process dies, the row comes due again.
      if (!store.write(() => store.delivery.claim(d.id, d.nextAttemptAt, this.#ctx.now() + LEASE_MS))) continue;
      try {
        await this.#deliver(d);
      } catch (e) {
        // A bug or a storage error must not stop the queue: the lease lapses and the row comes due again.
        this.#ctx.log.error('ehr.delivery_failed', e, { caseId: d.caseId });
      }
    }
  }

  async #deliver(d: StoredDelivery): Promise<void> {
    const { store } = this.#ctx;
    const { ehrSettings, sidecarFor, deliverToFolder, sendMllp, isCertificateFailure } = await senders();
    const dest = ehrSettings(this.#ctx).destinations.find((x) => x.id === d.destinationId);
    const attempts = d.attempts + 1;
    let outcome: Outcome;
    if (!dest || !dest.enabled) {
      outcome = { state: 'failed', retry: false, message: `The destination "${d.destinationName}" was removed or switched off in Settings; nothing was sent.` };
    } else {
      const doc = store.delivery.document(d.caseId, d.version);
      if (!doc) outcome = { state: 'failed', retry: false, message: 'The report PDF is missing from the queue; send it again.' };
      else if (dest.kind === 'folder') {
        const r = deliverToFolder(dest, d.reference, doc.pdf, sidecarFor(this.#ctx, d.caseId, d.version, doc.sha256));
        outcome = r.ok ? { state: 'delivered', retry: false, message: null } : { state: 'retrying', retry: r.retry, message: r.message };
      } else {
        // Say "sent" first: if the app dies while waiting, the restart sends the same message
        // again (same control id, which the receiver can recognise) instead of losing it.
        store.write(() => store.delivery.update(d.id, { state: 'sent', attempts, nextAttemptAt: this.#ctx.now() + dest.timeoutSeconds * 1000 + IN_FLIGHT_GRACE_MS, message: null, doneAt: null }));
        this.#changed(d.caseId);
        outcome = mllpOutcome(isCertificateFailure, await sendMllp({ host: dest.host, port: dest.port, ...(dest.tls ? { tls: dest.caPem ? { ca: dest.caPem } : {} } : {}), payload: d.payload ?? '', timeoutMs: dest.timeoutSeconds * 1000 }));
      }
    }
    const max = dest?.kind === 'mllp' ? dest.maxAttempts : 50;
    const now = this.#ctx.now();
    let state = outcome.state;
    let next: number | null = null;
    if (state === 'retrying') {
      if (outcome.retry && attempts < max) next = now + retryDelayMs(attempts);
      else state = 'failed';
    }
    const done = state !== 'retrying';
    store.write(() => {
      store.delivery.update(d.id, { state, attempts, nextAttemptAt: next, message: outcome.message, doneAt: done ? now : null });
      if (isSuccess(state)) {
        store.report.markTime(d.caseId, 'delivered', now);
        store.audit.append({ actor: 'system', action: 'ehr.delivered', caseId: d.caseId, detail: { delivery: d.id, destination: d.destinationId, version: d.version } }, now);
        markSentWhenAllDone(this.#ctx, d.caseId, d.version, now);
      } else if (done) {
        store.audit.append({ actor: 'system', action: 'ehr.failed', caseId: d.caseId, detail: { delivery: d.id, destination: d.destinationId, state } }, now);
      }
    });
    this.#ctx.log.info('ehr.delivery', { caseId: d.caseId, count: attempts, status: state });
    this.#changed(d.caseId);
  }

  #changed(caseId: string): void {
    this.#ctx.emit({ name: 'deliveryChanged', payload: { caseId } });
  }
}

function mllpOutcome(isCertificateFailure: (r: Readonly<{ kind: string; code?: string }>) => boolean, r: MllpSendResult): Outcome {
  switch (r.kind) {
    case 'accepted':
      return { state: 'acknowledged', retry: false, message: r.text || null };
    case 'error':
      return { state: 'error', retry: false, message: `The EHR answered with an error (${r.code})${r.text ? `: ${r.text}` : '.'}` };
    case 'rejected':
      return { state: 'rejected', retry: false, message: `The EHR rejected the report (${r.code})${r.text ? `: ${r.text}` : '.'}` };
    case 'invalid':
    case 'aborted':
      return { state: 'failed', retry: false, message: r.message };
    case 'tls':
      // An untrusted certificate never becomes trusted by waiting: stop, as for AE/AR.
      if (isCertificateFailure(r)) return { state: 'failed', retry: false, message: `${r.message} It is not sent again until the settings change: send it again then.` };
      return { state: 'retrying', retry: true, message: r.message };
    default:
      return { state: 'retrying', retry: true, message: r.message };
  }
}

/** The case is "sent" once every destination of its newest version has it. */
function markSentWhenAllDone(ctx: ServiceContext, caseId: string, version: number, now: number): void {
  const c = ctx.store.cases.get(caseId);
  if (!c || (c.status !== 'signed' && c.status !== 'amended')) return;
  const newest = Math.max(...ctx.store.report.versions(caseId).map((v) => v.version));
  if (version !== newest) return;
  const latest = new Map<string, DeliveryState>();
  for (const x of ctx.store.delivery.forCase(caseId)) if (x.version === version) latest.set(x.destinationId, x.state);
  if ([...latest.values()].every(isSuccess)) {
    ctx.store.cases.setStatus(caseId, 'sent', now);
    ctx.store.audit.append({ actor: 'system', action: 'case.sent', caseId, detail: { version } }, now);
    ctx.emit({ name: 'caseChanged', payload: { caseId, status: 'sent' } });
  }
}

