import { describe, expect, it } from 'vitest';
import { buildCaseFacts } from '../../shared/report/facts';
import { buildDraft, closingSaysAtBaseline, INTERPRETATION_GAP, INTERPRETATION_PENDING, SECTION_IDS } from '../../shared/report/draft';
import { CaseInputSchema, type CaseRecord } from '../../shared/domain/case';
import type { Person } from '../../shared/domain/person';
import { at, ev, trials } from '../helpers/events';
import { sampleCase } from '../helpers/backend';

const record = (patch: Record<string, unknown> = {}): CaseRecord => ({
  ...CaseInputSchema.parse(sampleCase({ dateOfService: '2026-11-26', readerLocation: 'remote', ...patch })),
  id: 'case-1',
  status: 'capturing',
  timeZone: 'UTC',
  version: 1,
  createdAt: 0,
  updatedAt: 0,
});
const person = (role: Person['role'], last: string, credential: string, npi: string | null = null): Person => ({ id: last, role, lastName: last, firstName: 'A', credential, npi, active: true, createdAt: 0, updatedAt: 0 });
const people = { surgeon: person('surgeon', 'Cutter', 'MD', '1000000012'), technologist: person('technologist', 'Tech', 'CNIM'), physician: person('physician', 'Reader', 'MD', '1234567893') };

const caseEvents = () => [
  ev('baseline', 20, { modality: 'SSEP', text: 'Baseline upper and lower SSEP obtained, good morphology' }),
  ...trials('SSEP', 25, 160, 2, { limb: 'lower', modalityName: 'Lower SSEP' }),
  ev('baseline', 22, { modality: 'TCMEP', text: 'Baseline TcMEP obtained' }),
  ...trials('TCMEP', 25, 160, 6, { side: 'left', modalityName: 'L MEP' }),
  ev('monitoring_start', 28, { text: 'Monitoring start' }),
  ev('milestone', 34, { text: 'Incision' }),
  ev('vitals', 95, { text: 'MAP 58 mmHg' }),
  ev('alert', 96, { modality: 'TCMEP', side: 'left', limb: 'lower', text: 'Left TA TcMEP amplitude down 80% from baseline' }),
  ev('surgeon_notified', 97, { text: 'Surgeon notified' }),
  ev('intervention', 98, { text: 'MAP raised to 85 mmHg, retractor released' }),
  ev('alert_resolved', 112, { modality: 'TCMEP', side: 'left', text: 'Left TA TcMEP back to baseline' }),
  ev('anesthesia_change', 60, { text: 'Propofol increased to 150 mcg/kg/min' }),
  ev('milestone', 150, { text: 'Closure' }),
  ev('note', 160, { text: 'At closure all modalities at baseline' }),
  ev('monitoring_end', 163, { text: 'Monitoring end' }),
];

describe('case facts', () => {
  it('gather modalities, baselines, alerts with their follow-up, monitoring, people, each with its source events', () => {
    const events = caseEvents();
    const f = buildCaseFacts({ record: record(), people, events });
    expect(f.modalities.map((m) => [m.label, m.activityCount, m.recordedAs])).toEqual([
      ['SSEP (lower limb)', 68, ['Lower SSEP']],
      ['TcMEP', 23, ['L MEP']],
    ]);
    // The typed baseline for "SSEP" belongs to its recorded lane.
    expect(f.modalities[0]!.baselines.map((b) => b.at)).toEqual([at(20)]);
    expect(f.monitoring).toMatchObject({ start: at(28), end: at(163), minutes: 135, derived: false });
    const a = f.alerts[0]!;
    expect(a).toMatchObject({ at: at(96), outcome: 'recovered', recoveryMinutes: 16, notified: { at: at(97) } });
    expect(a.vitals.map((v) => v.text)).toEqual(['MAP 58 mmHg']);
    const alertEvent = events.find((e) => e.kind === 'alert')!;
    expect(a.eventIds).toContain(alertEvent.id);
    expect(f.closing?.text).toBe('At closure all modalities at baseline');
    expect(f.physician).toEqual({ name: 'A Reader', credential: 'MD', npi: '1234567893' });
    expect(f.patient.ageYears).toBe(68);
  });
});

