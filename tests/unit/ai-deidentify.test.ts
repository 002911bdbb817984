import { describe, expect, it } from 'vitest';
import {
  deidentifyDraft,
  deidentifyFacts,
  findIdentifiers,
  foldWithMap,
  identifiersOf,
  jsonTextForScan,
  safeAge,
  scrubText,
  type Identifiers,
} from '../../shared/report/deidentify';
import { foldForSearch } from '../../shared/domain/case-list';
import type { CaseFacts } from '../../shared/report/facts';
import { SYNTHETIC, SYNTHETIC_LEAK_FORMS, syntheticCase, syntheticEvents, syntheticPeople } from '../helpers/fake-anthropic';
import { ev } from '../helpers/events';

const leaksIn = (s: string) => SYNTHETIC_LEAK_FORMS.filter((f) => s.includes(f));

function setup() {
  const c = syntheticCase();
  const ids = identifiersOf(c.facts, { people: Object.values(syntheticPeople) });
  return { ...c, ids, ai: deidentifyFacts(c.facts, ids) };
}

describe('deidentifyFacts (the whitelist)', () => {
  it('drops every identifier of the synthetic patient, in every written form', () => {
    const { ai, ids } = setup();
    const json = JSON.stringify(ai);
    expect(leaksIn(json)).toEqual([]);
    expect(findIdentifiers(json, ids)).toEqual([]);
    // Case-insensitive too, for the alphabetic forms.
    for (const w of ['nunez', 'núñez', 'jose', 'josé', 'quillfeather', 'voltaic', 'galvanetti', 'mx0077', 'mx-0077', 'sintético']) {
      expect(json.toLowerCase()).not.toContain(w);
    }
    // No calendar date of any kind: the year of service, of birth, or a month name.
    expect(json).not.toMatch(/\b(19|20)\d\d\b/);
    expect(json).not.toMatch(/\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b/i);
  });

  it('is a whitelist: exactly these fields, whatever else CaseFacts carries', () => {
    const { facts, ids } = setup();
    const extra = { ...facts, patient: { ...facts.patient, ssn: '123-45-6789' }, payerMemberId: 'W99887766' } as unknown as CaseFacts;
    const ai = deidentifyFacts(extra, ids);
    expect(Object.keys(ai).sort()).toEqual(
      ['alerts', 'anesthesia', 'closing', 'dateOfService', 'deidentified', 'diagnosisCodes', 'milestones', 'modalities', 'monitoring', 'notes', 'patient', 'physician', 'procedure', 'readerLocation', 'surgeon', 'technologist', 'uncertainties'].sort(),
    );
    expect(Object.keys(ai.patient).sort()).toEqual(['age', 'sex']);
    expect(ai.surgeon).toEqual({ credential: 'MD' });
    expect(ai.physician).toEqual({ credential: 'MD, PhD' });
    const json = JSON.stringify(ai);
    expect(json).not.toContain('123-45-6789');
    expect(json).not.toContain('W99887766');
    expect(json).not.toContain('case-ai-1');
  });

  it('passes vocabulary slots (sides, limbs) only when they hold vocabulary', () => {
    const { facts, ids } = setup();
    const odd = { ...facts, modalities: facts.modalities.map((m) => ({ ...m, sides: [...m.sides, 'see chart 12'], limb: 'ward B' })), alerts: facts.alerts.map((a) => ({ ...a, side: 'bed 4', limb: 'ward B' })) } as CaseFacts;
    const ai = deidentifyFacts(odd, ids);
    expect(ai.modalities.map((m) => [m.sides, m.limb])).toEqual([
      [[], null],
      [['left'], null],
    ]);
    expect(ai.alerts.map((a) => [a.side, a.limb])).toEqual([[null, null]]);
  });

  it('keeps the clinical content: clock times in the case zone, texts with only the identifiers removed', () => {
    const { ai } = setup();
    expect(ai.dateOfService).toBe('day of surgery');
    expect(ai.patient).toEqual({ age: '60', sex: 'M' });
    expect(ai.procedure).toEqual({ description: 'L4-L5 posterior lumbar fusion ([removed])', cpt: '22612', side: 'bilateral', levels: 'L4-L5' });
    expect(ai.milestones[0]).toEqual({ time: '08:34', text: 'Incision. Mr [removed] moved slightly; DOB [removed] re-checked' });
    expect(ai.modalities[0]!.baselines[0]).toEqual({ time: '08:20', text: 'Baseline lower SSEP obtained, good morphology (pt [removed], MRN [removed])', values: '' });
    const alert = ai.alerts[0]!;
    expect(alert).toMatchObject({ time: '09:36', notified: '09:38', side: 'left', outcome: 'recovered', recoveryMinutes: 16, text: 'Left TA TcMEP amplitude down 80% from baseline' });
    expect(alert.interventions).toEqual([{ time: '09:39', text: 'MAP raised to 85 mmHg, retractor released (per [removed])' }]);
    expect(alert.vitals).toEqual([{ time: '09:35', text: 'MAP 58 mmHg' }]);
    expect(ai.anesthesia.detail).toBe('Propofol/remifentanil; consent signed by [removed] [removed]');
    expect(ai.monitoring).toEqual({ start: '08:28', end: '10:43', derived: false, minutes: 135, segments: [{ start: '08:28', end: '10:43' }] });
    expect(ai.closing).toEqual({ time: '10:40', text: 'At closure all modalities at baseline' });
    expect(ai.readerLocation).toBe('remote');
    expect(ai.diagnosisCodes).toEqual(['M43.16']);
  });

  it('keeps the notes, scrubbed against the case identifiers', () => {
    const { ai } = setup();
    const note = ai.notes.find((n) => n.time === '09:40');
    expect(note?.text).toBe('MRN [removed] confirmed with [removed] wristband, DOS [removed]');
    expect(leaksIn(JSON.stringify(ai.notes))).toEqual([]);
  });

  it('writes times in the case zone', () => {
    const { facts, ids } = setup();
    const ai = deidentifyFacts({ ...facts, timeZone: 'America/Chicago' }, ids);
    expect(ai.alerts[0]!.time).toBe('03:36');
  });

  it('caps ages over 89 (safe harbor)', () => {
    expect([safeAge(0), safeAge(60), safeAge(89), safeAge(90), safeAge(104)]).toEqual(['0', '60', '89', '90 or older', '90 or older']);
    const events = [...syntheticEvents(), ev('milestone', 30, { text: 'Positioned prone (95-year-old, frail; aged 95); MAP 95 mmHg' })];
    const old = syntheticCase({ patient: { lastName: 'Núñez', firstName: 'José', mrn: 'MX-0077', dateOfBirth: '1931-01-02', sex: 'M' } }, events);
    const ai = deidentifyFacts(old.facts);
    expect(ai.patient.age).toBe('90 or older');
    // The age itself goes; the same number as a value stays.
    expect(ai.milestones.find((m) => m.time === '08:30')?.text).toBe('Positioned prone ([removed], frail; [removed]); MAP 95 mmHg');
  });

  it('works from the facts alone (names split from "First Last")', () => {
    const { facts } = setup();
    const ai = deidentifyFacts(facts);
    expect(leaksIn(JSON.stringify(ai))).toEqual([]);
  });
});

