/**
 * `npm start` on a computer that cannot run the desktop app (a closed network, no display): one
 * plain paragraph, the tools' output in a log, and the same app in the browser on the app's data
 * folder with the demo case, whose link works in a real Chromium. Electron itself cannot run here;
 * its launch is left to users' machines.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { useBrowser } from '../helpers/browser';
import { closedPort, fakeProject, offlineEnv } from '../helpers/launcher';
import { tempDir } from '../helpers/temp-dir';
import { DB_FILE_NAME } from '../../electron/services/store/open-db';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});
const ui = useBrowser();

type Started = { child: ChildProcess; out: () => string; err: () => string; url: string; exited: Promise<number | null> };

async function npmStart(project: string, env: NodeJS.ProcessEnv): Promise<Started> {
  const child = spawn(process.execPath, [path.join(project, 'electron', 'tools', 'start.mjs')], {
    cwd: project,
    env: { PATH: process.env['PATH'], HOME: process.env['HOME'], CLOSEOUT_NO_OPEN: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (t: string) => (out += t));
  child.stderr!.setEncoding('utf8').on('data', (t: string) => (err += t));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  // No time budget: the one-time steps take what they take on a loaded machine.
  const url = await new Promise<string>((resolve, reject) => {
    const check = () => {
      const m = /^Open: (\S+)$/m.exec(out);
      if (m) resolve(m[1]!);
    };
    child.stdout!.on('data', check);
    child.on('exit', (code) => reject(new Error(`npm start exited (${code}) before printing a link.\nstdout:\n${out}\nstderr:\n${err}`)));
  });
  return { child, out: () => out, err: () => err, url, exited };
}

async function seesTheDemoCase(url: string): Promise<void> {
  const page = await ui.page();
  await page.goto(url);
  await expect.poll(() => page.getByText('Testpatient, Ada').first().isVisible()).toBe(true);
  // Closed before the test stops the app, which the page would otherwise see go away.
  await ui.close(page);
}

/** The paragraph a user reads: no build tool's chatter, no stack. */
function expectPlain(text: string): void {
  expect(text).not.toMatch(/gyp (ERR|info)|npm ERR|^\s+at .+:\d+:\d+\)?$|Error:|ENOTFOUND|ECONNREFUSED/m);
}

describe('npm start where the desktop app cannot run', () => {
  it('offline: Electron cannot be downloaded; says so plainly and opens the app in the browser on its data folder', async () => {
    const project = fakeProject();
    const dataDir = path.join(tempDir(), 'Closeout');
    const s = await npmStart(project, { ...offlineEnv(await closedPort(), tempDir()), DISPLAY: ':99', CLOSEOUT_DATA_DIR: dataDir });

    expect(s.out()).toContain('Closeout cannot open its desktop window on this computer: Electron (the desktop runtime, about 100 MB) could not be downloaded');
    expect(s.out()).toContain('The same app opens in your web browser instead');
    expect(s.out()).toContain('Details: .native/start.log.');
    expect(s.out()).toContain(`data: ${dataDir}, kept when you stop it`);
    expectPlain(s.out());
    expect(s.err()).toBe('');
    // What went wrong is kept for whoever helps: the downloader's own words.
    const log = fs.readFileSync(path.join(project, '.native', 'start.log'), 'utf8');
    expect(log).toContain('== electron/install.js');
    expect(log).toMatch(/ECONNREFUSED|fetch failed/);

    await seesTheDemoCase(s.url);
    s.child.kill('SIGINT');
    expect(await s.exited).toBe(0);
    expect(fs.existsSync(path.join(dataDir, DB_FILE_NAME))).toBe(true);
  });

  it('Electron there, but its database engine cannot be prepared (no network, no headers): the same, with that reason', async () => {
    const project = fakeProject({ electron: 'installed' });
    const s = await npmStart(project, { ...offlineEnv(await closedPort(), tempDir()), DISPLAY: ':99', CLOSEOUT_DATA_DIR: path.join(tempDir(), 'Closeout') });

    expect(s.out()).toContain('Closeout: preparing the database engine for Electron (one time)…');
    expect(s.out()).toContain('its database engine could not be prepared for Electron, which needs internet access or a C++ build toolchain');
    expectPlain(s.out());
    const log = fs.readFileSync(path.join(project, '.native', 'start.log'), 'utf8');
    expect(log).toContain('== better-sqlite3 for Electron');
    expect(log).toMatch(/gyp/);
    // No half-built engine is left to be mistaken for a good one.
    expect(fs.readdirSync(path.join(project, '.native')).filter((f) => f.startsWith('electron-'))).toEqual([]);
    expect(fs.readdirSync(path.join(project, '.native', 'build'))).toEqual([]);

    await seesTheDemoCase(s.url);
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
  });

  it('no display (a server, an SSH session): straight to the browser, nothing downloaded', async () => {
    const project = fakeProject();
    const s = await npmStart(project, { ...offlineEnv(await closedPort(), tempDir()), CLOSEOUT_DATA_DIR: path.join(tempDir(), 'Closeout') });
    expect(s.out()).toContain('there is no graphical display here (DISPLAY and WAYLAND_DISPLAY are not set)');
    expect(s.out()).not.toContain('getting the desktop app ready');
    expect(fs.readFileSync(path.join(project, '.native', 'start.log'), 'utf8')).not.toContain('electron/install.js');
    await seesTheDemoCase(s.url);
    s.child.kill('SIGINT');
    expect(await s.exited).toBe(0);
  });
});
