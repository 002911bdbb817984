import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { DeviceEvent, ParseWarning } from '../../shared/parsers/types';
import { buildMessage, type SegmentSpec } from '../../shared/hl7/build';
import { observationsFromMessage, type CaptureFact, type CaptureWarning } from '../../shared/hl7/observations';
import { decodeHl7Bytes, parseHl7, type Hl7Message } from '../../shared/hl7/parse';
import { TESTDATA } from '../helpers/temp-dir';

function parseFile(name: string): Hl7Message {
  const r = parseHl7(decodeHl7Bytes(fs.readFileSync(path.join(TESTDATA, 'hl7', name))));
  if (!r.ok) throw new Error(r.reason);
  return r.message;
}

function parseText(text: string): Hl7Message {
  const r = parseHl7(text);
  if (!r.ok) throw new Error(r.reason);
  return r.message;
}

describe('the capture fact type', () => {
  it('is exactly the capture pipeline DeviceEvent (shared/ cannot import it)', () => {
    expectTypeOf<CaptureFact>().toEqualTypeOf<DeviceEvent>();
    expectTypeOf<CaptureWarning>().toEqualTypeOf<ParseWarning>();
  });
});

describe('shared test files', () => {
  it('NIST ORU^R01 → one vitals fact for the lead OBX, time from OBX-14 with its offset', () => {
    expect(observationsFromMessage(parseFile('nist_ORU_R01_2.5.1_SampleTestCase1.hl7'))).toEqual({
      events: [
        {
          wallClock: '2008-08-15T10:30:00',
          key: 'NIST-100929110701660:1',
          text: 'Lead BldC-mCnc 50 ug/dL',
          kind: 'vitals',
          raw: '200808151030-0700',
          extra: {
            code: '10368-9',
            label: 'Lead BldC-mCnc',
            codeSystem: 'LN',
            value: 50,
            units: 'ug/dL',
            valueType: 'NM',
            subId: '1',
            referenceRange: '<9 mcg/dL:  Acceptable background lead exposure',
            abnormalFlags: 'H',
            status: 'F',
            timeSource: 'OBX-14',
            utcOffset: '-0700',
          },
        },
      ],
      warnings: [],
    });
  });

  it('Draeger ORU^R40 watchdog → one fact flagged alarm + watchdog, containment rows skipped', () => {
    expect(observationsFromMessage(parseFile('draeger_PCD04_watchdog.txt'))).toEqual({
      events: [
        {
          wallClock: '2019-11-27T14:56:35',
          key: '2df8823a-f8fb-44e0-a4ba-1d826e0809f1:3',
          text: 'Alarm system watchdog: continue (start, active)',
          kind: 'vitals',
          raw: '20191127145635+0100',
          extra: {
            alarm: true,
            watchdog: true,
            code: '196614',
            label: 'MDC_EVT_ACTIVE',
            codeSystem: 'MDC',
            value: 'continue',
            alertId: '830',
            phase: 'start',
            state: 'active',
            inactivationState: 'enabled',
            priority: 'PN',
            alertType: 'SA',
            source: { code: '69837', label: 'MDC_TODO' },
            confirmTimeout: { value: 5, units: 's' },
            timeSource: 'OBR-7',
            utcOffset: '+0100',
          },
        },
      ],
      warnings: [],
    });
  });

  it('an MDM message carries no observations and says so', () => {
    const r = observationsFromMessage(parseFile('msfhir_MDM-T02-02.hl7'));
    expect(r.events).toEqual([]);
    expect(r.warnings).toHaveLength(1);
  });
});

const MSH = (type: readonly string[], extra: Record<number, string> = {}): SegmentSpec => ({
  id: 'MSH',
  fields: { 3: 'GATEWAY', 4: 'OR7', 7: '20250314081500-0500', 9: type, 10: 'CTRL42', 11: 'P', 12: '2.6', ...extra },
});

