/**
 * Case file ⇄ domain values: build one from a stored case, check an unknown value with messages
 * a technologist or IT person can act on, write it as JSON one event per line, and turn it back
 * into what the report and the claim are computed from. Pure.
 *
 * Events are checked one at a time (no whole-file schema pass), so a 50,000-event case costs one
 * small parse per event and a broken file stops after the first few problems.
 */
import { z } from 'zod';
import { CaseInputSchema, type CaseFields, type CaseRecord } from '../domain/case';
import type { CaseEvent } from '../domain/event';
import { PersonInputSchema, type Person } from '../domain/person';
import { PERSON_ROLE_LABELS, type PersonRole } from '../domain/vocabulary';
import { isValidTimeZone } from '../util/zoned-time';
import { BillingDetailsSchema } from '../billing/details';
import { boundEventFields, EVENT_PAYLOAD_MAX_BYTES, EVENT_TEXT_MAX_CHARS } from '../domain/event-limits';
import {
  CASE_FILE_FORMAT,
  CASE_FILE_VERSION,
  CaseFileBillingSchema,
  CaseFileCaseSchema,
  CaseFileEventSchema,
  CaseFilePersonSchema,
  CaseFileSchema,
  type CaseFile,
  type CaseFileBilling,
  type CaseFileCase,
  type CaseFileEvent,
  type CaseFilePerson,
} from './case-file';
import { readWellFormedEvent } from './event-fast-path';

export type CasePeople = Readonly<{ surgeon: Person | null; technologist: Person | null; physician: Person | null }>;

const REFS = [
  ['surgeonId', 'surgeon'],
  ['technologistId', 'technologist'],
  ['physicianId', 'physician'],
] as const satisfies ReadonlyArray<readonly [keyof CaseFields, PersonRole]>;

const iso = (ms: number) => new Date(ms).toISOString();

/** The case file of a stored case. `people` are the case's people as resolved by the caller. */
export function buildCaseFile(record: CaseRecord, people: CasePeople, events: readonly CaseEvent[], exportedAt: number, billing?: CaseFileBilling): CaseFile {
  const listed = new Map<string, CaseFilePerson>();
  for (const p of [people.surgeon, people.technologist, people.physician]) {
    if (p && !listed.has(p.id)) {
      listed.set(p.id, { id: p.id, role: p.role, lastName: p.lastName, firstName: p.firstName, credential: p.credential, npi: p.npi, active: p.active });
    }
  }
  const r = record;
  return {
    format: CASE_FILE_FORMAT,
    version: CASE_FILE_VERSION,
    exportedAt: iso(exportedAt),
    case: {
      id: r.id,
      status: r.status,
      timeZone: r.timeZone,
      createdAt: iso(r.createdAt),
      updatedAt: iso(r.updatedAt),
      patient: { ...r.patient },
      procedure: { ...r.procedure },
      dateOfService: r.dateOfService,
      facility: r.facility,
      orRoom: r.orRoom,
      // The file names exactly the people it carries.
      surgeonId: people.surgeon?.id ?? null,
      technologistId: people.technologist?.id ?? null,
      physicianId: people.physician?.id ?? null,
      readerLocation: r.readerLocation,
      payer: { ...r.payer },
      placeOfService: r.placeOfService,
      diagnosisCodes: [...r.diagnosisCodes],
      anesthesia: { ...r.anesthesia },
    },
    people: [...listed.values()],
    events: events.map(fileEvent),
    ...(billing ? { billing } : {}),
  };
}

function fileEvent(e: CaseEvent): CaseFileEvent {
  // Fixed key order: files diff cleanly and read the same way every time.
  return {
    kind: e.kind,
    occurredAt: iso(e.occurredAt),
    receivedAt: iso(e.receivedAt),
    source: e.source,
    dedupeKey: e.dedupeKey,
    modality: e.modality,
    side: e.side,
    limb: e.limb,
    modalityName: e.modalityName,
    text: e.text,
    raw: e.raw,
    clockZone: e.clockZone,
    payload: e.payload === null ? null : { ...e.payload },
  };
}

/**
 * The file as JSON text, in pieces: the header pretty-printed, then one event per line, so a
 * large case is written without one giant string and stays readable in an editor.
 */