describe('deidentifyDraft', () => {
  it('rebuilds the patient section from the de-identified facts and scrubs the others', () => {
    const { draft, ai, ids } = setup();
    const sections = deidentifyDraft(draft, ai, ids);
    expect(sections.map((s) => s.id)).toEqual(draft.sections.map((s) => s.id));
    const all = sections.map((s) => s.text).join('\n');
    expect(leaksIn(all)).toEqual([]);
    expect(findIdentifiers(all, ids)).toEqual([]);
    const text = Object.fromEntries(sections.map((s) => [s.id, s.text]));
    expect(text['patient']).toBe(
      [
        '60-year-old male.',
        'Procedure: L4-L5 posterior lumbar fusion ([removed]) (CPT 22612), L4-L5, bilateral, on the day of surgery.',
        'Surgeon: [removed], MD.',
        'Indication (ICD-10-CM): M43.16.',
      ].join('\n'),
    );
    expect(text['monitoring']).toContain('Technologist: [removed], CNIM, in attendance in the operating room.');
    expect(text['monitoring']).toContain('Interpreting physician: [removed], MD, PhD, remote (live connection).');
    expect(text['events']).toContain('09:36 Significant change in TcMEP, left lower limb: Left TA TcMEP amplitude down 80% from baseline.');
  });
});

