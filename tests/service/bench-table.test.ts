/**
 * `npm run bench` keeps its table when a suite cannot run: that suite is one "not run: <why>" row
 * and every other suite is still measured and printed. (The figures themselves are the bench's;
 * nothing here judges a time.)
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli';

const BENCH = path.join(ROOT, 'out', 'main', 'bench.js');

function bench(args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, ['--expose-gc', BENCH, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
}

describe('npm run bench', () => {
  it('a suite that cannot run (no browser) is listed as not run, with why; the suites before and after it still print', () => {
    const r = bench(['--only', 'dashboard,ai-screen,serial', '--quick'], { CHROMIUM_PATH: path.join(ROOT, 'no-such-chromium') });
    const rows = r.stdout.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Measure'));
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatch(/^\| Practice dashboard view \(getDashboard\) over 2,000 stored cases +\| ≤ 1,500 ms +\| \d+ ms +\| (ok|MISSED) +\|$/);
    expect(rows[1]).toMatch(/^\| ai-screen suite +\| +\| not run: browserType\.launch: Failed to launch chromium because executable doesn't exist at .*no-such-chromium +\| NOT RUN +\|$/);
    expect(rows[2]).toMatch(/^\| Serial line → event stored \(real pty\), p95 +\| ≤ 50 ms +\| [\d.]+ ms/);
    // The whole story of the failure is on stderr for whoever fixes it.
    expect(r.stderr).toContain('bench: ai-screen could not run: ');
    expect(r.status).toBe(1);
  });

  it('an unknown suite name is bad input: exit 2, the suites listed', () => {
    const r = bench(['--only', 'dashbord']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('bench: no suite named dashbord (suites: startup, store, open, edf, vendor, capture, report, firstview, import, entry, pdf, pdf-cli, billing, dashboard, ai, ai-screen, fuzz, serial, server, year)');
    expect(r.stdout).toBe('');
  });
});
