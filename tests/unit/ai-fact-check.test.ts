import { describe, expect, it } from 'vitest';
import { checkNarrative, scanMentions, type FindingKind } from '../../shared/report/fact-check';
import { findIdentifierMatches, identifiersOf } from '../../shared/report/deidentify';
import { restoreTimes } from '../../shared/report/ai-times';
import { timeBaseOf } from '../../shared/report/deidentify';
import { ev, trials } from '../helpers/events';
import { isAiSection } from '../../shared/report/ai-prompt';
import { faithfulNarrative, syntheticCase, syntheticEvents } from '../helpers/fake-anthropic';

const c = syntheticCase();
const ai = c.facts;
const flagged = (text: string, facts = ai) => checkNarrative(text, facts).findings.map((f) => f.token);

describe('checkNarrative: what the record holds passes', () => {
  it('passes a faithful narrative, section by section, its time tokens read back as clock times', () => {
    for (const part of faithfulNarrative().split(/^## \w+\n/m).filter(Boolean)) {
      expect(checkNarrative(restoreTimes(part, timeBaseOf(c.facts), c.facts.timeZone), ai)).toEqual({ ok: true, findings: [] });
    }
  });

  it('passes every section of the deterministic draft (the draft only states record values)', () => {
    // The sections the model writes, as the draft has them, pass against the identified facts
    // (what an accepted AI section is checked against). The synthetic texts hold identifiers on
    // purpose (for the scrubber); their digits are not record values, so those spans are skipped.
    const ids = identifiersOf(c.facts);
    for (const s of c.draft.sections.filter((x) => isAiSection(x.id))) {
      const phi = findIdentifierMatches(s.text, ids);
      const findings = checkNarrative(s.text, c.facts).findings.filter((f) => !phi.some((m) => f.start < m.end && m.start < f.end));
      expect({ id: s.id, findings }).toEqual({ id: s.id, findings: [] });
    }
  });

  it('checks against the case facts: what the AI was sent, its minutes as the case clock', () => {
    expect(checkNarrative('At 09:36 the left TcMEP fell 80%.', c.facts).ok).toBe(true);
    expect(flagged('At 09:41 the left TcMEP fell 80%.', c.facts)).toEqual(['09:41']);
  });
});

// [text, tokens flagged] — near misses of what the synthetic record holds:
// alert 09:36 (TcMEP left, down 80%), MAP 58 mmHg at 09:35, notified 09:38, MAP raised to 85 mmHg
// at 09:39, recovered 09:52 after 16 min; monitoring 08:28–10:43, 135 min; L4-L5, bilateral procedure.
const TABLE: ReadonlyArray<readonly [string, readonly string[]]> = [
  // times
  ['At 09:36 the amplitude fell.', []],
  ['At 09:37 the amplitude fell.', ['09:37']],
  ['At 9:36 the amplitude fell.', []],
  ['At 9:36 am the amplitude fell.', []],
  ['At 9:36 a.m. the amplitude fell.', []],
  ['At 9:36 PM the amplitude fell.', ['9:36 PM']],
  ['At 09:36:45 the amplitude fell.', []],
  ['Recovered at 9.52 am.', []],
  ['Recovered at 9.53 am.', ['9.53 am']],
  ['From 08:28 to 10:43.', []],
  ['From 08:28 to 10:44.', ['10:44']],
  ['12:05 am', ['12:05 am']],
  // numbers and units
  ['Amplitude down 80% from baseline.', []],
  ['Amplitude down 85% from baseline.', ['85%']],
  ['Amplitude down 80 % from baseline.', []],
  ['Amplitude down 80 percent.', []],
  ['Amplitude down eighty percent.', []],
  ['Amplitude down eighty-five percent.', ['eighty-five percent']],
  ['MAP 58 mmHg before the change.', []],
  ['MAP 58 mm Hg before the change.', []],
  ['MAP 58% before the change.', ['58%']],
  ['MAP 57 mmHg before the change.', ['57 mmHg']],
  ['MAP was raised to 85 mmHg.', []],
  ['MAP was raised to 90 mmHg.', ['90 mmHg']],
  ['Recovered after 16 minutes.', []],
  ['Recovered after a 16-minute interval.', []],
  ['Recovered after 17 minutes.', ['17 minutes']],
  ['Recovered after sixteen minutes.', []],
  ['Monitored for 135 min.', []],
  ['Monitored for 2 hours 15 minutes.', []],
  ['Monitored for 2 hours and 15 minutes.', []],
  ['Monitored for 2.25 hours.', []],
  ['Monitored for 136 min.', ['136 min']],
  ['Monitored for 3 hours.', ['3 hours']],
  ['Propofol 150 mcg/kg/min.', []],
  ['Propofol 100 mcg/kg/min.', ['100 mcg/kg/min']],
  ['A 60-year-old man.', []],
  ['A 61-year-old man.', ['61-year-old']],
  ['CPT 22612; ICD-10-CM M43.16.', []],
  ['CPT 22630.', ['22630']],
  ['One significant change was recorded.', []],
  ['1 significant change was recorded.', []],
  ['68 SSEP recordings.', []],
  ['69 SSEP recordings.', ['69']],
  ['1. Baselines obtained.\n2. Monitoring uneventful.', []],
  ['Amplitude 1.5 µV.', ['1.5 µV']],
  ['Temperature 35.2 °C.', ['35.2 °C']],
  // sides
  ['Left TA TcMEP amplitude down.', []],
  ['Right TA TcMEP amplitude down.', ['Right']],
  ['Bilateral fusion.', []],
  ['The surgeon left the room; all right.', []],
  // levels
  ['Screws at L4 and L5.', []],
  ['Fusion L4-L5.', []],
  ['Fusion L4–5.', []],
  ['Fusion L4/5.', []],
  ['Fusion L4 to L5.', []],
  ['Fusion L5-S1.', ['L5-S1']],
  ['Screw at L3.', ['L3']],
  ['Fusion T12-L1.', ['T12-L1']],
  ['Fusion L4-L5 and L5-S1.', ['L5-S1']],
  // modalities
  ['TcMEP and SSEP were monitored.', []],
  ['MEPs and SSEPs were monitored.', []],
  ['Motor evoked potentials and somatosensory evoked potentials were monitored.', []],
  ['Transcranial motor evoked potentials were stable.', []],
  ['Free-run EMG was quiet.', ['Free-run EMG']],
  ['EMG was quiet.', ['EMG']],
  ['Triggered EMG thresholds were above 8 mA.', ['Triggered EMG', '8 mA']],
  ['D-wave was stable.', ['D-wave']],
  ['EEG was stable.', ['EEG']],
  ['BAEPs were stable.', ['BAEPs']],
];

describe('checkNarrative: adversarial table', () => {
  it.each(TABLE)('%j → %j', (text, tokens) => {
    expect(flagged(text)).toEqual(tokens);
  });

  it('says what is wrong, plainly, with exact offsets', () => {
    const text = 'At 09:41 the right TcMEP fell 85% (L5-S1); EMG was quiet.';
    const r = checkNarrative(text, ai);
    expect(r.ok).toBe(false);
    expect(r.findings.map((f) => [f.kind, f.message])).toEqual([
      ['time', '09:41 is not a time in the record'],
      ['side', '"right" is not a side in the record'],
      ['number', '85% does not appear in the record'],
      ['level', 'L5-S1 is not a level in the record'],
      ['modality', 'EMG is not a modality in the record'],
    ] satisfies Array<[FindingKind, string]>);
    for (const f of r.findings) expect(text.slice(f.start, f.end)).toBe(f.token);
  });

  it('flags TcMEP when only SSEP was monitored, and a side the record does not have', () => {
    const events = [ev('baseline', 20, { modality: 'SSEP', text: 'Baseline SSEP obtained' }), ...trials('SSEP', 25, 100, 2, { limb: 'lower', modalityName: 'Lower SSEP' })];
    const only = syntheticCase({ procedure: { description: 'Lumbar decompression', cpt: '63047', side: 'left', levels: 'L4' } }, events).facts;
    expect(flagged('SSEP was stable; TcMEP was stable.', only)).toEqual(['TcMEP']);
    expect(flagged('Motor evoked potentials were not monitored.', only)).toEqual(['Motor evoked potentials']);
    expect(flagged('Left-sided decompression; bilateral SSEP.', only)).toEqual(['bilateral']);
  });

  it('counts a modality the record mentions in its texts (e.g. "MEPs not obtained")', () => {
    const events = [...syntheticEvents().filter((e) => e.modality !== 'TCMEP'), ev('milestone', 30, { text: 'Positioned prone; MEPs not obtained: pacemaker' })];
    const f = syntheticCase({}, events).facts;
    expect(flagged('MEPs could not be obtained.', f)).toEqual([]);
  });
});

describe('checkNarrative: claims, not only words (the misses of a 23-error probe)', () => {
  // Record: alert 09:36 (TcMEP, left, lower), notified 09:38, MAP raised 09:39, recovered 09:52; one change.
  const found = (text: string) => checkNarrative(text, c.facts).findings.map((f) => [f.kind, f.token]);

  it('reads sides as IONM writes them short', () => {
    expect(found('The Rt TA TcMEP amplitude fell 80% at 09:36.')).toEqual([['side', 'Rt']]);
    expect(found('The L TA TcMEP amplitude fell 80% at 09:36.')).toEqual([]);
    expect(found('The R APB response fell at 09:36.')).toEqual([['side', 'R']]);
    // A level is not a side.
    expect(found('Screws at L4 and L5.')).toEqual([]);
  });

  it('counts changes as the record does', () => {
    expect(found('Two significant changes were recorded.')).toEqual([['number', 'Two significant changes']]);
    expect(found('One significant change was recorded.')).toEqual([]);
    expect(found('No significant changes were recorded.')).toEqual([['number', 'No significant changes were recorded']]);
  });

  it('holds each time to the event it is said of', () => {
    // The notification and intervention times swapped.
    expect(found('The surgeon was notified at 09:39 and MAP was raised to 85 mmHg at 09:38.')).toEqual([
      ['time', '09:39'],
      ['time', '09:38'],
    ]);
    // A second alert made only of true values: the recovery time and the real drop.
    expect(found('At 09:52 the left TcMEP amplitude fell 80%.')).toEqual([['time', '09:52']]);
    // The faithful wording passes.
    expect(found('The surgeon was notified at 09:38 and MAP was raised to 85 mmHg at 09:39; the response recovered at 09:52.')).toEqual([]);
  });

  it('holds a change to the modality and side the record gives it', () => {
    expect(found('At 09:36 the left SSEP amplitude fell 80%.')).toEqual([['modality', 'SSEP']]);
    expect(found('At 09:36 the right TcMEP amplitude fell 80%.')).toEqual([['side', 'right']]);
  });

  it('says what is wrong in words', () => {
    const r = checkNarrative('The surgeon was notified at 09:39.', c.facts);
    expect(r.findings[0]?.message).toBe('09:39 is not a time the surgeon was notified in the record (it is an intervention time)');
  });
});

describe('scanMentions', () => {
  it('reads times, levels, modalities, sides and numbers without reading one as another', () => {
    const m = scanMentions('09:36 L4-5 TcMEP left 80% M43.16 ICD-10 SpO2 98%');
    expect(m.map((x) => [x.kind, x.token])).toEqual([
      ['time', '09:36'],
      ['level', 'L4-5'],
      ['modality', 'TcMEP'],
      ['side', 'left'],
      ['number', '80%'],
      ['number', '98%'],
    ]);
  });
});

describe('withheld text', () => {
  it('flags [removed] copied from the de-identified input', () => {
    const { facts } = syntheticCase();
    const text = 'The surgeon, [removed], was notified at 09:38.';
    const r = checkNarrative(text, facts);
    expect(r.ok).toBe(false);
    expect(r.findings.map((f) => [f.kind, text.slice(f.start, f.end)])).toEqual([['withheld', '[removed]']]);
  });
});
