import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli';
import { tempDir, TESTDATA } from '../helpers/temp-dir';
import { cadwellDocument } from '../fixtures/vendor/cadwell-fixture';

const xltek = [
  'Patient Name: Testpatient, Synthetic',
  'Date: 11/26/2026',
  'Study: synthetic',
  '',
  'Exported events',
  '',
  'Start 07:58:00 recording',
  '1 08:05:00 Incision',
  '2 09:36:00 Loss of R APB MEP, surgeon notified',
  '3 09:51:00 R APB MEP recovered',
  '4 23:59:30 Closing',
  '5 00:00:10 Monitoring ended',
].join('\r\n');

describe('closeout inspect: other formats', () => {
  it('XLTEK events text: wall clocks with midnight rollover, kinds and modalities from the default mapping', async () => {
    const f = path.join(tempDir(), 'events.txt');
    fs.writeFileSync(f, xltek);
    const r = await cli(tempDir(), ['inspect', f, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.format).toBe('XLTEK-events');
    expect(out.events).toEqual([
      { time: '2026-11-26T08:05:00', kind: 'milestone', text: 'Incision' },
      { time: '2026-11-26T09:36:00', kind: 'alert', modality: 'TCMEP', text: 'Loss of R APB MEP, surgeon notified' },
      { time: '2026-11-26T09:36:00', kind: 'surgeon_notified', modality: 'TCMEP', text: 'Loss of R APB MEP, surgeon notified' },
      { time: '2026-11-26T09:51:00', kind: 'alert_resolved', modality: 'TCMEP', text: 'R APB MEP recovered' },
      { time: '2026-11-26T23:59:30', kind: 'milestone', text: 'Closing' },
      { time: '2026-11-27T00:00:10', kind: 'monitoring_end', text: 'Monitoring ended' },
    ]);
  });

  it('Cadwell case-data JSON: user events (deleted ones skipped) and trials as modality activity', async () => {
    const f = path.join(tempDir(), 'case_data.json');
    fs.writeFileSync(f, cadwellDocument());
    const out = JSON.parse((await cli(tempDir(), ['inspect', f, '--json'])).stdout);
    expect(out.format).toBe('Cadwell-JSON');
    expect(out.events.map((e: { text: string }) => e.text)).not.toContain('Typo note');
    expect(out.events.find((e: { text: string }) => e.text === 'Baseline SSEP obtained')).toMatchObject({ kind: 'baseline', modality: 'SSEP' });
    expect(out.events.some((e: { kind: string; modality?: string }) => e.kind === 'modality_activity' && e.modality === 'SSEP')).toBe(true);
  });

  it('HL7 v2 files list their messages', async () => {
    const out = JSON.parse((await cli(tempDir(), ['inspect', path.join(TESTDATA, 'hl7', 'nist_ORU_R01_2.5.1_SampleTestCase1.hl7'), '--json'])).stdout);
    expect(out).toMatchObject({ format: 'HL7v2', messages: [{ type: 'ORU^R01', controlId: 'NIST-100929110701660', events: [{ time: '2008-08-15T10:30:00', kind: 'vitals' }] }] });
  });

  it('refuses a file it does not know, with the reason, exit 2', async () => {
    const f = path.join(tempDir(), 'notes.docx');
    fs.writeFileSync(f, Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5, 6, 7, 8]));
    const r = await cli(tempDir(), ['inspect', f, '--json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^Error: cannot read "notes.docx": not a device export Closeout knows/);
  });

  it('a delimited log needs its profile; with it, rows become events', async () => {
    const dir = tempDir();
    const f = path.join(dir, 'nim.csv');
    fs.writeFileSync(f, 'Time;Event;Mode\n26-11-2026 08:03:50;TES MEP;TES MEP\n26-11-2026 08:04:10;Baseline obtained;TES MEP\n');
    const profile = path.join(dir, 'profile.json');
    fs.writeFileSync(profile, JSON.stringify({ delimiter: ';', hasHeader: true, timeColumn: 'Time', timeFormat: 'D-M-YYYY HH:mm:ss', textColumn: 'Event', modalityColumn: 'Mode', encoding: 'utf-8' }));
    const out = JSON.parse((await cli(dir, ['inspect', f, '--profile', profile, '--json'])).stdout);
    expect(out.format).toBe('Delimited');
    expect(out.events).toEqual([
      { time: '2026-11-26T08:03:50', kind: 'note', modality: 'TCMEP', text: 'TES MEP' },
      { time: '2026-11-26T08:04:10', kind: 'baseline', modality: 'TCMEP', text: 'Baseline obtained' },
    ]);
  });
});
