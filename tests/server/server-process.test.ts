import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { until } from '../helpers/patience';
import { addUser, makeServerDir, pgUserArgs, request, serverCli } from '../helpers/practice-server';

const BIN = path.resolve('bin/closeout-server.js');
const dir = makeServerDir();
const children: ChildProcess[] = [];

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  // A PostgreSQL orphaned by the SIGKILLed server must not outlive the test: stop it through a last start.
  const pid = postmasterPid();
  if (pid) process.kill(pid, 'SIGINT');
  await until('PostgreSQL to stop', () => !postmasterPid());
  fs.rmSync(dir, { recursive: true, force: true });
});

function postmasterPid(): number | null {
  try {
    const pid = Number(fs.readFileSync(path.join(dir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
    process.kill(pid, 0);
    return pid;
  } catch {
    return null;
  }
}

/** `closeout-server start` as its own process; resolves with what it printed once it listens. */
async function startProcess(): Promise<{ child: ChildProcess; port: number; fingerprint: string; stderr: () => string }> {
  const child = spawn(process.execPath, [BIN, 'start', '--dir', dir, '--host', '127.0.0.1', '--port', '0', '--json'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DATABASE_URL: '' } });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  await until('the server to say where it listens', () => {
    if (child.exitCode !== null) throw new Error(`closeout-server start exited ${child.exitCode}: ${err}`);
    return out.includes('"fingerprint"') && out.trim().endsWith('}');
  });
  const info = JSON.parse(out) as { port: number; fingerprint: string };
  return { child, port: info.port, fingerprint: info.fingerprint, stderr: () => err };
}

describe('closeout-server start, as a process', () => {
  it('survives being killed: the next start takes over its database; a stop signal shuts it down cleanly', async () => {
    const init = await serverCli(['init', '--dir', dir, '--port', '0', '--name', 'localhost', ...pgUserArgs()]);
    expect(init.code, init.stderr).toBe(0);
    const secret = await addUser(dir, 'dr.kill', ['physician']);
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const certPem = fs.readFileSync(path.join(dir, 'tls', 'cert.pem'), 'utf8');

    const first = await startProcess();
    const at = (port: number) => ({ server: { port, url: '', fingerprint: '', close: async () => {} }, certPem });
    expect((await request(at(first.port), 'GET', '/api/health')).status).toBe(200);
    first.child.kill('SIGKILL');
    await until('the killed server to be gone', () => first.child.exitCode !== null || first.child.signalCode !== null);
    // Its PostgreSQL is orphaned, still running on the cluster.
    const orphan = postmasterPid();
    expect(orphan).not.toBeNull();

    const second = await startProcess();
    expect(second.fingerprint).toBe(first.fingerprint);
    expect(postmasterPid()).not.toBe(orphan);
    expect((await request(at(second.port), 'GET', '/api/health')).status).toBe(200);
    // What was committed before the kill is there.
    const users = await serverCli(['user', 'list', '--dir', dir, '--json']);
    expect(JSON.parse(users.stdout).map((u: { username: string }) => u.username)).toContain('dr.kill');

    second.child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => second.child.once('exit', (c) => resolve(c)));
    expect(code).toBe(0);
    expect(postmasterPid()).toBeNull();
    // Its log lines are JSON, one per request, naming routes only.
    for (const line of second.stderr().trim().split('\n').filter(Boolean)) expect(Object.keys(JSON.parse(line))).toEqual(['at', 'method', 'route', 'status', 'ms']);
  });
});
