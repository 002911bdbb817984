import type { Database, Statement } from 'better-sqlite3';
import type { DashboardCaseRow } from '../../../shared/dashboard/dashboard';
import type { CaseStatus } from '../../../shared/domain/vocabulary';

type Row = {
  id: string;
  status: CaseStatus;
  date_of_service: string;
  technologist_id: string | null;
  physician_id: string | null;
  stale: 0 | 1;
  minutes: number | null;
  monitored_minutes: number | null;
  clean_at_close: 0 | 1 | null;
  top_rules: string | null;
  monitoring_ended: number | null;
  closed: number | null;
  draft_complete: number | null;
  signed: number | null;
  delivered: number | null;
};

export type DashboardRow = DashboardCaseRow & Readonly<{ stale: boolean }>;

const time = (what: string) => `(SELECT t.at FROM case_times t WHERE t.case_id = c.id AND t.what = '${what}') AS ${what}`;

/**
 * One summary row per case for the practice dashboard: the case, its step times and its claim
 * summary. One range scan of `cases_date_of_service`, then primary-key lookups into
 * `claim_index` and `case_times`: no events are read, so 10,000 cases cost milliseconds.
 */
export class DashboardRepo {
  readonly #rows: Statement<{ from: string; to: string }, Row>;

  constructor(db: Database) {
    this.#rows = db.prepare(
      `SELECT c.id, c.status, c.date_of_service, c.technologist_id, c.physician_id,
              -- A claim past capture is stale when it was never computed, predates migration
              -- 0006, or is older than the case's last change (signing, for one).
              (c.status NOT IN ('open', 'capturing') AND (x.case_id IS NULL OR x.monitored_minutes IS NULL OR x.clean_at_close IS NULL OR x.updated_at < c.updated_at)) AS stale,
              x.minutes, x.monitored_minutes, x.clean_at_close, x.top_rules,
              ${['monitoring_ended', 'closed', 'draft_complete', 'signed', 'delivered'].map(time).join(',\n              ')}
         FROM cases c LEFT JOIN claim_index x ON x.case_id = c.id
        WHERE c.date_of_service BETWEEN @from AND @to
        ORDER BY c.date_of_service, c.id`,
    );
  }

  /** The statement's text, for the query-plan test. */
  get sql(): string {
    return this.#rows.source;
  }

  rows(from: string, to: string): DashboardRow[] {
    return this.#rows.all({ from, to }).map((r) => ({
      caseId: r.id,
      status: r.status,
      dateOfService: r.date_of_service,
      technologistId: r.technologist_id,
      physicianId: r.physician_id,
      monitoringEnded: r.monitoring_ended,
      closed: r.closed,
      draftComplete: r.draft_complete,
      signed: r.signed,
      delivered: r.delivered,
      claim:
        r.minutes === null
          ? null
          : { billedMinutes: r.minutes, monitoredMinutes: r.monitored_minutes, cleanAtClose: r.clean_at_close === null ? null : r.clean_at_close === 1, topRules: JSON.parse(r.top_rules ?? '[]') as string[] },
      stale: r.stale === 1,
    }));
  }
}
