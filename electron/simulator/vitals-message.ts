/**
 * What the simulated anaesthesia monitor sends for each reading: an HL7 v2.5.1 ORU^R01 with one
 * NM OBX per parameter (LOINC codes, UCUM units, OBX-14 = the device's own time), or, for
 * monitors that only print, one plain text line. Pure: the serial writer frames and sends.
 */
import { buildMessage, dtFromIsoDate, dtmFromWallClock, type SegmentSpec } from '../../shared/hl7/build';
import { timeOfDay } from './clock';
import type { SimCase } from './demo-case';

export type VitalsReading = Readonly<{
  /** Device wall clock (naive ms). */
  wallMs: number;
  /** The device zone's UTC offset then, in minutes (monitors send it with their times). */
  utcOffsetMinutes: number;
  mapMmHg: number;
  heartRate: number;
  temperatureC: number;
}>;

export const VITALS_SENDING_APPLICATION = 'CLOSEOUT_SIM';

/** LOINC codes the app's observation mapping knows by short name (MAP, HR, Temp). */
const OBSERVATIONS = [
  { code: '8478-0', label: 'Mean blood pressure', unit: 'mm[Hg]', value: (v: VitalsReading) => String(v.mapMmHg) },
  { code: '8867-4', label: 'Heart rate', unit: '/min', value: (v: VitalsReading) => String(v.heartRate) },
  { code: '8310-5', label: 'Body temperature', unit: 'Cel', value: (v: VitalsReading) => v.temperatureC.toFixed(1) },
] as const;

/** The device time as DTM with its offset, to the second ("20261126093000-0500"). */
export function vitalsDtm(v: VitalsReading): string {
  const wall = new Date(v.wallMs).toISOString().slice(0, 19);
  const dtm = dtmFromWallClock(wall, v.utcOffsetMinutes);
  if (dtm === null) throw new RangeError(`no DTM for ${wall}`);
  return dtm;
}

/** ORU^R01 (segments ended by CR, as build.ts writes them). `controlId` must be unique per message. */
export function buildVitalsOru(v: VitalsReading, c: SimCase, controlId: string): string {
  const when = vitalsDtm(v);
  const p = c.patient;
  const segments: SegmentSpec[] = [
    {
      id: 'MSH',
      fields: {
        3: VITALS_SENDING_APPLICATION,
        4: c.orRoom,
        5: 'CLOSEOUT',
        6: c.facility,
        7: when,
        9: ['ORU', 'R01', 'ORU_R01'],
        10: controlId,
        11: 'P',
        12: '2.5.1',
        // A serial line has no way back: ask for no acknowledgements.
        15: 'NE',
        16: 'NE',
      },
    },
    { id: 'PID', fields: { 1: '1', 3: [p.mrn, '', '', 'DEMO', 'MR'], 5: [p.lastName, p.firstName], 7: dtFromIsoDate(p.dateOfBirth), 8: p.sex } },
    { id: 'PV1', fields: { 1: '1', 2: 'I', 3: ['', c.orRoom, '', c.facility] } },
    { id: 'OBR', fields: { 1: '1', 3: controlId, 4: ['VITALS', 'Vital signs', 'L'], 7: when } },
    ...OBSERVATIONS.map(
      (o, i): SegmentSpec => ({
        id: 'OBX',
        fields: { 1: String(i + 1), 2: 'NM', 3: [o.code, o.label, 'LN'], 5: o.value(v), 6: [o.unit, o.unit, 'UCUM'], 11: 'F', 14: when, 18: 'SIM-MONITOR-1' },
      }),
    ),
  ];
  return buildMessage(segments);
}

/** "HH:MM:SS MAP 78 HR 64 TEMP 36.4" plus CRLF, for `--serial-framing lines`. */
export function vitalsTextLine(v: VitalsReading): string {
  return `${timeOfDay(v.wallMs)} MAP ${v.mapMmHg} HR ${v.heartRate} TEMP ${v.temperatureC.toFixed(1)}\r\n`;
}