describe('findIdentifiers / scrubText', () => {
  const { ids } = setup();
  const found: ReadonlyArray<readonly [string, string]> = [
    ['Mr Nunez moved', 'Nunez'],
    ['MR NÚÑEZ MOVED', 'NÚÑEZ'],
    ['pt núñez', 'núñez'],
    ['Nu\u0301n\u0303ez (decomposed accents)', 'Nu\u0301n\u0303ez'],
    ['Nu\u00adñez with a soft hyphen', 'Nu\u00adñez'],
    ["Núñez's chart", 'Núñez'],
    ['NUNEZ_JOSE.edf', 'NUNEZ_JOSE'],
    ['José awake', 'José'],
    ['Jose Nunez', 'Jose Nunez'],
    ['Nunez, Jose', 'Nunez, Jose'],
    ['MRN MX0077 confirmed', 'MX0077'],
    ['mrn mx-0077', 'mx-0077'],
    ['MRN: MX 0077', 'MX 0077'],
    ['MRN MX–0077 (en dash)', 'MX–0077'],
    ['MRN MX-77', 'MX-77'],
    ['MRN MX.0077', 'MX.0077'],
    ['chart 0077', '0077'],
    ['DOB 1966-03-14', '1966-03-14'],
    ['DOB 1966/3/14', '1966/3/14'],
    ['DOB 03/14/1966', '03/14/1966'],
    ['DOB 3/14/1966', '3/14/1966'],
    ['DOB 3-14-66', '3-14-66'],
    ['DOB 14.03.1966', '14.03.1966'],
    ['DOB 14/3/1966', '14/3/1966'],
    ['DOB 14-MAR-1966', '14-MAR-1966'],
    ['DOB 14 March 1966', '14 March 1966'],
    ['DOB 14th of March, 1966', '14th of March, 1966'],
    ['DOB March 14, 1966', 'March 14, 1966'],
    ['DOB Mar. 14 1966', 'Mar. 14 1966'],
    ['DOB 19660314', '19660314'],
    ['DOB 03141966', '03141966'],
    ['DOB 14031966', '14031966'],
    ['born 1966-Mar-14', '1966-Mar-14'],
    ['born March 1966', 'March 1966'],
    ['birthday March 14th', 'March 14th'],
    ['birthday 14 Mar', '14 Mar'],
    ['DOS 2026-11-26', '2026-11-26'],
    ['DOS 11/26/2026', '11/26/2026'],
    ['DOS 26.11.2026', '26.11.2026'],
    ['DOS 26-NOV-2026', '26-NOV-2026'],
    ['DOS November 26, 2026', 'November 26, 2026'],
    ['DOS 20261126', '20261126'],
    ['DOS 2026-11-26T08:00Z', '2026-11-26'],
    ['Dr. Quillfeather notified', 'Quillfeather'],
    ['told Ada Quillfeather', 'Ada Quillfeather'],
    ['GALVANETTI, LUIGI joined', 'GALVANETTI, LUIGI'],
    ['NPI 1234567893', '1234567893'],
    ['at Hospital Sintético del Norte today', 'Hospital Sintético del Norte'],
    ['at hospital sintetico del norte', 'hospital sintetico del norte'],
  ];
  it.each(found)('finds %j', (text, hit) => {
    expect(findIdentifiers(text, ids)).toContain(hit);
  });

  const clean: readonly string[] = [
    'Nunezville road', // part of another word
    'MAP 77 mmHg, 0.77 ms', // the MRN's number without its letters and zeros
    'MX 1077',
    'born in 1966', // a year alone is not an identifier
    '03/14 ratio', // day/month without a year: too ambiguous to remove
    'at 03:14 and 14:03',
    'CPT 22612, M43.16, 95940',
    '2026 guidelines',
    'Ada Lovelace', // a staff first name alone is no identifier
    'Luigi was the nickname',
    'Hospital del Norte', // part of the facility name
    'amplitude down 80% at 09:36',
  ];
  it.each(clean)('leaves %j alone', (text) => {
    expect(findIdentifiers(text, ids)).toEqual([]);
    expect(scrubText(text, ids)).toBe(text);
  });

  it('replaces each identifier with [removed] and keeps the rest', () => {
    expect(scrubText('Mr Nunez moved; MRN MX0077 confirmed on 11/26/2026 by Dr. Quillfeather.', ids)).toBe('Mr [removed] moved; MRN [removed] confirmed on [removed] by Dr. [removed].');
    expect(scrubText('José Núñez', ids)).toBe('[removed]');
    expect(scrubText('Nu\u0301n\u0303ez!', ids)).toBe('[removed]!');
  });

  it('handles short names, particles and all-digit MRNs without eating ordinary words', () => {
    const facts = syntheticCase().facts;
    const odd: Identifiers = identifiersOf(
      { ...facts, patient: { ...facts.patient, lastName: 'de la Cruz', firstName: 'Li', mrn: '0012345' } },
      { phrases: ['Zed Alias'] },
    );
    expect(findIdentifiers('Mrs de la Cruz and Li', odd)).toEqual(['de la Cruz', 'Li']);
    expect(findIdentifiers('Mrs DELACRUZ', odd)).toEqual(['DELACRUZ']);
    expect(findIdentifiers('Cruz family', odd)).toEqual(['Cruz']);
    expect(findIdentifiers('de la mode, la la', odd)).toEqual([]);
    expect(findIdentifiers('MRN 0012345 and 12345 and 0012-345', odd)).toEqual(['0012345', '12345', '0012-345']);
    expect(findIdentifiers('aka Zed Alias', odd)).toEqual(['Zed Alias']);
  });
});

describe('folding', () => {
  it('agrees with the case search fold, and maps back to the original text', () => {
    for (const s of ['Núñez', 'Żółć', 'Øster', 'Straße', 'JOSÉ', 'İstanbul']) {
      expect(foldWithMap(s).text).toBe(foldForSearch(s));
    }
    const f = foldWithMap('Straße X');
    expect(f.text).toBe('strasse x');
    // Both letters of "ss" map back to the one "ß".
    expect([f.starts[4], f.ends[4], f.starts[5], f.ends[5], f.starts[7]]).toEqual([4, 5, 4, 5, 6]);
  });

  it('reads JSON escapes back before searching a serialized request', () => {
    const { ids } = setup();
    const body = JSON.stringify({ text: 'moved\nNunez\tJose' });
    expect(findIdentifiers(body, ids)).toEqual([]); // "\nNunez": the name follows a letter in raw JSON
    expect(findIdentifiers(jsonTextForScan(body), ids)).toEqual(['Nunez Jose']);
    expect(findIdentifiers(jsonTextForScan(JSON.stringify({ t: 'N\u0000unez' })), ids)).toEqual([]);
    expect(SYNTHETIC.lastName).toBe('Núñez');
  });
});
