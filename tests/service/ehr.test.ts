/**
 * One click to the EHR on the real backend: the demo case signed, then sent to a drop folder
 * and to HL7 receivers on loopback: the project's own MLLP listener (every answer a receiver can
 * give: AA, AE, AR, silence, garbage, down then up across an app restart) and an independent
 * peer built on Debian's python3-hl7.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { eventually, HANG_MS } from '../helpers/patience';
import { parseHl7 } from '../../shared/hl7/parse';
import { base64Decode } from '../../shared/hl7/base64';
import type { EhrSettingsInput } from '../../shared/ehr/settings';
import { completeReport, testBackend, type TestBackend } from '../helpers/backend';
import { startMllpListener, type MllpListener } from '../helpers/mllp-listener';
import { tempDir } from '../helpers/temp-dir';

const SYSTEM_PYTHON = '/usr/bin/python3';
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

let b: TestBackend;
let dataDir: string;
let caseId: string;
let listener: MllpListener;
let dropDir: string;

function mllpDest(id: string, port: number, extra: Record<string, unknown> = {}) {
  return { kind: 'mllp' as const, id, name: `HIS ${id}`, host: '127.0.0.1', port, receivingApplication: 'EPIC', receivingFacility: 'DEMO_GENERAL', assigningAuthority: 'DEMOGEN', timeoutSeconds: 60, ...extra };
}

async function configure(settings: EhrSettingsInput) {
  return b.ok('saveEhrSettings', { settings, userId: 'Ada Admin', pin: 'admin-pin-1' });
}

function field(message: string, seg: string, n: number): string {
  const parsed = parseHl7(message);
  if (!parsed.ok) throw new Error(parsed.reason);
  const s = parsed.message.segments.find((x) => x.id === seg);
  return s?.fields[n]?.raw ?? '';
}

// Suite-wide folders (tempDir() folders are removed after each test).
const suiteDir = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), prefix));

beforeAll(async () => {
  dataDir = suiteDir('closeout-ehr-');
  dropDir = suiteDir('closeout-drop-');
  listener = await startMllpListener();
  b = testBackend({ dataDir, seedDemo: true, capture: true, demoSpeed: 50_000 });
  await b.demo?.done;
  await b.capture?.idle();
  caseId = (await b.ok('listCases', {}))[0]!.id;
  const admin = await b.ok('saveUser', { user: { name: 'Ada Admin', role: 'admin' } });
  await b.ok('setUserPin', { id: admin.id, newPin: 'admin-pin-1' });
});
afterAll(async () => {
  await b?.close();
  await listener?.stop();
  for (const d of [dataDir, dropDir]) if (d) fs.rmSync(d, { recursive: true, force: true });
});

describe('send to the EHR', () => {
  it('refuses an unsigned report and settings changed by a non-administrator', async () => {
    await configure({ destinations: [{ kind: 'folder', id: 'scans', name: 'Scanning share', path: dropDir, sidecar: 'json' }] });
    expect((await b.fail('sendToEhr', { caseId })).message).toBe('Sign the report first: only a signed report goes to the EHR.');
    const tech = await b.ok('saveUser', { user: { name: 'Tess Tech', role: 'technologist' } });
    await b.ok('setUserPin', { id: tech.id, newPin: 'tech-pin-1' });
    expect((await b.fail('saveEhrSettings', { settings: { destinations: [] }, userId: 'Tess Tech', pin: 'tech-pin-1' })).message).toMatch(/not an administrator/);
  });

  it('one click: the signed PDF lands whole in the drop folder with its sidecar, and an MDM^T02 is acknowledged', async () => {
    await configure({ destinations: [{ kind: 'folder', id: 'scans', name: 'Scanning share', path: dropDir, sidecar: 'json' }, mllpDest('his', listener.port)] });
    await b.ok('setCaseStatus', { id: caseId, status: 'closed' });
    const demoUser = (await b.ok('listUsers', {})).find((u) => u.name === 'Morgan Example (demo)')!;
    await completeReport(b, caseId);
    await b.ok('signReport', { caseId, userId: demoUser.id, pin: 'demo-sign' });

    const ds = await b.ok('sendToEhr', { caseId, wait: true });
    expect(ds.map((d) => d.message)).toEqual([null, null]);
    expect(ds.map((d) => [d.destinationId, d.state, d.attempts])).toEqual([
      ['scans', 'delivered', 1],
      ['his', 'acknowledged', 1],
    ]);
    // The folder: the PDF and its sidecar, no temp file left behind.
    const files = fs.readdirSync(dropDir).sort();
    expect(files).toEqual([`DEMO-0001_${(await b.ok('getCase', { id: caseId })).case.dateOfService}_IONM_${caseId}_v1.json`, `DEMO-0001_${(await b.ok('getCase', { id: caseId })).case.dateOfService}_IONM_${caseId}_v1.pdf`]);
    const pdf = fs.readFileSync(path.join(dropDir, files[1]!));
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    execFileSync('qpdf', ['--check', path.join(dropDir, files[1]!)], { timeout: HANG_MS });
    const sidecar = JSON.parse(fs.readFileSync(path.join(dropDir, files[0]!), 'utf8'));
    expect(sidecar).toMatchObject({ caseId, version: 1, kind: 'original', mrn: 'DEMO-0001', patientLastName: 'Testpatient', signedBy: 'Morgan Example (demo)', pdfSha256: sha(pdf) });

    // The HL7 receiver: one MDM^T02 whose OBX-5 decodes to the very same PDF bytes.
    expect(listener.received).toHaveLength(1);
    const m = listener.received[0]!.text;
    expect(field(m, 'MSH', 9)).toBe('MDM^T02^MDM_T02');
    expect(field(m, 'MSH', 10)).toBe(ds[1]!.reference);
    expect(field(m, 'TXA', 12)).toBe(`${caseId}-1`);
    expect(field(m, 'TXA', 17)).toBe('LA');
    expect(field(m, 'PID', 3)).toBe('DEMO-0001^^^DEMOGEN^MR');
    const obx5 = field(m, 'OBX', 5).split('^');
    expect(obx5.slice(0, 4)).toEqual(['', 'application', 'pdf', 'Base64']);
    expect(sha(base64Decode(obx5[4]!)!)).toBe(sha(pdf));

    const detail = await b.ok('getCase', { id: caseId });
    expect(detail.case.status).toBe('sent');
    const audit = await b.ok('verifyAudit', {});
    expect(audit.intact).toBe(true);
    expect(b.pushes.some((p) => p.name === 'deliveryChanged')).toBe(true);
  });

  it('an addendum goes as MDM^T10 naming the original document; re-sending is a new message, audited', async () => {
    const demoUser = (await b.ok('listUsers', {})).find((u) => u.name === 'Morgan Example (demo)')!;
    await b.ok('addAddendum', { caseId, userId: demoUser.id, pin: 'demo-sign', text: 'Addendum: the left TA change was discussed with the surgeon after the case.' });
    const before = listener.received.length;
    const ds = await b.ok('sendToEhr', { caseId, destinations: ['his'], wait: true });
    const latest = ds.at(-1)!;
    expect(latest).toMatchObject({ version: 2, state: 'acknowledged' });
    const m = listener.received[before]!.text;
    expect(field(m, 'MSH', 9)).toBe('MDM^T10^MDM_T02');
    expect(field(m, 'TXA', 12)).toBe(`${caseId}-2`);
    expect(field(m, 'TXA', 13)).toBe(`${caseId}-1`);
    const again = await b.ok('sendToEhr', { caseId, destinations: ['HIS his'], wait: true });
    expect(again.at(-1)!.reference).not.toBe(latest.reference);
    expect(again.at(-1)!.state).toBe('acknowledged');
  });

  it.each([
    ['AE', { kind: 'AE', text: 'Unknown patient DEMO-0001' }, 'error', /^The EHR answered with an error \(AE\): Unknown patient/],
    ['AR', { kind: 'AR', text: 'Message type not supported' }, 'rejected', /^The EHR rejected the report \(AR\): Message type not supported/],
  ] as const)('%s is reported with the receiver\'s words and not retried', async (_code, policy, state, message) => {
    listener.setPolicy(policy);
    const ds = await b.ok('sendToEhr', { caseId, destinations: ['his'], wait: true });
    expect(ds.at(-1)).toMatchObject({ state, attempts: 1, message: expect.stringMatching(message) });
    listener.setPolicy({ kind: 'AA' });
  });

  it('no answer: times out and, after its attempts, fails with a plain message', async () => {
    const silent = await startMllpListener({ policy: { kind: 'hang' } });
    await configure({ destinations: [mllpDest('slow', silent.port, { timeoutSeconds: 2, maxAttempts: 1 })] });
    const ds = await b.ok('sendToEhr', { caseId, wait: true });
    expect(ds.at(-1)).toMatchObject({ destinationId: 'slow', state: 'failed', attempts: 1 });
    expect(ds.at(-1)!.message).toMatch(/did not answer|no answer|timed out/i);
    await silent.stop();
  });

  it('a garbled ACK is retried with the same control id until acknowledged; marked delivered once', async () => {
    let answered = 0;
    listener.setPolicy(() => (answered++ === 0 ? { kind: 'garbled' } : { kind: 'AA' }));
    const start = listener.received.length;
    await configure({ destinations: [mllpDest('his', listener.port)] });
    const first = await b.ok('sendToEhr', { caseId, wait: true });
    expect(first.at(-1)).toMatchObject({ state: 'retrying', attempts: 1 });
    await listener.waitFor(start + 2);
    const ds = await eventually(async () => {
      const all = await b.ok('listDeliveries', { caseId });
      expect(all.at(-1)!.state).toBe('acknowledged');
      return all;
    });
    expect(ds.at(-1)!.attempts).toBe(2);
    const ids = listener.received.slice(start).map((r) => r.controlId);
    expect(ids).toEqual([ds.at(-1)!.reference, ds.at(-1)!.reference]);
    listener.setPolicy({ kind: 'AA' });
  });
});

describe('MLLP inside TLS', () => {
  it('sends over TLS trusting the hospital CA from the settings; an untrusted certificate fails plainly and sends nothing', async () => {
    const dir = tempDir('closeout-ehr-tls-');
    const key = path.join(dir, 'key.pem');
    const crt = path.join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', crt, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { stdio: 'ignore', timeout: HANG_MS });
    const cert = fs.readFileSync(crt, 'utf8');
    const secure = await startMllpListener({ tls: { key: fs.readFileSync(key, 'utf8'), cert } });
    try {
      await configure({ destinations: [mllpDest('tls', secure.port, { tls: true, caPem: cert })] });
      expect((await b.ok('sendToEhr', { caseId, wait: true })).at(-1)).toMatchObject({ destinationId: 'tls', state: 'acknowledged' });
      expect(secure.received).toHaveLength(1);
      // Retries allowed, and yet none made: an untrusted certificate cannot become trusted by waiting.
      await configure({ destinations: [mllpDest('tls', secure.port, { tls: true, maxAttempts: 5 })] });
      const refused = (await b.ok('sendToEhr', { caseId, wait: true })).at(-1)!;
      expect(refused).toMatchObject({ state: 'failed', attempts: 1 });
      expect(refused.message).toMatch(/certificate is not trusted.*It is not sent again until the settings change/);
      expect(secure.received).toHaveLength(1);
    } finally {
      await secure.stop();
    }
  });
});

describe('the queue survives a restart', () => {
  it('receiver down, app closed, receiver up, app started: the queued message is delivered once', async () => {
    const dir = tempDir();
    const down = await startMllpListener();
    await down.stop();
    const b1 = testBackend({ dataDir: dir, seedDemo: true, capture: true, demoSpeed: 50_000 });
    await b1.demo?.done;
    await b1.capture?.idle();
    const id = (await b1.ok('listCases', {}))[0]!.id;
    const admin = await b1.ok('saveUser', { user: { name: 'Ada Admin', role: 'admin' } });
    await b1.ok('setUserPin', { id: admin.id, newPin: 'admin-pin-1' });
    await b1.ok('saveEhrSettings', { settings: { destinations: [mllpDest('his', down.port)] }, userId: 'Ada Admin', pin: 'admin-pin-1' });
    await b1.ok('setCaseStatus', { id, status: 'closed' });
    const demoUser = (await b1.ok('listUsers', {})).find((u) => u.name === 'Morgan Example (demo)')!;
    await completeReport(b1, id);
    await b1.ok('signReport', { caseId: id, userId: demoUser.id, pin: 'demo-sign' });
    const queued = await b1.ok('sendToEhr', { caseId: id, wait: true });
    expect(queued[0]).toMatchObject({ state: 'retrying', attempts: 1 });
    expect(queued[0]!.message).toMatch(/127\.0\.0\.1/);
    await b1.close();

    await down.restart();
    const b2 = testBackend({ dataDir: dir, seedDemo: true, capture: true });
    await down.waitFor(1);
    const done = await eventually(async () => {
      const ds = await b2.ok('listDeliveries', { caseId: id });
      expect(ds[0]!.state).toBe('acknowledged');
      return ds;
    });
    expect(done).toHaveLength(1);
    expect(down.received.map((r) => r.controlId)).toEqual([queued[0]!.reference]);
    expect((await b2.ok('getCase', { id })).case.status).toBe('sent');
    await b2.close();
    await down.stop();
  });
});

describe('an independent receiver (Debian python3-hl7)', () => {
  it('parses our MDM^T02, answers AA with its own ACK, and decodes OBX-5 to the same PDF', async () => {
    const out = tempDir('closeout-py-');
    const peer: ChildProcess = spawn(SYSTEM_PYTHON, [path.resolve(__dirname, '../helpers/hl7_mllp_peer.py'), out], { stdio: ['ignore', 'pipe', 'pipe'] });
    let peerErr = '';
    let peerOut = '';
    peer.stderr!.on('data', (d: Buffer) => (peerErr += d.toString()));
    peer.stdout!.on('data', (d: Buffer) => (peerOut += d.toString()));
    const t0 = Date.now();
    const stages: string[] = [];
    const stage = (s: string) => stages.push(`${s} +${Date.now() - t0} ms`);
    onTestFailed(() => console.error(`python peer: ${stages.join(', ')}\n${peerErr}`));
    try {
      const port = await new Promise<number>((resolve, reject) => {
        peer.stdout!.on('data', () => {
          const m = /PORT (\d+)/.exec(peerOut);
          if (m) resolve(Number(m[1]));
        });
        peer.on('error', (e) => reject(new Error(`python peer could not start: ${e.message}`)));
        peer.on('exit', (code) => reject(new Error(`python peer exited ${code}: ${peerErr}`)));
        setTimeout(() => reject(new Error(`python peer did not start listening within 20 s (pid ${peer.pid}); stdout: ${JSON.stringify(peerOut)}; stderr: ${peerErr}`)), 20_000).unref();
      });
      stage('listening');
      // A pure-Python receiver on a loaded CI machine: give it the timeout a slow hospital gets.
      await configure({ destinations: [mllpDest('py', port, { timeoutSeconds: 30 })] });
      const ds = await b.ok('sendToEhr', { caseId, wait: true });
      stage('sent');
      const d = ds.at(-1)!;
      expect(d).toMatchObject({ destinationId: 'py', state: 'acknowledged' });
      const summary = JSON.parse(fs.readFileSync(path.join(out, `${d.reference}.json`), 'utf8'));
      expect(summary).toMatchObject({ type: 'MDM^T10^MDM_T02', version: '2.5.1', mrn: 'DEMO-0001', documentNumber: `${caseId}-2`, parentDocumentNumber: `${caseId}-1`, completion: 'LA' });
      const theirs = fs.readFileSync(path.join(out, `${d.reference}.pdf`));
      const pdf = await b.ok('exportPdf', { caseId });
      expect(sha(theirs)).toBe(sha(Buffer.from(pdf.base64, 'base64')));
    } finally {
      peer.kill();
    }
  });
});

