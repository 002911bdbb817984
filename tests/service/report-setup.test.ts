/**
 * What a device export says about how each modality was stimulated and recorded, and the peaks it
 * marked on the baseline trials, reaches the report and its PDF as the export states it. The
 * export is the simulator's Cadwell case-data JSON, captured through the real folder watcher; the
 * oracle is the file itself read with JSON.parse (not the streaming parser under test), and the
 * PDF is read back with poppler's pdftotext.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSimulation } from '../../electron/simulator/simulation';
import { loadPdfAssets } from '../../electron/services/export/pdf/pdf-assets';
import { renderReportPdf } from '../../electron/services/export/pdf/report-pdf';
import { captureRig, eventually, type CaptureRig } from '../helpers/capture';
import { HANG_MS } from '../helpers/patience';
import { tempDir } from '../helpers/temp-dir';

type Cursor = { Label: string; Position: number; Voltage: number };
type Trace = { Channel: { Name: string; ActiveBodySiteName: string; ReferenceBodySiteName: string }; Cursors?: Cursor[] };
type Trial = { Baseline: boolean; Traces: Trace[]; Stimuli?: { DiscreteStimuli: Array<{ Name: string; Outputs: Array<{ Label: string; Usage: string }>; ElectricalPulses: Array<{ Intensity: number }> }> } };
type Mode = { Name: string; Type: string; Trials?: Trial[] };

let r: CaptureRig;
let modes: Mode[];

beforeAll(async () => {
  r = await captureRig();
  // Finished a few hours ago today, so every time lies in the past of the case's day.
  const start = Date.now() - 6 * 3600_000;
  const summary = await runSimulation({ outDir: r.exportDir, seed: 11, speed: 1e6, zone: 'UTC', startInstantMs: start, formats: ['cadwell'] }).done;
  modes = (JSON.parse(fs.readFileSync(summary.files.cadwellJson as string, 'utf8')) as { Cases: Array<{ Modes: Mode[] }> }).Cases[0]!.Modes;
  await r.backend.capture?.idle();
  await eventually(async () => expect((await r.backend.ok('listCaptureFiles', { caseId: r.caseId })).map((f) => f.status)).toEqual(['done']));
});
afterAll(async () => {
  await r?.backend.close();
});

/** The file's baseline trial of a mode, as the device wrote it. */
const baselineOf = (name: string): Trial => modes.find((m) => m.Name === name)!.Trials!.find((t) => t.Baseline)!;
const ms = (s: number) => String(Math.round(s * 1e4) / 10);

describe('stimulation, recording sites and baseline values from a Cadwell export', () => {
  it('the baseline section quotes every cursor of every baseline trial, channel by channel', async () => {
    const report = await r.backend.ok('getReport', { caseId: r.caseId });
    const text = report.sections.find((s) => s.id === 'baselines')!.text;
    let quoted = 0;
    for (const name of ['Upper SSEP', 'Lower SSEP', 'L MEP', 'R MEP']) {
      for (const trace of baselineOf(name).Traces) {
        const ch = trace.Channel;
        const cursors = trace.Cursors ?? [];
        expect(cursors.length, `${name} ${ch.Name}`).toBeGreaterThan(0);
        const peaks = [...cursors].sort((a, b) => a.Position - b.Position).map((c) => `${c.Label} ${ms(c.Position)} ms`);
        // Channel, its sites, then each peak in latency order.
        expect(text).toContain(`${ch.Name} (${ch.ActiveBodySiteName}–${ch.ReferenceBodySiteName}): ${peaks.join(', ')}`);
        if (cursors.length >= 2) {
          const uv = Math.abs(cursors[0]!.Voltage - cursors[1]!.Voltage) * 1e6;
          const shown = new RegExp(`${peaks.join(', ')}, \\w+–\\w+ ([\\d.]+) µV`).exec(text);
          expect(shown, `${name} ${ch.Name}`).not.toBeNull();
          // Rounded to three significant figures at most.
          expect(Math.abs(Number(shown![1]) - uv) / uv).toBeLessThan(0.01);
        }
        quoted++;
      }
    }
    expect(quoted).toBe(16);
    // Train-of-four and EMG have no cursors in the export: no values are made up for them.
    expect(text).not.toMatch(/Train-of-four: baseline obtained\. \S/);
  });

  it('the modality section says how each was stimulated and which channels recorded it', async () => {
    const report = await r.backend.ok('getReport', { caseId: r.caseId });
    const text = report.sections.find((s) => s.id === 'modalities')!.text;
    const line = (label: string) => text.split('\n').find((l) => l.startsWith(`- ${label}`)) ?? '';
    const lower = baselineOf('Lower SSEP');
    const stim = lower.Stimuli!.DiscreteStimuli[0]!;
    const outputs = stim.Outputs.map((o) => `${o.Label}, ${o.Usage.toLowerCase()}`).join('; ');
    expect(line('SSEP (lower limb)')).toMatch(new RegExp(`Stimulation: ${stim.Name} \\(${outputs}\\), ${stim.ElectricalPulses[0]!.Intensity} mA, .*? \\(as at \\d\\d:\\d\\d\\)\\.`));
    expect(line('SSEP (lower limb)')).toContain(`Recording: ${lower.Traces.map((t) => `${t.Channel.Name} (${t.Channel.ActiveBodySiteName}–${t.Channel.ReferenceBodySiteName})`).join(', ')}.`);
    // One modality recorded as two device modes: each says how it was set up.
    expect(line('TcMEP')).toContain('Stimulation: L MEP: TCS-9 Stimulator at Cortical Module (C4, anode; C3, cathode)');
    expect(line('TcMEP')).toContain('; R MEP: TCS-9 Stimulator at Cortical Module (C3, anode; C4, cathode)');
    expect(line('TcMEP')).toMatch(/Recording: L MEP: L APB \(L APB–L APB ref\).*; R MEP: R APB/);
  });

  it('the PDF carries both as tables, and every value reads back with pdftotext', async () => {
    const record = (await r.backend.ok('getCase', { id: r.caseId })).case;
    const report = await r.backend.ok('getReport', { caseId: r.caseId });
    const timeline = await r.backend.ok('getTimeline', { caseId: r.caseId });
    const pdf = await renderReportPdf(
      { record, report, facts: report.facts, timeline, letterhead: { practiceName: 'Synthetic Neuromonitoring', addressLines: [], phone: null, logo: null }, generatedAt: Date.now() },
      await loadPdfAssets(),
    );
    const file = path.join(tempDir('closeout-setup-pdf-'), 'report.pdf');
    fs.writeFileSync(file, pdf);
    // To look at it: CLOSEOUT_KEEP_PDFS=/some/dir npx vitest run tests/service/report-setup.test.ts
    const keep = process.env['CLOSEOUT_KEEP_PDFS'];
    if (keep) fs.copyFileSync(file, path.join(keep, 'report-setup.pdf'));
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', '-layout', file, '-'], { encoding: 'utf8', timeout: HANG_MS });
    expect(text).toContain('Stimulation and recording');
    expect(text).toContain('Baseline values (device cursors)');
    const table = text.slice(text.indexOf('Baseline values (device cursors)'));
    for (const name of ['Upper SSEP', 'Lower SSEP', 'L MEP', 'R MEP']) {
      for (const trace of baselineOf(name).Traces) {
        expect(table).toContain(trace.Channel.Name);
        for (const c of trace.Cursors ?? []) expect(table).toContain(`${c.Label} ${ms(c.Position)}`);
      }
    }
    expect(text).not.toContain('\ufffd');
  });
});
