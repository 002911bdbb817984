/**
 * Backend process entry. In the app it runs as an Electron utilityProcess (messages through
 * `process.parentPort`); in tests it runs under plain Node via child_process.fork (messages
 * through `process.send`). It imports nothing from Electron either way.
 */
import os from 'node:os';
import { isWireRequest, isWireSecret, type WireFromBackend } from '../../shared/contract/wire';
import { envAiKey } from '../services/ai/ai-config';
import { createBackend } from './host';
// The app's backend plays the demo on a first start; static, so no message arrives before the
// listener below is set (a top-level await would open that window).
import * as demoRuntime from '../demo/demo-runtime';

type ParentPort = {
  on: (event: 'message', listener: (e: { data: unknown }) => void) => void;
  postMessage: (message: unknown) => void;
};

const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;

function send(message: WireFromBackend): void {
  if (parentPort) parentPort.postMessage(message);
  else process.send?.(message);
}

function onMessage(listener: (data: unknown) => void): void {
  if (parentPort) parentPort.on('message', (e) => listener(e.data));
  else process.on('message', listener);
}

const dataDir = process.env['CLOSEOUT_DATA_DIR'];
if (!dataDir) {
  process.stderr.write('closeout backend: CLOSEOUT_DATA_DIR is not set\n');
  process.exit(2);
}

const backend = createBackend({
  dataDir,
  nativeBinding: process.env['CLOSEOUT_SQLITE_BINDING'] || undefined,
  actor: `app:${safeUserName()}`,
  appVersion: process.env['CLOSEOUT_APP_VERSION'] ?? '0.0.0',
  ...(process.env['CLOSEOUT_SEED_DEMO'] === '1' ? { demo: { runtime: demoRuntime } } : {}),
  logToFile: true,
  capture: true,
  aiKey: envAiKey(),
});

backend.onPush((event) => send({ type: 'push', event }));

onMessage((data) => {
  if (typeof data === 'object' && data !== null && (data as { type?: unknown }).type === 'shutdown') {
    backend.close();
    process.exit(0);
  }
  if (isWireSecret(data)) {
    // Only main can post here (the renderer has no path to this port).
    backend.setAiKey(data.anthropicApiKey, 'saved');
    return;
  }
  if (!isWireRequest(data)) return;
  void backend.call(data.method, data.args).then((result) => send({ type: 'result', id: data.id, result }));
});

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    backend.close();
    process.exit(0);
  });
}

send({ type: 'ready' });

function safeUserName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return 'unknown';
  }
}
