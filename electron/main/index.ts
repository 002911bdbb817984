/**
 * Electron main: a thin shell. It owns the window, the app:// protocol, the security guards and
 * the backend's life; every piece of work happens in the backend utility process.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { app, BrowserWindow, globalShortcut, Notification, safeStorage, session, utilityProcess } from 'electron';
import { IPC_BACKEND_STATE, IPC_PUSH } from '../../shared/contract/bridge';
import { BackendSupervisor, type ChildHandle } from './backend-supervisor';
import { AiKeyStore } from './ai-key-store';
import type { WireSecret } from '../../shared/contract/wire';
import { registerIpc } from './ipc-router';
import { registerAppScheme, serveRenderer } from './protocol';
import { installNavigationGuards, lockDownSession } from './security';
import { createMainWindow } from './window';

const here = path.dirname(fileURLToPath(import.meta.url));
const devUrl = !app.isPackaged ? process.env['ELECTRON_RENDERER_URL'] : undefined;

registerAppScheme();
installNavigationGuards();

if (!app.requestSingleInstanceLock()) {
  // A second Closeout would be a second writer: hand over to the first one instead.
  app.quit();
} else {
  app.on('second-instance', () => {
    const win = BrowserWindow.getAllWindows()[0];
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  });
  void app.whenReady().then(start);
}

let supervisor: BackendSupervisor | null = null;

function start(): void {
  serveRenderer(path.join(here, '../renderer'));
  lockDownSession(session.defaultSession);

  const dataDir = process.env['CLOSEOUT_DATA_DIR'] || app.getPath('userData');
  const broadcast = (channel: string, payload: unknown) => {
    for (const w of BrowserWindow.getAllWindows()) w.webContents.send(channel, payload);
  };

  const keyStore = new AiKeyStore(app.getPath('userData'), safeStorage);
  const secret = (): WireSecret[] => {
    const key = keyStore.load();
    return key ? [{ type: 'secret', anthropicApiKey: key }] : [];
  };
  supervisor = new BackendSupervisor({
    spawn: () => forkBackend(dataDir),
    onState: (state) => broadcast(IPC_BACKEND_STATE, state),
    onPush: (message) => broadcast(IPC_PUSH, message),
    onReady: secret,
  });
  supervisor.start();
  registerIpc(supervisor, devUrl, { saveAiKey: (key) => keyStore.save(key) });
  createMainWindow({ preloadPath: path.join(here, '../preload/index.cjs'), devUrl });
  registerMarkerShortcut();

  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) {
      createMainWindow({ preloadPath: path.join(here, '../preload/index.cjs'), devUrl });
    }
  });
}

/**
 * A global shortcut drops a timestamped marker on the capturing case without leaving the IONM
 * software's window. The time is taken at the key press, before anything else happens.
 */
const MARKER_ACCELERATOR = process.env['CLOSEOUT_MARKER_SHORTCUT'] || 'CommandOrControl+Alt+M';

function registerMarkerShortcut(): void {
  const ok = globalShortcut.register(MARKER_ACCELERATOR, () => {
    const occurredAt = Date.now();
    void supervisor?.call('dropMarker', { occurredAt, clientId: randomUUID() }).then((r) => {
      if (Notification.isSupported()) {
        new Notification({ title: 'Closeout', body: r.ok ? 'Marker stored.' : r.message, silent: true }).show();
      }
    });
  });
  if (!ok) process.stderr.write(`Closeout: the marker shortcut ${MARKER_ACCELERATOR} is taken by another program.\n`);
}

function forkBackend(dataDir: string): ChildHandle {
  const child = utilityProcess.fork(path.join(here, 'backend.js'), [], {
    serviceName: 'Closeout backend',
    stdio: 'inherit',
    env: {
      ...process.env,
      CLOSEOUT_DATA_DIR: dataDir,
      CLOSEOUT_APP_VERSION: app.getVersion(),
      CLOSEOUT_SEED_DEMO: '1',
      // Unpackaged (npm start), node_modules holds Node's build of better-sqlite3; the Electron
      // build lives in .native/ (electron/tools/ensure-electron-sqlite.mjs). Packaged apps are
      // rebuilt for Electron by electron-builder and need no override.
      CLOSEOUT_SQLITE_BINDING: app.isPackaged ? '' : electronSqliteBinding(),
    },
  });
  return {
    postMessage: (m) => child.postMessage(m),
    onMessage: (l) => child.on('message', l),
    onExit: (l) => child.on('exit', (code) => l(code)),
    kill: () => child.kill(),
  };
}

/** Same path as electron/tools/ensure-electron-sqlite.mjs builds to. */
function electronSqliteBinding(): string {
  return path.join(
    app.getAppPath(),
    '.native',
    `electron-${process.versions.electron}-${process.platform}-${process.arch}`,
    'better_sqlite3.node',
  );
}

app.on('window-all-closed', () => {
  supervisor?.stop();
  app.quit();
});

app.on('before-quit', () => supervisor?.stop());
app.on('will-quit', () => globalShortcut.unregisterAll());
