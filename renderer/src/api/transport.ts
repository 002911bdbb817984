import type { PushMessage } from '../../../shared/contract/events';
import type { Result } from '../../../shared/util/result';

/** The link to the backend is either up or being re-established; the UI shows which. */
export type ConnectionState = 'connecting' | 'up' | 'reconnecting';

/**
 * How calls reach the backend: Electron IPC through the preload, or the loopback WebSocket
 * bridge in a plain browser. Both carry the same contract; the rest of the UI cannot tell.
 */
export interface Transport {
  call(method: string, args: unknown): Promise<Result<unknown>>;
  onPush(listener: (m: PushMessage) => void): () => void;
  onConnection(listener: (s: ConnectionState) => void): () => void;
  readonly connection: ConnectionState;
}
