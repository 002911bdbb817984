import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './cli';
import { HANG_MS } from './patience';
import { tempDir } from './temp-dir';

export type MeasuredRun = Readonly<{
  code: number;
  /** Standard output, unless it went to a file (`stdoutFile`). */
  stdout: string;
  stderr: string;
  /** The child's peak resident memory (its maxRSS, as the kernel counted it), in MiB. */
  peakMiB: number;
}>;

/**
 * Preloaded into the child: at exit it writes its peak resident set size (KiB, from
 * getrusage) to the file named by CLOSEOUT_TEST_PEAK_RSS. The CLI ends by setting exitCode, so
 * the exit event fires after its last byte.
 */
const REPORTER = `
const fs = require('node:fs');
process.on('exit', () => fs.writeFileSync(process.env.CLOSEOUT_TEST_PEAK_RSS, String(process.resourceUsage().maxRSS)));
`;

/**
 * Run the real `closeout` binary in a child process and measure its peak memory. Large output can
 * go straight to a file (`stdoutFile`) so the test process never holds it.
 */
export function closeoutMeasured(argv: string[], opts: { env?: NodeJS.ProcessEnv; input?: string; stdoutFile?: string } = {}): MeasuredRun {
  const dir = tempDir('closeout-rss-');
  const reporter = path.join(dir, 'report-peak-rss.cjs');
  const peakFile = path.join(dir, 'peak');
  fs.writeFileSync(reporter, REPORTER);
  const out = opts.stdoutFile ? fs.openSync(opts.stdoutFile, 'w') : 'pipe';
  try {
    const r = spawnSync(process.execPath, ['--require', reporter, path.join(ROOT, 'bin', 'closeout.js'), ...argv], {
      encoding: 'utf8',
      env: { PATH: process.env['PATH'], HOME: process.env['HOME'], CLOSEOUT_KEY_DIR: process.env['CLOSEOUT_KEY_DIR'], ...opts.env, CLOSEOUT_TEST_PEAK_RSS: peakFile },
      input: opts.input ?? '',
      stdio: ['pipe', out, 'pipe'],
      timeout: HANG_MS,
      maxBuffer: 64 * 1024 * 1024,
    });
    if (r.error) throw r.error;
    const kib = Number(fs.readFileSync(peakFile, 'utf8'));
    return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr, peakMiB: kib / 1024 };
  } finally {
    if (typeof out === 'number') fs.closeSync(out);
  }
}