export function* caseFileChunks(file: CaseFile): Generator<string> {
  const indent = (v: unknown) => JSON.stringify(v, null, 2).replace(/\n/g, '\n  ');
  yield `{\n  "format": ${JSON.stringify(file.format)},\n  "version": ${file.version},\n  "exportedAt": ${JSON.stringify(file.exportedAt)},\n`;
  yield `  "case": ${indent(file.case)},\n  "people": ${indent(file.people)},\n  "events": [`;
  let first = true;
  for (const e of file.events) {
    yield `${first ? '' : ','}\n    ${JSON.stringify(e)}`;
    first = false;
  }
  const tail = file.billing ? `,\n  "billing": ${indent(file.billing)}\n}\n` : '\n}\n';
  yield first ? `]${tail}` : `\n  ]${tail}`;
}

export function caseFileJson(file: CaseFile): string {
  return [...caseFileChunks(file)].join('');
}

export type CaseFileInputs = Readonly<{ record: CaseRecord; people: CasePeople; events: CaseEvent[] }>;

/**
 * What `buildCaseFacts` (and so the report and the claim) needs, straight from a file: no import,
 * no database. Events get ids 1, 2, 3… in file order, which keeps the file's order for events at
 * the same instant, as ids do in the store.
 */
export function caseFileInputs(file: CaseFile): CaseFileInputs {
  const c = file.case;
  const exported = Date.parse(file.exportedAt);
  const byId = new Map(file.people.map((p) => [p.id, p]));
  const person = (id: string | null): Person | null => {
    const p = id === null ? undefined : byId.get(id);
    return p ? { ...p, createdAt: exported, updatedAt: exported } : null;
  };
  const { id, status, timeZone, createdAt, updatedAt, ...fields } = c;
  const record: CaseRecord = { ...fields, id, status, timeZone, version: 1, createdAt: Date.parse(createdAt), updatedAt: Date.parse(updatedAt) };
  const events = file.events.map(
    (e, i): CaseEvent => ({
      id: i + 1,
      caseId: id,
      kind: e.kind,
      modality: e.modality,
      side: e.side,
      limb: e.limb,
      modalityName: e.modalityName,
      text: e.text,
      occurredAt: Date.parse(e.occurredAt),
      receivedAt: Date.parse(e.receivedAt),
      source: e.source,
      dedupeKey: e.dedupeKey,
      raw: e.raw,
      clockZone: e.clockZone,
      payload: e.payload,
    }),
  );
  return { record, people: { surgeon: person(c.surgeonId), technologist: person(c.technologistId), physician: person(c.physicianId) }, events };
}

// ---------------------------------------------------------------------------------------------
// Parsing

export type CaseFileParse =
  | Readonly<{ ok: true; value: CaseFile; /** Plain remarks (texts cut to the event limits); absent when there are none. */ notes?: readonly string[] }>
  | Readonly<{ ok: false; message: string; problems: readonly string[] }>;

export const NOT_A_CASE_FILE = 'This is not a Closeout case file (it should start with "format": "closeout-case").';
/** Reporting stops after this many problems: the first few say what is wrong. */
const MAX_PROBLEMS = 10;

/** Check an unknown value (parsed JSON) as a case file, with its defaults filled in. */
export function parseCaseFile(input: unknown): CaseFileParse {
  const check = new CaseFileChecker();
  const events: CaseFileEvent[] = [];
  const seen = new Map<string, number>();
  const complete = feedCaseFileValue(check, input, (e, n) => {
    // The store keeps one event per (case, source, key): a second one would vanish on import.
    const k = `${e.source}\u0000${e.dedupeKey}`;
    const before = seen.get(k);
    if (before !== undefined) check.duplicate(before, n, e.source, e.dedupeKey);
    else seen.set(k, n);
    events.push(e);
  });
  const r = check.finish(complete);
  if (!r.ok) return r;
  return { ok: true, value: { ...r.head, events }, ...(r.notes.length ? { notes: r.notes } : {}) };
}

/**
 * Hands a case file already in memory (parsed JSON) to a checker, member by member, and each
 * good event with its number to `onEvent`. Returns whether every event was looked at.
 */
export function feedCaseFileValue(check: CaseFileChecker, input: unknown, onEvent: (e: CaseFileEvent, n: number) => void): boolean {
  if (!isObject(input)) {
    check.notACaseFile();
    return true;
  }
  for (const [name, value] of Object.entries(input)) {
    if (check.stopped) return false;
    if (name !== 'events' || !Array.isArray(value)) {
      check.member(name, value);
      continue;
    }
    check.eventList();
    for (const raw of value) {
      if (check.stopped) return false;
      const e = check.event(raw);
      if (e) onEvent(e, check.eventCount);
    }
  }
  return true;
}

