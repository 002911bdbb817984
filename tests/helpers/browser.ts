import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './chromium';

export { launchChromium };
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { startBridge, type Bridge } from '../../electron/devhost/ws-bridge';
import { testBackend, type TestBackend, type TestBackendOptions } from './backend';
import { ROOT } from './cli';
import { HANG_MS } from './patience';

const RENDERER = path.join(ROOT, 'out', 'renderer');

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

type Viewport = Readonly<{ width: number; height: number }>;
export type PageOptions = Readonly<{ viewport?: Viewport; acceptDownloads?: boolean; timeout?: number }>;

/**
 * The browser side of a UI test file, written once: one Chromium for the file; each test starts
 * hosts (`ui.host`) and pages (`ui.page`) through it; after each test, every page's context and
 * every host it started are closed, and no page may have thrown or logged an error.
 */
export function useBrowser(defaults: PageOptions = {}) {
  let browser: Browser | null = null;
  let contexts: Array<{ context: BrowserContext; page: Page; errors: string[] }> = [];
  let hosts: Host[] = [];
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    const [cs, hs] = [contexts, hosts];
    contexts = [];
    hosts = [];
    for (const c of cs) await c.context.close();
    for (const h of hs) await h.close();
    for (const c of cs) expect(c.errors).toEqual([]);
  });
  return {
    get browser(): Browser {
      if (!browser) throw new Error('useBrowser: the browser starts in beforeAll');
      return browser;
    },
    /** A real backend behind the bridge, closed after the test. */
    async host(opts: TestBackendOptions = {}): Promise<Host> {
      const h = await startHost(opts);
      hosts.push(h);
      return h;
    },
    /** A fresh context and page (waits capped by the hang ceiling), its errors checked after the test. */
    async page(opts: PageOptions = {}): Promise<Page> {
      const o = { ...defaults, ...opts };
      const context = await this.browser.newContext({ viewport: o.viewport ?? { width: 1280, height: 720 }, ...(o.acceptDownloads ? { acceptDownloads: true } : {}) });
      const page = await context.newPage();
      page.setDefaultTimeout(o.timeout ?? HANG_MS);
      contexts.push({ context, page, errors: watchErrors(page) });
      return page;
    },
    /** Close a page now (before what the test does next), checking it showed no error. */
    async close(page: Page): Promise<void> {
      const i = contexts.findIndex((c) => c.page === page);
      if (i < 0) throw new Error('useBrowser: not a page this test opened');
      const [c] = contexts.splice(i, 1);
      await c!.context.close();
      expect(c!.errors).toEqual([]);
    },
    /** The errors a page has shown so far (a test that expects one takes it out of this list). */
    errors(page: Page): string[] {
      const found = contexts.find((c) => c.page === page);
      if (!found) throw new Error('useBrowser: not a page this test opened');
      return found.errors;
    },
  };
}
