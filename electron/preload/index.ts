/**
 * Sandboxed preload: exposes named functions generated from the contract's method list and two
 * wrapped subscriptions. The page never sees ipcRenderer, channels or Electron events.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { METHODS } from '../../shared/contract/methods';
import { IPC_BACKEND_STATE, IPC_PREFIX, IPC_PUSH } from '../../shared/contract/bridge';

const api: Record<string, unknown> = {};
for (const method of METHODS) {
  api[method] = (args: unknown) => ipcRenderer.invoke(`${IPC_PREFIX}${method}`, args);
}

function subscribe(channel: string) {
  return (listener: (payload: unknown) => void) => {
    // Wrap: the page's callback must not receive the IpcRendererEvent (it exposes `sender`).
    const wrapped = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
    ipcRenderer.on(channel, wrapped);
    return () => {
      ipcRenderer.removeListener(channel, wrapped);
    };
  };
}

api['onPush'] = subscribe(IPC_PUSH);
api['onBackendState'] = subscribe(IPC_BACKEND_STATE);

contextBridge.exposeInMainWorld('closeout', Object.freeze(api));