/** Everything a case file holds but its events: checked, with the defaults filled in. */
export type CaseFileHead = Omit<CaseFile, 'events'>;

export type CaseFileCheck =
  | Readonly<{ ok: true; head: CaseFileHead; events: number; notes: readonly string[] }>
  | Readonly<{ ok: false; message: string; problems: readonly string[] }>;

/**
 * Checks a case file one piece at a time, as a streaming reader meets them: the top-level members
 * whole (format, version, export time, case, people, billing), the events one by one. Holds the
 * small members and the problems found, never the events, so a million-event file is checked in
 * the memory of one event. `stopped` says when reading on is pointless (not a case file, a newer
 * version, or enough problems to report); `finish` gives the verdict with the same messages, in
 * the same order, whichever way the file was read.
 */
export class CaseFileChecker {
  /** Top-level members other than the events, as read (the events: an empty list once their list began). */
  readonly #members = new Map<string, unknown>();
  #fatal: string | null = null;
  readonly #headProblems: string[] = [];
  readonly #eventProblems: Array<readonly [number, string]> = [];
  #people: CaseFilePerson[] | null = null;
  #case: CaseFileCase | null = null;
  #checkedHead = false;
  #events = 0;
  /** Events whose texts were cut to the event limits. */
  readonly #cut: number[] = [];
  #cutCount = 0;

  /** Reading on cannot change the verdict: the file is not one to import, or enough problems are known. */
  get stopped(): boolean {
    return this.#fatal !== null || this.#problemCount() >= MAX_PROBLEMS;
  }

  /** The case ID the file names, once its case record was read (for an early "already here"). */
  get caseId(): string | null {
    const c = this.#members.get('case');
    return isObject(c) && typeof c['id'] === 'string' ? c['id'] : null;
  }

  /** Events met so far (the number of the last one). */
  get eventCount(): number {
    return this.#events;
  }

  /** The file's top level is not an object: whatever it is, it is not a case file. */
  notACaseFile(): void {
    this.#fatal ??= NOT_A_CASE_FILE;
  }

