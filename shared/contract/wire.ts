/**
 * Message shapes shared by the transports that carry the contract (utility-process port,
 * WebSocket bridge). IPC through the preload uses Electron's invoke/handle instead.
 */
import type { Result } from '../util/result';
import type { PushMessage } from './events';

export type WireRequest = Readonly<{ type: 'call'; id: number; method: string; args: unknown }>;
export type WireResponse = Readonly<{ type: 'result'; id: number; result: Result<unknown> }>;
export type WirePush = Readonly<{ type: 'push'; event: PushMessage }>;
export type WireReady = Readonly<{ type: 'ready' }>;
export type WireFromBackend = WireResponse | WirePush | WireReady;

export function isWireRequest(m: unknown): m is WireRequest {
  if (typeof m !== 'object' || m === null) return false;
  const r = m as Record<string, unknown>;
  return r['type'] === 'call' && typeof r['id'] === 'number' && typeof r['method'] === 'string';
}
