/** A whole file summarised (record onsets, annotations, segments) and wall clocks at onsets. */
import type { ByteSource } from '../byte-source';
import type { ParseWarning } from '../types';
import { EdfReader, type EdfReaderOptions, type EdfRecord, type EdfSegment, SegmentBuilder } from './reader';
import { type EdfHeader, isDiscontinuous } from './header';
import { type EdfAnnotation, type EdfAnnotationSink } from './tal';

// ---------------------------------------------------------------------------------------------
// Summary and wall clocks

export type EdfSummary = Readonly<{
  header: EdfHeader;
  recordOnsetsSec: readonly number[];
  recordOnsetsRaw: readonly (string | null)[];
  segments: readonly EdfSegment[];
  annotations: readonly EdfAnnotation[];
  warnings: readonly ParseWarning[];
}>;

/**
 * One pass over the records: `visit` sees each record as it is read (nothing is kept), and what
 * only the whole file can tell, the segments and the warnings, is returned at the end.
 */
export function scanRecords(reader: EdfReader, visit: (record: EdfRecord) => void): Readonly<{ segments: readonly EdfSegment[]; warnings: readonly ParseWarning[] }> {
  const h = reader.header;
  const segments = new SegmentBuilder(h.recordDurationSec);
  let gap = false;
  reader.forEachRecord((rec) => {
    visit(rec);
    gap = segments.add(rec.onsetSec) || gap;
  });
  if (gap && !isDiscontinuous(h.variant)) {
    reader.note('not-contiguous', 'records', `the file is ${h.variant}, continuous by declaration, but its records have gaps; the segments show them`);
  }
  return { segments: segments.finish(), warnings: reader.warnings };
}

/**
 * scanRecords with no objects (inspect --json's path): annotations go to `sink` as they are
 * read; the segments come back in a builder, for finishColumns.
 */
export function scanAnnotations(reader: EdfReader, sink: EdfAnnotationSink): Readonly<{ segments: SegmentBuilder; warnings: readonly ParseWarning[] }> {
  const h = reader.header;
  const segments = new SegmentBuilder(h.recordDurationSec);
  let gap = false;
  reader.forEachOnset(sink, (onsetSec) => {
    if (segments.add(onsetSec)) gap = true;
  });
  if (gap && !isDiscontinuous(h.variant)) {
    reader.note('not-contiguous', 'records', `the file is ${h.variant}, continuous by declaration, but its records have gaps; the segments show them`);
  }
  return { segments, warnings: reader.warnings };
}

/** Reads a whole file's header, record onsets, segments and annotations in one streaming pass. */
export function inspectEdf(source: ByteSource, opts: EdfReaderOptions = {}): EdfSummary {
  return summariseEdf(new EdfReader(source, opts));
}

/** inspectEdf for a reader already open (its header read and checked). */
export function summariseEdf(reader: EdfReader): EdfSummary {
  const onsets: number[] = [];
  const raws: (string | null)[] = [];
  const annotations: EdfAnnotation[] = [];
  const { segments, warnings } = scanRecords(reader, (rec) => {
    onsets.push(rec.onsetSec);
    raws.push(rec.onsetRaw);
    for (let i = 0; i < rec.annotations.length; i++) annotations.push(rec.annotations[i] as EdfAnnotation);
  });
  return { header: reader.header, recordOnsetsSec: onsets, recordOnsetsRaw: raws, segments, annotations, warnings };
}
