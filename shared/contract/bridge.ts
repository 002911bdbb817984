/**
 * The API the preload exposes on `window.closeout`: one named function per contract method plus
 * two subscriptions. Derived from the contract, so a new method appears here by construction.
 */
import type { ArgsIn, Method, ResultOf } from './api';
import type { PushMessage } from './events';
import type { Result } from '../util/result';

export type BackendState = 'starting' | 'up' | 'reconnecting' | 'stopped';

export type PreloadApi = { readonly [M in Method]: (args: ArgsIn<M>) => Promise<Result<ResultOf<M>>> } & {
  readonly onPush: (listener: (message: PushMessage) => void) => () => void;
  readonly onBackendState: (listener: (state: BackendState) => void) => () => void;
};

export const IPC_PREFIX = 'closeout:';
export const IPC_PUSH = 'closeout-push';
export const IPC_BACKEND_STATE = 'closeout-backend-state';
