#!/usr/bin/env node
/**
 * The outside tools the tests use, checked (and installed where we can) before `npm test`.
 *
 *   node tests/tools/prereqs.mjs            check; install what is missing (apt-get as root or with sudo)
 *   node tests/tools/prereqs.mjs --check    check only; exit 1 with the command to run
 *
 * The tests never skip quietly because a peer is missing: a missing tool stops the run here, at
 * once, with the exact command that fixes it. `.ci/run` installs nothing itself; it runs `npm test`.
 * CLOSEOUT_TEST_NO_INSTALL=1 turns installing off (a machine whose packages IT manages).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Exit 0 within 30 s: the tool is there and runs. */
function runs(cmd, args) {
  try {
    const r = spawnSync(cmd, args, { stdio: 'ignore', timeout: 30_000 });
    return r.status === 0;
  } catch {
    return false;
  }
}

export const chromiumPath = () => process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/**
 * One row per tool: what the tests use it for, how we know it works, and the Debian package.
 * Debian's python3-hl7 installs into the system interpreter (/usr/bin/python3), not a pyenv one.
 */
export const TOOLS = [
  { name: 'Chromium', usedFor: 'browser tests of the UI', ok: () => fs.existsSync(chromiumPath()) && runs(chromiumPath(), ['--version']), apt: 'chromium' },
  { name: 'socat', usedFor: 'real serial ports (pty pairs)', ok: () => runs('socat', ['-V']), apt: 'socat' },
  { name: 'qpdf', usedFor: 'checking the PDFs we write', ok: () => runs('qpdf', ['--version']), apt: 'qpdf' },
  {
    name: 'poppler-utils (pdftotext, pdffonts, pdfinfo, pdftoppm)',
    usedFor: 'reading back the PDFs we write',
    ok: () => ['pdftotext', 'pdffonts', 'pdfinfo', 'pdftoppm'].every((t) => runs(t, ['-v'])),
    apt: 'poppler-utils',
  },
  { name: 'python3-hl7', usedFor: 'an independent HL7 parser and MLLP peer', ok: () => runs('/usr/bin/python3', ['-c', 'import hl7']), apt: 'python3-hl7' },
  { name: 'biosig-tools (save2gdf)', usedFor: 'an independent EDF reader', ok: () => runs('save2gdf', ['-h']), apt: 'biosig-tools' },
  { name: 'openssl', usedFor: 'throwaway certificates for MLLP over TLS', ok: () => runs('openssl', ['version']), apt: 'openssl' },
  // Root ignores file modes; a test of a read-only data folder drops that power with setpriv.
  ...(process.platform === 'linux' && process.getuid?.() === 0
    ? [{ name: 'setpriv (util-linux)', usedFor: 'running the CLI as root without its power over file modes', ok: () => runs('setpriv', ['--version']), apt: 'util-linux' }]
    : []),
];

function whichOk(cmd) {
  return (process.env['PATH'] ?? '').split(path.delimiter).some((d) => d && fs.existsSync(path.join(d, cmd)));
}

/** The test data other people made (not in this repository: see tests/README.md). */
export function testdataDir() {
  return [process.env['CLOSEOUT_TESTDATA'], path.resolve(ROOT, '../shared/testdata'), '/work/shared/testdata'].find(
    (d) => !!d && fs.existsSync(path.join(d, 'edf')) && fs.existsSync(path.join(d, 'hl7')),
  );
}

export function missingTools() {
  return TOOLS.filter((t) => !t.ok());
}

function aptCommand(pkgs, sudo) {
  const s = sudo ? 'sudo ' : '';
  return `${s}apt-get update && ${s}apt-get install -y --no-install-recommends ${pkgs.join(' ')}`;
}

function canInstall() {
  if (process.platform !== 'linux' || !whichOk('apt-get') || !whichOk('dpkg')) return null;
  if (typeof process.getuid === 'function' && process.getuid() === 0) return { sudo: false };
  if (whichOk('sudo') && runs('sudo', ['-n', 'true'])) return { sudo: true };
  return null;
}

function install(pkgs, how) {
  const pre = how.sudo ? ['sudo', '-n'] : [];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const step = (args) => {
    const [cmd, ...rest] = [...pre, ...args];
    // apt's chatter is kept back unless the step fails; then it is what explains why.
    const r = spawnSync(cmd, rest, { stdio: ['ignore', 'pipe', 'pipe'], env, maxBuffer: 64 * 1024 * 1024 });
    if (r.status !== 0) process.stderr.write(`${r.stdout ?? ''}${r.stderr ?? ''}`);
    return r.status === 0;
  };
  console.log(`Test tools: installing ${pkgs.join(', ')} with apt-get (one time; a minute or two)…`);
  return step(['apt-get', 'update', '-qq']) && step(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...pkgs]);
}

function explain(missing) {
  const pkgs = missing.map((t) => t.apt);
  const lines = ['', 'The tests need tools this machine does not have:'];
  for (const t of missing) lines.push(`  - ${t.name}: ${t.usedFor}`);
  lines.push('');
  if (process.platform === 'linux' && whichOk('apt-get')) {
    lines.push('Install them with:', `  ${aptCommand(pkgs, !(typeof process.getuid === 'function' && process.getuid() === 0))}`);
  } else {
    lines.push(`On Debian/Ubuntu they are the packages: ${pkgs.join(' ')}.`, 'Elsewhere install the same tools and put them on PATH (CHROMIUM_PATH names the browser).');
  }
  lines.push('then run "npm test" again.');
  return lines.join('\n');
}

const NO_TESTDATA = [
  '',
  'The tests read real EDF+ and HL7 files made by other people, with their ground truth. Their licenses',
  'do not let this repository carry them, so they live beside the checkout: ../shared/testdata',
  '(folders edf/ and hl7/). Put them there, or set CLOSEOUT_TESTDATA=/path/to/testdata, then run "npm test" again.',
].join('\n');

/** What stops the tests (tools or test data missing), in the words to print; null when nothing does. */
export function whatIsMissing() {
  const missing = missingTools();
  if (missing.length) return explain(missing);
  return testdataDir() ? null : NO_TESTDATA;
}

function main() {
  const checkOnly = process.argv.includes('--check') || process.env['CLOSEOUT_TEST_NO_INSTALL'] === '1';
  const missing = missingTools();
  if (missing.length && !checkOnly) {
    const how = canInstall();
    if (how) install([...new Set(missing.map((t) => t.apt))], how);
  }
  const problem = whatIsMissing();
  if (problem) {
    console.error(problem);
    process.exit(1);
  }
  const data = /** @type {string} */ (testdataDir());
  const shown = path.relative(ROOT, data).startsWith('..') && !data.startsWith(path.dirname(ROOT)) ? data : path.relative(ROOT, data);
  console.log(`Test tools: all ${TOOLS.length} present; test data in ${shown}.`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
