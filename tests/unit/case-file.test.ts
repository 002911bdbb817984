import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCaseFile, caseFileChunks, caseFileInputs, caseFileJson, NOT_A_CASE_FILE, parseCaseFile } from '../../shared/casefile/codec';
import { CASE_FILE_SCHEMA_PATH, caseFileJsonSchema, caseFileJsonSchemaText } from '../../shared/casefile/json-schema';
import type { CaseFile } from '../../shared/casefile/case-file';
import { CaseInputSchema, type CaseRecord } from '../../shared/domain/case';
import { buildCaseFacts } from '../../shared/report/facts';
import { sampleCase } from '../helpers/backend';
import { byStoreOrder, fileCaseEvents, filePerson, relabelEventIds } from '../helpers/case-file';
import { at } from '../helpers/events';

const ROOT = path.resolve(__dirname, '../..');

const record = (patch: Partial<CaseRecord> = {}): CaseRecord => ({
  ...CaseInputSchema.parse(sampleCase({ dateOfService: '2026-11-26', readerLocation: 'remote', surgeonId: 'surgeon', technologistId: 'technologist', physicianId: 'physician' })),
  id: 'case-1',
  status: 'closed',
  timeZone: 'America/Chicago',
  version: 7,
  createdAt: at(-30),
  updatedAt: at(170),
  ...patch,
});
const people = { surgeon: filePerson('surgeon'), technologist: filePerson('technologist'), physician: filePerson('physician') };
const EXPORTED_AT = at(200);

function sampleFile(): { file: CaseFile; events: ReturnType<typeof fileCaseEvents> } {
  const events = byStoreOrder(fileCaseEvents());
  return { file: buildCaseFile(record(), people, events, EXPORTED_AT), events };
}

/** A parsed JSON copy, as a file read from disk would be. */
const asRead = (f: CaseFile): Record<string, unknown> => JSON.parse(caseFileJson(f)) as Record<string, unknown>;

function expectProblem(input: unknown, message: string | RegExp): void {
  const r = parseCaseFile(input);
  expect(r.ok).toBe(false);
  if (!r.ok) expect(r.message).toMatch(message);
}

type Editable = { case: Record<string, unknown>; people: Record<string, unknown>[]; events: Record<string, unknown>[] } & Record<string, unknown>;
type Change = (f: Editable) => unknown;

/** The sample file, read from JSON, with one change. */
function edited(change: Change): Editable {
  const f = asRead(sampleFile().file) as Editable;
  change(f);
  return f;
}

const exactly = (message: string | RegExp) => (typeof message === 'string' ? new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) : message);

