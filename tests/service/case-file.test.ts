import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { caseFileInputs, caseFileJson, parseCaseFile } from '../../shared/casefile/codec';
import type { CaseFile } from '../../shared/casefile/case-file';
import type { CaseEvent } from '../../shared/domain/event';
import type { Person } from '../../shared/domain/person';
import { buildCaseFacts } from '../../shared/report/facts';
import { DB_FILE_NAME } from '../../electron/services/store/open-db';
import { Store } from '../../electron/services/store/store';
import { sampleCase, testBackend } from '../helpers/backend';
import { byStoreOrder, FILE_PEOPLE, fileCaseEvents, relabelEventIds } from '../helpers/case-file';
import { cli, cliProcess, ROOT } from '../helpers/cli';
import { tempDir } from '../helpers/temp-dir';

const PHI = ['Testpatient', 'SYN-1001', '1958-06-30'];

/**
 * A closed case in a fresh data folder: people and record through the contract, a typed note,
 * and device events stored as capture stores them (out of time order, two at one instant).
 */
async function sourceCase(dataDir = tempDir()): Promise<{ dataDir: string; caseId: string }> {
  const b = testBackend({ dataDir });
  const surgeon = await b.ok('createPerson', FILE_PEOPLE.surgeon);
  const technologist = await b.ok('createPerson', FILE_PEOPLE.technologist);
  const physician = await b.ok('createPerson', FILE_PEOPLE.physician);
  const c = await b.ok('createCase', sampleCase({ surgeonId: surgeon.id, technologistId: technologist.id, physicianId: physician.id, readerLocation: 'remote' }));
  await b.ok('addNote', { caseId: c.id, text: 'Patient positioned prone', occurredAt: Date.now() - 60_000, clientId: 'note-positioned-1' });
  await b.close();
  const store = Store.open({ dataDir });
  store.write(() => {
    for (const { id: _id, ...e } of fileCaseEvents(c.id)) store.events.append({ ...e, caseId: c.id });
  });
  store.close();
  const again = testBackend({ dataDir });
  await again.ok('setCaseStatus', { id: c.id, status: 'closed' });
  await again.close();
  return { dataDir, caseId: c.id };
}

type Snapshot = Awaited<ReturnType<typeof snapshot>>;

/** What a data folder holds about one case, through the contract. */
async function snapshot(dataDir: string, caseId: string) {
  const b = testBackend({ dataDir });
  try {
    const detail = await b.ok('getCase', { id: caseId });
    const events = byStoreOrder(await b.ok('listEvents', { caseId, limit: 5000 }));
    const report = await b.ok('getReport', { caseId });
    const people = await b.ok('listPeople', { includeInactive: true });
    return { detail, events, report, people };
  } finally {
    await b.close();
  }
}

const personFields = (p: Person | null) => (p ? { role: p.role, lastName: p.lastName, firstName: p.firstName, credential: p.credential, npi: p.npi, active: p.active } : null);
const eventFields = (events: readonly CaseEvent[]) => events.map(({ id: _id, caseId: _c, ...e }) => e);
const recordFields = (s: Snapshot) => {
  const { version: _v, surgeonId: _s, technologistId: _t, physicianId: _p, ...rest } = s.detail.case;
  return rest;
};

function auditRows(dataDir: string, caseId?: string) {
  const store = Store.open({ dataDir });
  try {
    const rows = caseId ? store.audit.forCase(caseId) : [];
    return { rows, intact: store.audit.verify().problems.length === 0, all: store.db.prepare('SELECT action, detail FROM audit_log ORDER BY seq').all() as { action: string; detail: string }[] };
  } finally {
    store.close();
  }
}

