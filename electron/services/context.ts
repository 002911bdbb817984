import type { Store } from './store/store';
import type { PushMessage } from '../../shared/contract/events';
import type { Logger } from './log';
import type { CaptureService } from './capture/capture-service';
import type { AiRuntime } from './ai/ai-runtime';
import type { DeliveryWorker } from './ehr/delivery-worker';
import type { SyncEngine } from './sync/sync-engine';
import type { IntegrityMonitor } from './store/integrity-monitor';

/** What every service call gets: the store, who is acting, the clock, and the push channel. */
export type ServiceContext = Readonly<{
  store: Store;
  /** Who is acting, for the audit log: "app:<os user>", "cli:<os user>"; later a signed-in user. */
  actor: string;
  now: () => number;
  /** Today's date on the workstation's calendar (YYYY-MM-DD). */
  today: () => string;
  /** IANA zone of the workstation. */
  timeZone: string;
  emit: (event: PushMessage) => void;
  log: Logger;
  newId: () => string;
  /** The capture runtime; null in a context that does not capture (set once by the host). */
  capture: CaptureService | null;
  /** The AI narrative's key and runs; null where there is none (a bare test context). */
  ai: AiRuntime | null;
  /** The EHR delivery queue's worker; null where nothing is delivered (a bare test context). */
  delivery: DeliveryWorker | null;
  /**
   * The sender of what the practice server has not received (#17), made at first use (a one-shot
   * command that does not sync does not load it); null in a bare test context.
   */
  loadSync: (() => Promise<SyncEngine>) | null;
  /** The background whole-file check (store/integrity-monitor.ts); null in a bare test context. */
  integrity: IntegrityMonitor | null;
}>;
