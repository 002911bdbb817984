import type { ArgsIn, Method, ResultOf } from '../../../shared/contract/api';
import type { PushEventName, PushEvents, PushMessage } from '../../../shared/contract/events';
import type { Result } from '../../../shared/util/result';
import type { Transport } from './transport';

/** The typed face of the contract for the UI: `client.call('getCase', {id})` is checked end to end. */
export type Client = Readonly<{
  call: <M extends Method>(method: M, args: ArgsIn<M>) => Promise<Result<ResultOf<M>>>;
  on: <E extends PushEventName>(name: E, listener: (payload: PushEvents[E]) => void) => () => void;
  transport: Transport;
}>;

export function createClient(transport: Transport): Client {
  return {
    call: (method, args) => transport.call(method, args) as Promise<Result<ResultOf<typeof method>>>,
    on: (name, listener) =>
      transport.onPush((m: PushMessage) => {
        if (m.name === name) listener(m.payload as PushEvents[typeof name]);
      }),
    transport,
  };
}
