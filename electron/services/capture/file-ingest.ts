/**
 * Reads one watched file into the capturing case: detects its format, checks it names the
 * case's patient, and stores what is new since the last read. Each batch of events is stored in
 * one transaction with the file's new read position, so a crash at any point leaves the two in
 * step: nothing stored is lost, nothing is stored twice, the rest is read after the restart.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { FolderConfig } from '../../../shared/domain/capture-source';
import type { DeviceEvent } from '../../../shared/domain/device-event';
import type { CompiledRules } from '../../../shared/domain/mapping';
import { normalizeDeviceEvent } from '../../../shared/domain/normalize';
import { matchPatient, mismatchMessage, type CasePatient, type FilePatient } from '../../../shared/domain/patient-match';
import type { FileState } from '../store/capture-repo';
import type { ServiceContext } from '../context';
import { AppError, classifyStorageError } from '../store/store-errors';
import type { EventWriter} from './event-writer';
import { FactKeys, type Fact } from './event-writer';
import { createStreamParser, detectFileFormat, readHead, readNihonKohdenFiles, UnreadableFileError, type FileFormat } from './device-readers';
import { FileByteSource } from './file-byte-source';
import { cadwellTrials, NotEdfError, openCadwellEdf, openEdf, type EdfHeader } from '../../../shared/parsers/edf';
import { CadwellJsonParser } from '../../../shared/parsers/cadwell-json';
import type { EventPushParser } from '../../../shared/parsers/push-parser';
import type { TextEncodingName } from '../../../shared/parsers/text-decoding';

export type CaptureCase = Readonly<{ id: string; dateOfService: string; patient: CasePatient }>;

export type IngestOutcome = Readonly<{
  inserted: number;
  status: FileState['status'];
  message: string | null;
  newestOccurredAt: number | null;
  /** More is left to read: call again (large files are read in slices so other work can run). */
  more?: boolean;
}>;

const BATCH = 2000;
/**
 * Bytes parsed at a time. Small enough that the events one read yields (a thousand HL7 rows) die
 * young instead of surviving into the old generation, where garbage lingers until a full GC.
 */
const CHUNK = 1 << 17;
/** Bytes read per call before yielding to other work (a 500 MB export is read in slices). */
const SLICE = 32 << 20;
/** Files last written this long before the day of the case belong to an earlier case. */
const STALE_MS = 12 * 3600_000;

/**
 * A file being tailed. `head` is its first bytes as last read: the file is the same one, grown,
 * while its head still starts with them (a small file's head grows with every line, so comparing
 * hashes of the head would read it again from the start at each line).
 */
type Live = { parser: EventPushParser; offset: number; head: Buffer; keys: FactKeys };

export type FolderIngestDeps = Readonly<{
  ctx: ServiceContext;
  sourceId: string;
  root: string;
  config: FolderConfig;
  writer: EventWriter;
  rules: () => CompiledRules;
  zone: string;
}>;

export class FolderIngest {
  /** Parsers of files being tailed, so appended bytes are parsed without re-reading the file. */
  readonly #live = new Map<string, Live>();
  readonly #edfKeys = new Map<string, FactKeys>();

  constructor(private readonly d: FolderIngestDeps) {}

  get source(): string {
    return `folder:${this.d.sourceId}`;
  }

