/**
 * A device that misses an ACK sends the same HL7 message again; a replugged cable can replay one.
 * Over a real pty pair (socat) into a real backend, the same ORU^R01 (same MSH-7 and MSH-10) sent
 * twice, or three times, is stored once; a device that restarted its control ids (same MSH-10, a
 * new MSH-7) is a new message and is stored. Before, the serial source put the arrival time in
 * every key and stored each re-send again.
 */
import { describe, expect, it } from 'vitest';
import { buildMessage, type SegmentSpec } from '../../shared/hl7/build';
import { mllpEncode } from '../../shared/hl7/mllp';
import { captureRig, eventually } from '../helpers/capture';
import { startPtyPair } from '../helpers/pty-pair';
import { tempDir } from '../helpers/temp-dir';

function oru(controlId: string, sentAt: string, map: number): string {
  const segments: SegmentSpec[] = [
    { id: 'MSH', fields: { 3: 'MONITOR', 4: 'OR3', 5: 'CLOSEOUT', 6: 'IONM', 7: sentAt, 9: ['ORU', 'R01', 'ORU_R01'], 10: controlId, 11: 'P', 12: '2.6' } },
    { id: 'OBR', fields: { 1: '1', 4: ['VITALS'], 7: sentAt } },
    { id: 'OBX', fields: { 1: '1', 2: 'NM', 3: ['8478-0', 'Mean blood pressure', 'LN'], 5: String(map), 6: ['mm[Hg]', 'mm[Hg]', 'UCUM'], 11: 'F', 14: sentAt } },
    { id: 'OBX', fields: { 1: '2', 2: 'NM', 3: ['8867-4', 'Heart rate', 'LN'], 5: '61', 6: ['/min', '/min', 'UCUM'], 11: 'F', 14: sentAt } },
  ];
  return buildMessage(segments);
}

describe('serial HL7 re-sends', () => {
  it('store a message once however often it is sent; a new MSH-7 with an old control id is a new message', async () => {
    const pair = await startPtyPair(tempDir('closeout-resend-'));
    const r = await captureRig();
    for (const s of await r.backend.ok('listSources', {})) await r.backend.ok('deleteSource', { id: s.id });
    await r.backend.ok('saveSource', { source: { kind: 'serial', name: 'Monitor', config: { path: pair.appPath, framing: 'mllp', timeZone: 'UTC', checkClock: false } } });
    await r.backend.ok('setCaseStatus', { id: r.caseId, status: 'open' });
    await r.backend.ok('setCaseStatus', { id: r.caseId, status: 'capturing' });
    await eventually(async () => expect((await r.backend.ok('getCaptureStatus', {})).sources[0]?.state).toBe('connected'));

    const first = mllpEncode(oru('MSG0001', '20261126081500', 71));
    await pair.write(first);
    await eventually(async () => expect((await r.events()).map((e) => e.text)).toEqual(['MAP 71 mmHg', 'HR 61 /min']));
    // The ACK was "lost": the device sends it again, twice.
    await pair.write(first);
    await pair.write(first);
    // The device restarted and its control ids began again: same MSH-10, a later MSH-7.
    await pair.write(mllpEncode(oru('MSG0001', '20261126090000', 74)));
    await eventually(async () => expect((await r.events()).map((e) => e.text)).toEqual(['MAP 71 mmHg', 'HR 61 /min', 'MAP 74 mmHg', 'HR 61 /min']));
    // Every send was acknowledged, and nothing more arrived later.
    await eventually(() => expect(pair.received().toString('latin1').match(/MSA\|AA/g)?.length).toBe(4));
    expect((await r.events()).length).toBe(4);
    await r.backend.close();
  });
});
