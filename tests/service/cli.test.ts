import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleCase } from '../helpers/backend';
import { cli, cliProcess } from '../helpers/cli';
import { tempDir } from '../helpers/temp-dir';
import { DB_FILE_NAME } from '../../electron/services/store/open-db';
import { LATEST_SCHEMA_VERSION } from '../../electron/services/store/migrations';

const caseJson = (o: Record<string, unknown> = {}) => JSON.stringify(sampleCase(o));

describe('closeout CLI (in process)', () => {
  it('people add / list, case new / list / show / edit / status, note add, events list, audit verify', async () => {
    const d = tempDir();
    const doc = await cli(d, ['people', 'add', '--role', 'physician', '--last', 'Reader', '--first', 'Rita', '--credential', 'MD', '--npi', '1234567893']);
    expect(doc.code).toBe(0);
    const docId = doc.stdout.trim();
    expect(docId).toMatch(/^[0-9a-f-]{36}$/);
    const people = JSON.parse((await cli(d, ['people', 'list', '--json'])).stdout);
    expect(people).toEqual([expect.objectContaining({ id: docId, role: 'physician', npi: '1234567893' })]);

    const created = await cli(d, ['case', 'new', '--json', caseJson({ physicianId: docId })]);
    expect(created).toMatchObject({ code: 0, stderr: '' });
    const id = created.stdout.trim();

    const list = await cli(d, ['case', 'list', '--json']);
    expect(JSON.parse(list.stdout)).toEqual([expect.objectContaining({ id, patientName: 'Testpatient, Bea' })]);
    expect((await cli(d, ['case', 'list'])).stdout).toContain('Testpatient, Bea');

    const show = JSON.parse((await cli(d, ['case', 'show', id, '--json'])).stdout);
    expect(show.case.physicianId).toBe(docId);
    expect(show.gaps.map((g: { field: string }) => g.field)).toContain('surgeonId');
    const human = (await cli(d, ['case', 'show', id])).stdout;
    expect(human).toContain('Physician:      Rita Reader, MD');
    expect(human).toContain('Still needed:');

    const edit = await cli(d, ['case', 'edit', id, '--json', '{"readerLocation":"remote","payer":{"name":"Medicare"}}']);
    expect(edit.code).toBe(0);
    const after = JSON.parse((await cli(d, ['case', 'show', id, '--json'])).stdout).case;
    expect(after).toMatchObject({ readerLocation: 'remote', payer: { type: 'medicare_ffs', name: 'Medicare' }, version: 2 });
    // A field the case has no place for is named and nothing changes (it used to be dropped and "Updated").
    const typo = await cli(d, ['case', 'edit', id, '--json', '{"physicianLocation":"in_or","payer":{"nmae":"Medicaid"}}']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('"physicianLocation" is not a case field (there: patient, procedure, dateOfService');
    expect(typo.stderr).toContain('"payer.nmae" is not a case field (there: type, name).');
    expect(JSON.parse((await cli(d, ['case', 'show', id, '--json'])).stdout).case.version).toBe(2);
    expect((await cli(d, ['case', 'new', '--json', caseJson({ indication: 'Radiculopathy' })])).stderr).toContain('"indication" is not a case field');

    expect((await cli(d, ['note', 'add', id, 'Baseline', 'SSEP', 'obtained'])).code).toBe(0);
    const events = JSON.parse((await cli(d, ['events', 'list', id, '--json'])).stdout);
    expect(events).toEqual([expect.objectContaining({ kind: 'note', text: 'Baseline SSEP obtained', source: 'keyboard' })]);

    expect((await cli(d, ['case', 'status', id, 'closed'])).stdout).toContain('is now closed');
    const audit = await cli(d, ['audit', 'verify', '--json']);
    expect(audit.code).toBe(0);
    expect(JSON.parse(audit.stdout)).toMatchObject({ intact: true });
  });

  it('case new reads JSON from stdin and from a file', async () => {
    const d = tempDir();
    expect((await cli(d, ['case', 'new', '--json', '-'], caseJson())).code).toBe(0);
    const f = path.join(d, 'case.json');
    fs.writeFileSync(f, caseJson({ patient: { lastName: 'Filed', firstName: 'F', mrn: 'F1', dateOfBirth: '1960-01-01', sex: 'M' } }));
    expect((await cli(d, ['case', 'new', '--file', f])).code).toBe(0);
    expect(JSON.parse((await cli(d, ['case', 'list', '--json'])).stdout)).toHaveLength(2);
  });

  it('every contract method is reachable with "call"', async () => {
    const d = tempDir();
    const r = await cli(d, ['call', 'createCase', '--args', caseJson()]);
    expect(r.code).toBe(0);
    const c = JSON.parse(r.stdout);
    const got = JSON.parse((await cli(d, ['call', 'getCase', '--args', JSON.stringify({ id: c.id })])).stdout);
    expect(got.case.id).toBe(c.id);
    const status = JSON.parse((await cli(d, ['call', 'getStatus'])).stdout);
    expect(status.store).toEqual({ state: 'ok', schemaVersion: LATEST_SCHEMA_VERSION, warnings: [] });
    const bad = await cli(d, ['call', 'getCase', '--args', '{"id":""}']);
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.stdout)).toMatchObject({ ok: false, code: 'BAD_INPUT' });
    // A misspelt argument is named, not dropped (listCases would have listed every case).
    const typo = await cli(d, ['call', 'listCases', '--args', '{"serch":"Testpatient"}']);
    expect(typo.code).toBe(2);
    expect(JSON.parse(typo.stdout)).toEqual({ ok: false, code: 'BAD_INPUT', message: '"serch" is not a listCases field (there: search, limit). Nothing was called.' });
  });

  it.each([
    [['case', 'new', '--json', '{not json'], /not valid JSON/],
    [['case', 'new'], /Give the case as --json/],
    [['case', 'new', '--json', '{"patient":{"lastName":""}}'], /patient.lastName: Enter the patient's last name/],
    [['case', 'show', 'no-such-id'], /No case with ID no-such-id/],
    [['case', 'show'], /Wrong number of arguments/],
    [['case', 'list', '--bogus'], /Unknown option --bogus\./],
    [['case', 'list', '--limit', 'lots'], /--limit must be a whole number/],
    [['case', 'status', 'x', 'signed'], /No case with ID x/],
    [['case', 'status', 'x', 'finished'], /Unknown status "finished"/],
    [['people', 'add', '--role', 'nurse', '--last', 'A', '--first', 'B'], /Unknown role "nurse"/],
    [['people', 'add', '--role', 'physician', '--last', 'A', '--first', 'B', '--npi', '123'], /npi: The NPI must be 10 digits/],
    [['frobnicate'], /Unknown command "frobnicate"/],
    [['call', 'dropTables'], /Unknown method "dropTables"/],
  ])('bad input %j exits 2 with a message on stderr', async (argv, message) => {
    const r = await cli(tempDir(), argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('prints help and version', async () => {
    const d = tempDir();
    const h = await cli(d, ['help']);
    expect(h.code).toBe(0);
    expect(h.stdout).toContain('case new');
    expect(h.stdout).toContain('Exit codes: 0 ok, 1 internal error, 2 bad input');
    expect((await cli(d, ['case', 'new', '--help'])).stdout).toContain("closeout case new --json '<case JSON>'");
    expect((await cli(d, ['--version'])).stdout.trim()).toBe('0.0.0-test');
  });

  it('a damaged or newer database is reported, exit 2, file kept', async () => {
    const d = tempDir();
    fs.writeFileSync(path.join(d, DB_FILE_NAME), 'not sqlite at all '.repeat(50));
    const r = await cli(d, ['case', 'list']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/damaged.*left it untouched/);
    const s = await cli(d, ['status']);
    expect(s.code).toBe(2);
  });
});

describe('closeout binary (real process)', () => {

  it('works against a fresh CLOSEOUT_DATA_DIR with real exit codes', () => {
    const d = tempDir();
    const env = { CLOSEOUT_DATA_DIR: d };
    const created = cliProcess(['case', 'new', '--json', caseJson()], { env });
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const list = cliProcess(['case', 'list', '--json'], { env });
    expect(JSON.parse(list.stdout)[0].id).toBe(created.stdout.trim());
    expect(cliProcess(['case', 'show', 'nope', '--json'], { env }).code).toBe(2);
    expect(cliProcess(['case', 'new', '--json', '-'], { env, input: '{"x":' }).code).toBe(2);
  });

  it.runIf(process.platform !== 'win32')('a read-only data folder gets a plain message, exit 2', () => {
    const d = tempDir();
    fs.chmodSync(d, 0o555);
    const r = cliProcess(['case', 'list'], { env: { CLOSEOUT_DATA_DIR: d, HOME: '/tmp' }, fileModesApply: true });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot write to the data folder/);
  });
});

describe('command registry', () => {
  it('every command is reachable by its first word', async () => {
    const { allCommands } = await import('../../electron/cli/run');
    const d = tempDir();
    for (const c of await allCommands()) {
      const r = await cli(d, [...c.words, '--help']);
      expect(r.stdout, c.words.join(' ')).toContain(c.usage);
    }
  });
});

describe('report, sign and users from the command line', () => {
  it('prints the report, signs it with a PIN from stdin, and refuses a wrong PIN with exit 2', async () => {
    const d = tempDir();
    const doc = (await cli(d, ['people', 'add', '--role', 'physician', '--last', 'Reader', '--first', 'Rita', '--credential', 'MD', '--npi', '1234567893'])).stdout.trim();
    const user = await cli(d, ['users', 'add', '--name', 'Dr Reader', '--role', 'physician', '--person', doc], 'sesame-open\n');
    expect(user.code).toBe(0);
    const id = (await cli(d, ['case', 'new', '--json', caseJson({ physicianId: doc })])).stdout.trim();
    const text = await cli(d, ['report', id, '--text']);
    expect(text.stdout).toContain('PATIENT, PROCEDURE AND INDICATION');
    expect(text.stdout).toContain('Still missing:');
    const json = JSON.parse((await cli(d, ['report', id, '--json'])).stdout);
    expect(json.sections).toHaveLength(9);
    expect(json.facts.patient.mrn).toBe('SYN-1001');
    expect((await cli(d, ['sign', id, '--as', 'Dr Reader'], 'sesame-open\n')).stderr).toMatch(/Close the case before signing/);
    await cli(d, ['case', 'status', id, 'closed']);
    // Nobody has written the interpretation, and the record has gaps: exit 2, in plain words.
    const notReady = await cli(d, ['sign', id, '--as', 'Dr Reader'], 'sesame-open\n');
    expect(notReady.code).toBe(2);
    expect(notReady.stderr).toMatch(/^Error: Not signed\. The interpretation has not been written/);
    // An empty record suggests no interpretation, so there is nothing to adopt; an empty text is refused.
    expect((await cli(d, ['report', id, '--text'])).stdout).not.toContain('Suggested from the record');
    const adopt = await cli(d, ['report', 'edit', id, 'interpretation', '--adopt']);
    expect(adopt.code).toBe(2);
    expect(adopt.stderr).toContain('The draft suggests no wording for Interpretation and conclusion: write it on standard input.');
    expect((await cli(d, ['report', 'edit', id, 'interpretation'], '  \n')).code).toBe(2);
    const interp = await cli(d, ['report', 'edit', id, 'interpretation'], 'No recordings reached this workstation; nothing to interpret beyond the record.\n');
    expect(interp.code).toBe(0);
    const still = await cli(d, ['sign', id, '--as', 'Dr Reader'], 'sesame-open\n');
    expect(still.stderr).toMatch(/^Error: Not signed\. The report still lists \d+ gaps/);
    for (const section of ['patient', 'modalities', 'baselines', 'events', 'closing', 'monitoring']) {
      const current = JSON.parse((await cli(d, ['report', id, '--json'])).stdout).sections.find((s: { id: string }) => s.id === section);
      if (current.gaps.length) expect((await cli(d, ['report', 'edit', id, section], `${current.text}\n`)).code).toBe(0);
    }
    const wrong = await cli(d, ['sign', id, '--as', 'Dr Reader'], 'nope\n');
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/That PIN is not right/);
    const ok = await cli(d, ['sign', id, '--as', 'Dr Reader', '--json'], 'sesame-open\n');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ version: 1, signerName: 'Dr Reader', signerCredential: 'MD' });
    expect((await cli(d, ['report', id, '--text'])).stdout).toMatch(/Signed by Dr Reader, MD at .* \(SHA-256 [0-9a-f]{64}\)/);
    const add = await cli(d, ['sign', id, '--as', 'Dr Reader', '--addendum', 'Late note: patient moved at 09:40.'], 'sesame-open\n');
    expect(add.stdout).toMatch(/^Signed addendum 2/);
    expect((await cli(d, ['audit', 'verify'])).code).toBe(0);
  });
});