  /** Read what is new in `rel` for `target`. Never throws: problems become the file's status. */
  ingest(rel: string, target: CaptureCase, force = false): IngestOutcome {
    const { ctx, sourceId } = this.d;
    const abs = path.join(this.d.root, rel);
    const prev = ctx.store.capture.getFile(sourceId, rel);
    try {
      const st = fs.statSync(abs);
      if (!st.isFile()) return nothing(prev);
      if (prev?.caseId && prev.caseId !== target.id) return nothing(prev); // read into an earlier case
      if (prev?.status === 'held' && !force) return nothing(prev);
      if (prev?.status === 'ignored' && prev.size === st.size && !force) return nothing(prev);
      if (st.size === 0) return nothing(prev);
      const head = readHead(abs);
      const headHash = createHash('sha256').update(head).digest('hex').slice(0, 32);
      const format = this.#format(abs, head);
      const base: FileState = {
        sourceId,
        path: rel,
        caseId: target.id,
        format,
        headHash,
        size: st.size,
        readOffset: prev?.readOffset ?? 0,
        parserState: prev?.parserState ?? null,
        status: 'reading',
        message: null,
        events: prev?.events ?? 0,
      };
      if (!format) {
        if (/\.(edf|bdf|rec)$/i.test(rel)) {
          // Named as a recording but not readable as one: damaged, or a different layout.
          return this.#settle({ ...base, status: 'error', message: 'Named like an EDF/BDF recording, but its header is not valid EDF: the file may be damaged or still being written.' });
        }
        return this.#settle({ ...base, caseId: null, status: 'ignored', message: 'Not a device export Closeout knows; left alone.' });
      }
      if (!force && prev === null && st.mtimeMs < Date.parse(`${target.dateOfService}T00:00:00`) - STALE_MS) {
        return this.#settle({ ...base, caseId: null, status: 'ignored', message: 'Written before this case started; left alone.' });
      }
      switch (format) {
        case 'edf':
        case 'cadwell-edf':
          return this.#ingestEdf(abs, rel, format, base, target, force);
        case 'nihon-kohden':
          return this.#ingestWhole(abs, rel, format, base, target);
        case 'hl7':
        case 'cadwell-json':
        case 'xltek-txt':
        case 'nicolet-txt':
        case 'delimited':
          return this.#ingestStream(abs, rel, format, base, target, st.size, force, head);
      }
    } catch (e) {
      // The database could not take it (a full disk): not the file's fault, and nothing to record
      // about the file. The caller says so and reads the file again later.
      if (storageProblem(this.d.ctx, e)) {
        // What was parsed but not stored must be parsed again: forget the file's in-memory
        // reading so the next attempt starts over (the dedupe keys make re-reading harmless).
        this.#live.delete(rel);
        this.#edfKeys.delete(rel);
        throw e;
      }
      return this.#settle({ ...(prev ?? emptyState(sourceId, rel)), caseId: prev?.caseId ?? target.id, status: 'error', message: readProblem(e) });
    }
  }

  /** Text files being tailed (their parser may hold an unterminated last line). */
  tailedFiles(): string[] {
    return [...this.#live.keys()];
  }

  /**
   * The file is complete (a person said so): its unterminated last line is read as whole and the
   * file's note about it goes. Never called on a timer or when capture stops.
   */
  complete(rel: string, target: CaptureCase): IngestOutcome {
    const live = this.#live.get(rel);
    if (!live) return nothing(null);
    this.#live.delete(rel);
    const warnings: string[] = [];
    const facts = this.#facts(live.parser.end(), live.keys, warnings);
    const prev = this.d.ctx.store.capture.getFile(this.d.sourceId, rel);
    const message = (m: string | null) => (m === null ? null : m.replace(UNFINISHED_LINE, '').replace(/^[;\s]+|[;\s]+$/g, '') || null);
    const w = this.d.writer.write(target.id, this.source, facts, this.d.ctx.now(), (n) => {
      if (prev) this.d.ctx.store.capture.saveFile({ ...prev, events: prev.events + n, message: message(prev.message) }, this.d.ctx.now());
    });
    return { inserted: w.count, status: 'done', message: null, newestOccurredAt: w.newestOccurredAt };
  }

  /** Forget tailing state, e.g. when the capture stops. */
  reset(): void {
    this.#live.clear();
    this.#edfKeys.clear();
  }

  #format(abs: string, head: Uint8Array): FileFormat | null {
    const fixed = this.d.config.format;
    if (fixed !== 'auto') return fixed as FileFormat;
    // .PNT/.CMT are read together with their .LOG.
    if (/\.(pnt|cmt)$/i.test(abs)) return null;
    return detectFileFormat(abs, head).format;
  }

