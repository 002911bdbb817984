import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { PreloadApi } from '../../shared/contract/bridge';
import { createClient } from './api/client';
import { ClientContext } from './api/hooks';
import { ipcTransport } from './api/ipc-transport';
import { wsTransport } from './api/ws-transport';
import type { Transport } from './api/transport';
import { App } from './app/App';
import './styles.css';

declare global {
  interface Window {
    closeout?: PreloadApi;
  }
}

/**
 * In Electron the preload provides `window.closeout`. In a browser (dev host, browser tests) the
 * page URL carries the bridge token once; it is moved to sessionStorage and removed from the URL.
 */
function pickTransport(): Transport | string {
  if (window.closeout) return ipcTransport(window.closeout);
  const params = new URLSearchParams(window.location.search);
  const token = params.get('token') ?? sessionStorage.getItem('closeout.token');
  const bridge = params.get('bridge') ?? sessionStorage.getItem('closeout.bridge') ?? `ws://${window.location.host}/bridge`;
  if (params.has('token')) {
    sessionStorage.setItem('closeout.token', token ?? '');
    sessionStorage.setItem('closeout.bridge', bridge);
    window.history.replaceState(null, '', `${window.location.pathname}${window.location.hash}`);
  }
  if (!token) return 'Open Closeout through the link printed by the dev host (npm run dev:web); it carries the access token.';
  return wsTransport(bridge, token);
}

const root = createRoot(document.getElementById('root') as HTMLElement);
const transport = pickTransport();
if (typeof transport === 'string') {
  root.render(<p className="fatal">{transport}</p>);
} else {
  root.render(
    <StrictMode>
      <ClientContext.Provider value={createClient(transport)}>
        <App />
      </ClientContext.Provider>
    </StrictMode>,
  );
}
