/**
 * Streaming reader for EDF, EDF+ (C and D), BDF and BDF+ files, built for annotations and record
 * times. It seeks to each record's annotation-signal bytes and never reads data samples, so a
 * gigabyte of evoked-potential sweeps costs a few dozen bytes of I/O per sweep.
 *
 * Pure: works over a synchronous ByteSource (tests pass bytes, the app passes a file source).
 * One module per section, in edf/: warnings, header, tal (annotation scanning), reader (records
 * and segments), summary (whole-file summaries), clock (wall clocks at onsets); the Cadwell profile is in
 * cadwell-edf.ts, beside cadwell-json.ts. This file is their one entry.
 *
 * Spec: EDF (Kemp 1992), EDF+ (Kemp & Olivan 2003, edfplus.info), BDF/BDF+ (BioSemi; "BDF+C"/"BDF+D"
 * in the reserved field, a "BDF Annotations" signal, 3-byte samples).
 */
export * from './edf/warnings';
export * from './edf/header';
export * from './edf/tal';
export * from './edf/reader';
export * from './edf/summary';
export * from './edf/clock';
export * from './cadwell-edf';
