import type { Database, Statement } from 'better-sqlite3';
import type { CaseFields, CaseRecord, CaseSummary } from '../../../shared/domain/case';
import { caseSearchKey, foldForSearch, likePattern } from '../../../shared/domain/case-list';
import type { CaseStatus } from '../../../shared/domain/vocabulary';
import { AppError } from './store-errors';

type CaseRow = {
  id: string;
  status: CaseStatus;
  patient_last_name: string;
  patient_first_name: string;
  patient_mrn: string;
  patient_dob: string;
  patient_sex: CaseFields['patient']['sex'];
  procedure_text: string;
  procedure_cpt: string | null;
  procedure_side: CaseFields['procedure']['side'];
  procedure_levels: string;
  date_of_service: string;
  facility: string;
  or_room: string;
  surgeon_id: string | null;
  technologist_id: string | null;
  physician_id: string | null;
  reader_location: CaseFields['readerLocation'];
  payer_type: CaseFields['payer']['type'];
  payer_name: string;
  place_of_service: string | null;
  diagnosis_codes: string;
  anesthesia_regimen: CaseFields['anesthesia']['regimen'];
  anesthesia_detail: string;
  time_zone: string;
  version: number;
  created_at: number;
  updated_at: number;
};

function fromRow(r: CaseRow): CaseRecord {
  return {
    id: r.id,
    status: r.status,
    patient: {
      lastName: r.patient_last_name,
      firstName: r.patient_first_name,
      mrn: r.patient_mrn,
      dateOfBirth: r.patient_dob,
      sex: r.patient_sex,
    },
    procedure: { description: r.procedure_text, cpt: r.procedure_cpt, side: r.procedure_side, levels: r.procedure_levels },
    dateOfService: r.date_of_service,
    facility: r.facility,
    orRoom: r.or_room,
    surgeonId: r.surgeon_id,
    technologistId: r.technologist_id,
    physicianId: r.physician_id,
    readerLocation: r.reader_location,
    payer: { type: r.payer_type, name: r.payer_name },
    placeOfService: r.place_of_service,
    diagnosisCodes: JSON.parse(r.diagnosis_codes) as string[],
    anesthesia: { regimen: r.anesthesia_regimen, detail: r.anesthesia_detail },
    timeZone: r.time_zone,
    version: r.version,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** Named parameters shared by insert and update. */
function fieldParams(f: CaseFields) {
  return {
    patient_last_name: f.patient.lastName,
    patient_first_name: f.patient.firstName,
    patient_mrn: f.patient.mrn,
    patient_dob: f.patient.dateOfBirth,
    patient_sex: f.patient.sex,
    procedure_text: f.procedure.description,
    procedure_cpt: f.procedure.cpt,
    procedure_side: f.procedure.side,
    procedure_levels: f.procedure.levels,
    date_of_service: f.dateOfService,
    facility: f.facility,
    or_room: f.orRoom,
    surgeon_id: f.surgeonId,
    technologist_id: f.technologistId,
    physician_id: f.physicianId,
    reader_location: f.readerLocation,
    payer_type: f.payer.type,
    payer_name: f.payer.name,
    place_of_service: f.placeOfService,
    diagnosis_codes: JSON.stringify(f.diagnosisCodes),
    anesthesia_regimen: f.anesthesia.regimen,
    anesthesia_detail: f.anesthesia.detail,
    search_key: caseSearchKey(f.patient),
  };
}

const FIELD_COLUMNS = Object.keys(fieldParams({
  patient: { lastName: '', firstName: '', mrn: '', dateOfBirth: '', sex: 'U' },
  procedure: { description: '', cpt: null, side: null, levels: '' },
  dateOfService: '', facility: '', orRoom: '', surgeonId: null, technologistId: null, physicianId: null,
  readerLocation: null, payer: { type: null, name: '' }, placeOfService: null, diagnosisCodes: [],
  anesthesia: { regimen: null, detail: '' },
}));

export class CasesRepo {
  readonly #get: Statement<[string], CaseRow>;
  readonly #insert: Statement;
  readonly #update: Statement;
  readonly #setStatus: Statement;
  readonly #capturing: Statement<[], CaseRow>;
  readonly #db: Database;
  /** One prepared query per number of search terms (1..5). */
  readonly #listByTerms = new Map<number, Statement<unknown[], CaseSummaryRow>>();

  constructor(db: Database) {
    this.#db = db;
    this.#get = db.prepare('SELECT * FROM cases WHERE id = ?');
    const cols = ['id', 'status', 'time_zone', 'version', 'created_at', 'updated_at', ...FIELD_COLUMNS];
    this.#insert = db.prepare(`INSERT INTO cases (${cols.join(', ')}) VALUES (${cols.map((c) => `@${c}`).join(', ')})`);
    this.#update = db.prepare(
      `UPDATE cases SET ${FIELD_COLUMNS.map((c) => `${c} = @${c}`).join(', ')}, version = version + 1, updated_at = @updated_at
       WHERE id = @id AND version = @version`,
    );
    this.#capturing = db.prepare("SELECT * FROM cases WHERE status = 'capturing' ORDER BY updated_at DESC LIMIT 1");
    this.#setStatus = db.prepare(
      'UPDATE cases SET status = @status, version = version + 1, updated_at = @updated_at WHERE id = @id',
    );
  }

  /** Ids of the cases whose date of service is in [from, to] (ISO dates), oldest first. */
  idsBetween(from: string, to: string): string[] {
    return (this.#db.prepare('SELECT id FROM cases WHERE date_of_service BETWEEN ? AND ? ORDER BY date_of_service, created_at').all(from, to) as { id: string }[]).map((r) => r.id);
  }

  /** Case ids starting with `prefix` (at most `limit`), for the CLI's short ids as git takes them. */
  idsWithPrefix(prefix: string, limit = 6): string[] {
    return (this.#db.prepare('SELECT id FROM cases WHERE id >= ? AND id < ? ORDER BY id LIMIT ?').all(prefix, `${prefix}\uffff`, limit) as { id: string }[]).map((r) => r.id);
  }

  /** Every case id (the claim index rebuild walks them). */
  allIds(): string[] {
    return (this.#db.prepare('SELECT id FROM cases ORDER BY created_at').all() as { id: string }[]).map((r) => r.id);
  }

  /** The case this workstation is capturing, if any (one at a time). */
  capturing(): CaseRecord | null {
    const row = this.#capturing.get();
    return row ? fromRow(row) : null;
  }

  /** The case, or NOT_FOUND in the words a person reads (every service looks a case up this way). */
  mustGet(id: string): CaseRecord {
    const c = this.get(id);
    if (!c) throw new AppError('NOT_FOUND', `No case with ID ${id}. Check the ID, or pick the case from the list.`);
    return c;
  }

  get(id: string): CaseRecord | null {
    const row = this.#get.get(id);
    return row ? fromRow(row) : null;
  }

  /** `updatedAt` differs from `now` (the creation time) only for a case brought in from a case file. */
  insert(c: Readonly<{ id: string; status: CaseStatus; timeZone: string; now: number; updatedAt?: number; fields: CaseFields }>): CaseRecord {
    this.#insert.run({
      id: c.id,
      status: c.status,
      time_zone: c.timeZone,
      version: 1,
      created_at: c.now,
      updated_at: c.updatedAt ?? c.now,
      ...fieldParams(c.fields),
    });
    return this.get(c.id) as CaseRecord;
  }

  /** Returns false when the version no longer matches (someone else saved first). */
  update(id: string, version: number, fields: CaseFields, now: number): boolean {
    return this.#update.run({ id, version, updated_at: now, ...fieldParams(fields) }).changes === 1;
  }

  setStatus(id: string, status: CaseStatus, now: number): void {
    this.#setStatus.run({ id, status, updated_at: now });
  }

  /** All search terms must match (any order): "doe jane", "Doe, J" and an MRN prefix all work. */
  list(search: string, limit: number): CaseSummary[] {
    const terms = foldForSearch(search).split(/[\s,]+/).filter(Boolean).slice(0, 5);
    let stmt = this.#listByTerms.get(terms.length);
    if (!stmt) {
      const where = terms.length ? `WHERE ${terms.map(() => "c.search_key LIKE ? ESCAPE '\\'").join(' AND ')}` : '';
      stmt = this.#db.prepare(
        `SELECT c.id, c.status, c.patient_last_name, c.patient_first_name, c.patient_mrn, c.date_of_service,
           c.procedure_text, c.updated_at, s.last_name AS surgeon_last_name, s.first_name AS surgeon_first_name
         FROM cases c LEFT JOIN people s ON s.id = c.surgeon_id
         ${where}
         ORDER BY c.date_of_service DESC, c.updated_at DESC LIMIT ?`,
      );
      this.#listByTerms.set(terms.length, stmt);
    }
    const rows = stmt.all(...terms.map(likePattern), limit);
    return rows.map((r) => ({
      id: r.id,
      status: r.status,
      patientName: `${r.patient_last_name}, ${r.patient_first_name}`,
      mrn: r.patient_mrn,
      dateOfService: r.date_of_service,
      procedure: r.procedure_text,
      surgeonName: r.surgeon_last_name ? `${r.surgeon_first_name ?? ''} ${r.surgeon_last_name}`.trim() : null,
      updatedAt: r.updated_at,
    }));
  }
}

type CaseSummaryRow = {
  id: string;
  status: CaseStatus;
  patient_last_name: string;
  patient_first_name: string;
  patient_mrn: string;
  date_of_service: string;
  procedure_text: string;
  updated_at: number;
  surgeon_last_name: string | null;
  surgeon_first_name: string | null;
};
