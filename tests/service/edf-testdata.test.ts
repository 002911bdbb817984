/**
 * The EDF reader against real files written by other people's software (shared/testdata/edf,
 * read in place: their licences do not let us copy them into the repo). Each file's truth JSON
 * comes from an independent spec-based reader cross-checked with biosig's save2gdf.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withFileByteSource } from '../../electron/services/capture/file-byte-source';
import { inspectEdf, openEdf, wallClockAt, type EdfSummary } from '../../shared/parsers/edf';
import { TESTDATA } from '../helpers/temp-dir';

type TruthSignal = {
  index: number;
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
};

type Truth = {
  file: string;
  size_bytes: number;
  sha256: string;
  format: 'EDF' | 'BDF';
  version_field: string;
  patient_field: string;
  recording_field: string;
  startdate_field: string;
  starttime_field: string;
  header_bytes: number;
  reserved_field: string;
  n_records_field: number;
  record_duration_field: string;
  ns: number;
  record_bytes: number;
  records_in_file: number;
  variant: string;
  signals: TruthSignal[];
  annotation_signal_indices: number[];
  record_onsets: { first: string; last: string; count: number; all?: string[] };
  contiguous_segments: Array<{ start: number; end: number; records: number }>;
  n_annotations: number;
  annotations: Array<{ onset: number; duration: number | null; text: string; onset_raw: string; record: number; signal: number }>;
  notes: string[];
};

const DIR = path.join(TESTDATA, 'edf');
const files = fs.existsSync(DIR) ? fs.readdirSync(DIR).filter((f) => /\.(edf|bdf)$/i.test(f)).sort() : [];

function summarise(file: string): EdfSummary {
  return withFileByteSource(path.join(DIR, file), (src) => inspectEdf(src));
}

/** "dd.mm.yy" + "hh.mm.ss" → the wall clock the manifest's convention gives (85–99 → 19xx). */
function expectedStart(date: string, time: string): string {
  const [dd, mm, yy] = date.split('.') as [string, string, string];
  const year = (Number(yy) >= 85 ? 1900 : 2000) + Number(yy);
  return `${year}-${mm}-${dd}T${time.replaceAll('.', ':')}`;
}

