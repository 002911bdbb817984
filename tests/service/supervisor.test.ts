import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { until } from '../helpers/patience';
import { BackendSupervisor, defaultBackoff, type BackendState, type ChildHandle } from '../../electron/main/backend-supervisor';
import type { PushMessage } from '../../shared/contract/events';
import { sampleCase } from '../helpers/backend';
import { ROOT } from '../helpers/cli';
import { tempDir } from '../helpers/temp-dir';

const BACKEND = path.join(ROOT, 'out', 'main', 'backend.js');

/** The real backend entry, forked by Node instead of Electron's utilityProcess. */
function nodeSpawner(dataDir: string, children: ChildProcess[]) {
  return (): ChildHandle => {
    const child = fork(BACKEND, [], { env: { ...process.env, CLOSEOUT_DATA_DIR: dataDir, CLOSEOUT_APP_VERSION: 'test' }, stdio: 'ignore', serialization: 'advanced' });
    children.push(child);
    return {
      postMessage: (m) => child.send(m as never),
      onMessage: (l) => child.on('message', l),
      onExit: (l) => child.on('exit', (code) => l(code)),
      kill: () => child.kill('SIGKILL'),
    };
  };
}


describe('backend supervisor', () => {
  it('backs off exponentially up to 10 s', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 10].map(defaultBackoff)).toEqual([250, 500, 1000, 2000, 4000, 8000, 10000, 10000]);
  });

  it('restarts a killed backend; calls in flight fail plainly, later calls work, nothing stored is lost', async () => {
    const dataDir = tempDir();
    const children: ChildProcess[] = [];
    const states: BackendState[] = [];
    const pushes: PushMessage[] = [];
    const crashes: number[] = [];
    const sup = new BackendSupervisor({
      spawn: nodeSpawner(dataDir, children),
      onState: (s) => states.push(s),
      onPush: (m) => pushes.push(m),
      onCrash: (c) => crashes.push(c.delayMs),
      backoffMs: (n) => 50 * 2 ** n,
    });
    sup.start();
    // A call before the backend is up waits for it rather than failing.
    const created = await sup.call('createCase', sampleCase());
    expect(created.ok).toBe(true);
    expect(states).toEqual(['starting', 'up']);
    await until('pushes.some((p) => p.name === "caseChanged")', () => pushes.some((p) => p.name === 'caseChanged'));

    // Kill -9 mid-flight: the waiting call gets a plain UNAVAILABLE, not a hang.
    const inFlight = sup.call('listCases', {});
    children[0]!.kill('SIGKILL');
    const r = await inFlight;
    if (!r.ok) expect(r.code).toBe('UNAVAILABLE');
    await until('sup.state === "up" && children.length === 2', () => sup.state === 'up' && children.length === 2);
    expect(states).toContain('reconnecting');

    const after = await sup.call('listCases', {});
    expect(after.ok && after.value).toHaveLength(1);

    // A crash loop backs off further each time.
    children[1]!.kill('SIGKILL');
    await until('sup.state === "up" && children.length === 3', () => sup.state === 'up' && children.length === 3);
    expect(crashes).toEqual([50, 100]);
    sup.stop();
    expect((await sup.call('listCases', {})).ok).toBe(false);
    await until('children.every((c) => c.exitCode !== null || c.signalCode !== null)', () => children.every((c) => c.exitCode !== null || c.signalCode !== null));
  });

  it('hands the stored API key to every backend it starts, before any call, and never through the contract', async () => {
    const dataDir = tempDir();
    const children: ChildProcess[] = [];
    const sup = new BackendSupervisor({
      spawn: nodeSpawner(dataDir, children),
      onReady: () => [{ type: 'secret', anthropicApiKey: 'sk-ant-stored-key' }],
      backoffMs: () => 20,
    });
    sup.start();
    const first = await sup.call('getAiStatus', {});
    expect(first.ok && first.value).toMatchObject({ key: 'saved' });
    expect(JSON.stringify(first)).not.toContain('sk-ant-stored-key');
    // After a crash the new backend has it again.
    children[0]!.kill('SIGKILL');
    await until('sup.state === "up" && children.length === 2', () => sup.state === 'up' && children.length === 2);
    const again = await sup.call('getAiStatus', {});
    expect(again.ok && again.value).toMatchObject({ key: 'saved' });
    // The key is not in the database or the log.
    for (const f of fs.readdirSync(dataDir, { recursive: true, withFileTypes: true })) {
      if (f.isFile()) expect(fs.readFileSync(path.join(f.parentPath, f.name)).includes('sk-ant-stored-key')).toBe(false);
    }
    sup.stop();
    await until('children.every((c) => c.exitCode !== null || c.signalCode !== null)', () => children.every((c) => c.exitCode !== null || c.signalCode !== null));
  });

  it('a call while stopped or never answered resolves as UNAVAILABLE', async () => {
    const silent = new BackendSupervisor({
      spawn: () => ({ postMessage: () => {}, onMessage: () => {}, onExit: () => {}, kill: () => {} }),
      waitForUpMs: 50,
    });
    expect((await silent.call('listCases', {})).ok).toBe(false);
    silent.start();
    const r = await silent.call('listCases', {});
    expect(r).toMatchObject({ ok: false, code: 'UNAVAILABLE' });
    silent.stop();
  });
});
