import type { Database, Statement } from 'better-sqlite3';
import type { Span } from '../../../shared/billing/billable-time';
import type { ReaderCase } from '../../../shared/billing/claim';
import type { TimeCode } from '../../../shared/billing/codes';
import type { PayerType } from '../../../shared/domain/vocabulary';

export type StoredOverride = Readonly<{ id: number; caseId: string; userId: string; userName: string; reason: string; findings: readonly string[]; at: number }>;

export type ClaimIndexRow = Readonly<{
  caseId: string;
  readerId: string | null;
  payerType: PayerType | null;
  timeCode: TimeCode | null;
  orRoom: string;
  dateOfService: string;
  minutes: number;
  clean: boolean;
  blocking: number;
  warnings: number;
  topRules: readonly string[];
  intervals: readonly Span[];
  /** Monitoring minutes before any cut (captured); null on rows from before migration 0006. */
  monitoredMinutes?: number | null;
  /**
   * No blocking finding but the signature, in the first claim after the case left capture (kept
   * once written); null while the case captures and on rows from before migration 0006.
   */
  cleanAtClose?: boolean | null;
}>;

type IndexRow = { case_id: string; reader_id: string | null; payer_type: PayerType | null; time_code: TimeCode | null; or_room: string; date_of_service: string; minutes: number; clean: 0 | 1; blocking: number; warnings: number; top_rules: string; monitored_minutes: number | null; clean_at_close: 0 | 1 | null };

/** Per-case billing answers, rule set versions, the claim index for cross-case rules, overrides. */
export class BillingRepo {
  readonly #getDetails: Statement<[string], { details: string }>;
  readonly #setDetails: Statement;
  readonly #latestRules: Statement<[], { seq: number; doc: string; label: string; saved_by: string; saved_at: number }>;
  readonly #latestSeq: Statement<[], { seq: number | null }>;
  readonly #rulesHistory: Statement<[], { seq: number; label: string; saved_by: string; saved_at: number }>;
  readonly #insertRules: Statement;
  readonly #upsertIndex: Statement;
  readonly #dropIntervals: Statement<[string]>;
  readonly #insertInterval: Statement;
  readonly #near: Statement<{ reader: string; self: string; from: number; to: number }, { case_id: string; start: number; end: number; payer_type: PayerType | null; time_code: TimeCode | null; or_room: string; date_of_service: string; patient_first_name: string; patient_last_name: string }>;
  readonly #indexByDates: Statement<[string, string], IndexRow>;
  readonly #indexOf: Statement<[string], IndexRow>;
  readonly #unindexed: Statement<[string, string, string, string], { id: string }>;
  readonly #insertOverride: Statement;
  readonly #overrides: Statement<[string], { id: number; case_id: string; user_id: string; user_name: string; reason: string; findings: string; at: number }>;

