import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../helpers/patience';
import WebSocket from 'ws';
import { startBridge, type Bridge } from '../../electron/devhost/ws-bridge';
import type { WireFromBackend } from '../../shared/contract/wire';
import { sampleCase, testBackend } from '../helpers/backend';
import { tempDir } from '../helpers/temp-dir';
import fs from 'node:fs';
import path from 'node:path';

const open: Array<{ close: () => unknown }> = [];
afterEach(async () => {
  for (const o of open.splice(0)) await o.close();
});

async function setup() {
  const backend = testBackend();
  const staticDir = tempDir();
  fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>t</title>');
  const bridge = await startBridge({ backend, staticDir });
  open.push(bridge, backend);
  return { backend, bridge, staticDir };
}

function connect(b: Bridge, opts: { token?: string; origin?: string } = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(b.wsUrl, ['closeout.v1', `token.${opts.token ?? b.token}`], { origin: opts.origin ?? `http://127.0.0.1:${b.port}` });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    open.push({ close: () => ws.terminate() });
  });
}

function messages(ws: WebSocket): WireFromBackend[] {
  const got: WireFromBackend[] = [];
  ws.on('message', (d) => got.push(JSON.parse(String(d)) as WireFromBackend));
  return got;
}


describe('WebSocket bridge', () => {
  it('binds loopback only, on a random port', async () => {
    const { bridge } = await setup();
    expect(bridge.port).toBeGreaterThan(1024);
    expect(bridge.wsUrl).toBe(`ws://127.0.0.1:${bridge.port}/bridge`);
    expect(bridge.token).toMatch(/^[0-9a-f]{48}$/);
  });

  it('carries contract calls and pushes', async () => {
    const { bridge } = await setup();
    const ws = await connect(bridge);
    const got = messages(ws);
    ws.send(JSON.stringify({ type: 'call', id: 1, method: 'createCase', args: sampleCase() }));
    await until('got.some((m) => m.type === "result")', () => got.some((m) => m.type === 'result'));
    const result = got.find((m) => m.type === 'result');
    expect(result).toMatchObject({ type: 'result', id: 1, result: { ok: true } });
    await until('got.some((m) => m.type === "push")', () => got.some((m) => m.type === 'push'));
    expect(got.find((m) => m.type === 'push')).toMatchObject({ event: { name: 'caseChanged' } });
  });

  it('refuses a wrong token, a missing token and a foreign origin', async () => {
    const { bridge } = await setup();
    await expect(connect(bridge, { token: 'f'.repeat(48) })).rejects.toThrow(/401/);
    await expect(connect(bridge, { token: '' })).rejects.toThrow(/401/);
    await expect(connect(bridge, { origin: 'https://evil.example' })).rejects.toThrow(/401/);
  });

  it('serves the page with the CSP header and refuses traversal', async () => {
    const { bridge } = await setup();
    const get = (p: string) =>
      new Promise<{ status: number; csp?: string }>((resolve) =>
        http.get({ host: '127.0.0.1', port: bridge.port, path: p }, (res) => {
          res.resume();
          resolve({ status: res.statusCode ?? 0, csp: res.headers['content-security-policy'] as string | undefined });
        }),
      );
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(page.csp).toContain("script-src 'self'");
    expect((await get('/../../etc/passwd')).status).toBe(404);
    expect((await get('/%2e%2e/%2e%2e/etc/passwd')).status).toBe(404);
    expect((await get('/.hidden')).status).toBe(404);
  });
});
