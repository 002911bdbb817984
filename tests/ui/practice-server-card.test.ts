/**
 * The workstation joins the practice server from Settings (address, fingerprint, one-time code),
 * and the line under the menu says where sync stands: synced, or unreachable since a time while
 * the server is down (the OR goes on). A real server: PostgreSQL, HTTPS on loopback.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBrowser } from '../helpers/browser';
import { serverCli, startTestServer, type TestServer } from '../helpers/practice-server';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s?.stop();
});
const ui = useBrowser();

describe('Settings → Practice server', () => {
  it('joins with the code, shows Synced, then "unreachable since" while the server is down, and catches up', async () => {
    const host = await ui.host({ sync: true });
    const c = await host.backend.ok('createCase', (await import('../helpers/backend')).sampleCase());
    const page = await ui.page();
    await page.goto(`${host.bridge.pageUrl}#/settings`);
    const card = page.getByRole('form', { name: 'Join the practice server' });
    await card.getByLabel('Server address').fill(`https://127.0.0.1:${s.server.port}`);
    await card.getByLabel('Certificate fingerprint (SHA-256)').fill(s.server.fingerprint);
    // A mistyped code is said plainly, and nothing is joined.
    await card.getByLabel('Enrollment code').fill('AAAA-BBBB-CCCC-DDDD');
    await card.getByRole('button', { name: 'Join' }).click();
    await page.getByText(/enrollment code is not valid/).waitFor();
    const code = JSON.parse((await serverCli(['enroll-code', '--dir', s.dir, '--workstation', 'OR UI', '--json'])).stdout).code as string;
    await card.getByLabel('Enrollment code').fill(code);
    await card.getByRole('button', { name: 'Join' }).click();
    await page.getByText('as OR UI', { exact: false }).waitFor();
    const line = page.getByRole('navigation', { name: 'Main' }).getByRole('status');
    await expect.poll(() => line.textContent()).toBe('Synced');
    expect((await s.db.pool.query('SELECT 1 FROM ws_cases WHERE case_id = $1', [c.id])).rowCount).toBe(1);

    await s.down();
    await host.backend.ok('addNote', { caseId: c.id, text: 'Typed while the server is down', occurredAt: Date.now(), clientId: 'ui-down-1' });
    await expect.poll(() => line.textContent()).toMatch(/^Server unreachable since \d\d:\d\d$/);
    await s.up();
    await expect.poll(() => line.textContent()).toBe('Synced');
    const ev = await s.db.pool.query(`SELECT count(*)::int AS n FROM ws_events WHERE case_id = $1 AND row->>'text' = 'Typed while the server is down'`, [c.id]);
    expect(ev.rows[0].n).toBe(1);
  });
});
