import { describe, expect, it } from 'vitest';
import { deidentifyFacts, findIdentifiers, foldWithMap, identifiersOf, jsonTextForScan, safeAge, scrubText, timeBaseOf, type Identifiers, type TypedFacts } from '../../shared/report/deidentify';
import { termsOf } from '../../shared/report/ai-terms';
import { restoreTimes } from '../../shared/report/ai-times';
import { foldForSearch } from '../../shared/domain/case-list';
import type { CaseFacts } from '../../shared/report/facts';
import { SYNTHETIC, SYNTHETIC_LEAK_FORMS, syntheticCase, syntheticEvents, syntheticPeople } from '../helpers/fake-anthropic';
import { ev } from '../helpers/events';

const leaksIn = (s: string) => SYNTHETIC_LEAK_FORMS.filter((f) => s.includes(f));
const NONE_TYPED: TypedFacts = new Map();

function setup() {
  const c = syntheticCase();
  const ids = identifiersOf(c.facts, { people: Object.values(syntheticPeople) });
  return { ...c, ids, ai: deidentifyFacts(c.facts, NONE_TYPED) };
}

describe('deidentifyFacts (built from closed vocabularies, numbers and minutes)', () => {
  it('holds no identifier of the synthetic patient, in any written form, without being told them', () => {
    const { ai, ids } = setup();
    const json = JSON.stringify(ai);
    expect(leaksIn(json)).toEqual([]);
    expect(findIdentifiers(json, ids)).toEqual([]);
    for (const w of ['nunez', 'núñez', 'jose', 'josé', 'quillfeather', 'voltaic', 'galvanetti', 'mx0077', 'mx-0077', 'sintético', 'consent', 'wristband']) {
      expect(json.toLowerCase()).not.toContain(w);
    }
    // No calendar date of any kind, and no clock time: times are minutes.
    expect(json).not.toMatch(/\b(19|20)\d\d\b/);
    expect(json).not.toMatch(/\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b/i);
    expect(json).not.toMatch(/\d\d:\d\d/);
  });

  it('is built field by field: exactly these fields, whatever else CaseFacts carries', () => {
    const { facts } = setup();
    const extra = { ...facts, patient: { ...facts.patient, ssn: '123-45-6789' }, payerMemberId: 'W99887766' } as unknown as CaseFacts;
    const ai = deidentifyFacts(extra, NONE_TYPED);
    expect(Object.keys(ai).sort()).toEqual(
      ['alerts', 'anesthesia', 'cannotBeStatedBecause', 'changesFromBaseline', 'closing', 'deidentified', 'diagnosisCodes', 'milestones', 'minutesFrom', 'modalities', 'monitoring', 'patient', 'procedure', 'readerLocation', 'uncertainties'].sort(),
    );
    expect(Object.keys(ai.patient).sort()).toEqual(['age', 'sex']);
    const json = JSON.stringify(ai);
    expect(json).not.toContain('123-45-6789');
    expect(json).not.toContain('W99887766');
    expect(json).not.toContain('case-ai-1');
  });

  it('passes closed slots (sides, limbs, codes) only when they hold their vocabulary', () => {
    const { facts } = setup();
    const odd = {
      ...facts,
      procedure: { ...facts.procedure, cpt: 'call 555', levels: 'L4-L5 per Dr Quillfeather' },
      diagnosisCodes: ['M43.16', 'see chart of José'],
      modalities: facts.modalities.map((m) => ({ ...m, sides: [...m.sides, 'see chart 12'], limb: 'ward B' })),
      alerts: facts.alerts.map((a) => ({ ...a, side: 'bed 4', limb: 'ward B' })),
    } as CaseFacts;
    const ai = deidentifyFacts(odd, NONE_TYPED);
    expect(ai.modalities.map((m) => [m.sides, m.limb])).toEqual([
      [[], null],
      [['left'], null],
    ]);
    expect(ai.alerts.map((a) => [a.side, a.limb])).toEqual([[null, null]]);
    expect(ai.procedure).toEqual({ cpt: null, side: 'bilateral', levels: 'L4-L5' });
    expect(ai.diagnosisCodes).toEqual(['M43.16']);
  });

  it('keeps the clinical content: minutes from monitoring start, device texts as their clinical terms', () => {
    const { ai, facts } = setup();
    expect(ai.minutesFrom).toBe('monitoring start');
    expect(ai.patient).toEqual({ age: '60', sex: 'M' });
    // Monitoring started 08:28: the incision at 08:34 is minute 6.
    expect(ai.milestones[0]).toEqual({ minute: 6, terms: 'incision. moved slightly' });
    expect(ai.modalities[0]!.baselines[0]).toEqual({ minute: -8, terms: 'baseline lower SSEP obtained, good morphology', values: [] });
    const alert = ai.alerts[0]!;
    expect(alert).toMatchObject({ minute: 68, notified: { minute: 70, role: null }, side: 'left', outcome: 'recovered', recoveryMinutes: 16, terms: 'left TA tcmep amplitude down 80% from baseline' });
    // "(per Ada Quillfeather)": the joining word stays, the name goes.
    expect(alert.interventions).toEqual([{ minute: 71, terms: 'MAP raised to 85 mmHg, retractor released per', kind: null }]);
    expect(alert.vitals).toEqual([{ minute: 67, terms: 'MAP 58 mmHg' }]);
    expect(ai.anesthesia).toEqual({ regimen: 'tiva', changes: [{ minute: 32, terms: 'propofol increased to 150 mcg/kg/min' }] });
    expect(ai.monitoring).toEqual({ start: 0, end: 135, derived: false, minutes: 135, segments: [{ start: 0, end: 135 }] });
    expect(ai.closing).toEqual({ minute: 132, terms: 'at closure all modalities at baseline', status: null });
    expect(ai.readerLocation).toBe('remote');
    expect(ai.changesFromBaseline).toBe('alerts recorded');
    // Read back, a minute is the clock minute the draft shows.
    expect(restoreTimes('At T+68, after T-8.', timeBaseOf(facts), facts.timeZone)).toBe('At 09:36, after 08:20.');
  });

  it('never sends what the technologist typed: a typed note not at all, a quick entry only by its closed fields', () => {
    const { facts } = setup();
    const alertId = facts.alerts[0]!.eventIds[0]!;
    const interventionId = facts.alerts[0]!.interventions[0]!.eventIds[0]!;
    const closingId = facts.closing!.eventIds[0]!;
    const typed: TypedFacts = new Map<number, Readonly<Record<string, unknown>> | null>([
      [alertId, { kind: 'alert', modality: 'TCMEP', side: 'left', muscle: 'tibialis anterior', amplitudeDropPct: 80, latencyIncreasePct: null }],
      [interventionId, { kind: 'intervention', action: 'map_raised', detail: 'per Ada Quillfeather' }],
      [closingId, null],
    ]);
    const ai = deidentifyFacts(facts, typed);
    expect(ai.alerts[0]).toMatchObject({ terms: '', amplitudeDropPct: 80, latencyIncreasePct: null });
    expect(ai.alerts[0]!.interventions[0]).toEqual({ minute: 71, terms: '', kind: 'map_raised' });
    expect(ai.closing).toEqual({ minute: 132, terms: '', status: null });
  });

  it('caps ages over 89 (safe harbor), and an age written in a text never goes', () => {
    expect([safeAge(0), safeAge(60), safeAge(89), safeAge(90), safeAge(104)]).toEqual(['0', '60', '89', '90 or older', '90 or older']);
    const events = [...syntheticEvents(), ev('milestone', 30, { text: 'Positioned prone (95-year-old, frail; aged 95, 96 y.o., 96F, ninety-six); MAP 95 mmHg' })];
    const old = syntheticCase({ patient: { lastName: 'Núñez', firstName: 'José', mrn: 'MX-0077', dateOfBirth: '1931-01-02', sex: 'M' } }, events);
    const ai = deidentifyFacts(old.facts, NONE_TYPED);
    expect(ai.patient.age).toBe('90 or older');
    // The ages go; the same number as a value stays.
    expect(ai.milestones.find((m) => m.minute === 2)?.terms).toBe('positioned prone, MAP 95 mmHg');
  });
});

