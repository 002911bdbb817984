/**
 * `npm run demo` plays on a throwaway workstation: its data folder (and the serial pair's) exists
 * while it runs, is named on screen, and is gone once it stops.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli';
import { until } from '../helpers/patience';

describe('npm run demo', () => {
  it('names its temp data folder and removes it when stopped with Ctrl+C', async () => {
    const child = spawn(process.execPath, [path.join(ROOT, 'out', 'main', 'devhost.js'), '--demo', '--speed', '600'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (t: string) => (out += t));
    child.stderr.setEncoding('utf8').on('data', (t: string) => (err += t));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await until('the link', () => out.includes('\nOpen: ') || child.exitCode !== null);
      const dir = /demo data: (.+), removed when you stop it with Ctrl\+C\)\n/.exec(out)?.[1];
      expect(dir, `stdout: ${out}\nstderr: ${err}`).toBeDefined();
      // The demo is really running there: its database, and the simulated device's exports.
      await until('the demo device to write', () => fs.existsSync(path.join(dir!, 'demo-device')) && fs.readdirSync(path.join(dir!, 'demo-device')).length > 0);
      expect(fs.existsSync(path.join(dir!, 'closeout.db'))).toBe(true);

      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(out).toContain('Demo stopped; its data folder was removed.\n');
      expect(fs.existsSync(dir!)).toBe(false);
      expect(err).toBe('');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
