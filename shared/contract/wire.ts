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
/**
 * Main → backend only: the API key main keeps in the OS secure store, handed over at every
 * backend start. Not a contract call: the renderer cannot send it, and it is not audited as a change.
 */
export type WireSecret = Readonly<{ type: 'secret'; anthropicApiKey: string | null }>;
export type WireFromBackend = WireResponse | WirePush | WireReady;

export function isWireRequest(m: unknown): m is WireRequest {
  if (typeof m !== 'object' || m === null) return false;
  const r = m as Record<string, unknown>;
  return r['type'] === 'call' && typeof r['id'] === 'number' && typeof r['method'] === 'string';
}

export function isWireSecret(m: unknown): m is WireSecret {
  if (typeof m !== 'object' || m === null) return false;
  const r = m as Record<string, unknown>;
  return r['type'] === 'secret' && (typeof r['anthropicApiKey'] === 'string' || r['anthropicApiKey'] === null);
}
