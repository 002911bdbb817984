/**
 * The practice server (#17), measured on real components: its own PostgreSQL, HTTPS on loopback,
 * real workstation backends on real SQLite files.
 *
 * - Sync lag: 10 workstations capture at once (each a note every 200 ms, the background sender
 *   running as in the app); for every event, from the moment the workstation stored it to the
 *   moment the server holds it (a reader 25 ms apart polls the server's copy), p95.
 * - Scale: 25,000 cases from 50 workstations, sent through the server's own receiving path; the
 *   physician's queue and the billing worklist, each the whole HTTPS call a person waits for.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { median, percentile, type BenchRow } from './bench-row';
import type { createBackend as CreateBackendFn } from '../backend/host';
import type { TestServer } from '../../tests/helpers/practice-server';

type CreateBackend = typeof CreateBackendFn;

const LAG_TARGET_MS = 2000;
const READ_TARGET_MS = 200;

export async function benchPracticeServer(opts: { seconds?: number; workstations?: number; cases?: number; runs?: number; signRuns?: number } = {}): Promise<BenchRow[]> {
  const { startTestServer, addUser, loginCookie, request, serverCli } = await import('../../tests/helpers/practice-server');
  const { createBackend } = await import('../backend/host');
  const dirs: string[] = [];
  const tempDir = () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'closeout-bench-ws-'));
    dirs.push(d);
    return d;
  };
  const { receivePush } = await import('../server/sync-receive');
  const seconds = opts.seconds ?? 20;
  const nWs = opts.workstations ?? 10;
  const nCases = opts.cases ?? 25_000;
  const runs = opts.runs ?? 15;
  const s = await startTestServer();
  const backends: Array<ReturnType<typeof createBackend>> = [];
  try {
    const url = `https://127.0.0.1:${s.server.port}`;
    // ---- lag ----
    const stored = new Map<string, number>(); // `${ws}:${localId}` → stored at
    const wsIds: string[] = [];
    const caseIds: string[] = [];
    for (let i = 0; i < nWs; i++) {
      const b = createBackend({ dataDir: tempDir(), actor: 'bench', appVersion: '0.0.0-bench', sync: true });
      backends.push(b);
      const code = JSON.parse((await serverCli(['enroll-code', '--dir', s.dir, '--workstation', `Bench OR ${i + 1}`, '--json'])).stdout).code as string;
      const e = await b.call('enrollSync', { url, fingerprint: s.server.fingerprint, code });
      if (!e.ok) throw new Error(e.message);
      const st = e.value as { server: { workstationName: string } };
      const ws = await s.db.pool.query<{ id: string }>('SELECT id FROM workstations WHERE name = $1', [st.server.workstationName]);
      wsIds.push(ws.rows[0]!.id);
      const c = await b.call('createCase', {
        patient: { lastName: 'Bench', firstName: `Lag${i}`, mrn: `LAG-${i}`, dateOfBirth: '1970-01-01', sex: 'U' },
        procedure: { description: 'Lumbar fusion' },
        dateOfService: new Date().toISOString().slice(0, 10),
      });
      if (!c.ok) throw new Error(c.message);
      const caseId = (c.value as { id: string }).id;
      caseIds.push(caseId);
      await b.call('setCaseStatus', { id: caseId, status: 'capturing' });
    }
    const seen = new Map<string, number>();
    let watching = true;
    const watcher = (async () => {
      const last = new Map<string, number>();
      while (watching) {
        const r = await s.db.pool.query<{ workstation_id: string; local_id: string }>(
          'SELECT workstation_id, local_id FROM ws_events WHERE workstation_id = ANY($1::uuid[]) AND local_id > 0 ORDER BY local_id',
          [wsIds],
        );
        const t = performance.now();
        for (const row of r.rows) {
          const k = `${row.workstation_id}:${row.local_id}`;
          if (!seen.has(k)) seen.set(k, t);
          last.set(row.workstation_id, Math.max(last.get(row.workstation_id) ?? 0, Number(row.local_id)));
        }
        await new Promise((res) => setTimeout(res, 25));
      }
    })();
    const until = performance.now() + seconds * 1000;
    let n = 0;
    await Promise.all(
      backends.map(async (b, i) => {
        while (performance.now() < until) {
          n += 1;
          const r = await b.call('addNote', { caseId: caseIds[i]!, text: `Bench note ${n}`, occurredAt: Date.now(), clientId: `bench-lag-${i}-${n}` });
          if (r.ok) stored.set(`${wsIds[i]}:${(r.value as { id: number }).id}`, performance.now());
          await new Promise((res) => setTimeout(res, 200));
        }
      }),
    );
    const deadline = performance.now() + 30_000;
    while ([...stored.keys()].some((k) => !seen.has(k)) && performance.now() < deadline) await new Promise((res) => setTimeout(res, 50));
    watching = false;
    await watcher;
    const lags = [...stored].map(([k, t]) => (seen.get(k) ?? Number.POSITIVE_INFINITY) - t);
    const p95 = percentile(lags, 95);
    const missing = lags.filter((l) => !Number.isFinite(l)).length;
    for (const b of backends) await b.close();
    backends.length = 0;

    // ---- scale ----
    const npi = '1234567893';
    const physician = await loginCookie(s, 'dr.bench', await addUser(s.dir, 'dr.bench', ['physician'], { npi }));
    const billing = await loginCookie(s, 'billing.bench', await addUser(s.dir, 'billing.bench', ['billing']));
    const perWs = Math.ceil(nCases / 50);
    const t0 = Date.now() - 90 * 86_400_000;
    for (let w = 0; w < 50; w++) {
      const code = JSON.parse((await serverCli(['enroll-code', '--dir', s.dir, '--workstation', `Scale OR ${w + 1}`, '--json'])).stdout).code as string;
      const e = await request(s, 'POST', '/api/enroll', { body: { code } });
      const wsId = e.body.workstation.id as string;
      const people = [
        { entity: 'person', key: `p-${w}-me`, row: { id: `p-${w}-me`, role: 'physician', npi, last_name: 'Bench', first_name: 'Doc' } },
        { entity: 'person', key: `p-${w}-other`, row: { id: `p-${w}-other`, role: 'physician', npi: null, last_name: 'Other', first_name: 'Doc' } },
      ];
      await receivePush(s.db.pool, wsId, { records: people });
      for (let start = 0; start < perWs; start += 200) {
        const records: unknown[] = [];
        for (let k = start; k < Math.min(perWs, start + 200); k++) {
          const i = w * perWs + k;
          const id = `scale-${w}-${k}`;
          const dos = new Date(t0 + (i % 90) * 86_400_000).toISOString().slice(0, 10);
          const status = i % 10 === 0 ? 'closed' : 'signed';
          records.push({
            entity: 'case',
            key: id,
            row: { id, version: 1, status, date_of_service: dos, updated_at: t0 + i, patient_last_name: 'Scale', patient_first_name: `P${i}`, procedure_text: 'Fusion', physician_id: i % 20 === 0 ? `p-${w}-me` : `p-${w}-other` },
          });
          records.push({
            entity: 'claim',
            key: id,
            row: { case_id: id, date_of_service: dos, clean: i % 4 === 0 ? 0 : 1, blocking: i % 4 === 0 ? 1 : 0, warnings: 0, top_rules: i % 4 === 0 ? '["C04"]' : '[]', minutes: 120, updated_at: t0 + i },
          });
        }
        await receivePush(s.db.pool, wsId, { records });
      }
    }
    await s.db.pool.query('ANALYZE');
    const time = async (path: string, cookie: string): Promise<number[]> => {
      const out: number[] = [];
      for (let i = 0; i < runs + 2; i++) {
        const a = performance.now();
        const r = await request(s, 'GET', path, { cookie });
        if (r.status !== 200) throw new Error(`${path}: ${r.status} ${r.text}`);
        if (i >= 2) out.push(performance.now() - a);
      }
      return out;
    };
    const queue = await time('/api/queue', physician);
    const worklist = await time('/api/claims', billing);
    const queueSize = (await request(s, 'GET', '/api/queue', { cookie: physician })).body.queue.length as number;
    const worklistTotal = ((await request(s, 'GET', '/api/claims', { cookie: billing })).body.total as number).toLocaleString('en-US');
    // ---- a remote signature reaches the OR after an outage ----
    const signAfter = await signedAfterReconnect(s, createBackend, tempDir, opts.signRuns ?? 5);

    return [
      {
        measure: `Remote signature → on the workstation and its EHR delivery queued, after the workstation was cut off from the server (≥ 10 s, the retry wait at its longest); ${signAfter.length} runs`,
        target: '≤ 5000 ms after the server is reachable',
        median: `${median(signAfter).toFixed(0)} ms (worst ${Math.max(...signAfter).toFixed(0)} ms)`,
        pass: Math.max(...signAfter) <= 5000,
      },
      {
        measure: `Sync lag: workstation event stored → on the practice server, ${nWs} workstations capturing at once (${stored.size} events over ${seconds} s), p95`,
        target: `≤ ${LAG_TARGET_MS} ms, none lost`,
        median: `${p95.toFixed(0)} ms (median ${median(lags).toFixed(0)} ms${missing ? `, ${missing} never arrived` : ''})`,
        pass: p95 <= LAG_TARGET_MS && missing === 0,
      },
      {
        measure: `Practice server, ${nCases.toLocaleString('en-US')} cases from 50 workstations: physician's queue over HTTPS (${queueSize} waiting; ${runs} runs)`,
        target: `≤ ${READ_TARGET_MS} ms`,
        median: `${median(queue).toFixed(0)} ms`,
        pass: median(queue) <= READ_TARGET_MS,
      },
      {
        measure: `Practice server, ${nCases.toLocaleString('en-US')} cases from 50 workstations: billing worklist over HTTPS (first 1,000 of ${worklistTotal}, not clean first; ${runs} runs)`,
        target: `≤ ${READ_TARGET_MS} ms`,
        median: `${median(worklist).toFixed(0)} ms`,
        pass: median(worklist) <= READ_TARGET_MS,
      },
    ];
  } finally {
    for (const b of backends) await b.close();
    await s.stop();
    for (const d of [...dirs, s.dir]) fs.rmSync(d, { recursive: true, force: true });
  }
}

type TestServerLike = TestServer;

/**
 * A workstation cut off from the server (its HTTPS front stopped) while the physician signs; the
 * front comes back at t0; the time until the workstation holds the signed version and has queued
 * its EHR delivery. The outage outlasts the retry wait's growth, so this is its worst case.
 */
