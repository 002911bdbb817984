/**
 * `closeout capture` stopped the way people stop it: Ctrl-C (SIGINT) or a service manager's
 * SIGTERM, right after it set the case to capturing and while it reads. It must finish its own
 * work (the sources' last statuses, the case set back) before the database closes, and exit 0.
 * Before, the status read after the stop met a closed database: a TypeError and exit 1.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, ROOT } from '../helpers/cli';
import { sampleCase } from '../helpers/backend';
import { writeFile, xltekText } from '../helpers/capture';
import { until } from '../helpers/patience';
import { tempDir } from '../helpers/temp-dir';
import { startPtyPair } from '../helpers/pty-pair';

async function stopWith(signal: 'SIGINT' | 'SIGTERM'): Promise<void> {
  const dataDir = tempDir();
  const exportDir = tempDir('closeout-export-');
  writeFile(exportDir, 'events.txt', xltekText(Array.from({ length: 2_000 }, (_, i): [string, string] => [`${String(8 + Math.floor(i / 3600)).padStart(2, "0")}:${String(Math.floor(i / 60) % 60).padStart(2, "0")}:${String(i % 60).padStart(2, "0")}`, `Note ${i}`])));
  const caseId = (await cli(dataDir, ['case', 'new', '--json', JSON.stringify(sampleCase({ dateOfService: '2026-11-26' }))])).stdout.trim();
  // A serial monitor too: its port closes asynchronously, so the stop takes a while.
  const pair = await startPtyPair(tempDir('closeout-stop-serial-'));
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'closeout.js'), 'capture', '--case', caseId, '--watch', exportDir, '--serial', pair.appPath], {
    env: { PATH: process.env['PATH'], HOME: process.env['HOME'], CLOSEOUT_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';

  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdout.resume();
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  // Stopped as soon as it says it captures: the case has just been set to capturing.
  await until('the capture to start', () => stderr.includes('Capturing into'));
  child.kill(signal);
  expect({ code: await exited, stderr }).toEqual({ code: 0, stderr: expect.stringContaining('Stopped.') });
  expect(stderr).not.toMatch(/TypeError|database connection is not open|at /);
  // The case is back as it was, and what was read is stored.
  const shown = JSON.parse((await cli(dataDir, ['case', 'show', caseId, '--json'])).stdout) as { case: { status: string } };
  expect(shown.case.status).toBe('open');
}

describe('closeout capture, stopped by a signal', () => {
  it('Ctrl-C (SIGINT): finishes its work and exits 0', async () => {
    await stopWith('SIGINT');
  });
  it('SIGTERM: the same', async () => {
    await stopWith('SIGTERM');
  });
});
