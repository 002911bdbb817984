#!/usr/bin/env node
/**
 * `npm run practice-demo`: the practice server and the demo workstation joined to it, on this
 * computer, with synthetic data only. The server (its own PostgreSQL, HTTPS, a self-signed
 * certificate) keeps its folder between runs; the workstation is the browser demo (`npm run demo`)
 * on another port, a fresh one each time, which joins the server with a one-time code as a real
 * workstation would. Close the demo case on the workstation; the demo physician writes the
 * interpretation and signs it on the server's page; billing sees the claim.
 *
 *   node electron/tools/practice-demo.mjs [--dir DIR] [--port 8443] [--speed 60] [--pg-user NAME] [--no-build]
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildStale, electronViteArgs } from './build-state.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { values } = parseArgs({
  options: {
    dir: { type: 'string' },
    port: { type: 'string', default: '8443' },
    speed: { type: 'string', default: '60' },
    'pg-user': { type: 'string' },
    'no-build': { type: 'boolean', default: false },
  },
});
const dir = path.resolve(values.dir ?? path.join(root, '.closeout-practice-demo'));
const say = (t) => process.stdout.write(`${t}\n`);

if (!values['no-build'] && buildStale()) {
  say('Building Closeout (once)…');
  const b = spawnSync(process.execPath, electronViteArgs('build'), { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  if (b.status !== 0) process.exit(1);
}

// PostgreSQL will not run as root: as root, it runs as a system account (made once by the administrator).
let pgUser = values['pg-user'];
if (!pgUser && typeof process.getuid === 'function' && process.getuid() === 0) {
  if (spawnSync('id', ['-u', 'closeout-pg']).status === 0) pgUser = 'closeout-pg';
  else {
    say('PostgreSQL does not run as root. Run this as a regular user, or make an account for it once:\n  useradd --system --no-create-home --shell /usr/sbin/nologin closeout-pg\nand run again.');
    process.exit(2);
  }
}

const serverBin = path.join(root, 'bin', 'closeout-server.js');
fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
const requestLog = fs.openSync(path.join(dir, 'requests.log'), 'a', 0o600);
const server = spawn(process.execPath, [serverBin, 'demo', '--dir', dir, '--port', values.port, '--json', ...(pgUser ? ['--pg-user', pgUser] : [])], {
  stdio: ['ignore', 'pipe', requestLog],
});

/** The first JSON object the server prints (where it listens, its fingerprint, the demo accounts). */
const info = await new Promise((resolve, reject) => {
  let buf = '';
  const onData = (d) => {
    buf += d;
    const end = buf.indexOf('\n}\n');
    if (end < 0) return;
    server.stdout.off('data', onData);
    try {
      resolve(JSON.parse(buf.slice(0, end + 2)));
    } catch (e) {
      reject(e);
    }
    // Later lines are the demo codes, every 30 s.
    buf = buf.slice(end + 3);
    if (buf) process.stdout.write(buf.replace(/^/gm, '[server] '));
    server.stdout.on('data', (x) => process.stdout.write(String(x).replace(/^(?=.)/gm, '[server] ')));
  };
  server.stdout.setEncoding('utf8');
  server.stdout.on('data', onData);
  server.once('exit', (code) => reject(new Error(`the practice server stopped (exit ${code}); its log: ${path.join(dir, 'postgres.log')}`)));
}).catch((e) => {
  say(`The demo practice server did not start: ${e.message}`);
  process.exit(1);
});

const enroll = spawnSync(process.execPath, [serverBin, 'enroll-code', '--dir', dir, '--workstation', 'Demo OR', '--json'], { encoding: 'utf8' });
if (enroll.status !== 0) {
  say(`No enrollment code: ${enroll.stderr}`);
  server.kill('SIGINT');
  process.exit(1);
}
const { code } = JSON.parse(enroll.stdout);
const workstation = spawn(
  process.execPath,
  [path.join(root, 'out', 'main', 'devhost.js'), '--demo', '--speed', values.speed, '--join-practice', `https://127.0.0.1:${info.port}`, '--fingerprint', info.fingerprint, '--code', code],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
workstation.stdout.setEncoding('utf8');
workstation.stdout.on('data', (x) => process.stdout.write(String(x).replace(/^(?=.)/gm, '[workstation] ')));

say(
  [
    '',
    `Practice server: ${info.url}  (DEMO, synthetic data; certificate fingerprint ${info.fingerprint})`,
    `  Log in as demo.physician (the demo case's reading physician) or demo.billing, password "${info.demo.password}",`,
    '  with the six-digit code printed below as "Demo codes now" (a new one every 30 s).',
    '  Your browser warns about the self-signed certificate: its fingerprint is the one above.',
    'Workstation: the "Open:" link below (the demo case plays live, then close it there).',
    'Ctrl+C stops both.',
    '',
    `[server] ${info.demo.codesNow}`,
  ].join('\n'),
);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  workstation.kill('SIGINT');
  server.kill('SIGINT');
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
// One stopping (a failure) stops the other: the demo is the pair.
workstation.once('exit', stop);
server.once('exit', stop);
await Promise.all([new Promise((r) => workstation.once('exit', r)), new Promise((r) => server.once('exit', r))]);
process.exit(0);