describe('quick entry from the command line', () => {
  it('records structured facts (a corrected time kept beside the keystroke) and a typed note as what it reads as; bad input exits 2', async () => {
    const d = tempDir();
    const id = (await cli(d, ['case', 'new', '--json', caseJson()])).stdout.trim();
    // Ten minutes ago, typed as a clock time: stored at that time, the keystroke kept beside it.
    const then = new Date(Date.now() - 10 * 60_000);
    const hms = [then.getHours(), then.getMinutes(), then.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
    const start = await cli(d, ['entry', id, 'monitoring-start', '--at', hms, '--json']);
    expect(start.code).toBe(0);
    const [mark] = JSON.parse(start.stdout);
    expect(Math.abs(mark.occurredAt - then.getTime())).toBeLessThan(1000);
    expect(mark.payload.keyedAt).toBeGreaterThan(mark.occurredAt);
    const base = JSON.parse((await cli(d, ['entry', id, 'baseline', '--modality', 'tcmep', '--limbs', 'upper,lower', '--json'])).stdout);
    expect(base.map((e: { kind: string; limb: string }) => [e.kind, e.limb])).toEqual([
      ['baseline', 'upper'],
      ['baseline', 'lower'],
    ]);
    const alert = JSON.parse((await cli(d, ['entry', id, 'alert', '--modality', 'tcmep', '--side', 'left', '--muscle', 'tibialis anterior', '--amplitude', '60', '--json'])).stdout);
    expect(alert[0]).toMatchObject({ kind: 'alert', modality: 'TCMEP', side: 'left', limb: 'lower', text: 'Left tibialis anterior TcMEP amplitude down 60% from baseline' });
    const vague = await cli(d, ['entry', id, 'alert', '--modality', 'tcmep']);
    expect(vague.code).toBe(2);
    expect(vague.stderr).toContain('Say what changed');
    expect((await cli(d, ['entry', id, 'lunch'])).code).toBe(2);
    // A modality typed loosely is read; one that could mean several is refused with the choices.
    expect(JSON.parse((await cli(d, ['entry', id, 'baseline', '--modality', 'Free-run EMG', '--json'])).stdout)[0]).toMatchObject({ kind: 'baseline', modality: 'EMG_FREE' });
    const emg = await cli(d, ['entry', id, 'baseline', '--modality', 'EMG']);
    expect(emg.code).toBe(2);
    expect(emg.stderr).toContain('could be EMG_FREE (Free-run EMG), EMG_TRIGGERED (Triggered EMG) or EMG_CRANIAL (Cranial nerve EMG)');

    const note = JSON.parse((await cli(d, ['note', 'add', id, 'Surgeon', 'notified', 'of', 'the', 'MEP', 'drop', '--json'])).stdout);
    expect(note.payload.reading).toMatchObject({ kind: 'surgeon_notified' });
    const recorded = JSON.parse((await cli(d, ['note', 'record', id, String(note.id), '--json'])).stdout);
    expect(recorded).toMatchObject([{ kind: 'surgeon_notified', payload: { fromNote: note.id } }]);
    const timeline = JSON.parse((await cli(d, ['call', 'getTimeline', '--args', JSON.stringify({ caseId: id })])).stdout);
    expect(timeline.alerts[0].notified).not.toBeNull();
  });
});