describe('synthetic monitor data (IHE PCD-01 style ORU^R01)', () => {
  const msg = parseText(
    buildMessage([
      MSH(['ORU', 'R01', 'ORU_R01']),
      { id: 'PID', fields: { 3: 'X' } },
      { id: 'OBR', fields: { 1: '1', 4: ['69837', 'MDC_DEV_METER_PHYSIO_MULTI_PARAM_MDS', 'MDC'], 7: '20250314081455-0500' } },
      // containment rows (no value): skipped
      { id: 'OBX', fields: { 1: '1', 3: ['69837', 'MDC_DEV_METER_PHYSIO_MULTI_PARAM_MDS', 'MDC'], 4: '1', 11: 'X' } },
      { id: 'OBX', fields: { 1: '2', 2: 'NM', 3: ['150035', 'MDC_PRESS_BLD_ART_ABP_MEAN', 'MDC'], 4: '1.1.1.150035', 5: '72', 6: ['266016', 'MDC_DIM_MMHG', 'MDC'], 11: 'R', 14: '20250314081458.25-0500' } },
      { id: 'OBX', fields: { 1: '3', 2: 'NM', 3: ['8867-4', 'Heart rate', 'LN'], 5: '61', 6: ['/min', 'beats per minute', 'UCUM'], 11: 'F' } },
      { id: 'OBX', fields: { 1: '4', 2: 'NM', 3: ['150344', 'MDC_TEMP', 'MDC'], 5: '36.4', 6: ['', 'MDC_DIM_DEGC'], 11: 'R', 14: '20250314' } },
      { id: 'OBX', fields: { 1: '5', 2: 'NM', 3: ['151708', 'MDC_AWAY_CO2_ET', 'MDC'], 5: 'n/a', 6: ['266016', 'MDC_DIM_MMHG', 'MDC'] } },
      { id: 'OBX', fields: { 1: '6', 2: 'ST', 3: ['', 'Anaesthesia note'], 5: { reps: ['Sevo off', 'TIVA started'] } } },
      { id: 'OBX', fields: { 1: '7', 2: 'CWE', 3: ['MODE', 'Ventilation mode', 'L'], 5: ['PCV', 'Pressure controlled', 'L'] } },
      { id: 'OBX', fields: { 1: '8', 2: 'ED', 3: 'WAVE', 5: ['', 'AP', '', 'Base64', 'AAAA'] } },
    ]),
  );
  const { events, warnings } = observationsFromMessage(msg);

  it('maps MAP with MDC codes and units, time from OBX-14 with fraction and offset', () => {
    expect(events[0]).toEqual({
      wallClock: '2025-03-14T08:14:58.25',
      key: 'CTRL42:2',
      text: 'MAP 72 mmHg',
      kind: 'vitals',
      raw: '20250314081458.25-0500',
      extra: {
        code: '150035',
        label: 'MDC_PRESS_BLD_ART_ABP_MEAN',
        codeSystem: 'MDC',
        value: 72,
        units: 'mmHg',
        unitsCode: '266016',
        valueType: 'NM',
        shortName: 'MAP',
        subId: '1.1.1.150035',
        status: 'R',
        timeSource: 'OBX-14',
        utcOffset: '-0500',
      },
    });
  });

  it('maps HR by LOINC, time falling back to OBR-7', () => {
    expect(events[1]).toMatchObject({
      key: 'CTRL42:3',
      text: 'HR 61 /min',
      wallClock: '2025-03-14T08:14:55',
      raw: '20250314081455-0500',
      extra: { code: '8867-4', label: 'Heart rate', value: 61, units: '/min', shortName: 'HR', timeSource: 'OBR-7' },
    });
  });

  it('maps temperature; a day-only OBX-14 is too coarse, so OBR-7 is used', () => {
    expect(events[2]).toMatchObject({
      key: 'CTRL42:4',
      text: 'Temp 36.4 °C',
      extra: { value: 36.4, units: '°C', shortName: 'Temp', timeSource: 'OBR-7' },
    });
  });

  it('skips a non-numeric NM value and an unread value type, with warnings naming the row', () => {
    expect(events.map((e) => e.key)).toEqual(['CTRL42:2', 'CTRL42:3', 'CTRL42:4', 'CTRL42:6', 'CTRL42:7']);
    expect(warnings.map((w) => w.where)).toEqual(['OBX 5', 'OBX 8']);
    // warnings never quote the value
    expect(JSON.stringify(warnings)).not.toContain('n/a');
  });

  it('joins ST repetitions as lines and reads coded values by their text', () => {
    expect(events[3]).toMatchObject({ text: 'Anaesthesia note Sevo off\nTIVA started', extra: { value: 'Sevo off\nTIVA started', valueType: 'ST' } });
    expect(events[4]).toMatchObject({ text: 'Ventilation mode Pressure controlled', extra: { value: 'Pressure controlled', valueCode: 'PCV', valueSystem: 'L' } });
  });

  it('falls back to MSH-7 when the OBR has no time', () => {
    const m = parseText(
      buildMessage([
        MSH(['ORU', 'R01']),
        { id: 'OBX', fields: { 1: '1', 2: 'NM', 3: ['150456', 'MDC_PULS_OXIM_SAT_O2', 'MDC'], 5: '98', 6: ['262688', 'MDC_DIM_PERCENT', 'MDC'] } },
      ]),
    );
    expect(observationsFromMessage(m).events).toEqual([
      expect.objectContaining({ wallClock: '2025-03-14T08:15:00', text: 'SpO2 98 %', extra: expect.objectContaining({ timeSource: 'MSH-7', utcOffset: '-0500' }) }),
    ]);
  });

  it('skips a row with no usable time at all', () => {
    const m = parseText(buildMessage([MSH(['ORU', 'R01'], { 7: '' }), { id: 'OBX', fields: { 1: '1', 2: 'NM', 3: 'X', 5: '1' } }]));
    const r = observationsFromMessage(m);
    expect(r.events).toEqual([]);
    expect(r.warnings).toHaveLength(1);
  });

  it('keeps a wall clock without an offset as the device wrote it (no utcOffset)', () => {
    const m = parseText(buildMessage([MSH(['ORU', 'R01'], { 7: '20250314081500' }), { id: 'OBX', fields: { 1: '1', 2: 'NM', 3: ['', 'MDC_ECG_HEART_RATE'], 5: '70' } }]));
    const [e] = observationsFromMessage(m).events;
    expect(e?.wallClock).toBe('2025-03-14T08:15:00');
    expect(e?.extra).not.toHaveProperty('utcOffset');
    expect(e?.text).toBe('HR 70');
  });
});

