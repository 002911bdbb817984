/**
 * Start-up, the whole path a person or a script waits for: `closeout status` and `closeout case
 * list --json` as fresh processes, against `node -e 0` on the same machine in the same run,
 * alternated pair by pair (the machine is shared and noisy); the row is the median of the
 * per-pair ratios. The data folder is a real one with its database made beforehand.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { median, type BenchRow } from './bench-row';
import { cleanEnv, closeoutBin, wallMs } from './fresh-process';

const TARGET_RATIO = 3;

/** What a fresh process pays beyond `node -e 0`, measured with --cpu-prof on this kind of machine. */
const WHY = {
  'closeout status':
    'Beyond Node itself, a fresh `closeout status` loads 6 ES modules of its own (what every command starts with is one ~200 KB chunk, `cli-start`, instead of ~30 small ones at ~0.2 ms each), better-sqlite3 (17 CommonJS files and the native addon, ~5 ms), opens the database (WAL, pragmas, schema version, ~5 ms) and writes the clean-close marker twice; nothing else is loaded (no zod, no contract schemas, no capture, no PDF).',
  'closeout case list --json':
    'As `closeout status`, plus the case commands and the argument check every call gets at the boundary: plainly good arguments of a plain read call are read by hand (shared/contract/plain-args.ts, held to the zod schema by a test); others load zod (~7 ms) and build that call\'s schema (~3 ms).',
} as const;

export function benchStartup(opts: { pairs?: number } = {}): BenchRow[] {
  const pairs = opts.pairs ?? 9;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'closeout-bench-startup-'));
  try {
    const bin = closeoutBin();
    const env = cleanEnv(dir);
    // The database exists before the first timed run (a first start creates it).
    wallMs([bin, 'status'], env);
    const rows: BenchRow[] = [];
    for (const [what, args] of [
      ['closeout status', [bin, 'status']],
      ['closeout case list --json', [bin, 'case', 'list', '--json']],
    ] as const) {
      const ratios: number[] = [];
      const own: number[] = [];
      const base: number[] = [];
      for (let i = 0; i < pairs; i++) {
        const b = wallMs(['-e', '0'], env);
        const c = wallMs(args, env);
        ratios.push(c / b);
        own.push(c);
        base.push(b);
      }
      const m = median(ratios);
      rows.push({
        measure: `Start-up: \`${what}\` vs \`node -e 0\`, fresh processes, ${pairs} alternated pairs (median of ratios)`,
        target: `≤ ${TARGET_RATIO}×`,
        median: `${m.toFixed(1)}× (${median(own).toFixed(0)} ms vs ${median(base).toFixed(0)} ms)`,
        pass: m <= TARGET_RATIO,
        ...(m > TARGET_RATIO ? { why: WHY[what] } : {}),
      });
    }
    return rows;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
