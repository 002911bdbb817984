import path from 'node:path';
import { BrowserWindow } from 'electron';
import { APP_ORIGIN } from '../../shared/security/app-url';

/** The one window. Its webPreferences are fixed here and nowhere else. */
export function createMainWindow(opts: Readonly<{ preloadPath: string; devUrl: string | undefined }>): BrowserWindow {
  const win = new BrowserWindow({
    width: 1360,
    height: 860,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'Closeout',
    backgroundColor: '#f6f7f9',
    autoHideMenuBar: true,
    webPreferences: {
      preload: path.resolve(opts.preloadPath),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: true,
    },
  });
  win.once('ready-to-show', () => win.show());
  void win.loadURL(opts.devUrl ?? `${APP_ORIGIN}/index.html`);
  return win;
}