describe('case file codec', () => {
  it('round-trips through JSON text unchanged', () => {
    const { file } = sampleFile();
    const text = caseFileJson(file);
    const back = parseCaseFile(JSON.parse(text));
    expect(back).toEqual({ ok: true, value: file });
    // One event per line: readable in an editor, and diffs show the events that changed.
    const lines = text.split('\n');
    expect(lines.filter((l) => l.startsWith('    {"kind":'))).toHaveLength(file.events.length);
    expect(file.events[0]).toEqual(expect.objectContaining({ kind: 'baseline', occurredAt: '2026-11-26T08:20:00.000Z', clockZone: 'America/Chicago', source: 'folder:src-1' }));
  });

  it('holds every stored field of every event, the record with its times, and only the people the case names', () => {
    const { file, events } = sampleFile();
    expect(file).toMatchObject({ format: 'closeout-case', version: 1, exportedAt: new Date(EXPORTED_AT).toISOString() });
    expect(file.case).toMatchObject({ id: 'case-1', status: 'closed', timeZone: 'America/Chicago', createdAt: new Date(at(-30)).toISOString(), surgeonId: 'surgeon' });
    expect(file.people.map((p) => [p.id, p.role, p.npi])).toEqual([
      ['surgeon', 'surgeon', '1000000012'],
      ['technologist', 'technologist', null],
      ['physician', 'physician', '1987654328'],
    ]);
    const vitals = events.find((e) => e.kind === 'vitals')!;
    expect(file.events.find((e) => e.kind === 'vitals')).toEqual({
      kind: 'vitals',
      occurredAt: new Date(vitals.occurredAt).toISOString(),
      receivedAt: new Date(vitals.receivedAt).toISOString(),
      source: 'serial:vitals',
      dedupeKey: vitals.dedupeKey,
      modality: null,
      side: null,
      limb: null,
      modalityName: null,
      text: 'MAP 58 mmHg',
      raw: null,
      clockZone: 'UTC',
      payload: { map: 58, unit: 'mm[Hg]' },
    });
    const noPeople = buildCaseFile(record({ surgeonId: null, technologistId: null, physicianId: null }), { surgeon: null, technologist: null, physician: null }, [], EXPORTED_AT);
    expect(noPeople.people).toEqual([]);
    expect(parseCaseFile(JSON.parse(caseFileJson(noPeople)))).toEqual({ ok: true, value: noPeople });
  });

  it('keeps up with the case record and the event: a field added there must be added to the file', () => {
    const { file, events } = sampleFile();
    const { id: _i, status: _s, timeZone: _t, createdAt: _c, updatedAt: _u, ...editable } = file.case;
    const filled = CaseInputSchema.parse(sampleCase());
    expect(Object.keys(editable).sort()).toEqual(Object.keys(filled).sort());
    for (const k of ['patient', 'procedure', 'payer', 'anesthesia'] as const) expect(Object.keys(editable[k]).sort()).toEqual(Object.keys(filled[k]).sort());
    const { id: _id, caseId: _caseId, ...stored } = events[0]!;
    expect(Object.keys(file.events[0]!).sort()).toEqual(Object.keys(stored).sort());
  });

  it('gives what buildCaseFacts needs: the same facts as from the stored case', () => {
    const { file, events } = sampleFile();
    const inputs = caseFileInputs(file);
    expect(inputs.record).toEqual({ ...record(), version: 1 });
    expect(inputs.people.physician).toEqual({ ...people.physician, createdAt: EXPORTED_AT, updatedAt: EXPORTED_AT });
    expect(inputs.events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
    expect(inputs.events.map(({ id: _i, ...e }) => e)).toEqual(events.map(({ id: _i, ...e }) => e));

    const fromStore = buildCaseFacts({ record: record(), people, events });
    const fromFile = buildCaseFacts(inputs);
    expect(fromFile.alerts).toHaveLength(1);
    expect(fromFile.modalities.map((m) => m.label)).toEqual(['SSEP (lower limb)', 'TcMEP']);
    expect(relabelEventIds(fromFile, inputs.events)).toEqual(relabelEventIds(fromStore, events));
  });

  it('reads a small hand-written file, filling in what may be left out', () => {
    const r = parseCaseFile({
      format: 'closeout-case',
      version: 1,
      exportedAt: '2026-11-26T12:00:00Z',
      case: {
        id: 'hand-1',
        status: 'open',
        timeZone: 'America/New_York',
        createdAt: '2026-11-26T07:00:00-05:00',
        updatedAt: '2026-11-26T07:00:00-05:00',
        patient: { lastName: 'Testpatient', firstName: 'Hand', mrn: 'SYN-HAND', dateOfBirth: '1970-01-02', sex: 'M' },
        procedure: { description: 'C5-C6 ACDF' },
        dateOfService: '2026-11-26',
        diagnosisCodes: ['m5012'],
      },
      people: [],
      events: [
        { kind: 'monitoring_start', occurredAt: '2026-11-26T08:00:00-05:00' },
        { kind: 'modality_activity', occurredAt: '2026-11-26T13:05:00Z', modality: 'SSEP' },
      ],
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.case).toMatchObject({ facility: '', surgeonId: null, payer: { type: null, name: '' }, diagnosisCodes: ['M50.12'], procedure: { cpt: null, side: null, levels: '' } });
    expect(r.value.events[1]).toEqual({
      kind: 'modality_activity',
      occurredAt: '2026-11-26T13:05:00Z',
      receivedAt: '2026-11-26T13:05:00Z',
      source: 'import',
      dedupeKey: 'file:2',
      modality: 'SSEP',
      side: null,
      limb: null,
      modalityName: null,
      text: '',
      raw: null,
      clockZone: null,
      payload: null,
    });
    const inputs = caseFileInputs(r.value);
    expect(inputs.events.map((e) => e.occurredAt)).toEqual([Date.UTC(2026, 10, 26, 13, 0), Date.UTC(2026, 10, 26, 13, 5)]);
    expect(inputs.record.createdAt).toBe(Date.UTC(2026, 10, 26, 12, 0));
  });

  it('writes an empty event list as valid JSON', () => {
    const { file } = sampleFile();
    const empty = { ...file, events: [] };
    expect(JSON.parse([...caseFileChunks(empty)].join(''))).toEqual(empty);
  });
});

describe('case file problems, in plain words', () => {
  it.each([
    ['null', null, NOT_A_CASE_FILE],
    ['a list', [1, 2], NOT_A_CASE_FILE],
    ['another JSON file', { name: 'closeout', version: '0.1.0' }, NOT_A_CASE_FILE],
    ['no version', { format: 'closeout-case' }, 'The case file has no version, so Closeout cannot tell how to read it.'],
    ['a newer version', { format: 'closeout-case', version: 2 }, 'The case file was made by a newer Closeout (version 2). Update Closeout on this workstation to import it.'],
    ['a version as text', { format: 'closeout-case', version: '1' }, /version \("1"\) is not one Closeout knows/],
  ])('%s', (_name, input, message) => {
    expectProblem(input, exactly(message));
  });

  const problems: ReadonlyArray<readonly [string, Change, string | RegExp]> = [
    ['an event without a time', (f) => delete f.events[11]!['occurredAt'], /^Event 12 has no time\.$/],
    ['an event time that is not a time', (f) => (f.events[2]!['occurredAt'] = 'yesterday 10am'), 'Event 3: the time "yesterday 10am" is not a date and time like 2026-11-26T08:15:00Z.'],
    ['a time as a number', (f) => (f.events[0]!['receivedAt'] = 1764144000000), 'Event 1: the arrival time should be a date and time like 2026-11-26T08:15:00Z, not the number 1764144000000.'],
    ['an unknown kind', (f) => (f.events[0]!['kind'] = 'blip'), /^Event 1: the kind "blip" is not one Closeout knows\. Use one of: modality_activity, modality_start, .*, note\.$/],
    ['a misspelled field', (f) => { f.events[4]!['occuredAt'] = f.events[4]!['occurredAt']; delete f.events[4]!['occurredAt']; }, /Event 5 has no time\.\n {2}- Event 5 has a field Closeout does not know: "occuredAt"\./],
    ['two events with one key', (f) => (f.events[7]!['dedupeKey'] = f.events[3]!['dedupeKey']), /^Events 4 and 8 have the same source and dedupe key \("folder:src-1", "xltek:/],
    ['a bad NPI', (f) => (f.people[0]!['npi'] = '1000000013'), /^Person 1 \(surgeon\): The NPI must be 10 digits with a valid check digit/],
    ['an NPI that is not 10 digits', (f) => (f.people[0]!['npi'] = '12345'), 'Person 1: the NPI "12345" is not 10 digits.'],
    ['a person with no last name', (f) => delete f.people[1]!['lastName'], /^Person 2 has no last name\.$/],
    ['two people with one id', (f) => (f.people[2]!['id'] = 'surgeon'), /Two people in the file have the id "surgeon"/],
    ['a case naming a missing person', (f) => (f.case['surgeonId'] = 'nobody'), 'The case names surgeon "nobody", but the file has no person with that id.'],
    ['a case naming a person in another role', (f) => (f.case['physicianId'] = 'technologist'), 'The case names "technologist" as interpreting physician, but the file lists them as technologist.'],
    ['a bad MRN', (f) => ((f.case['patient'] as Record<string, unknown>)['mrn'] = 'SYN 1 !'), /^The case \(patient\.mrn\): The MRN may contain letters, digits/],
    ['a case without an MRN', (f) => delete (f.case['patient'] as Record<string, unknown>)['mrn'], /^The case has no MRN\.$/],
    ['a bad date of birth', (f) => ((f.case['patient'] as Record<string, unknown>)['dateOfBirth'] = '30/06/1958'), 'The case: the date of birth "30/06/1958" is not a date like 2026-11-26 (YYYY-MM-DD).'],
    ['a bad ICD-10 code', (f) => (f.case['diagnosisCodes'] = ['M41.26', 'hello']), /^The case \(diagnosisCodes\.1\): "hello" is not an ICD-10-CM code/],
    ['an unknown time zone', (f) => (f.case['timeZone'] = 'Mars/Olympus'), /^The case's time zone "Mars\/Olympus" is not one Closeout knows/],
    ['no case', (f) => delete (f as Record<string, unknown>)['case'], /^The case file has no case\.$/],
    ['events that are not a list', (f) => ((f as Record<string, unknown>)['events'] = { first: {} }), 'The case file: the list of events should be a list ([…]), not an object.'],
    ['an extra top-level field', (f) => (f['comment'] = 'x'), 'The case file has a field Closeout does not know: "comment".'],
  ];
  it.each(problems)('%s', (_name, change, message) => {
    expectProblem(edited(change), exactly(message));
  });

  it('lists the first problems and stops looking', () => {
    const f = edited((x) => {
      for (const e of x.events) delete e['occurredAt'];
    });
    const r = parseCaseFile(f);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toHaveLength(10);
    expect(r.message.split('\n')[0]).toBe('The case file has at least 10 problems. The first ones:');
    expect(r.message.endsWith('\n  - Event 10 has no time.')).toBe(true);
  });

  it('never quotes a long value whole', () => {
    const r = parseCaseFile(edited((f) => (f.events[0]!['kind'] = 'x'.repeat(5000))));
    expect(r.ok || r.message.length < 600).toBe(true);
  });
});

describe('case file size', () => {
  it('writes, reads and turns a 50,000-event case into facts', () => {
    const { file } = sampleFile();
    const base = Date.UTC(2026, 10, 26, 8, 0);
    const events = Array.from({ length: 50_000 }, (_, i) => ({
      ...file.events[2]!,
      occurredAt: new Date(base + i * 250).toISOString(),
      receivedAt: new Date(base + i * 250 + 900).toISOString(),
      dedupeKey: `trial:${i}`,
    }));
    const big: CaseFile = { ...file, events };
    const text = caseFileJson(big);
    const parsed = parseCaseFile(JSON.parse(text));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const facts = buildCaseFacts(caseFileInputs(parsed.value));
    expect(facts.eventCount).toBe(50_000);
    expect(facts.modalities[0]?.activityCount).toBe(50_000);
  });
});

describe('published JSON Schema', () => {
  const fix = 'Regenerate it with "npm run schema:case-file" (or "closeout case schema --out docs/case-file.schema.json") and commit it.';

  it(`${CASE_FILE_SCHEMA_PATH} is the schema the code generates`, () => {
    const onDisk = fs.readFileSync(path.join(ROOT, CASE_FILE_SCHEMA_PATH), 'utf8');
    expect(onDisk === caseFileJsonSchemaText(), `${CASE_FILE_SCHEMA_PATH} is out of date. ${fix}`).toBe(true);
  });

  it('says what a file must hold', () => {
    const s = caseFileJsonSchema() as { $schema: string; required: string[]; additionalProperties: boolean; properties: Record<string, { required?: string[]; items?: { required: string[]; properties: Record<string, unknown> } }> };
    expect(s.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(s.required).toEqual(['format', 'version', 'exportedAt', 'case', 'people', 'events']);
    expect(s.additionalProperties).toBe(false);
    expect(s.properties['events']?.items?.required).toEqual(['kind', 'occurredAt']);
    expect(Object.keys(s.properties['events']?.items?.properties ?? {})).toEqual(['kind', 'occurredAt', 'receivedAt', 'source', 'dedupeKey', 'modality', 'side', 'limb', 'modalityName', 'text', 'raw', 'clockZone', 'payload']);
    expect(s.properties['people']?.items?.required).toEqual(['id', 'role', 'lastName', 'firstName']);
    expect(s.properties['case']?.required).toEqual(['id', 'status', 'timeZone', 'createdAt', 'updatedAt', 'patient', 'procedure', 'dateOfService']);
  });

  // ajv comes with the build tools (electron-builder), not as a dependency of ours: use it where it is.
  const ajv2020 = (() => {
    try {
      return fs.existsSync(path.join(ROOT, 'node_modules/ajv/dist/2020.js')) ? 'ajv/dist/2020' : null;
    } catch {
      return null;
    }
  })();

  it.runIf(ajv2020)('an exported file is valid against it, and files the codec refuses for their shape are not', async () => {
    const mod = (await import(/* @vite-ignore */ ajv2020 as string)) as { default: new (o: object) => { compile: (s: object) => ((d: unknown) => boolean) & { errors?: unknown } } };
    // Formats are checked by the pattern zod writes beside them; ajv's own formats are a separate package.
    const validate = new mod.default({ strict: false, validateFormats: false, allErrors: true }).compile(caseFileJsonSchema());
    const { file } = sampleFile();
    expect(validate(asRead(file)), JSON.stringify(validate.errors)).toBe(true);
    const changes: Change[] = [
      (f) => delete f.events[11]!['occurredAt'],
      (f) => (f.events[0]!['kind'] = 'blip'),
      (f) => (f.events[2]!['occurredAt'] = 'yesterday 10am'),
      (f) => (f['comment'] = 'x'),
      (f) => (f.people[0]!['npi'] = '12345'),
    ];
    for (const change of changes) {
      const bad = edited(change);
      expect(validate(bad)).toBe(false);
      expect(parseCaseFile(bad).ok).toBe(false);
    }
  });
});