async function signedAfterReconnect(
  s: TestServerLike,
  createBackend: CreateBackend,
  tempDir: () => string,
  runs: number,
): Promise<number[]> {
  const { addUser, serverCli } = await import('../../tests/helpers/practice-server');
  const { signRemotely } = await import('../server/remote-signing');
  const { listAccounts } = await import('../server/accounts');
  const npi = '1245319599';
  await addUser(s.dir, 'dr.reconnect', ['physician'], { npi });
  const account = (await listAccounts(s.db.pool)).find((a) => a.username === 'dr.reconnect')!;
  const b = createBackend({ dataDir: tempDir(), actor: 'bench', appVersion: '0.0.0-bench', sync: true, deliver: true });
  const call = async (m: string, a: unknown) => {
    const r = await b.call(m, a);
    if (!r.ok) throw new Error(`${m}: ${r.message}`);
    return r.value as never;
  };
  const out: number[] = [];
  try {
    const code = JSON.parse((await serverCli(['enroll-code', '--dir', s.dir, '--workstation', 'Reconnect OR', '--json'])).stdout).code as string;
    await call('enrollSync', { url: `https://127.0.0.1:${s.server.port}`, fingerprint: s.server.fingerprint, code });
    const admin = await call('saveUser', { user: { name: 'Bench Admin', role: 'admin' } });
    await call('setUserPin', { id: (admin as { id: string }).id, newPin: 'bench-admin-1' });
    await call('saveEhrSettings', { settings: { destinations: [{ kind: 'folder', id: 'drop', name: 'Drop', path: tempDir(), sidecar: 'none' }] }, userId: 'Bench Admin', pin: 'bench-admin-1' });
    // The practice's physicians reach the workstation with sync: the physician may be in its list already.
    const listed = ((await call('listPeople', { role: 'physician' })) as Array<{ id: string; npi: string | null }>).find((p) => p.npi === npi);
    const doc = listed ?? ((await call('createPerson', { role: 'physician', lastName: 'Reconnect', firstName: 'Rae', credential: 'MD', npi })) as { id: string });
    for (let i = 0; i < runs; i++) {
      const c = (await call('createCase', {
        patient: { lastName: 'Bench', firstName: `Sign${i}`, mrn: `SIGN-${i}`, dateOfBirth: '1970-01-01', sex: 'U' },
        procedure: { description: 'Lumbar fusion' },
        dateOfService: new Date().toISOString().slice(0, 10),
        physicianId: doc.id,
        readerLocation: 'remote',
      })) as { id: string };
      const t = Date.now() - 3 * 3_600_000;
      await call('addNote', { caseId: c.id, text: 'Monitoring start', occurredAt: t, clientId: `bench-sign-${i}-start`, kind: 'monitoring_start' });
      await call('addNote', { caseId: c.id, text: 'Monitoring end', occurredAt: t + 3_600_000, clientId: `bench-sign-${i}-end`, kind: 'monitoring_end' });
      await call('setCaseStatus', { id: c.id, status: 'closed' });
      const report = (await call('getReport', { caseId: c.id })) as { sections: Array<{ id: string; text: string; origin: string; gaps: string[]; suggestion: string | null }> };
      for (const sec of report.sections) {
        if (sec.id === 'interpretation') await call('saveSection', { caseId: c.id, sectionId: sec.id, text: sec.suggestion ?? 'Monitoring as recorded.' });
        else if (sec.gaps.length > 0) await call('saveSection', { caseId: c.id, sectionId: sec.id, text: sec.text });
      }
      // The draft on the server, then the OR loses the server.
      let draftSha = '';
      const until = Date.now() + 30_000;
      while (Date.now() < until) {
        const d = await s.db.pool.query<{ draft_sha256: string; draft: { blockers: string[] } }>('SELECT draft_sha256, draft FROM ws_drafts WHERE case_id = $1', [c.id]);
        if (d.rows[0] && d.rows[0].draft.blockers.length === 0) {
          draftSha = d.rows[0].draft_sha256;
          break;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      if (!draftSha) throw new Error('the draft never reached the server');
      await s.down();
      await signRemotely(s.db.pool, { kind: 'user', id: account.id, name: account.username, ip: null }, account, c.id, { draftSha256: draftSha, password: 'a long enough passphrase' });
      await new Promise((r) => setTimeout(r, 10_000));
      await s.up();
      const t0 = performance.now();
      for (;;) {
        const deliveries = (await call('listDeliveries', { caseId: c.id })) as unknown[];
        if (deliveries.length > 0) break;
        if (performance.now() - t0 > 60_000) throw new Error('the signature never arrived');
        await new Promise((r) => setTimeout(r, 20));
      }
      out.push(performance.now() - t0);
    }
  } finally {
    await b.close();
  }
  return out;
}
