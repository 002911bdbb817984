/**
 * A full disk, for real: the data folder on a small tmpfs, filled to the last byte while a case
 * captures. What the technologist must hear is that the disk is full, where, and that nothing
 * captured is lost; and then nothing is: an export file is read again when there is room, and
 * serial lines (sent once, kept nowhere else) are held in memory and stored in order.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureRig, eventually, writeFile, xltekText } from '../helpers/capture';
import { startPtyPair } from '../helpers/pty-pair';
import { smallDisk } from '../helpers/small-disk';
import { tempDir } from '../helpers/temp-dir';

const pad = (n: number) => String(n).padStart(2, '0');
/** Lines far larger than any slack the database's write-ahead log may have kept. */
const LINES = 3000;
const longText = (i: number) => `Device note ${i}: ${'impedance check, all channels below 5 kOhm; '.repeat(4)}`;

describe('a full disk while capturing', () => {
  it('says the disk is full, where, and that nothing is lost; the export is read in full once there is room', async () => {
    const disk = smallDisk(8 * 1024 * 1024);
    const dataDir = path.join(disk.dir, 'data');
    const r = await captureRig({ dataDir });
    await r.backend.capture?.idle();
    disk.fill();

    const lines = Array.from({ length: LINES }, (_, i): [string, string] => [`08:${pad(Math.floor(i / 60) % 60)}:${pad(i % 60)}`, longText(i)]);
    writeFile(r.exportDir, 'events.txt', xltekText(lines));
    await eventually(async () => {
      const source = (await r.backend.ok('getCaptureStatus', {})).sources[0];
      expect(source?.state).toBe('error');
      expect(source?.message).toMatch(new RegExp(`^The disk holding the data folder \\(${dataDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\) is full`));
      expect(source?.message).toContain('nothing captured is lost');
    });
    // A call that writes gets the same plain answer, not "a read/write error".
    const refused = await r.backend.fail('addNote', { caseId: r.caseId, text: 'Incision', occurredAt: Date.now() - 1000, clientId: 'disk-full-note-1' });
    expect(refused.code).toBe('DISK_FULL');
    expect(refused.message).toMatch(/is full .*nothing already saved was lost/);

    disk.free();
    await eventually(async () => expect((await r.events()).length).toBe(LINES));
    const texts = (await r.events()).map((e) => e.text);
    expect(new Set(texts).size).toBe(LINES);
    expect(texts[0]).toBe(longText(0).trim());
    expect(texts.at(-1)).toBe(longText(LINES - 1).trim());
    await eventually(async () => expect((await r.backend.ok('getCaptureStatus', {})).sources[0]?.state).not.toBe('error'));
    // The note the disk refused can be saved now.
    await r.backend.ok('addNote', { caseId: r.caseId, text: 'Incision', occurredAt: Date.now() - 1000, clientId: 'disk-full-note-1' });
    await r.backend.close();
  });

  it('holds serial lines in memory, says so, and stores every one in order when there is room', async () => {
    const disk = smallDisk(8 * 1024 * 1024);
    const dataDir = path.join(disk.dir, 'data');
    const pair = await startPtyPair(tempDir('closeout-serial-'));
    const r = await captureRig({ dataDir });
    // The serial monitor alone: no folder source.
    for (const s of await r.backend.ok('listSources', {})) await r.backend.ok('deleteSource', { id: s.id });
    await r.backend.ok('saveSource', { source: { kind: 'serial', name: 'Monitor', config: { path: pair.appPath, framing: 'lines', timeZone: 'UTC', checkClock: false } } });
    await r.backend.ok('setCaseStatus', { id: r.caseId, status: 'open' });
    await r.backend.ok('setCaseStatus', { id: r.caseId, status: 'capturing' });
    await eventually(async () => expect((await r.backend.ok('getCaptureStatus', {})).sources[0]?.state).toBe('connected'));
    disk.fill();

    const SERIAL = 400;
    for (let i = 0; i < SERIAL; i += 50) {
      await pair.write(Array.from({ length: 50 }, (_, k) => `${longText(i + k)}\r\n`).join(''));
    }
    await eventually(async () => {
      const source = (await r.backend.ok('getCaptureStatus', {})).sources[0];
      expect(source?.state).toBe('error');
      expect(source?.message).toMatch(/is full .* readings? (is|are) held in memory and will be saved as soon as there is room/);
    });

    disk.free();
    await eventually(async () => expect((await r.events()).length).toBe(SERIAL));
    expect((await r.events()).map((e) => e.text)).toEqual(Array.from({ length: SERIAL }, (_, i) => longText(i).trim()));
    await eventually(async () => expect((await r.backend.ok('getCaptureStatus', {})).sources[0]?.state).toBe('connected'));
    await r.backend.close();
  });
});