  /** A top-level member other than the list of events (read whole). */
  member(name: string, value: unknown): void {
    // Something else than a case file says so at its first member: it is not read further.
    if (!TOP_MEMBERS.has(name) && !this.#members.has('format')) this.#fatal = NOT_A_CASE_FILE;
    this.#members.set(name, value);
    this.#checkFormat(false);
  }

  /** The list of events begins; its events come through `event`. */
  eventList(): void {
    this.#members.set('events', []);
    // Closeout writes the case and its people before the events: check them now, so a file
    // with enough problems there is not read to its end.
    if (this.#members.has('case') && this.#members.has('people')) this.#checkHead();
  }

  /** The next event of the list, with its defaults filled in and its texts within the limits; null when it has problems. */
  event(raw: unknown): CaseFileEvent | null {
    const n = ++this.#events;
    if (this.stopped) return null;
    // Most events are plainly well formed and are read without zod; the rest get zod's verdict.
    let data = readWellFormedEvent(raw);
    if (data === null) {
      const r = CaseFileEventSchema.safeParse(raw);
      if (!r.success) {
        for (const p of describe(r.error, raw, `Event ${n}`, EVENT_LABELS)) this.#eventProblems.push([n, p]);
        return null;
      }
      data = r.data;
    }
    if (data.payload !== null && JSON.stringify(data.payload).length > EVENT_PAYLOAD_MAX_BYTES) {
      this.#eventProblems.push([n, `Event ${n} carries more than ${EVENT_PAYLOAD_MAX_BYTES / 1024} KB of extra values (payload), more than any event Closeout stores.`]);
      return null;
    }
    const bounded = boundEventFields(data);
    if (bounded.cut) {
      this.#cutCount += 1;
      if (this.#cut.length < 5) this.#cut.push(n);
    }
    return {
      ...data,
      text: bounded.text,
      modalityName: bounded.modalityName,
      raw: bounded.raw,
      receivedAt: data.receivedAt ?? data.occurredAt,
      dedupeKey: data.dedupeKey ?? `file:${n}`,
    };
  }

  /** The next event could not even be read as a value (too large): `message` says why, given its number. */
  eventUnread(message: (n: number) => string): void {
    const n = ++this.#events;
    if (!this.stopped) this.#eventProblems.push([n, message(n)]);
  }

  /** Events `first` and `n` have the same source and dedupe key (found by whoever keeps the keys). */
  duplicate(first: number, n: number, source: string, key: string): void {
    this.#eventProblems.push([n, `Events ${first} and ${n} have the same source and dedupe key ("${short(source)}", "${short(key)}"): give each event its own key.`]);
  }

  /** A problem of the file as read (too large, too deep) that the members themselves cannot show. */
  problem(message: string): void {
    this.#headProblems.push(message);
  }

  /** The verdict. `complete`: the whole file was read (false when reading stopped early). */
  finish(complete = true): CaseFileCheck {
    this.#checkFormat(true);
    if (this.#fatal !== null) return failure([this.#fatal], false);
    const top: Record<string, unknown> = Object.fromEntries(this.#members);
    const t = TopSchema.safeParse(top);
    if (!t.success) return failure(describe(t.error, top, 'The case file', TOP_LABELS), false);
    if (!this.#checkedHead) this.#checkHead();
    const problems = [...this.#headProblems, ...[...this.#eventProblems].sort((a, b) => a[0] - b[0]).map(([, p]) => p)];
    const billing = parseBilling(t.data.billing, problems);
    if (problems.length || !this.#case || !this.#people) {
      return failure(problems.slice(0, MAX_PROBLEMS), problems.length > MAX_PROBLEMS || (problems.length >= MAX_PROBLEMS && !complete));
    }
    const head: CaseFileHead = { format: CASE_FILE_FORMAT, version: CASE_FILE_VERSION, exportedAt: t.data.exportedAt, case: this.#case, people: this.#people, ...(billing ? { billing } : {}) };
    return { ok: true, head, events: this.#events, notes: this.#notes() };
  }

  #problemCount(): number {
    return this.#headProblems.length + this.#eventProblems.length;
  }

  /** Format first, then version: a file that is not a case file, or is from a newer Closeout, says only that. */
  #checkFormat(atEnd: boolean): void {
    if (this.#fatal !== null) return;
    const m = this.#members;
    if (!m.has('format')) {
      if (atEnd) this.#fatal = NOT_A_CASE_FILE;
      return;
    }
    if (m.get('format') !== CASE_FILE_FORMAT) {
      this.#fatal = NOT_A_CASE_FILE;
      return;
    }
    if (!m.has('version') && !atEnd) return;
    const version = m.get('version');
    if (version === undefined || version === null) this.#fatal = 'The case file has no version, so Closeout cannot tell how to read it.';
    else if (typeof version === 'number' && Number.isInteger(version) && version > CASE_FILE_VERSION) {
      this.#fatal = `The case file was made by a newer Closeout (version ${version}). Update Closeout on this workstation to import it.`;
    } else if (version !== CASE_FILE_VERSION) {
      this.#fatal = `The case file's version (${short(JSON.stringify(version))}) is not one Closeout knows: it should be the number ${CASE_FILE_VERSION}.`;
    }
  }

  /** The people and the case record (which names them), once. */
  #checkHead(): void {
    this.#checkedHead = true;
    const rawPeople = this.#members.get('people');
    const rawCase = this.#members.get('case');
    // A wrong shape of either is the top-level check's to say (finish).
    if (!Array.isArray(rawPeople) || !isObject(rawCase)) return;
    const { people, reported } = parsePeople(rawPeople, this.#headProblems);
    this.#people = people;
    this.#case = parseCase(rawCase, people, reported, this.#headProblems);
  }

  #notes(): string[] {
    const n = this.#cutCount;
    if (n === 0) return [];
    const which = `${this.#cut.join(', ')}${n > this.#cut.length ? ', …' : ''}`;
    return [
      `${n} event${n === 1 ? ' was' : 's were'} longer than an event keeps (${EVENT_TEXT_MAX_CHARS.toLocaleString('en-US')} characters of text) and ${n === 1 ? 'was' : 'were'} stored cut (event${n === 1 ? '' : 's'} ${which}).`,
    ];
  }
}

function parseBilling(raw: unknown, problems: string[]): CaseFileBilling | null {
  if (raw === undefined) return null;
  const r = CaseFileBillingSchema.safeParse(raw);
  if (!r.success) {
    problems.push(...r.error.issues.map((i) => `Billing${i.path.length ? ` (${i.path.join('.')})` : ''}: ${i.message}`));
    return null;
  }
  if (r.data.details !== null) {
    const d = BillingDetailsSchema.safeParse(r.data.details);
    if (!d.success) {
      problems.push(...d.error.issues.map((i) => `Billing details${i.path.length ? ` (${i.path.join('.')})` : ''}: ${i.message}`));
      return null;
    }
  }
  return r.data;
}

const TOP_MEMBERS: ReadonlySet<string> = new Set(['format', 'version', 'exportedAt', 'case', 'people', 'events', 'billing']);

/** The top level, with the sections left for their own passes (so messages can name them). */
const TopSchema = z.strictObject({
  format: CaseFileSchema.shape.format,
  version: CaseFileSchema.shape.version,
  exportedAt: CaseFileSchema.shape.exportedAt,
  case: z.looseObject({}),
  people: z.array(z.unknown()),
  events: z.array(z.unknown()),
  billing: z.unknown().optional(),
});

/** The valid people, and the ids of those already reported as invalid (not reported again as missing). */
function parsePeople(raw: readonly unknown[], problems: string[]): { people: CaseFilePerson[]; reported: Set<unknown> } {
  const out: CaseFilePerson[] = [];
  const ids = new Set<string>();
  const reported = new Set<unknown>();
  raw.forEach((p, i) => {
    const subject = `Person ${i + 1}`;
    const r = CaseFilePersonSchema.safeParse(p);
    if (!r.success) {
      problems.push(...describe(r.error, p, subject, PERSON_LABELS));
      reported.add(valueAt(p, ['id']));
      return;
    }
    const { id, ...fields } = r.data;
    const d = PersonInputSchema.safeParse(fields);
    if (!d.success) {
      for (const issue of d.error.issues) problems.push(`${subject} (${PERSON_ROLE_LABELS[fields.role].toLowerCase()}): ${issue.message}`);
      reported.add(id);
      return;
    }
    if (ids.has(id)) problems.push(`Two people in the file have the id "${short(id)}": give each person their own id.`);
    ids.add(id);
    out.push({ id, ...d.data });
  });
  return { people: out, reported };
}

function parseCase(raw: unknown, people: readonly CaseFilePerson[], reported: ReadonlySet<unknown>, problems: string[]): CaseFileCase | null {
  const r = CaseFileCaseSchema.safeParse(raw);
  if (!r.success) {
    problems.push(...describe(r.error, raw, 'The case', CASE_LABELS));
    return null;
  }
  const { id, status, timeZone, createdAt, updatedAt, ...editable } = r.data;
  let ok = true;
  if (!isValidTimeZone(timeZone)) {
    problems.push(`The case's time zone "${short(timeZone)}" is not one Closeout knows. Use an IANA name such as America/Chicago or Europe/Berlin.`);
    ok = false;
  }
  // The same rules as the case form (names, MRN, codes), but not the ones about today's date:
  // a saved case may be years old.
  const d = CaseInputSchema.safeParse(editable);
  if (!d.success) {
    for (const issue of d.error.issues) problems.push(`The case (${issue.path.map(String).join('.') || 'record'}): ${issue.message}`);
    return null;
  }
  for (const [ref, role] of REFS) {
    const pid = d.data[ref];
    if (pid === null || reported.has(pid)) {
      if (pid !== null) ok = false;
      continue;
    }
    const p = people.find((x) => x.id === pid);
    const label = PERSON_ROLE_LABELS[role].toLowerCase();
    if (!p) {
      problems.push(`The case names ${label} "${short(pid)}", but the file has no person with that id.`);
      ok = false;
    } else if (p.role !== role) {
      problems.push(`The case names "${short(pid)}" as ${label}, but the file lists them as ${PERSON_ROLE_LABELS[p.role].toLowerCase()}.`);
      ok = false;
    }
  }
  return ok ? { id, status, timeZone, createdAt, updatedAt, ...d.data } : null;
}

/** `more`: checking stopped early, so there may be further problems. */
function failure(problems: readonly string[], more: boolean): Readonly<{ ok: false; message: string; problems: readonly string[] }> {
  const list = problems.map((p) => `  - ${p}`).join('\n');
  const message =
    problems.length === 1 && !more
      ? (problems[0] as string)
      : more
        ? `The case file has at least ${problems.length} problems. The first ones:\n${list}`
        : `The case file has ${problems.length} problems:\n${list}`;
  return { ok: false, message, problems };
}

// ---------------------------------------------------------------------------------------------
// Plain messages for zod issues

const TOP_LABELS: Labels = { exportedAt: 'export time', case: 'case', people: 'list of people', events: 'list of events' };
const PERSON_LABELS: Labels = { id: 'id', role: 'role', lastName: 'last name', firstName: 'first name', npi: 'NPI', credential: 'credential', active: 'active flag' };
const EVENT_LABELS: Labels = {
  kind: 'kind',
  occurredAt: 'time',
  receivedAt: 'arrival time',
  source: 'source',
  dedupeKey: 'dedupe key',
  modalityName: 'device modality name',
  clockZone: 'clock zone',
};
const CASE_LABELS: Labels = {
  id: 'ID',
  status: 'status',
  timeZone: 'time zone',
  createdAt: 'creation time',
  updatedAt: 'last-change time',
  patient: 'patient',
  'patient.lastName': "patient's last name",
  'patient.firstName': "patient's first name",
  'patient.mrn': 'MRN',
  'patient.dateOfBirth': 'date of birth',
  'patient.sex': "patient's sex",
  procedure: 'procedure',
  'procedure.description': 'procedure description',
  dateOfService: 'date of service',
};
type Labels = Readonly<Record<string, string>>;

const INSTANT_FIELDS = new Set(['exportedAt', 'createdAt', 'updatedAt', 'occurredAt', 'receivedAt']);
const DATE_FIELDS = new Set(['dateOfBirth', 'dateOfService']);
const INSTANT_EXAMPLE = 'a date and time like 2026-11-26T08:15:00Z';

function describe(error: z.ZodError, root: unknown, subject: string, labels: Labels): string[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String);
    const dotted = path.join('.');
    const field = path.at(-1) ?? '';
    const label = labels[dotted] ?? (dotted ? `"${dotted}"` : 'value');
    const value = valueAt(root, issue.path);
    switch (issue.code) {
      case 'invalid_type':
        if (value === undefined || value === null) return `${subject} has no ${label}.`;
        return `${subject}: the ${label} should be ${INSTANT_FIELDS.has(field) ? INSTANT_EXAMPLE : expected(issue.expected)}, not ${typeName(value)}.`;
      case 'invalid_format':
        if (INSTANT_FIELDS.has(field)) return `${subject}: the ${label} "${short(value)}" is not ${INSTANT_EXAMPLE}.`;
        if (DATE_FIELDS.has(field)) return `${subject}: the ${label} "${short(value)}" is not a date like 2026-11-26 (YYYY-MM-DD).`;
        if (field === 'npi') return `${subject}: the NPI "${short(value)}" is not 10 digits.`;
        return `${subject}: the ${label} "${short(value)}" is not in the expected form.`;
      case 'invalid_value':
        return `${subject}: the ${label} ${JSON.stringify(short(value))} is not one Closeout knows. Use one of: ${issue.values.map(String).join(', ')}.`;
      case 'unrecognized_keys':
        return `${subject}${dotted ? ` (${dotted})` : ''} has ${issue.keys.length === 1 ? 'a field' : 'fields'} Closeout does not know: ${issue.keys.map((k) => `"${short(k)}"`).join(', ')}.`;
      case 'too_small':
        return typeof value === 'string' ? `${subject} has an empty ${label}.` : `${subject}: the ${label} is too small.`;
      case 'too_big':
        return `${subject}: the ${label} is too long (${String(issue.maximum)} characters at most).`;
      default:
        return `${subject}: the ${label}: ${issue.message}`;
    }
  });
}

function expected(t: string): string {
  switch (t) {
    case 'string':
      return 'text';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'true or false';
    case 'array':
      return 'a list ([…])';
    case 'object':
    case 'record':
      return 'an object ({…})';
    default:
      return t;
  }
}

function typeName(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return `text ("${short(v)}")`;
  if (typeof v === 'object') return 'an object';
  return `${typeof v === 'number' ? 'the number' : typeof v} ${String(v)}`;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = root;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

/** Values quoted in messages stay short: a message is not a dump of the file. */
function short(v: unknown): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v) ?? String(v);
  return s.length > 40 ? `${s.slice(0, 39)}…` : s;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