describe('termsOf (what of a text may reach the AI)', () => {
  it.each([
    ['Left tibialis anterior TcMEP amplitude down 80% from baseline.', 'left tibialis anterior tcmep amplitude down 80% from baseline.'],
    ['Pedicle screw L4 left, triggered EMG threshold 14 mA.', 'pedicle screw L4 left, triggered EMG threshold 14 mA.'],
    ['Train-of-four 4/4, no residual blockade.', 'train-of-four 4/4, no residual blockade.'],
    ['L4-5 and C5-6 levels; L4/L5 screw; T10-L2 fusion', 'L4-L5 and C5-C6 levels, L4-L5 screw, T10-L2 fusion'],
    ["Erb's point 10.2 ms, P37 38.2ms 1.4uV", "erb's point 10.2 ms, 38.2 ms 1.4 µV"],
  ])('%s', (text, terms) => {
    expect(termsOf(text)).toBe(terms);
  });

  it('drops every identifier shape: names, places, dates, numbers without a unit, contacts', () => {
    const text =
      'Surgeon Dr Hope notified; called Rowan (daughter) at 555-0100 or (312) 555-0199, fax 312.555.0188, SSN 123-45-6789, ' +
      'MRN MX  0077 / MX - 0077, Mueller and Soeren, 96 y.o., 96F, ninety-six, Mercy Ridge MRMC, St Brigid Lakeside, 12 Oak Street, ' +
      'on 12/04/2026 or Dec 4 or 2026-12-04, mail a.b@example.org, https://chart.example.org, 10.0.0.1, licence D1234567, device SN 98765432';
    // Only joining words of the list survive ("a" of a.b@…), none of them an identifier.
    expect(termsOf(text)).toBe('surgeon, at or, and, on or or, a.');
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
