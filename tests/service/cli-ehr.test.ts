/** `closeout export --pdf`, `closeout send` and `closeout deliveries` against a real listener on loopback. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { HANG_MS } from '../helpers/patience';
import { cli } from '../helpers/cli';
import { testBackend } from '../helpers/backend';
import { startMllpListener } from '../helpers/mllp-listener';
import { tempDir } from '../helpers/temp-dir';

it('exports the PDF, sends it (exit 0 once acknowledged, 3 when the receiver is not there) and lists the deliveries', async () => {
  const dir = tempDir();
  const b = testBackend({ dataDir: dir, seedDemo: true, capture: true, demoSpeed: 50_000 });
  await b.demo?.done;
  await b.capture?.idle();
  const id = (await b.ok('listCases', {}))[0]!.id;
  await b.close();

  const draft = path.join(dir, 'draft.pdf');
  const r0 = await cli(dir, ['export', id, '--pdf', draft]);
  expect(r0.code).toBe(0);
  expect(r0.stdout).toMatch(/^DRAFT report \(not signed yet\) written to .*draft\.pdf/);
  execFileSync('qpdf', ['--check', draft], { timeout: HANG_MS });
  expect(execFileSync('pdftotext', [draft, '-'], { encoding: 'utf8', timeout: HANG_MS })).toContain('DRAFT');
  expect((await cli(dir, ['send', id])).stderr).toMatch(/No EHR destination is set up/);

  const listener = await startMllpListener();
  const settings = path.join(dir, 'ehr.json');
  fs.writeFileSync(settings, JSON.stringify({ destinations: [{ kind: 'mllp', id: 'his', name: 'Hospital HIS', host: '127.0.0.1', port: listener.port, receivingApplication: 'EPIC', receivingFacility: 'DEMO', assigningAuthority: 'DEMO', timeoutSeconds: 60 }] }));
  expect((await cli(dir, ['users', 'add', '--name', 'Ada Admin', '--role', 'admin'], 'admin-pin-1\n')).code).toBe(0);
  // A misspelt field (TLS asked for as "tsl") is refused before anything is saved, not dropped.
  const typo = path.join(dir, 'ehr-typo.json');
  fs.writeFileSync(typo, JSON.stringify({ destinations: [{ kind: 'mllp', id: 'his', name: 'Hospital HIS', host: '127.0.0.1', port: listener.port, tsl: true, receivingApplication: 'EPIC', receivingFacility: 'DEMO', assigningAuthority: 'DEMO' }] }));
  const refused = await cli(dir, ['ehr', 'set', '--user', 'Ada Admin', '--settings', typo], 'admin-pin-1\n');
  expect(refused.code).toBe(2);
  expect(refused.stderr).toMatch(/"destinations\.0\.tsl" is not an EHR settings field \(there: kind, id, name, enabled, host, port, tls, .*\)\. Nothing was saved\./);
  expect(JSON.parse((await cli(dir, ['ehr', 'show', '--json'])).stdout).destinations).toEqual([]);
  expect((await cli(dir, ['ehr', 'set', '--user', 'Ada Admin', '--settings', settings], 'admin-pin-1\n')).code).toBe(0);
  expect((await cli(dir, ['case', 'status', id, 'closed'])).code).toBe(0);
  // The physician adopts the interpretation the record suggests, then signs.
  expect((await cli(dir, ['report', id, '--text'])).stdout).toContain(`Suggested from the record (adopt it with: closeout report edit ${id} interpretation --adopt)`);
  expect((await cli(dir, ['sign', id, '--as', 'Morgan Example (demo)'], 'demo-sign\n')).code).toBe(2);
  expect((await cli(dir, ['report', 'edit', id, 'interpretation', '--adopt'])).code).toBe(0);
  expect((await cli(dir, ['sign', id, '--as', 'Morgan Example (demo)'], 'demo-sign\n')).code).toBe(0);

  const sent = await cli(dir, ['send', id, '--json']);
  expect(sent.code).toBe(0);
  const ds = JSON.parse(sent.stdout);
  expect(ds).toMatchObject([{ destinationId: 'his', state: 'acknowledged', version: 1 }]);
  expect(listener.received.map((m) => m.controlId)).toEqual([ds[0].reference]);
  const list = await cli(dir, ['deliveries', id]);
  expect(list.stdout).toMatch(/Hospital HIS\s+Acknowledged by the EHR/);

  const signed = path.join(dir, 'signed.pdf');
  expect((await cli(dir, ['export', id, '--pdf', signed])).stdout).toMatch(/^Signed report written to/);
  expect(execFileSync('pdftotext', [signed, '-'], { encoding: 'utf8', timeout: HANG_MS })).not.toContain('DRAFT');

  await listener.stop();
  const down = await cli(dir, ['send', id, '--wait', '1']);
  expect(down.code).toBe(3);
  expect(down.stdout).toMatch(/Retrying/);
  expect(down.stderr).toMatch(/keeps the rest queued/);
});
