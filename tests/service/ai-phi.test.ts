/**
 * No identifier reaches the AI service, whatever field it was typed or exported into. Every kind
 * of identifier HIPAA's Safe Harbor names is planted in every free-text field a case has: the case
 * record (procedure, levels, facility, room, anesthesia detail), the staff records, a device's
 * exported event texts (captured through the real folder watcher), the technologist's notes and
 * quick entries, and an edited report section. The real backend then asks for the narrative from
 * a fake Messages API on 127.0.0.1 that records every request; the planted identifiers are counted
 * in the recorded bodies and headers: zero of every kind.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { safeHarborMatches } from '../../shared/report/ai-guard';
import { jsonTextForScan } from '../../shared/report/deidentify';
import { captureRig, eventually, writeFile, xltekText, type CaptureRig } from '../helpers/capture';
import { narrateFacts, splitEvery, startFakeAnthropic, type FakeAnthropic } from '../helpers/fake-anthropic';

/** One probe per Safe Harbor kind (and the leak forms issue #13 found), as planted. */
const PLANTED = {
  'name (no diacritics)': 'Mueller',
  'name (transliterated)': 'Soeren',
  'staff first name alone': 'Rowan',
  'titled name': 'Dr Hope',
  relative: 'Maria Lopez',
  'street address': '12 Oak Street',
  city: 'Springfield',
  'ZIP code': '60601',
  'facility part': 'Mercy Ridge',
  'facility part 2': 'St Brigid',
  'facility part 3': 'Lakeside',
  'facility abbreviation': 'MRMC',
  'date (numeric)': '03/14/1931',
  'date (month name)': 'Dec 4',
  'date (ISO)': '2026-12-04',
  phone: '(312) 555-0199',
  fax: '312.555.0188',
  email: 'rowan.hope@example.org',
  SSN: '123-45-6789',
  'MRN split by spaces': 'MX  0077',
  'MRN split by a dash': 'MX - 0077',
  account: 'ACCT 88812345',
  licence: 'D1234567',
  'device serial': 'SN 98765432',
  URL: 'https://chart.example.org/p/1',
  IP: '10.0.0.17',
  'age over 89': '96 y.o.',
  'age over 89 (words)': 'ninety-six',
  'age over 89 (short)': '96F',
} as const;
/**
 * The planted values in pieces that fit the shortest free-text fields (a note, a quick entry's
 * detail). A field that is written many times (event texts, notes, entries) gets every piece; a
 * field written once (the case record's) gets what fits, and the case's fields together hold all.
 */
function pieces(max: number): string[] {
  const out: string[] = [];
  for (const v of Object.values(PLANTED)) {
    const last = out[out.length - 1];
    if (last !== undefined && last.length + v.length + 2 <= max) out[out.length - 1] = `${last}, ${v}`;
    else out.push(v);
  }
  return out;
}
const PIECES = pieces(150);

/** How a planted value could still show in a body: itself, or its distinctive part in any case. */
const PROBES: ReadonlyArray<readonly [string, RegExp]> = [
  ['Mueller', /mueller/i],
  ['Soeren', /soeren/i],
  ['Rowan', /rowan/i],
  ['Hope', /\bhope\b/i],
  ['Maria Lopez', /maria|lopez/i],
  ['Oak Street', /\boak\b/i],
  ['Springfield', /springfield/i],
  ['60601', /60601/],
  ['Mercy Ridge', /mercy|ridge/i],
  ['St Brigid', /brigid/i],
  ['Lakeside', /lakeside/i],
  ['MRMC', /mrmc/i],
  ['1931', /1931/],
  ['Dec 4', /\bdec\b/i],
  ['2026', /2026/],
  ['555', /555/],
  ['0199 / 0188', /0199|0188/],
  ['example.org', /example\.org|@/i],
  ['6789', /6789/],
  ['0077', /0077/],
  ['88812345', /88812345/],
  ['D1234567', /1234567/],
  ['98765432', /98765432/],
  ['chart URL', /https?:|chart\./i],
  ['10.0.0.17', /10\.0\.0\.17/],
  ['96 y.o. / 96F', /\b96\s?(?:y|f\b)/i],
  ['ninety-six', /ninety/i],
];

let r: CaptureRig;
let fake: FakeAnthropic;