  #facts(events: readonly DeviceEvent[], keys: FactKeys, warnings: string[]): Fact[] {
    const rules = this.d.rules();
    const out: Fact[] = [];
    for (const d of events) {
      const key = keys.next(d);
      const n = normalizeDeviceEvent(d, rules, this.d.zone);
      if (!n.ok) {
        warnings.push(n.reason);
        continue;
      }
      if (n.cut) warnings.push(`${d.key}: ${n.cut}`);
      for (const event of n.events) out.push({ dedupeKey: key, event });
    }
    return out;
  }

  /** Held when the file plainly names another patient. */
  #patientCheck(base: FileState, target: CaptureCase, filePatient: FilePatient | null, force: boolean): IngestOutcome | null {
    if (force || !filePatient) return null;
    const v = matchPatient(target.patient, filePatient);
    if (v.verdict !== 'mismatch') return null;
    return this.#settle({ ...base, status: 'held', message: mismatchMessage(v.differs) });
  }

  #ingestStream(abs: string, rel: string, format: FileFormat, base: FileState, target: CaptureCase, size: number, force: boolean, head: Buffer): IngestOutcome {
    let live = this.#live.get(rel);
    if (!live || !startsWith(head, live.head) || size < live.offset) {
      // New, replaced or truncated: read from the start (keys make re-reading harmless).
      const parser = createStreamParser(format, this.#readerOptions(target));
      if (!parser) return this.#settle({ ...base, status: 'error', message: 'This file cannot be read as a stream.' });
      if ('error' in parser) return this.#settle({ ...base, status: 'error', message: parser.error });
      live = { parser, offset: 0, head, keys: new FactKeys() };
      this.#live.set(rel, live);
    } else live.head = head;
    const warnings: string[] = [];
    let inserted = 0;
    let newest: number | null = null;
    let pending: Fact[] = [];
    let state: FileState = { ...base, readOffset: live.offset };
    const flush = () => {
      const w = this.d.writer.write(target.id, this.source, pending, this.d.ctx.now(), (n) => {
        state = { ...state, events: state.events + n };
        this.d.ctx.store.capture.saveFile(state, this.d.ctx.now());
      });
      inserted += w.count;
      if (w.newestOccurredAt !== null) newest = Math.max(newest ?? w.newestOccurredAt, w.newestOccurredAt);
      pending = [];
    };
    const fd = fs.openSync(abs, 'r');
    try {
      const buf = Buffer.alloc(CHUNK);
      let checked = format !== 'cadwell-json';
      let budget = SLICE;
      for (;;) {
        if (budget <= 0) {
          flush();
          return { inserted, status: 'reading', message: null, newestOccurredAt: newest, more: true };
        }
        const n = fs.readSync(fd, buf, 0, CHUNK, live.offset);
        if (n <= 0) break;
        budget -= n;
        for (const e of this.#facts(live.parser.push(buf.subarray(0, n)), live.keys, warnings)) pending.push(e);
        live.offset += n;
        state = { ...state, readOffset: live.offset };
        if (!checked && live.parser instanceof CadwellJsonParser && live.parser.caseHeaders.length > 0) {
          checked = true;
          const h = live.parser.caseHeaders[0]?.patient;
          const held = h && this.#patientCheck(base, target, { id: h.id, lastName: h.lastName, firstName: h.firstName, birthDate: h.birthDate?.date ?? null }, force);
          if (held) {
            this.#live.delete(rel);
            return held;
          }
        }
        if (pending.length >= BATCH) flush();
      }
      // A finished export (JSON, HL7) is complete at its end; text logs may grow again.
      if (wholeDocument(format)) for (const e of this.#facts(live.parser.end(), live.keys, warnings)) pending.push(e);
    } finally {
      fs.closeSync(fd);
    }
    const parserWarnings = live.parser.warnings.map((w) => `${w.where}: ${w.message}`);
    const problems = [...parserWarnings, ...warnings];
    // A text log's last line counts once it ends: said, so an event that seems missing is explained.
    if (!wholeDocument(format) && live.offset > 0 && !endsWithLineEnd(abs, live.offset)) problems.unshift(UNFINISHED_LINE);
    state = { ...state, status: 'done', message: problems.length ? summarize(problems) : null };
    flush();
    if (wholeDocument(format)) this.#live.delete(rel); // re-exported whole: parse afresh next time
    return { inserted, status: state.status, message: state.message, newestOccurredAt: newest };
  }

  #ingestEdf(abs: string, rel: string, format: FileFormat, base: FileState, target: CaptureCase, force: boolean): IngestOutcome {
    const src = new FileByteSource(abs);
    try {
      const reader = format === 'cadwell-edf' ? openCadwellEdf(src) : openEdf(src);
      const held = this.#patientCheck(base, target, edfPatient(reader.header), force);
      if (held) return held;
      // A file whose start changed is a different recording: count records afresh.
      const startKey = reader.header.startWallClock;
      const fromRecord = base.parserState?.['start'] === startKey ? Number(base.parserState?.['nextRecord'] ?? 0) : 0;
      let keys = this.#edfKeys.get(rel);
      if (!keys || fromRecord === 0) {
        keys = new FactKeys();
        this.#edfKeys.set(rel, keys);
      }
      const warnings: string[] = [];
      const events: DeviceEvent[] = [];
      const source = format === 'cadwell-edf' ? cadwellTrials(reader, path.basename(abs)) : reader.deviceEvents();
      for (const e of source) {
        const record = Number(e.extra?.['record'] ?? 0);
        if (record >= fromRecord) events.push(e);
      }
      const nextRecord = reader.header.recordCount;
      const facts = this.#facts(events, keys, warnings);
      const problems = [...reader.warnings.map((w) => `${w.where}: ${w.message}`), ...warnings];
      const state: FileState = {
        ...base,
        readOffset: reader.header.headerBytes + nextRecord * reader.header.recordBytes,
        parserState: { start: startKey, nextRecord },
        status: 'done',
        message: problems.length ? summarize(problems) : null,
      };
      let inserted = 0;
      let newest: number | null = null;
      for (let i = 0; i < Math.max(1, facts.length); i += BATCH) {
        // Each batch advances the saved position to the records it holds: a crash resumes there.
        const batch = facts.slice(i, i + BATCH);
        const last = i + BATCH >= facts.length;
        const upTo = last ? nextRecord : Number(batch[batch.length - 1]?.event.payload?.['record'] ?? fromRecord);
        const w = this.d.writer.write(target.id, this.source, batch, this.d.ctx.now(), (n) => {
          this.d.ctx.store.capture.saveFile(
            last ? { ...state, events: base.events + inserted + n } : { ...state, status: 'reading', readOffset: reader.header.headerBytes + upTo * reader.header.recordBytes, parserState: { start: startKey, nextRecord: upTo }, events: base.events + inserted + n },
            this.d.ctx.now(),
          );
        });
        inserted += w.count;
        if (w.newestOccurredAt !== null) newest = Math.max(newest ?? w.newestOccurredAt, w.newestOccurredAt);
      }
      return { inserted, status: 'done', message: state.message, newestOccurredAt: newest };
    } catch (e) {
      if (e instanceof NotEdfError) return this.#settle({ ...base, status: 'error', message: `Not a readable EDF/BDF file: ${e.message}.` });
      throw e;
    } finally {
      src.close();
    }
  }

  #ingestWhole(abs: string, rel: string, format: FileFormat, base: FileState, target: CaptureCase): IngestOutcome {
    const opts = this.#readerOptions(target);
    const warnings: string[] = [];
    const r = readNihonKohdenFiles(abs, opts);
    const events = r.events;
    const parserWarnings = r.warnings.map((w) => `${w.where}: ${w.message}`);
    const facts = this.#facts(events, new FactKeys(), warnings);
    const problems = [...parserWarnings, ...warnings];
    const state: FileState = { ...base, readOffset: base.size, status: 'done', message: problems.length ? summarize(problems) : null };
    const w = this.d.writer.write(target.id, this.source, facts, this.d.ctx.now(), (n) => this.d.ctx.store.capture.saveFile({ ...state, events: base.events + n }, this.d.ctx.now()));
    return { inserted: w.count, status: 'done', message: state.message, newestOccurredAt: w.newestOccurredAt };
  }

  #readerOptions(target: CaptureCase) {
    return { encoding: this.d.config.encoding as TextEncodingName, caseDate: target.dateOfService, delimitedProfile: this.d.config.delimitedProfile };
  }

  #settle(state: FileState): IngestOutcome {
    this.d.ctx.store.write(() => this.d.ctx.store.capture.saveFile(state, this.d.ctx.now()));
    return { inserted: 0, status: state.status, message: state.message, newestOccurredAt: null };
  }
}