describe('case file export and import (real SQLite, two data folders)', () => {
  it('moves a case with its people and events from one workstation to another: same record, events and facts', async () => {
    const a = await sourceCase();
    const file = path.join(tempDir('closeout-casefile-'), 'case.json');
    const exported = await cli(a.dataDir, ['case', 'export', a.caseId, '--out', file]);
    expect(exported).toMatchObject({ code: 0, stderr: '' });
    expect(exported.stdout).toMatch(/^Exported case .* \(\d+ events, 3 people\) to .*case\.json\.\n$/);
    if (process.platform !== 'win32') expect(fs.statSync(file).mode & 0o777).toBe(0o600);

    const b = tempDir();
    const imported = await cli(b, ['case', 'import', file, '--json']);
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    const result = JSON.parse(imported.stdout);
    const before = await snapshot(a.dataDir, a.caseId);
    expect(result).toEqual({ caseId: a.caseId, status: 'closed', events: before.events.length, peopleCreated: 3, peopleMatched: 0, notes: [] });

    const after = await snapshot(b, a.caseId);
    expect(recordFields(after)).toEqual(recordFields(before));
    expect(after.detail.case.version).toBe(1);
    for (const role of ['surgeon', 'technologist', 'physician'] as const) {
      expect(personFields(after.detail.people[role])).toEqual(personFields(before.detail.people[role]));
      expect(after.detail.case[`${role}Id`]).toBe(after.detail.people[role]?.id);
    }
    expect(after.events).toHaveLength(before.events.length);
    expect(eventFields(after.events)).toEqual(eventFields(before.events));
    expect(after.events.filter((e) => e.source === 'keyboard').map((e) => e.dedupeKey)).toContain('note:note-positioned-1');

    // The report (and so the claim) is computed from the same facts on both workstations...
    expect(relabelEventIds(after.report.facts, after.events)).toEqual(relabelEventIds(before.report.facts, before.events));
    expect(after.report.sections.map((s) => s.text)).toEqual(before.report.sections.map((s) => s.text));
    expect(after.report.facts.alerts).toHaveLength(1);
    // ...and straight from the file, without importing it.
    const parsed = parseCaseFile(JSON.parse(fs.readFileSync(file, 'utf8')));
    if (!parsed.ok) throw new Error(parsed.message);
    const inputs = caseFileInputs(parsed.value);
    expect(relabelEventIds(buildCaseFacts(inputs), inputs.events)).toEqual(relabelEventIds(before.report.facts, before.events));

    // Both acts are audited, with ids and counts only.
    const source = auditRows(a.dataDir, a.caseId);
    expect(source.intact).toBe(true);
    expect(source.rows.filter((r) => r.action === 'case.export').map((r) => r.detail)).toEqual([{ events: before.events.length, people: 3 }]);
    const target = auditRows(b, a.caseId);
    expect(target.intact).toBe(true);
    expect(target.rows.find((r) => r.action === 'case.import')?.detail).toEqual({
      fromCaseId: a.caseId,
      asNew: false,
      events: before.events.length,
      peopleCreated: 3,
      peopleMatched: 0,
      status: 'closed',
    });
    expect(target.all.filter((r) => r.action === 'person.create')).toHaveLength(3);
    for (const row of [...source.all, ...target.all]) for (const phi of PHI) expect(row.detail).not.toContain(phi);
  });

  it('refuses a case that is already here; --as-new brings a second copy and reuses the people', async () => {
    const a = await sourceCase();
    const file = path.join(tempDir('closeout-casefile-'), 'case.json');
    fs.writeFileSync(file, (await cli(a.dataDir, ['case', 'export', a.caseId])).stdout);
    const b = tempDir();
    expect((await cli(b, ['case', 'import', file])).stdout).toMatch(/^Imported case .* \(closed\): \d+ events; people: 0 already here, 3 added\.\n$/);

    const again = await cli(b, ['case', 'import', file]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(`This case (ID ${a.caseId}) is already on this workstation, so nothing was imported.`);
    expect(again.stderr).toContain(`To keep both, run: closeout case import ${file} --as-new`);
    // The same refusal reaches the app as a CONFLICT it can offer "import as new" on.
    const backend = testBackend({ dataDir: b });
    const refused = await backend.fail('importCaseFile', { file: JSON.parse(fs.readFileSync(file, 'utf8')) });
    expect(refused.code).toBe('CONFLICT');
    await backend.close();

    const copy = await cli(b, ['case', 'import', file, '--as-new', '--json']);
    expect(copy.code).toBe(0);
    const r = JSON.parse(copy.stdout);
    expect(r).toMatchObject({ peopleCreated: 0, peopleMatched: 3, status: 'closed' });
    expect(r.caseId).not.toBe(a.caseId);
    const cases = JSON.parse((await cli(b, ['case', 'list', '--json'])).stdout);
    expect(cases.map((c: { id: string }) => c.id).sort()).toEqual([a.caseId, r.caseId].sort());
    expect(JSON.parse((await cli(b, ['people', 'list', '--json'])).stdout)).toHaveLength(3);
    const original = await snapshot(b, a.caseId);
    const second = await snapshot(b, r.caseId);
    expect(eventFields(second.events)).toEqual(eventFields(original.events));
    expect(second.events.every((e) => e.caseId === r.caseId)).toBe(true);
    expect(second.detail.case.surgeonId).toBe(original.detail.case.surgeonId);
    expect(auditRows(b, r.caseId).rows.find((x) => x.action === 'case.import')?.detail).toMatchObject({ fromCaseId: a.caseId, asNew: true, peopleMatched: 3 });
  });

  it('matches people already in the list by role and NPI, or by role, names and credential; two NPIs are two people', async () => {
    const a = await sourceCase();
    const file = (await cli(a.dataDir, ['case', 'export', a.caseId])).stdout;
    const b = testBackend();
    const surgeon = await b.ok('createPerson', { ...FILE_PEOPLE.surgeon, firstName: 'Samuel' });
    const tech = await b.ok('createPerson', { ...FILE_PEOPLE.technologist, lastName: 'WAVE', firstName: 'tess' });
    const otherReader = await b.ok('createPerson', { ...FILE_PEOPLE.physician, npi: '1555555550' });
    const r = await b.ok('importCaseFile', { file: JSON.parse(file) });
    expect(r).toMatchObject({ peopleMatched: 2, peopleCreated: 1 });
    const detail = await b.ok('getCase', { id: r.caseId });
    expect(detail.case.surgeonId).toBe(surgeon.id);
    expect(detail.case.technologistId).toBe(tech.id);
    expect(detail.case.physicianId).not.toBe(otherReader.id);
    expect(detail.people.physician).toMatchObject({ lastName: 'Reader', npi: '1987654328' });
    expect(b.pushes.map((p) => p.name)).toEqual(expect.arrayContaining(['caseChanged', 'peopleChanged']));
    await b.close();
  });

  it('a capturing or signed case arrives open or closed, and says why', async () => {
    const a = await sourceCase();
    const file = JSON.parse((await cli(a.dataDir, ['case', 'export', a.caseId])).stdout) as { case: { status: string } };
    const b = testBackend();
    file.case.status = 'capturing';
    const open = await b.ok('importCaseFile', { file });
    expect(open.status).toBe('open');
    expect(open.notes[0]).toMatch(/was capturing where it was exported; it is open here/);
    file.case.status = 'signed';
    const closed = await b.ok('importCaseFile', { file, asNew: true });
    expect(closed.status).toBe('closed');
    expect(closed.notes[0]).toMatch(/its signed report is not part of the case file/);
    expect((await b.ok('getCaptureStatus', {})).capturingCaseId).toBeNull();
    await b.close();
  });

  it('bad files exit 2 with a plain message and import nothing', async () => {
    const dir = tempDir('closeout-casefile-');
    const write = (name: string, text: string) => {
      const f = path.join(dir, name);
      fs.writeFileSync(f, text);
      return f;
    };
    const a = await sourceCase();
    const good = JSON.parse((await cli(a.dataDir, ['case', 'export', a.caseId])).stdout) as { events: Record<string, unknown>[] };
    // Only problem: two events with one source and key (found by the store's unique index as the
    // events move in, then named; the import is rolled back whole).
    const twice = structuredClone(good);
    twice.events[7]!['source'] = twice.events[3]!['source'];
    twice.events[7]!['dedupeKey'] = twice.events[3]!['dedupeKey'];
    delete good.events[4]!['occurredAt'];
    const target = tempDir();
    for (const [argv, message] of [
      [['case', 'import', write('garbage.json', 'PK\u0003\u0004 this is a zip, not JSON')], /^Error: .*garbage\.json is not valid JSON \(.*\), so it is not a Closeout case file\.\n$/],
      [['case', 'import', write('other.json', '{"name":"closeout","version":"0.1.0"}')], /^Error: This is not a Closeout case file \(it should start with "format": "closeout-case"\)\.\n$/],
      [['case', 'import', write('newer.json', '{"format":"closeout-case","version":2}')], /made by a newer Closeout \(version 2\)/],
      [['case', 'import', write('no-time.json', JSON.stringify(good))], /^Error: Event 5 has no time\.\n$/],
      [['case', 'import', write('twice.json', JSON.stringify(twice))], /^Error: Events 4 and 8 have the same source and dedupe key \(".+", ".+"\): give each event its own key\.\n$/],
      [['case', 'import', path.join(dir, 'missing.json')], /Cannot read .*missing\.json\. Check the path\./],
      [['case', 'import'], /Wrong number of arguments/],
      [['case', 'export', 'no-such-case'], /No case with ID no-such-case/],
    ] as const) {
      const r = await cli(target, [...argv]);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    const json = await cli(target, ['case', 'import', path.join(dir, 'no-time.json'), '--json']);
    expect(JSON.parse(json.stdout)).toEqual({ ok: false, code: 'BAD_INPUT', message: 'Event 5 has no time.' });
    expect(JSON.parse((await cli(target, ['case', 'list', '--json'])).stdout)).toEqual([]);
    expect(JSON.parse((await cli(target, ['people', 'list', '--json'])).stdout)).toEqual([]);
    expect(auditRows(target).all.filter((x) => x.action === 'case.import' || x.action === 'person.create')).toEqual([]);
    // The same file through the contract (parsed JSON, not streamed): the same refusal.
    const b = testBackend({ dataDir: target });
    try {
      const r = await b.call('importCaseFile', { file: twice, asNew: true });
      expect(r).toMatchObject({ ok: false, code: 'BAD_INPUT', message: expect.stringMatching(/^Events 4 and 8 have the same source and dedupe key/) });
      expect(await b.ok('listCases', {})).toEqual([]);
    } finally {
      await b.close();
    }
  });

  it('is one transaction: a failure while storing events leaves no case, no people, no audit row', async () => {
    const a = await sourceCase();
    const file = path.join(tempDir('closeout-casefile-'), 'case.json');
    await cli(a.dataDir, ['case', 'export', a.caseId, '--out', file]);
    const b = tempDir();
    expect((await cli(b, ['status'])).code).toBe(0);
    // Make the database itself refuse one event halfway through (people and case already written).
    const db = new Database(path.join(b, DB_FILE_NAME));
    db.exec("CREATE TRIGGER refuse_closure BEFORE INSERT ON events WHEN NEW.text = 'Closure' BEGIN SELECT RAISE(ABORT, 'refused'); END");
    db.close();
    const r = await cli(b, ['case', 'import', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error: Something went wrong inside Closeout\. Your saved data is safe\./);
    expect(JSON.parse((await cli(b, ['case', 'list', '--json'])).stdout)).toEqual([]);
    expect(JSON.parse((await cli(b, ['people', 'list', '--json'])).stdout)).toEqual([]);
    const audit = auditRows(b);
    expect(audit.all.filter((x) => x.action === 'case.import' || x.action === 'person.create')).toEqual([]);
  });

  it('writes ids and counts to the log, never patient details', async () => {
    const a = await sourceCase();
    const src = testBackend({ dataDir: a.dataDir, logToFile: true });
    const file = await src.ok('exportCaseFile', { caseId: a.caseId });
    await src.close();
    const dst = testBackend({ logToFile: true });
    await dst.ok('importCaseFile', { file: JSON.parse(caseFileJson(file)), asNew: true });
    await dst.close();
    for (const dir of [a.dataDir, dst.dataDir]) {
      const log = fs.readFileSync(path.join(dir, 'logs', 'closeout.log'), 'utf8');
      expect(log).toMatch(/"event":"case\.(exported|imported)"/);
      for (const phi of PHI) expect(log).not.toContain(phi);
    }
  });

  it('imports and exports a 50,000-event case', async () => {
    const a = await sourceCase();
    const b = testBackend({ dataDir: a.dataDir });
    const file = await b.ok('exportCaseFile', { caseId: a.caseId });
    await b.close();
    const base = Date.parse(file.events[0]!.occurredAt);
    const big: CaseFile = {
      ...file,
      events: Array.from({ length: 50_000 }, (_, i) => ({ ...file.events[2]!, occurredAt: new Date(base + i * 200).toISOString(), receivedAt: new Date(base + i * 200 + 500).toISOString(), dedupeKey: `trial:${i}` })),
    };
    const target = testBackend();
    const r = await target.ok('importCaseFile', { file: JSON.parse(caseFileJson(big)) });
    expect(r.events).toBe(50_000);
    const back = await target.ok('exportCaseFile', { caseId: r.caseId });
    expect(back.events).toHaveLength(50_000);
    expect(back.events.map((e) => e.dedupeKey)).toEqual(big.events.map((e) => e.dedupeKey));
    await target.close();
  });
});

describe('closeout case export/import (built binary)', () => {

  it('exports to stdout and imports the file in another data folder, with real exit codes', async () => {
    const a = await sourceCase();
    const out = cliProcess(['case', 'export', a.caseId], { env: { CLOSEOUT_DATA_DIR: a.dataDir } });
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    const parsed = parseCaseFile(JSON.parse(out.stdout));
    expect(parsed.ok).toBe(true);
    const file = path.join(tempDir('closeout-casefile-'), 'case.json');
    fs.writeFileSync(file, out.stdout);

    const env = { CLOSEOUT_DATA_DIR: tempDir() };
    const imported = cliProcess(['case', 'import', file, '--json'], { env });
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({ caseId: a.caseId, peopleCreated: 3 });
    const again = cliProcess(['case', 'import', file], { env });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already on this workstation/);
    expect(cliProcess(['case', 'import', '-'], { env, input: 'not json' }).code).toBe(2);
    const fromStdin = cliProcess(['case', 'import', '-', '--as-new'], { env, input: out.stdout });
    expect(fromStdin.code).toBe(0);
    expect(fromStdin.stdout).toMatch(/^Imported case /);
    const schema = cliProcess(['case', 'schema']);
    expect(schema.code).toBe(0);
    expect(schema.stdout).toBe(fs.readFileSync(path.join(ROOT, 'docs', 'case-file.schema.json'), 'utf8'));
  });
});