beforeAll(async () => {
  fake = await startFakeAnthropic({ reply: (q) => narrateFacts(q.body), split: splitEvery(40), deltaDelayMs: 0 });
  r = await captureRig({
    caseOverrides: {
      procedure: { description: `L4-L5 fusion; ${PIECES.slice(0, 2).join('; ')}`, cpt: '22612', side: 'bilateral', levels: `L4-L5 ${PLANTED.account}` },
      facility: 'Mercy Ridge Medical Center (MRMC), St Brigid campus, 12 Oak Street',
      orRoom: 'Lakeside OR 3',
      anesthesia: { regimen: 'tiva', detail: `TIVA; ${PIECES.slice(2).join('; ').slice(0, 190)}` },
    },
  });
  const b = r.backend;
  const surgeon = await b.ok('createPerson', { role: 'surgeon', lastName: 'Hope', firstName: 'Rowan', credential: 'MD', npi: '1000000012' });
  const { case: record } = await b.ok('getCase', { id: r.caseId });
  const { id: _id, status: _s, timeZone: _z, version, createdAt: _c, updatedAt: _u, ...fields } = record;
  await b.ok('updateCase', { id: r.caseId, version, fields: { ...fields, surgeonId: surgeon.id } });

  // A device export with an identifier in every kind of event text.
  writeFile(
    r.exportDir,
    'events.txt',
    xltekText(
      PIECES.flatMap((p, i): Array<[string, string]> => {
        const at = (h: number, m: number) => `${String(h).padStart(2, '0')}:${String(m + i).padStart(2, '0')}:00`;
        return [
          [at(8, 0), `Monitoring start. ${p}`],
          [at(8, 5), `Baseline SSEP obtained, good morphology. ${p}`],
          [at(8, 20), `Incision. ${p}`],
          [at(8, 40), `Propofol increased to 150 mcg/kg/min. ${p}`],
          [at(9, 30), `Loss of L TA MEP, amplitude down 80%, surgeon notified. ${p}`],
          [at(9, 40), `MAP raised to 85 mmHg. ${p}`],
          [at(9, 50), `L TA MEP recovered. ${p}`],
          [at(10, 30), `At closure all modalities at baseline. ${p}`],
          [at(10, 43), `Monitoring end. ${p}`],
        ];
      }),
    ),
  );
  await eventually(async () => expect((await r.events()).length).toBeGreaterThanOrEqual(9 * PIECES.length));

  // What the technologist types: a note, and quick entries with free-text fields.
  const now = Date.now();
  for (const [i, p] of PIECES.entries()) {
    const at = now - 600_000 + i * 10_000;
    await b.ok('addNote', { caseId: r.caseId, text: `Family: ${p}`, occurredAt: at, clientId: `phi-note-${i}` });
    await b.ok('addEntry', { caseId: r.caseId, occurredAt: at + 1000, clientId: `phi-alert-${i}`, entry: { kind: 'alert', modality: 'TCMEP', side: 'left', muscle: p.slice(0, 60), amplitudeDropPct: 60, detail: p } });
    await b.ok('addEntry', { caseId: r.caseId, occurredAt: at + 2000, clientId: `phi-told-${i}`, entry: { kind: 'surgeon_notified', who: p.slice(0, 80), role: 'surgeon' } });
    await b.ok('addEntry', { caseId: r.caseId, occurredAt: at + 3000, clientId: `phi-did-${i}`, entry: { kind: 'intervention', action: 'map_raised', detail: p } });
    await b.ok('addEntry', { caseId: r.caseId, occurredAt: at + 4000, clientId: `phi-ok-${i}`, entry: { kind: 'alert_resolved', recovery: 'partial', detail: p } });
    await b.ok('addEntry', { caseId: r.caseId, occurredAt: at + 5000, clientId: `phi-base-${i}`, entry: { kind: 'baseline', modality: 'SSEP', detail: p } });
  }
  await b.ok('addEntry', { caseId: r.caseId, occurredAt: now - 30_000, clientId: 'phi-close', entry: { kind: 'closing', status: 'at_baseline', detail: PIECES[0]! } });
  // A report section edited by a person.
  await b.ok('saveSection', { caseId: r.caseId, sectionId: 'closing', text: `At closure all modalities at baseline. ${PIECES.join('; ')}`, origin: 'person' });

  await b.ok('saveAiSettings', { enabled: true, model: 'claude-sonnet-5-5', baseURL: fake.url, timeoutSeconds: 30 });
  await b.ok('setAiKey', { key: 'sk-ant-test-phi-never-real' });
});

afterAll(async () => {
  await r?.backend.close();
  await fake?.close();
});

describe('the AI narrative request, with identifiers planted in every free-text field', () => {
  it('carries none of them, of any kind, in its body or headers', async () => {
    const run = await r.backend.ok('startAiNarrative', { caseId: r.caseId, wait: true });
    expect(run.status).toBe('done');
    expect(fake.requests).toHaveLength(1);
    const q = fake.requests[0]!;
    // The SDK's own API version header is a date of Anthropic's, not the case's.
    const { 'anthropic-version': _version, ...headers } = q.headers;
    const sent = `${jsonTextForScan(q.rawBody)}\n${JSON.stringify(headers)}`;
    // Times go as minutes from the case's time base, which grow with the clock the test runs at
    // (a "minute" of 1551 now is 1555 four minutes later, and /555/ would see the phone): those
    // values are not scanned; every other number and all text are.
    const scanned = sent.replace(/"(minute|minutes|start|end|firstActivity|lastActivity|activeMinutes|recoveryMinutes)": \d+/g, '"$1": 0');
    const found = PROBES.filter(([, re]) => re.test(scanned)).map(([what]) => what);
    expect(found).toEqual([]);
    // Nor anything of a Safe Harbor shape in the case data it carries.
    const content = (q.body?.['messages'] as Array<{ content: string }>)[0]!.content;
    expect(safeHarborMatches(content)).toEqual([]);
  });

  it('still carries the clinical facts: the alert, its values and its times as minutes', async () => {
    const content = (fake.requests[0]!.body?.['messages'] as Array<{ content: string }>)[0]!.content;
    expect(content).toContain('"changesFromBaseline": "alerts recorded"');
    expect(content).toContain('80%');
    expect(content).toContain('"amplitudeDropPct": 60');
    expect(content).toContain('"kind": "map_raised"');
    expect(content).toMatch(/"minute": \d+/);
  });
});
