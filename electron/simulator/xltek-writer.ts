/**
 * Natus / XLTEK exported events text (vendor-formats.md §2a, the layout Brainstorm's reader
 * expects): six free header lines (ours carry a "Date:" line, the only place a date appears),
 * line 7 "Start HH:MM:SS …", then "N HH:MM:SS label" per event, appended as the technologist
 * types them. CRLF line ends and Windows-1252, as a Windows workstation writes text.
 *
 * Deleted notes never appear: the export lists the notes as they stand.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { SimCase } from './demo-case';
import { timeOfDay, wallParts } from './clock';
import type { NoteAction } from './scenario';
import { encodeDeviceText, type DeviceTextEncoding } from './text-encoding';

export const XLTEK_FILE_NAME = 'xltek_events.txt';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

export type XltekWriterOptions = Readonly<{
  dir: string;
  case: SimCase;
  /** Recording start on the device clock (naive ms). */
  startWallMs: number;
  encoding?: DeviceTextEncoding;
}>;

export class XltekEventsWriter {
  readonly path: string;
  readonly #encoding: DeviceTextEncoding;
  #fd: number | null;
  #events = 0;

  private constructor(filePath: string, fd: number, encoding: DeviceTextEncoding) {
    this.path = filePath;
    this.#fd = fd;
    this.#encoding = encoding;
  }

  /** Creates the file with its header and start line. */
  static create(o: XltekWriterOptions): XltekEventsWriter {
    const p = wallParts(o.startWallMs);
    const c = o.case;
    // A day-month-name date: unambiguous whatever the reader's numeric date-order setting.
    const date = `${String(p.day).padStart(2, '0')}-${MONTHS[p.month - 1] ?? 'Jan'}-${p.year}`;
    const header = [
      `Patient Name: ${c.patient.lastName}, ${c.patient.firstName}`,
      `Patient ID: ${c.patient.mrn}`,
      `Date: ${date}`,
      `Procedure: ${c.procedure}`,
      'Exported by: Closeout Simulator (synthetic data)',
      'Event list',
      `Start ${timeOfDay(o.startWallMs)} Recording started`,
    ];
    const filePath = path.join(o.dir, XLTEK_FILE_NAME);
    const encoding = o.encoding ?? 'windows-1252';
    const fd = fs.openSync(filePath, 'w');
    const w = new XltekEventsWriter(filePath, fd, encoding);
    w.#write(header.map((l) => `${l}\r\n`).join(''));
    return w;
  }

  get events(): number {
    return this.#events;
  }

  /** Appends one "N HH:MM:SS label" line (skips deleted notes). */
  note(n: NoteAction, wallMs: number): void {
    if (n.deleted || this.#fd === null) return;
    this.#events += 1;
    // One line per note: a line break typed into a note would start a line without a time.
    const label = n.text.replace(/[\r\n]+/g, ' ').trim();
    this.#write(`${this.#events} ${timeOfDay(wallMs)} ${label}\r\n`);
  }

  finish(): void {
    if (this.#fd === null) return;
    fs.closeSync(this.#fd);
    this.#fd = null;
  }

  /** One write per line, so a reader tailing the file sees whole lines or a tail without CRLF. */
  #write(text: string): void {
    if (this.#fd === null) return;
    const bytes = encodeDeviceText(text, this.#encoding);
    const n = fs.writeSync(this.#fd, bytes);
    if (n !== bytes.length) throw new Error(`short write to ${this.path}`);
  }
}
