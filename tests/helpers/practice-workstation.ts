/**
 * Workstations joined to a test practice server, and the closed cases they send. Apart from
 * practice-server.ts because these use the test backend (and so vitest's hooks), which the bench
 * (npm run bench, outside vitest) must not load with the server helpers.
 */
import { completeReport, sampleCase, testBackend, type TestBackend } from './backend';
import { serverCli, type TestServer } from './practice-server';

/**
 * The workstations a test file joins to its server, each with a fresh one-time code, closed
 * together at the end (`closeAll`, in afterAll). `background`: sync and the EHR queue run as in
 * the app; else the test drives them (`syncNow`).
 */
export function joinedWorkstations(server: () => TestServer) {
  const all: TestBackend[] = [];
  return {
    async join(name: string, opts: { background: boolean }): Promise<TestBackend> {
      const s = server();
      const b = testBackend({ sync: opts.background, deliver: opts.background });
      try {
        const code = JSON.parse((await serverCli(['enroll-code', '--dir', s.dir, '--workstation', name, '--json'])).stdout).code as string;
        await b.ok('enrollSync', { url: `https://127.0.0.1:${s.server.port}`, fingerprint: s.server.fingerprint, code });
      } catch (e) {
        await b.close();
        throw e;
      }
      all.push(b);
      return b;
    },
    async closeAll(): Promise<void> {
      for (const b of all.splice(0)) await b.close();
    },
  };
}

/**
 * A closed case naming the physician with `npi` (added to the people list if missing), an hour of
 * monitoring captured in the last hours, the report complete but not signed.
 */
export async function closedRemoteCase(b: TestBackend, npi: string, tag: string): Promise<string> {
  let doc = (await b.ok('listPeople', { role: 'physician' })).find((p) => p.npi === npi);
  doc ??= await b.ok('createPerson', { role: 'physician', lastName: 'Remote', firstName: 'Rosa', credential: 'MD', npi });
  const c = await b.ok('createCase', sampleCase({ physicianId: doc.id, readerLocation: 'remote' }));
  const t0 = Date.now() - 3 * 3600_000;
  const note = (min: number, text: string, kind: 'note' | 'monitoring_start' | 'monitoring_end' = 'note') =>
    b.ok('addNote', { caseId: c.id, text, occurredAt: t0 + min * 60_000, clientId: `${tag}-${min}-${kind}`, kind });
  await note(0, 'Monitoring start', 'monitoring_start');
  for (let m = 5; m < 60; m += 5) await note(m, `Check ${m}: all modalities at baseline`);
  await note(65, 'Monitoring end', 'monitoring_end');
  await b.ok('setCaseStatus', { id: c.id, status: 'closed' });
  await completeReport(b, c.id, 'Monitoring as documented; no significant change.');
  return c.id;
}