/** Formats written whole (an export, a gateway's file): read to the end, their last record is complete. Text logs may still grow. */
function wholeDocument(format: FileFormat): boolean {
  return format === 'cadwell-json' || format === 'hl7';
}

function nothing(prev: FileState | null): IngestOutcome {
  return { inserted: 0, status: prev?.status ?? 'ignored', message: prev?.message ?? null, newestOccurredAt: null };
}

function emptyState(sourceId: string, rel: string): FileState {
  return { sourceId, path: rel, caseId: null, format: null, headHash: '', size: 0, readOffset: 0, parserState: null, status: 'error', message: null, events: 0 };
}

function edfPatient(h: EdfHeader): FilePatient | null {
  if (!h.patient) return null;
  return { id: h.patient.code, name: h.patient.name, birthDate: h.patient.birthdate };
}

/** The first few problems, then a count: a damaged file can have thousands. */
function summarize(problems: readonly string[]): string {
  const shown = problems.slice(0, 3).join('; ');
  return problems.length > 3 ? `${shown}; and ${problems.length - 3} more` : shown;
}

/** What a text log's file status says while its last line is still being written. */
export const UNFINISHED_LINE = 'The last line has no line end yet: it is stored once the device finishes it.';

/** Whether the byte before `size` ends a line (a device still writing leaves it mid-line). */
function endsWithLineEnd(abs: string, size: number): boolean {
  let fd: number | null = null;
  try {
    fd = fs.openSync(abs, 'r');
    const b = Buffer.alloc(1);
    return fs.readSync(fd, b, 0, 1, size - 1) === 1 && (b[0] === 0x0a || b[0] === 0x0d);
  } catch {
    return true;
  } finally {
    if (fd !== null) fs.closeSync(fd);
  }
}