describe('synthetic ORU^R40 alarm (IHE PCD ACM)', () => {
  const msg = parseText(
    buildMessage([
      MSH(['ORU', 'R40', 'ORU_R40']),
      { id: 'OBR', fields: { 1: '1', 3: ['77', 'uuid-1'], 4: ['196616', 'MDC_EVT_ALARM', 'MDC'], 7: '20250314081700-0500' } },
      { id: 'OBX', fields: { 1: '1', 3: ['69837', 'MDC_DEV_METER_PHYSIO_MULTI_PARAM_MDS', 'MDC'], 4: '1.0.0.0', 11: 'X' } },
      { id: 'OBX', fields: { 1: '2', 2: 'ST', 3: ['196652', 'MDC_EVT_LO_VAL_LT_LIM', 'MDC'], 4: '1.1.1.1', 5: 'ABP mean low', 11: 'F' } },
      { id: 'OBX', fields: { 1: '3', 2: 'NM', 3: ['150035', 'MDC_PRESS_BLD_ART_ABP_MEAN', 'MDC'], 4: '1.1.1.2', 5: '54', 6: ['266016', 'MDC_DIM_MMHG', 'MDC'], 7: '60-110', 11: 'F' } },
      { id: 'OBX', fields: { 1: '4', 2: 'ST', 3: ['68480', 'MDC_ATTR_ALERT_SOURCE', 'MDC'], 5: ['150035', 'MDC_PRESS_BLD_ART_ABP_MEAN', 'MDC'] } },
      { id: 'OBX', fields: { 1: '5', 2: 'ST', 3: ['68481', 'MDC_ATTR_EVENT_PHASE', 'MDC'], 5: 'start' } },
      { id: 'OBX', fields: { 1: '6', 2: 'ST', 3: ['68482', 'MDC_ATTR_ALARM_STATE', 'MDC'], 5: 'active' } },
      { id: 'OBX', fields: { 1: '7', 2: 'ST', 3: ['68483', 'MDC_ATTR_ALARM_INACTIVATION_STATE', 'MDC'], 5: 'enabled' } },
      { id: 'OBX', fields: { 1: '8', 2: 'ST', 3: ['68484', 'MDC_ATTR_ALARM_PRIORITY', 'MDC'], 5: 'PH' } },
      { id: 'OBX', fields: { 1: '9', 2: 'ST', 3: ['68485', 'MDC_ATTR_ALERT_TYPE', 'MDC'], 5: 'SP' } },
      // a second alert in the same message, own OBR group, attributes by numeric code only
      { id: 'OBR', fields: { 1: '2', 3: '78', 4: ['196616', 'MDC_EVT_ALARM', 'MDC'], 7: '20250314081705-0500' } },
      { id: 'OBX', fields: { 1: '1', 2: 'ST', 3: ['196916', '', 'MDC'], 5: 'CO2 sensor unplugged' } },
      { id: 'OBX', fields: { 1: '2', 2: 'ST', 3: ['68484', '', 'MDC'], 5: 'PL' } },
      { id: 'OBX', fields: { 1: '3', 2: 'ST', 3: ['68485', '', 'MDC'], 5: 'ST' } },
    ]),
  );
  const { events, warnings } = observationsFromMessage(msg);

  it('maps a physiological high-priority alarm with its measurement and limits', () => {
    expect(warnings).toEqual([]);
    expect(events[0]).toEqual({
      wallClock: '2025-03-14T08:17:00',
      key: 'CTRL42:2',
      text: 'Physiological alarm, high priority: ABP mean low (start, active)',
      kind: 'vitals',
      raw: '20250314081700-0500',
      extra: {
        alarm: true,
        watchdog: false,
        code: '196652',
        label: 'MDC_EVT_LO_VAL_LT_LIM',
        codeSystem: 'MDC',
        value: 'ABP mean low',
        alertId: '77',
        phase: 'start',
        state: 'active',
        inactivationState: 'enabled',
        priority: 'PH',
        alertType: 'SP',
        source: { code: '150035', label: 'MDC_PRESS_BLD_ART_ABP_MEAN' },
        measurements: [{ code: '150035', label: 'MDC_PRESS_BLD_ART_ABP_MEAN', value: 54, units: 'mmHg', limits: '60-110' }],
        timeSource: 'OBR-7',
        utcOffset: '-0500',
      },
    });
  });

  it('maps a second alert group whose rows carry numeric MDC codes only', () => {
    expect(events[1]).toMatchObject({
      key: 'CTRL42:10', // the 10th OBX of the message
      wallClock: '2025-03-14T08:17:05',
      text: 'Technical alarm, low priority: CO2 sensor unplugged',
      extra: { alarm: true, watchdog: false, code: '196916', priority: 'PL', alertType: 'ST', alertId: '78' },
    });
    expect(events).toHaveLength(2);
  });
});
