/** `closeout inspect FILE`: the command object driven directly, with a capturing io. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../electron/cli/io';
import { inspectCommands } from '../../electron/cli/commands/inspect';
import { TESTDATA, tempDir } from '../helpers/temp-dir';

type Truth = {
  format: string;
  variant: string;
  startdate_field: string;
  starttime_field: string;
  records_in_file: number;
  record_duration_field: string;
  signals: Array<{
    label: string;
    transducer: string;
    physical_dimension: string;
    physical_min: string;
    physical_max: string;
    digital_min: string;
    digital_max: string;
    prefiltering: string;
    samples_per_record: number;
    is_annotation: boolean;
  }>;
  annotations: Array<{ onset: number; duration: number | null; text: string }>;
  contiguous_segments: Array<{ start: number; end: number; records: number }>;
};

async function run(file: string, json = true): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), readStdin: async () => '', env: {} };
  const command = inspectCommands[0];
  if (!command) throw new Error('no inspect command');
  const code = await command.run({ io, session: undefined as never, args: [file], values: { json } });
  return { code, stdout, stderr };
}

function expectedJson(t: Truth) {
  const [dd, mm, yy] = t.startdate_field.split('.') as [string, string, string];
  return {
    format: t.format,
    variant: t.variant,
    start: `${(Number(yy) >= 85 ? 1900 : 2000) + Number(yy)}-${mm}-${dd}T${t.starttime_field.replaceAll('.', ':')}`,
    recordCount: t.records_in_file,
    recordDurationSec: Number(t.record_duration_field),
    signals: t.signals
      .filter((s) => !s.is_annotation)
      .map((s) => ({
        label: s.label,
        transducer: s.transducer,
        physicalDimension: s.physical_dimension,
        physicalMin: Number(s.physical_min),
        physicalMax: Number(s.physical_max),
        digitalMin: Number(s.digital_min),
        digitalMax: Number(s.digital_max),
        prefiltering: s.prefiltering,
        samplesPerRecord: s.samples_per_record,
      })),
    annotations: t.annotations.map((a) => ({ onsetSec: a.onset, durationSec: a.duration, text: a.text })),
    segments: t.contiguous_segments.map((s) => ({ startSec: s.start, endSec: s.end, records: s.records })),
    warnings: [],
  };
}

describe('closeout inspect', () => {
  it.each(['test_generator.edf', 'edfPlusD.edf'])('%s --json matches the truth', async (name) => {
    const file = path.join(TESTDATA, 'edf', name);
    const truth = JSON.parse(fs.readFileSync(`${file}.truth.json`, 'utf8')) as Truth;
    const r = await run(file);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(out)).toEqual(['format', 'variant', 'start', 'recordCount', 'recordDurationSec', 'signals', 'annotations', 'segments', 'warnings']);
    expect(out).toEqual(expectedJson(truth));
  });

  it('prints a short human summary without --json', async () => {
    const r = await run(path.join(TESTDATA, 'edf', 'edfPlusD.edf'), false);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('EDF+D file, started 2009-12-10T12:44:02');
    expect(r.stdout).toContain('11 data records of 1 s in 6 contiguous segments');
    expect(r.stdout).toContain('RECORD START');
  });

  it('a file that is not EDF: exit 2 with the reason', async () => {
    const dir = tempDir();
    const notes = path.join(dir, 'notes.txt');
    fs.writeFileSync(notes, 'Case notes, not a recording.\n'.repeat(20));
    const r = await run(notes);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    // Without the EDF/BDF magic the file goes to the other device readers, which refuse it.
    expect(r.stderr).toMatch(/^Error: cannot read ".*notes\.txt": not a device export Closeout knows/);

    const broken = path.join(dir, 'broken.edf');
    fs.writeFileSync(broken, `0       ${'x'.repeat(300)}`);
    const b = await run(broken);
    expect(b.code).toBe(2);
    expect(b.stdout).toBe('');
    expect(b.stderr).toMatch(/^Error: not an EDF\/BDF file: .+\.\n$/);

    const tiny = path.join(dir, 'tiny.edf');
    fs.writeFileSync(tiny, '0       X X X X');
    expect((await run(tiny)).stderr).toMatch(/not an EDF\/BDF file: the header is shorter than 256 bytes/);
  });

  it('a missing file or a folder: exit 2 with the reason', async () => {
    const dir = tempDir();
    const missing = await run(path.join(dir, 'nope.edf'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^Error: cannot read ".*nope\.edf": the file does not exist\.\n$/);
    const folder = await run(dir);
    expect(folder.code).toBe(2);
    expect(folder.stderr).toMatch(/it is a folder, not a file/);
  });
});