  constructor(private readonly db: Database) {
    this.#getDetails = db.prepare('SELECT details FROM billing_details WHERE case_id = ?');
    this.#setDetails = db.prepare(
      `INSERT INTO billing_details (case_id, details, updated_by, updated_at) VALUES (@caseId, @details, @by, @at)
       ON CONFLICT (case_id) DO UPDATE SET details = excluded.details, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
    );
    this.#latestRules = db.prepare('SELECT seq, doc, label, saved_by, saved_at FROM billing_rule_sets ORDER BY seq DESC LIMIT 1');
    this.#latestSeq = db.prepare('SELECT MAX(seq) AS seq FROM billing_rule_sets');
    this.#rulesHistory = db.prepare('SELECT seq, label, saved_by, saved_at FROM billing_rule_sets ORDER BY seq DESC LIMIT 50');
    this.#insertRules = db.prepare('INSERT INTO billing_rule_sets (doc, label, saved_by, saved_at) VALUES (@doc, @label, @by, @at)');
    this.#upsertIndex = db.prepare(
      `INSERT INTO claim_index (case_id, reader_id, payer_type, time_code, or_room, date_of_service, minutes, clean, blocking, warnings, top_rules, updated_at, monitored_minutes, clean_at_close)
       VALUES (@case_id, @reader_id, @payer_type, @time_code, @or_room, @date_of_service, @minutes, @clean, @blocking, @warnings, @top_rules, @updated_at, @monitored_minutes, @clean_at_close)
       ON CONFLICT (case_id) DO UPDATE SET reader_id = excluded.reader_id, payer_type = excluded.payer_type, time_code = excluded.time_code, or_room = excluded.or_room,
         date_of_service = excluded.date_of_service, minutes = excluded.minutes, clean = excluded.clean, blocking = excluded.blocking, warnings = excluded.warnings,
         top_rules = excluded.top_rules, updated_at = excluded.updated_at, monitored_minutes = excluded.monitored_minutes,
         clean_at_close = coalesce(claim_index.clean_at_close, excluded.clean_at_close)`,
    );
    this.#dropIntervals = db.prepare('DELETE FROM claim_intervals WHERE case_id = ?');
    this.#insertInterval = db.prepare('INSERT INTO claim_intervals (case_id, reader_id, start, end) VALUES (?, ?, ?, ?)');
    // Intervals start before `to`; a case's interval never spans more than a day, so the lower
    // bound keeps the index range small.
    this.#near = db.prepare(
      `SELECT i.case_id, i.start, i.end, x.payer_type, x.time_code, x.or_room, c.date_of_service, c.patient_first_name, c.patient_last_name
         FROM claim_intervals i JOIN claim_index x ON x.case_id = i.case_id JOIN cases c ON c.id = i.case_id
        WHERE i.reader_id = @reader AND i.start < @to AND i.start > @from - 86400000 AND i.end > @from AND i.case_id <> @self
        ORDER BY i.case_id, i.start`,
    );
    this.#indexByDates = db.prepare('SELECT * FROM claim_index WHERE date_of_service BETWEEN ? AND ? ORDER BY date_of_service, case_id');
    this.#indexOf = db.prepare('SELECT * FROM claim_index WHERE case_id = ?');
    this.#unindexed = db.prepare(
      `SELECT c.id FROM cases c LEFT JOIN claim_index x ON x.case_id = c.id
        WHERE c.physician_id = ? AND c.date_of_service BETWEEN ? AND ? AND c.id <> ? AND x.case_id IS NULL`,
    );
    this.#insertOverride = db.prepare('INSERT INTO claim_overrides (case_id, user_id, user_name, reason, findings, at) VALUES (@caseId, @userId, @userName, @reason, @findings, @at)');
    this.#overrides = db.prepare('SELECT * FROM claim_overrides WHERE case_id = ? ORDER BY id');
  }

  details(caseId: string): unknown {
    const r = this.#getDetails.get(caseId);
    return r ? JSON.parse(r.details) : null;
  }

  saveDetails(caseId: string, details: unknown, by: string, at: number): void {
    this.#setDetails.run({ caseId, details: JSON.stringify(details), by, at });
  }

  latestRuleSets(): { seq: number; doc: unknown; label: string; savedBy: string; savedAt: number } | null {
    const r = this.#latestRules.get();
    return r ? { seq: r.seq, doc: JSON.parse(r.doc), label: r.label, savedBy: r.saved_by, savedAt: r.saved_at } : null;
  }

  /** The newest saved version's number (null: none saved, the shipped rules are in force). */
  latestRuleSetSeq(): number | null {
    return this.#latestSeq.get()?.seq ?? null;
  }

  ruleSetHistory(): Array<{ seq: number; label: string; savedBy: string; savedAt: number }> {
    return this.#rulesHistory.all().map((r) => ({ seq: r.seq, label: r.label, savedBy: r.saved_by, savedAt: r.saved_at }));
  }

  saveRuleSets(doc: unknown, label: string, by: string, at: number): number {
    return Number(this.#insertRules.run({ doc: JSON.stringify(doc), label, by, at }).lastInsertRowid);
  }

  index(row: ClaimIndexRow, at: number): void {
    this.#upsertIndex.run({
      case_id: row.caseId,
      reader_id: row.readerId,
      payer_type: row.payerType,
      time_code: row.timeCode,
      or_room: row.orRoom,
      date_of_service: row.dateOfService,
      minutes: row.minutes,
      clean: row.clean ? 1 : 0,
      blocking: row.blocking,
      warnings: row.warnings,
      top_rules: JSON.stringify(row.topRules),
      updated_at: at,
      monitored_minutes: row.monitoredMinutes ?? null,
      clean_at_close: row.cleanAtClose === undefined || row.cleanAtClose === null ? null : row.cleanAtClose ? 1 : 0,
    });
    this.#dropIntervals.run(row.caseId);
    if (row.readerId) for (const s of row.intervals) this.#insertInterval.run(row.caseId, row.readerId, s.start, s.end);
  }

  /** The reader's other cases with billed time inside [from, to]. */
  readerCasesNear(readerId: string, selfCaseId: string, from: number, to: number): ReaderCase[] {
    const by = new Map<string, { caseId: string; label: string; payerType: PayerType | null; timeCode: TimeCode | null; orRoom: string; intervals: Span[] }>();
    for (const r of this.#near.all({ reader: readerId, self: selfCaseId, from, to })) {
      let c = by.get(r.case_id);
      if (!c) {
        c = { caseId: r.case_id, label: `${r.date_of_service}, ${initials(r.patient_first_name, r.patient_last_name)}`, payerType: r.payer_type, timeCode: r.time_code, orRoom: r.or_room, intervals: [] };
        by.set(r.case_id, c);
      }
      c.intervals.push({ start: r.start, end: r.end });
    }
    return [...by.values()];
  }

  /** The reader's cases near a date whose claim was never indexed (imported, or from before 0004). */
  unindexedOfReader(readerId: string, fromDos: string, toDos: string, selfCaseId: string): string[] {
    return this.#unindexed.all(readerId, fromDos, toDos, selfCaseId).map((r) => r.id);
  }

  indexed(caseId: string): Omit<ClaimIndexRow, 'intervals'> | null {
    const r = this.#indexOf.get(caseId);
    return r ? rowOf(r) : null;
  }

  indexedBetween(from: string, to: string): Array<Omit<ClaimIndexRow, 'intervals'>> {
    return this.#indexByDates.all(from, to).map(rowOf);
  }

  addOverride(o: Omit<StoredOverride, 'id'>): void {
    this.#insertOverride.run({ ...o, findings: JSON.stringify(o.findings) });
  }

  overrides(caseId: string): StoredOverride[] {
    return this.#overrides.all(caseId).map((r) => ({ id: r.id, caseId: r.case_id, userId: r.user_id, userName: r.user_name, reason: r.reason, findings: JSON.parse(r.findings) as string[], at: r.at }));
  }
}

function rowOf(r: IndexRow): Omit<ClaimIndexRow, 'intervals'> {
  return {
    caseId: r.case_id,
    readerId: r.reader_id,
    payerType: r.payer_type,
    timeCode: r.time_code,
    orRoom: r.or_room,
    dateOfService: r.date_of_service,
    minutes: r.minutes,
    clean: r.clean === 1,
    blocking: r.blocking,
    warnings: r.warnings,
    topRules: JSON.parse(r.top_rules) as string[],
    monitoredMinutes: r.monitored_minutes,
    cleanAtClose: r.clean_at_close === null ? null : r.clean_at_close === 1,
  };
}

/** "J.N.": what a billing user sees of another patient in a finding (Núñez, José → J.N.). */
function initials(first: string, last: string): string {
  const i = (s: string) => (s.trim().match(/\p{L}/u)?.[0] ?? '').toUpperCase();
  return `${i(first)}.${i(last)}.`;
}