/** A failure of the case database (a full disk, a lost drive), as the user should hear it; null for anything else. */
export function storageProblem(ctx: ServiceContext, e: unknown): AppError | null {
  if (e instanceof AppError) return e.code === 'DISK_FULL' || e.code === 'DB_UNAVAILABLE' || e.code === 'DB_READONLY' || e.code === 'DB_LOCKED' ? e : null;
  return classifyStorageError(e, `the data folder (${ctx.store.dataDir})`, ctx.store.dataDir);
}

/** A read failure in words a technologist can act on. */
export function readProblem(e: unknown): string {
  if (e instanceof UnreadableFileError) return `${e.message}.`;
  const code = (e as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT':
      return 'The file disappeared before it could be read (moved or deleted by the device software).';
    case 'EACCES':
    case 'EPERM':
      return 'Closeout has no permission to read this file. Ask IT to give your user read access to the export folder.';
    case 'EBUSY':
      return 'The file is locked by the device software; it will be read again when it changes.';
    case 'EIO':
      return 'The drive or network share reported a read error; it will be read again when it changes.';
    default:
      return 'The file could not be read; it will be tried again when it changes.';
  }
}

/** Whether `b` begins with the bytes of `prefix`. */
function startsWith(b: Buffer, prefix: Buffer): boolean {
  return b.length >= prefix.length && b.compare(prefix, 0, prefix.length, 0, prefix.length) === 0;
}