describe('shared EDF test data', () => {
  it('is present (every EDF-family file has a truth JSON)', () => {
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const f of files) expect(fs.existsSync(path.join(DIR, `${f}.truth.json`))).toBe(true);
  });

  describe.each(files)('%s', (file) => {
    const truth = JSON.parse(fs.readFileSync(path.join(DIR, `${file}.truth.json`), 'utf8')) as Truth;

    it('is the file the truth describes', () => {
      const bytes = fs.readFileSync(path.join(DIR, file));
      expect(bytes.length).toBe(truth.size_bytes);
      expect(crypto.createHash('sha256').update(bytes).digest('hex')).toBe(truth.sha256);
    });

    it('header fields', () => {
      const { header: h } = summarise(file);
      expect(h.format).toBe(truth.format);
      expect(h.variant).toBe(truth.variant);
      // The truth escapes BDF's 0xFF byte as the text "\xff".
      expect(h.raw.version.replace('\u00ff', '\\xff')).toBe(truth.version_field);
      expect(h.raw.patient).toBe(truth.patient_field);
      expect(h.raw.recording).toBe(truth.recording_field);
      expect(h.raw.startDate).toBe(truth.startdate_field);
      expect(h.raw.startTime).toBe(truth.starttime_field);
      expect(h.raw.reserved).toBe(truth.reserved_field);
      expect(h.raw.recordDuration).toBe(truth.record_duration_field);
      expect(h.headerBytes).toBe(truth.header_bytes);
      expect(h.recordsInHeader).toBe(truth.n_records_field);
      expect(h.recordCount).toBe(truth.records_in_file);
      expect(h.recordDurationSec).toBe(Number(truth.record_duration_field));
      expect(h.signals.length).toBe(truth.ns);
      expect(h.recordBytes).toBe(truth.record_bytes);
      expect(h.fileSize).toBe(truth.size_bytes);
      expect(h.startWallClock).toBe(expectedStart(truth.startdate_field, truth.starttime_field));
    });

    it('signals', () => {
      const { header: h } = summarise(file);
      expect(h.annotationSignals).toEqual(truth.annotation_signal_indices);
      expect(h.signals.map((s) => s.index)).toEqual(truth.signals.map((s) => s.index));
      truth.signals.forEach((t, i) => {
        const s = h.signals[i];
        expect(s, `signal ${i}`).toBeDefined();
        if (!s) return;
        expect({
          label: s.label,
          transducer: s.transducer,
          physical_dimension: s.physicalDimension,
          physical_min: s.raw.physicalMin,
          physical_max: s.raw.physicalMax,
          digital_min: s.raw.digitalMin,
          digital_max: s.raw.digitalMax,
          prefiltering: s.prefiltering,
          samples_per_record: s.samplesPerRecord,
          is_annotation: s.isAnnotation,
        }).toEqual({
          label: t.label,
          transducer: t.transducer,
          physical_dimension: t.physical_dimension,
          physical_min: t.physical_min,
          physical_max: t.physical_max,
          digital_min: t.digital_min,
          digital_max: t.digital_max,
          prefiltering: t.prefiltering,
          samples_per_record: t.samples_per_record,
          is_annotation: t.is_annotation,
        });
        expect([s.physicalMin, s.physicalMax, s.digitalMin, s.digitalMax]).toEqual(
          [t.physical_min, t.physical_max, t.digital_min, t.digital_max].map(Number),
        );
      });
    });

    it('record onsets and contiguous segments', () => {
      const sum = summarise(file);
      const o = truth.record_onsets;
      expect(sum.recordOnsetsRaw.length).toBe(o.count);
      expect(sum.recordOnsetsRaw[0]).toBe(o.first);
      expect(sum.recordOnsetsRaw.at(-1)).toBe(o.last);
      if (o.all) expect(sum.recordOnsetsRaw).toEqual(o.all);
      expect(sum.recordOnsetsSec).toEqual(sum.recordOnsetsRaw.map((r) => Number(r)));
      expect(sum.segments).toEqual(truth.contiguous_segments.map((s) => ({ startSec: s.start, endSec: s.end, records: s.records })));
    });

    it('every annotation', () => {
      const sum = summarise(file);
      expect(sum.annotations.length).toBe(truth.n_annotations);
      expect(
        sum.annotations.map((a) => ({ onset: a.onsetSec, duration: a.durationSec, text: a.text, onset_raw: a.onsetRaw, record: a.record, signal: a.signal })),
      ).toEqual(truth.annotations);
    });

    it('reads without warnings, as the truth reader did', () => {
      expect(truth.notes).toEqual([]);
      expect(summarise(file).warnings).toEqual([]);
    });

    it('streams the same annotations as DeviceEvents with wall clocks', () => {
      const events = withFileByteSource(path.join(DIR, file), (src) => {
        const reader = openEdf(src);
        return [...reader.deviceEvents()].map((e) => ({ ...e, start: reader.header.startClockSec }));
      });
      expect(events.length).toBe(truth.n_annotations);
      const keys = new Set(events.map((e) => e.key));
      expect(keys.size).toBe(events.length);
      truth.annotations.forEach((t, i) => {
        const e = events[i];
        expect(e?.raw).toBe(t.onset_raw);
        expect(e?.text).toBe(t.text.trim());
        expect(e?.durationSec).toBe(t.duration);
        expect(e?.wallClock).toBe(wallClockAt({ startClockSec: e?.start ?? 0 }, t.onset_raw));
      });
    });
  });
});

describe('EDF+ identification subfields', () => {
  it('test_generator.edf: patient and recording', () => {
    const { header: h } = summarise('test_generator.edf');
    expect(h.patient).toEqual({ code: 'abcxyz99', sex: 'M', birthdate: '1969-06-30', name: 'Hans Muller', additional: 'patient' });
    // EDF+ writes spaces inside subfields as '_': "test_generator" reads "test generator".
    expect(h.recording).toEqual({ startdate: '2011-04-04', adminCode: 'Dr. X', technician: 'Mr. Spotty', equipment: 'test generator', additional: 'unit test file' });
  });

  it('SC4001EC-Hypnogram.edf: unknown subfields are null', () => {
    const { header: h } = summarise('SC4001EC-Hypnogram.edf');
    expect(h.patient).toEqual({ code: null, sex: 'F', birthdate: null, name: 'Female 33yr', additional: '' });
    expect(h.recording).toEqual({ startdate: '1989-04-24', adminCode: null, technician: null, equipment: null, additional: '' });
    expect(h.startWallClock).toBe('1989-04-24T16:13:00');
  });

  it('wall clocks of annotations: exact decimal arithmetic', () => {
    const { header: h } = summarise('test_utf8_annotations.edf');
    expect(wallClockAt(h, '+2')).toBe('2009-12-10T12:44:04');
    expect(wallClockAt(h, '+0.1')).toBe('2009-12-10T12:44:02.100');
    expect(wallClockAt(h, '-0.25')).toBe('2009-12-10T12:44:01.750');
    expect(wallClockAt(h, '+86400.0000005')).toBe('2009-12-11T12:44:02.000001');
  });
});
