/**
 * The README's practice demo, end to end as a newcomer runs it (`npm run practice-demo`): a demo
 * practice server on its own PostgreSQL and the demo workstation joined to it on another port.
 * The demo case plays, is closed on the workstation; the demo physician writes the interpretation
 * and signs from the server's page in Chromium; the workstation takes the signature; billing sees
 * the claim. Then Ctrl+C stops both, PostgreSQL included.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { base32Decode, totpAt, totpStep } from '../../electron/server/security/totp';
import { launchChromium } from '../helpers/chromium';
import { cli } from '../helpers/cli';
import { until } from '../helpers/patience';
import { makeServerDir, pgUserArgs, request } from '../helpers/practice-server';

const dir = makeServerDir();
let demo: ChildProcess | null = null;
let browser: Browser | null = null;

afterAll(async () => {
  await browser?.close();
  if (demo && demo.exitCode === null) demo.kill('SIGKILL');
  fs.rmSync(dir, { recursive: true, force: true });
});

function postgresRunning(): boolean {
  try {
    process.kill(Number(fs.readFileSync(path.join(dir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]), 0);
    return true;
  } catch {
    return false;
  }
}

describe('npm run practice-demo', () => {
  it('the demo physician signs the demo case from the server’s page; the workstation takes it; billing sees the claim', async () => {
    demo = spawn(process.execPath, ['electron/tools/practice-demo.mjs', '--dir', dir, '--port', '0', '--speed', '50000', '--no-build', ...pgUserArgs()], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    demo.stdout!.on('data', (d) => (out += d));
    demo.stderr!.on('data', (d) => (out += d));
    await until('both halves of the demo to be up', () => {
      if (demo!.exitCode !== null) throw new Error(`practice-demo exited: ${out}`);
      return out.includes('Joined the practice server') && out.includes('Demo codes now');
    });
    expect(out).not.toMatch(/Could not join/);
    const port = Number(/Practice server: https:\/\/localhost:(\d+)/.exec(out)![1]);
    const wsDir = /demo data: (\S+), removed/.exec(out)![1]!;
    const accounts = JSON.parse(fs.readFileSync(path.join(dir, 'demo-accounts.json'), 'utf8')) as Array<{ username: string; password: string; totpSecret: string }>;
    const secret = (u: string) => accounts.find((a) => a.username === u)!.totpSecret;
    const server = { server: { port, url: '', fingerprint: '', close: async () => {} }, certPem: fs.readFileSync(path.join(dir, 'tls', 'cert.pem'), 'utf8') };

    // Billing logs in through the API (same rules as the page) and waits for the demo case to arrive.
    const login = await request(server, 'POST', '/api/login', { body: { username: 'demo.billing', password: 'demo-practice-password', totp: totpAt(base32Decode(secret('demo.billing')), totpStep(Date.now()), 6) } });
    expect(login.status).toBe(200);
    const billing = String(login.headers['set-cookie']).split(';')[0]!;
    let caseId = '';
    let lastCount = -1;
    await until('the demo case on the server, played to its end', async () => {
      const r = await request(server, 'GET', '/api/cases', { cookie: billing });
      const c = r.body.cases?.find((x: { patient: string }) => x.patient === 'Testpatient, Ada');
      if (!c) return false;
      caseId = c.caseId;
      const settled = c.events > 50 && c.events === lastCount;
      lastCount = c.events;
      if (!settled) await new Promise((res) => setTimeout(res, 500));
      return settled;
    });

    // The technologist closes the case at the workstation (here through its command line, on its data folder).
    const closed = await cli(wsDir, ['case', 'status', caseId, 'closed']);
    expect(closed.code, closed.stderr).toBe(0);

    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, ignoreHTTPSErrors: true });
    const page = await context.newPage();
    await page.goto(`https://127.0.0.1:${port}/`);
    await page.getByLabel('User name').fill('demo.physician');
    await page.getByLabel('Password').fill('demo-practice-password');
    await page.getByLabel('Six-digit code from your authenticator app').fill(totpAt(base32Decode(secret('demo.physician')), totpStep(Date.now()), 6));
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('link', { name: 'Testpatient, Ada' }).click();
    const form = page.getByRole('form', { name: 'Interpretation' });
    await form.getByRole('button', { name: 'Use the suggested wording' }).click();
    await form.getByRole('button', { name: 'Save interpretation' }).click();
    await form.getByRole('heading', { name: 'Interpretation (yours)' }).waitFor();
    await page.getByLabel('Your password, to sign').fill('demo-practice-password');
    await page.getByRole('button', { name: 'Sign report' }).click();
    await page.getByRole('status').filter({ hasText: 'the workstation has it as version 1' }).waitFor();

    const shown = JSON.parse((await cli(wsDir, ['report', caseId, '--json'])).stdout) as { versions: Array<{ signerName: string }> };
    expect(shown.versions.map((v) => v.signerName)).toEqual(['Morgan Example']);
    const claims = await request(server, 'GET', '/api/claims', { cookie: billing });
    expect(claims.body.claims.map((c: { caseId: string }) => c.caseId)).toContain(caseId);
    await context.close();

    demo.kill('SIGINT');
    const code = await new Promise<number | null>((r) => demo!.once('exit', (c) => r(c)));
    expect(code).toBe(0);
    expect(postgresRunning()).toBe(false);
    expect(fs.existsSync(wsDir)).toBe(false);
  });
});
