import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { runCli } from '../../electron/cli/run';

export type CliResult = { code: number; stdout: string; stderr: string };

/** Run the CLI in-process (fast; same code as the binary). */
export async function cli(dataDir: string, argv: string[], stdin = ''): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(['--data-dir', dataDir, ...argv], {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    readStdin: async () => stdin,
    env: {},
  }, { appVersion: '0.0.0-test' });
  return { code, stdout, stderr };
}

export const ROOT = path.resolve(__dirname, '../..');

/**
 * Run the real `closeout` binary (bin/closeout.js → out/main/cli.js) in a child process.
 * `fileModesApply`: root ignores file modes, so as root the CLI runs without the capabilities
 * that override them (setpriv, util-linux), staying root: it still reads this checkout wherever it
 * lives and whoever else may not read it, and a folder's mode bits now apply to it.
 */
export function cliProcess(argv: string[], opts: { env?: NodeJS.ProcessEnv; input?: string; fileModesApply?: boolean } = {}): CliResult {
  const command = [process.execPath, path.join(ROOT, 'bin', 'closeout.js'), ...argv];
  const asRoot = process.getuid?.() === 0;
  const [cmd, ...args] = opts.fileModesApply && asRoot ? ['setpriv', '--bounding-set', '-dac_override,-dac_read_search,-fowner', '--', ...command] : command;
  const r = spawnSync(cmd!, args, {
    encoding: 'utf8',
    env: { PATH: process.env['PATH'], HOME: process.env['HOME'], CLOSEOUT_KEY_DIR: process.env['CLOSEOUT_KEY_DIR'], ...opts.env },
    input: opts.input ?? '',
  });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
