/**
 * `closeout inspect` on an events text never invents a date: it takes the header's date, or the
 * one on the start line ("Start 22:58:10 2026-10-14", after the time, as some builds write it),
 * or --date; with none, it says so and prints times of day alone (with the days after the start),
 * where it used to date them silently by the file's modification time.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli';
import { tempDir } from '../helpers/temp-dir';

type Out = { format: string; dated?: boolean; events: Array<{ time: string; text: string }>; warnings: Array<{ where: string; message: string }> };

function eventsText(startLine: string): string {
  return ['Patient Name: Testpatient, Ada', 'Study: synthetic', '', '', 'Exported events', '', startLine, '1 23:10:00 Baseline SSEP obtained', '2 23:59:30 Incision', '3 00:05:00 Pedicle screw L4 left'].join('\r\n') + '\r\n';
}

describe('inspect and the date of an events text', () => {
  it('reads the date written after the time on the start line, and rolls past midnight', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'events.txt');
    fs.writeFileSync(file, eventsText('Start 22:58:10 2026-10-14'));
    const r = await cli(dir, ['inspect', file, '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as Out;
    expect(out.dated).toBeUndefined();
    expect(out.events.map((e) => e.time)).toEqual(['2026-10-14T23:10:00', '2026-10-14T23:59:30', '2026-10-15T00:05:00']);
  });

  it('without any date: says so and prints times without one; --date dates them', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'events.txt');
    fs.writeFileSync(file, eventsText('Start 22:58:10 recording'));
    const r = await cli(dir, ['inspect', file, '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as Out;
    expect(out.dated).toBe(false);
    expect(out.events.map((e) => e.time)).toEqual(['23:10:00', '23:59:30', '00:05:00 (+1 day)']);
    expect(out.warnings.map((w) => w.message)).toContain('The file holds no date and none was given (--date YYYY-MM-DD): times are shown without a date.');
    // Nothing from today (or the file's time) crept in.
    const today = new Date().toISOString().slice(0, 10);
    expect(r.stdout).not.toContain(today);

    const text = await cli(dir, ['inspect', file]);
    expect(text.stdout).toContain('Warning (file): The file holds no date');
    const dated = JSON.parse((await cli(dir, ['inspect', file, '--json', '--date', '2026-10-14'])).stdout) as Out;
    expect(dated.events[0]?.time).toBe('2026-10-14T23:10:00');
  });
});
