/**
 * A device writing its events text is caught mid-line: "2 08:02:00 Left TcMEP lo", quiet for a
 * while, then the rest. Events are append-only, so a fragment stored once stays in the record for
 * good; a line counts only once it ends. Real chokidar watch, real files, real SQLite.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { captureRig, eventually, writeFile, xltekText } from '../helpers/capture';
import { sleep } from '../helpers/pty-pair';
import { UNFINISHED_LINE } from '../../electron/services/capture/file-ingest';

/** Longer than the quiet period after which the old reader took a half line as a whole one. */
const LONGER_THAN_OLD_QUIET_MS = 7000;

describe('a line written in two parts', () => {
  it('is stored once, whole, however long the pause and even across a capture stop', async () => {
    const r = await captureRig();
    const file = writeFile(r.exportDir, 'events.txt', xltekText([['08:00:00', 'Monitoring start']]));
    await eventually(async () => expect((await r.events()).map((e) => e.text)).toEqual(['Monitoring start']));

    fs.appendFileSync(file, '2 08:02:00 Left TcMEP lo');
    await r.backend.capture?.idle();
    await sleep(LONGER_THAN_OLD_QUIET_MS);
    await r.backend.capture?.idle();
    expect((await r.events()).map((e) => e.text)).toEqual(['Monitoring start']);
    // The file says why its last event is not in yet.
    const listed = await r.backend.ok('listCaptureFiles', { caseId: r.caseId });
    expect(listed[0]?.message).toContain(UNFINISHED_LINE);

    fs.appendFileSync(file, 'ss of amplitude, surgeon notified\r\n');
    await eventually(async () => expect((await r.events()).map((e) => e.text)).toContain('Left TcMEP loss of amplitude, surgeon notified'));

    // Capture stops while the next line is half written: nothing of it is stored then either.
    fs.appendFileSync(file, '3 08:09:00 MAP rai');
    await r.backend.capture?.idle();
    await r.backend.ok('setCaseStatus', { id: r.caseId, status: 'open' });
    fs.appendFileSync(file, 'sed to 85 mmHg\r\n');
    await r.backend.ok('setCaseStatus', { id: r.caseId, status: 'capturing' });
    await eventually(async () => expect((await r.events()).map((e) => e.text)).toContain('MAP raised to 85 mmHg'));
    const texts = (await r.events()).map((e) => e.text);
    expect(texts.filter((t) => /TcMEP lo$|MAP rai$/.test(t))).toEqual([]);
    // One line (read as the alert and the surgeon's notification, two facts of one text).
    expect(new Set(texts.filter((t) => t.startsWith('Left TcMEP')))).toEqual(new Set(['Left TcMEP loss of amplitude, surgeon notified']));
    expect(texts.filter((t) => t.startsWith('MAP rai'))).toHaveLength(1);
    expect((await r.backend.ok('listCaptureFiles', { caseId: r.caseId }))[0]?.message ?? '').not.toContain(UNFINISHED_LINE);
    await r.backend.close();
  });
});
