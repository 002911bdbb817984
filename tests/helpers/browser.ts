import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startBridge, type Bridge } from '../../electron/devhost/ws-bridge';
import { testBackend, type TestBackend, type TestBackendOptions } from './backend';
import { ROOT } from './cli';
import { HANG_MS } from './patience';

const RENDERER = path.join(ROOT, 'out', 'renderer');

/** Debian's Chromium, headless, with no background traffic (the machine has no network). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export type Host = { backend: TestBackend; bridge: Bridge; restartBridge: () => Promise<void>; stopBridge: () => Promise<void>; close: () => Promise<void> };

/** The real backend on a temp SQLite file, behind the WebSocket bridge, serving the built renderer. */
export async function startHost(opts: TestBackendOptions = {}): Promise<Host> {
  const backend = testBackend(opts);
  let bridge = await startBridge({ backend, staticDir: RENDERER });
  const host: Host = {
    backend,
    bridge,
    async stopBridge() {
      await host.bridge.close();
    },
    async restartBridge() {
      bridge = await startBridge({ backend, staticDir: RENDERER, port: host.bridge.port, token: host.bridge.token });
      host.bridge = bridge;
    },
    async close() {
      await host.bridge.close().catch(() => {});
      backend.close();
    },
  };
  return host;
}

/** Collect page errors: a test fails if the page threw. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().includes('WebSocket')) errors.push(m.text());
  });
  return errors;
}

export type OpenPage = Readonly<{ context: BrowserContext; page: Page; errors: string[] }>;

/** A fresh context at a screen size, its page (waits capped by the hang ceiling) and its error watch. */
export async function openPage(browser: Browser, viewport: Readonly<{ width: number; height: number }> = { width: 1280, height: 720 }): Promise<OpenPage> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.setDefaultTimeout(HANG_MS);
  return { context, page, errors: watchErrors(page) };
}