describe('deterministic draft', () => {
  it('has every section, every time taken from the facts', () => {
    const d = buildDraft(buildCaseFacts({ record: record(), people, events: caseEvents() }));
    expect(d.sections.map((s) => s.id)).toEqual([...SECTION_IDS]);
    const text = Object.fromEntries(d.sections.map((s) => [s.id, s.text]));
    expect(text['events']).toContain('09:36 Significant change in TcMEP, left lower limb: Left TA TcMEP amplitude down 80% from baseline.');
    expect(text['events']).toContain('  Vital signs before the change: MAP 58 mmHg (09:35).');
    expect(text['events']).toContain('  Surgeon notified at 09:37.');
    expect(text['events']).toContain('  09:38 Intervention: MAP raised to 85 mmHg, retractor released.');
    expect(text['events']).toContain('  09:52 Recovered after 16 min: Left TA TcMEP back to baseline.');
    expect(text['closing']).toBe('10:40 At closure all modalities at baseline.');
    expect(text['monitoring']).toContain('Monitoring from 08:28 to 10:43: 135 min.');
    expect(text['monitoring']).toContain('Interpreting physician: A Reader, MD, remote (live connection).');
    // The interpretation is the physician's: the draft only suggests it.
    const interp = d.sections.find((s) => s.id === 'interpretation')!;
    expect(interp.text).toBe(INTERPRETATION_PENDING);
    expect(interp.suggestion).toContain('The change in TcMEP, left lower limb at 09:36 recovered by 09:52 after MAP raised to 85 mmHg, retractor released.');
    expect(interp.suggestion).not.toMatch(/to be confirmed|not yet written/);
    expect(text['baselines']).toContain('08:20 SSEP: Baseline upper and lower SSEP obtained, good morphology.');
    expect(d.gaps).toEqual([INTERPRETATION_GAP]);
  });

  it('says plainly what is missing, never invents it', () => {
    const events = [ev('modality_start', 30, { modality: 'EMG_FREE' }), ev('alert', 60, { modality: 'EMG_FREE', text: 'Train activity L5' })];
    const d = buildDraft(buildCaseFacts({ record: record({ diagnosisCodes: [], anesthesia: { regimen: null, detail: '' } }), people: { surgeon: null, technologist: null, physician: null }, events }));
    expect(d.gaps).toEqual([
      'Surgeon: not recorded',
      'Indication (diagnosis): not recorded',
      'Anesthesia regimen: not recorded',
      'Alert at 09:00: time the surgeon was notified not recorded',
      'Alert at 09:00: outcome not recorded',
      'Closing status: not recorded',
      INTERPRETATION_GAP,
      'Monitoring start/stop times: not marked (taken from modality activity)',
      'Technologist: not recorded',
      'Interpreting physician: not recorded',
      'Uncertain: Free-run EMG was started at 08:30 and never stopped; counted until the last event (09:00).',
    ]);
    const text = Object.fromEntries(d.sections.map((s) => [s.id, s.text]));
    expect(text['closing']).toBe('Closing status: not recorded.');
    expect(d.sections.find((s) => s.id === 'interpretation')?.suggestion).toContain('The change in Free-run EMG at 09:00 has no recorded recovery.');
  });

  it('says when the record makes times uncertain (a start without a stop, a clock jump)', () => {
    const events = [
      ev('monitoring_start', 0),
      ev('modality_start', 30, { modality: 'EMG_FREE' }),
      ev('vitals', 40, { source: 'serial:mon', text: 'MAP 80', receivedAt: at(40), id: 900 }),
      ev('vitals', 40 + 60 * 9, { source: 'serial:mon', text: 'MAP 81', receivedAt: at(41), id: 901 }),
    ];
    const d = buildDraft(buildCaseFacts({ record: record(), people, events }));
    const monitoring = d.sections.find((s) => s.id === 'monitoring')!;
    expect(monitoring.text).toContain('Uncertain: Free-run EMG was started at 08:30 and never stopped');
    expect(monitoring.text).toContain('Uncertain: Monitoring started at 08:00 but no end was recorded');
    expect(monitoring.text).toContain('Uncertain: The clock of serial:mon jumped from 08:40 to 17:40');
    expect(d.gaps.filter((g) => g.startsWith('Uncertain:'))).toHaveLength(3);
  });

  it('copes with no events at all', () => {
    const d = buildDraft(buildCaseFacts({ record: record(), people, events: [] }));
    expect(d.gaps).toEqual([
      'Modalities: not recorded',
      'Baselines: not recorded',
      'Changes from baseline: cannot be stated (no modality recordings were captured; monitoring start and end were not marked)',
      'Closing status: not recorded',
      INTERPRETATION_GAP,
      'Monitoring start and end: not recorded',
    ]);
    // An empty record supports no clinical conclusion, and none is suggested.
    expect(d.sections.find((s) => s.id === 'events')?.text).toBe(
      'No alert was recorded, but whether responses stayed at baseline cannot be stated from this record: no modality recordings were captured and monitoring start and end were not marked.',
    );
    expect(d.sections.find((s) => s.id === 'interpretation')?.suggestion).toBeNull();
    expect(d.sections.find((s) => s.id === 'notes')?.text).toBe('No notes were recorded.');
  });

  it('does not state a closing "all at baseline" beside a change recorded as final and unrecovered', () => {
    // caseEvents' alert at 09:36 ends with a typed "no recovery (final outcome)" at 09:52; its closing note says all at baseline.
    const final = (recovery: 'none' | 'partial' | 'full', closing = 'At closure all modalities at baseline') =>
      buildDraft(
        buildCaseFacts({
          record: record(),
          people,
          events: caseEvents().map((e) =>
            e.kind === 'alert_resolved' ? { ...e, payload: { entry: { kind: 'alert_resolved', recovery } } } : e.kind === 'note' && /closure/.test(e.text) ? { ...e, text: closing } : e,
          ),
        }),
      );
    const none = final('none');
    const closing = none.sections.find((s) => s.id === 'closing')!;
    expect(closing.gaps).toEqual(['Closing status: says all at baseline, but the change in TcMEP, left lower limb at 09:36 is recorded as not recovered (final outcome, 09:52); record which is right, or edit this section']);
    const suggestion = none.sections.find((s) => s.id === 'interpretation')!.suggestion!;
    expect(suggestion).toContain('did not recover (final outcome recorded at 09:52)');
    expect(suggestion).not.toContain('At closing');
    // Nothing to settle: a partial recovery (not final), a full one, or a closing that says changes persist.
    for (const d of [final('partial'), final('full'), final('none', 'At closure changes persist in left TA TcMEP compared with baseline')]) {
      expect(d.sections.find((s) => s.id === 'closing')!.gaps).toEqual([]);
      expect(d.sections.find((s) => s.id === 'interpretation')!.suggestion).toContain('At closing:');
    }
  });

  it('states a change typed by the technologist and exported by the device once, saying both recorded it', () => {
    const typed = ev('alert', 97, { modality: 'TCMEP', side: 'left', limb: 'lower', source: 'keyboard', text: 'Left tibialis anterior TcMEP amplitude down 80% from baseline' });
    const d = buildDraft(buildCaseFacts({ record: record(), people, events: [...caseEvents(), typed] }));
    const events = d.sections.find((s) => s.id === 'events')!;
    expect(events.text).toMatch(/^1 significant change was recorded\.\n/);
    expect(events.text).toContain('09:36 Significant change in TcMEP, left lower limb: Left TA TcMEP amplitude down 80% from baseline.\n  Also entered by the technologist at 09:37.\n');
    expect(events.eventIds).toContain(typed.id);
  });

  it('says when the device and the technologist record different outcomes, and asks which is right', () => {
    const typed = ev('alert_resolved', 113, { modality: 'TCMEP', side: 'left', source: 'keyboard', text: 'Left lower limb TcMEP partially recovered', payload: { entry: { kind: 'alert_resolved', recovery: 'partial' } } });
    const d = buildDraft(buildCaseFacts({ record: record(), people, events: [...caseEvents(), typed] }));
    const events = d.sections.find((s) => s.id === 'events')!;
    expect(events.text).toContain('  09:52 Recovered after 16 min: Left TA TcMEP back to baseline.\n  09:53 The technologist entered: partially recovered.');
    expect(events.gaps).toEqual(['Alert at 09:36: outcome recorded as recovered (device, 09:52) and as partially recovered (typed, 09:53); record which is right, or edit this section']);
    const suggestion = d.sections.find((s) => s.id === 'interpretation')!.suggestion!;
    expect(suggestion).toContain('The change in TcMEP, left lower limb at 09:36: its outcome is recorded two ways (recovered; partially recovered).');
    expect(suggestion).not.toContain('recovered by');
  });

  it('reads a closing as "all at baseline" only when it says so', () => {
    for (const yes of ['At closure, all monitored modalities at baseline', 'At closure all modalities at baseline.', 'Final responses unchanged from baseline', 'Closing runs: no significant change']) expect(closingSaysAtBaseline(yes), yes).toBe(true);
    for (const no of ['At closure, changes persist compared with baseline', 'At closure left TA TcMEP remains reduced, all others at baseline', 'Closing status: not at baseline', 'At closure, SSEP below baseline']) expect(closingSaysAtBaseline(no), no).toBe(false);
  });

  it('keeps every note word for word, in time order, but the one that is the closing status', () => {
    const events = [
      ...caseEvents(),
      ev('note', 40, { text: 'Wake-up test: moves both feet', source: 'keyboard' }),
      ev('note', 10, { text: 'Patient in room. Electrodes placed, impedances < 5 kOhm.', source: 'folder:export' }),
      ev('marker', 70, { text: '' }),
    ];
    const d = buildDraft(buildCaseFacts({ record: record(), people, events }));
    const notes = d.sections.find((s) => s.id === 'notes')!;
    expect(notes.text).toBe(['08:10 Patient in room. Electrodes placed, impedances < 5 kOhm.', '08:40 Wake-up test: moves both feet', '09:10 Marker (no text).'].join('\n'));
    expect(notes).toMatchObject({ title: 'Notes as recorded', gaps: [] });
    expect(notes.eventIds).toEqual(events.slice(-3).map((e) => e.id).sort((a, b) => events.find((e) => e.id === a)!.occurredAt - events.find((e) => e.id === b)!.occurredAt));
    // The closing note is the closing status, not a note twice.
    expect(d.sections.find((s) => s.id === 'closing')!.text).toBe('10:40 At closure all modalities at baseline.');
    expect(notes.text).not.toContain('At closure');
  });

  it('writes times in the case zone', () => {
    const d = buildDraft(buildCaseFacts({ record: { ...record(), timeZone: 'America/Chicago' }, people, events: caseEvents() }));
    expect(d.sections.find((s) => s.id === 'closing')?.text).toBe('04:40 At closure all modalities at baseline.');
  });
});
