/**
 * `npm run simulate`: the command in-process (exit codes, messages, progress, Ctrl-C through the
 * injected signal hook) and, once built, the real process receiving SIGINT.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HANG_MS } from '../helpers/patience';
import { FileByteSource } from '../../electron/services/capture/file-byte-source';
import { openCadwellEdf, type EdfHeader } from '../../shared/parsers/edf';
import { EXIT, runSimulatorCli, type CliIo } from '../../electron/simulator/cli';
import { ROOT } from '../helpers/cli';
import { tempDir } from '../helpers/temp-dir';

type Captured = { out: string; err: string; sigint: (() => void) | null; unsubscribed: boolean };

function io(): Readonly<{ io: CliIo; captured: Captured }> {
  const captured: Captured = { out: '', err: '', sigint: null, unsubscribed: false };
  return {
    captured,
    io: {
      stdout: (t) => (captured.out += t),
      stderr: (t) => (captured.err += t),
      onSigint: (handler) => {
        captured.sigint = handler;
        return () => {
          captured.unsubscribed = true;
        };
      },
    },
  };
}

function edfHeader(file: string): Readonly<{ header: EdfHeader; warnings: readonly unknown[] }> {
  const source = new FileByteSource(file);
  try {
    const reader = openCadwellEdf(source);
    return { header: reader.header, warnings: reader.warnings };
  } finally {
    source.close();
  }
}

const FIXED = ['--zone', 'UTC', '--start', '2026-11-26T07:30:00Z'];

describe('simulate command (in-process)', () => {
  it('runs a case to the end: exit 0, progress with the notes, a closing summary', async () => {
    const dir = tempDir('closeout-sim-cli-');
    const { io: cliIo, captured } = io();
    const code = await runSimulatorCli(['--out', dir, '--speed', '1000000', ...FIXED], cliIo);
    expect(captured.err).toBe('');
    expect(code).toBe(EXIT.ok);
    expect(captured.out).toMatch(/^Simulating case [0-9a-f-]{36} at 1000000x into .* \(device zone UTC, seed 1\)/);
    expect(captured.out).toContain('[2026-11-26 07:30:00]');
    expect(captured.out).toMatch(/\] +\d+\/\d+ actions, \d+ trials, \d+ notes, \d+ vitals {2}Incision\.\n/);
    expect(captured.out).toMatch(/Case complete: \d+ trials, 28 notes, 191 vitals\.\n {2}EDF\+D: .*L MEP\.edf \(\d+\)/);
    expect(captured.unsubscribed).toBe(true);
    expect(fs.readdirSync(dir)).toContain('xltek_events.txt');
  });

  it('--quiet prints nothing; --help prints the usage', async () => {
    const dir = tempDir('closeout-sim-cli-');
    const quiet = io();
    expect(await runSimulatorCli(['--out', dir, '--speed', '1000000', '--quiet', '--formats', 'xltek', ...FIXED], quiet.io)).toBe(EXIT.ok);
    expect(quiet.captured.out + quiet.captured.err).toBe('');
    const help = io();
    expect(await runSimulatorCli(['--help'], help.io)).toBe(EXIT.ok);
    expect(help.captured.out).toMatch(/^Usage: npm run simulate -- --out DIR/);
  });

  it('bad arguments: exit 2 with one plain sentence and a pointer to --help', async () => {
    const { io: cliIo, captured } = io();
    expect(await runSimulatorCli(['--out', '/tmp/x', '--speed', '-3'], cliIo)).toBe(EXIT.usage);
    expect(captured.err).toBe("simulate: Option '--speed' argument is ambiguous.\nRun with --help for the options.\n");
    const second = io();
    expect(await runSimulatorCli(['--speed', '2'], second.io)).toBe(EXIT.usage);
    expect(second.captured.err).toMatch(/^simulate: --out DIR is required/);
  });

  it('an output folder that cannot be created: exit 1 with the reason', async () => {
    const dir = tempDir('closeout-sim-cli-');
    const blocker = path.join(dir, 'file');
    fs.writeFileSync(blocker, 'not a folder');
    const { io: cliIo, captured } = io();
    expect(await runSimulatorCli(['--out', path.join(blocker, 'sub'), '--quiet', ...FIXED], cliIo)).toBe(EXIT.failed);
    expect(captured.err).toMatch(/^simulate: failed: .*(ENOTDIR|EEXIST)/);
  });

  it('Ctrl-C: finishes the files (EDF record counts written) and exits 130', async () => {
    const dir = tempDir('closeout-sim-cli-');
    const { io: cliIo, captured } = io();
    const run = runSimulatorCli(['--out', dir, '--speed', '600', '--quiet', ...FIXED], cliIo);
    const ssep = path.join(dir, 'Upper SSEP.edf');
    const deadline = Date.now() + HANG_MS;
    while (!(fs.existsSync(ssep) && fs.statSync(ssep).size > 4000) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(captured.sigint).not.toBeNull();
    captured.sigint?.();
    captured.sigint?.(); // a second press while finishing changes nothing in-process
    expect(await run).toBe(EXIT.interrupted);
    expect(captured.err).toBe('simulate: stopping, finishing the files…\n');
    for (const name of fs.readdirSync(dir).filter((n) => n.endsWith('.edf'))) {
      const { header, warnings } = edfHeader(path.join(dir, name));
      expect(warnings, name).toEqual([]);
      expect(header.recordsInHeader, name).toBe(header.recordCount);
    }
    expect(fs.readdirSync(dir).some((n) => n.endsWith('_data.json'))).toBe(true);
  });
});

const BUILT = path.join(ROOT, 'out', 'main', 'simulate.js');

describe('simulate command (built process)', () => {
  // Needs the `simulate` build input (electron.vite.config.ts) and a build (npm test's pretest).
  it('SIGINT: the process finishes its files and exits 130', async () => {
    const dir = tempDir('closeout-sim-proc-');
    const child = spawn(process.execPath, [BUILT, '--out', dir, '--speed', '300', '--quiet', ...FIXED], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const ssep = path.join(dir, 'Upper SSEP.edf');
    const deadline = Date.now() + HANG_MS;
    while (!(fs.existsSync(ssep) && fs.statSync(ssep).size > 4000) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    expect(edfHeader(ssep).header.recordsInHeader).toBe(-1);
    child.kill('SIGINT');
    expect(await exited).toBe(EXIT.interrupted);
    expect(stderr).toContain('stopping, finishing the files');
    const { header, warnings } = edfHeader(ssep);
    expect(warnings).toEqual([]);
    expect(header.recordsInHeader).toBe(header.recordCount);
  });
});
