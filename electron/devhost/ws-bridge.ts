/**
 * Loopback WebSocket bridge: carries the same contract as Electron IPC, for the browser dev host
 * and the browser tests. Binds 127.0.0.1 only, on a random port; a random token (sent as a
 * WebSocket subprotocol) is required to connect, and only the page's own origin is accepted.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { isWireRequest, type WireFromBackend } from '../../shared/contract/wire';
import { CONTENT_SECURITY_POLICY } from '../../shared/security/app-url';
import { mimeType } from '../../shared/util/mime';
import { err } from '../../shared/util/result';
import type { Backend } from '../backend/host';

export const BRIDGE_PATH = '/bridge';
export const BRIDGE_PROTOCOL = 'closeout.v1';
export const TOKEN_PROTOCOL_PREFIX = 'token.';

export type BridgeOptions = Readonly<{
  backend: Backend;
  /** Serve the built renderer from here (tests, static dev host). */
  staticDir?: string;
  /** Extra page origins allowed to connect (the Vite dev server). */
  allowedOrigins?: readonly string[];
  port?: number;
  /** Reuse a token (a restarted bridge that open pages should reconnect to); default: random. */
  token?: string;
}>;

export type Bridge = Readonly<{
  port: number;
  token: string;
  /** Open this in a browser: the page, with the token for the bridge. */
  pageUrl: string;
  wsUrl: string;
  close: () => Promise<void>;
}>;


export async function startBridge(opts: BridgeOptions): Promise<Bridge> {
  const token = opts.token ?? randomBytes(24).toString('hex');
  const server = http.createServer((req, res) => void serveStatic(opts.staticDir, req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  const ownOrigins = new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`, ...(opts.allowedOrigins ?? [])]);

  const wss = new WebSocketServer({
    server,
    path: BRIDGE_PATH,
    maxPayload: 8 * 1024 * 1024,
    handleProtocols: (protocols) => (protocols.has(BRIDGE_PROTOCOL) ? BRIDGE_PROTOCOL : false),
    verifyClient: (info: { origin: string; req: http.IncomingMessage }) => {
      if (!ownOrigins.has(info.origin)) return false;
      const offered = String(info.req.headers['sec-websocket-protocol'] ?? '')
        .split(',')
        .map((s) => s.trim());
      const t = offered.find((p) => p.startsWith(TOKEN_PROTOCOL_PREFIX))?.slice(TOKEN_PROTOCOL_PREFIX.length) ?? '';
      return t.length === token.length && timingSafeEqual(Buffer.from(t), Buffer.from(token));
    },
  });

  const clients = new Set<WebSocket>();
  const send = (ws: WebSocket, m: WireFromBackend) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(m));
  };
  const unsubscribe = opts.backend.onPush((event) => {
    for (const ws of clients) send(ws, { type: 'push', event });
  });

  wss.on('connection', (ws) => {
    clients.add(ws);
    ws.on('close', () => clients.delete(ws));
    ws.on('message', (data) => {
      let m: unknown;
      try {
        m = JSON.parse(String(data));
      } catch {
        return;
      }
      if (!isWireRequest(m)) return;
      opts.backend
        .call(m.method, m.args)
        .catch(() => err('INTERNAL', 'The bridge failed to carry the call.'))
        .then((result) => send(ws, { type: 'result', id: m.id, result }));
    });
    send(ws, { type: 'ready' });
  });

  return {
    port,
    token,
    pageUrl: `http://127.0.0.1:${port}/?token=${token}`,
    wsUrl: `ws://127.0.0.1:${port}${BRIDGE_PATH}`,
    async close() {
      unsubscribe();
      for (const ws of clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      // Idle keep-alive connections would hold close() open for seconds.
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function serveStatic(dir: string | undefined, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  if (!dir || req.method !== 'GET') {
    res.writeHead(dir ? 405 : 404).end();
    return;
  }
  const root = path.resolve(dir);
  let urlPath: string;
  try {
    urlPath = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  } catch {
    res.writeHead(400).end();
    return;
  }
  const rel = urlPath === '/' ? 'index.html' : urlPath.replace(/^\/+/, '');
  const file = path.resolve(root, rel);
  if (!file.startsWith(root + path.sep) || rel.split('/').some((s) => s.startsWith('.'))) {
    res.writeHead(404).end();
    return;
  }
  try {
    const body = await fs.readFile(file);
    res.writeHead(200, {
      'content-type': mimeType(file),
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
    });
    res.end(body);
  } catch {
    res.writeHead(404).end();
  }
}
