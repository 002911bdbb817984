/**
 * The practice dashboard over every workstation (#17): the same figures, computed by the same
 * shared code (`buildDashboard`), as a workstation's own dashboard, from what the workstations
 * sent: each case's record and step times, and its claim summary as its workstation's scrubber
 * computed it. People are one person across workstations when they share an NPI (else role and
 * name), so a technologist who works in three ORs is one row. No patient data is in the answer;
 * reading it is logged once (no case is shown).
 */
import type pg from 'pg';
import defaultRules from '../../resources/billing/ruleset-default.json';
import { buildDashboard, type Dashboard, type DashboardCaseRow, type RuleInfo } from '../../shared/dashboard/dashboard';
import { personDisplayName } from '../../shared/domain/person';
import type { CaseStatus } from '../../shared/domain/vocabulary';
import { checkDates, logAccess, type Actor } from './access-log';

type CaseRow = {
  case_id: string;
  workstation_id: string;
  status: CaseStatus;
  date_of_service: string;
  record: { technologist_id?: string | null; physician_id?: string | null; times?: string | null };
  claim: { minutes?: number; monitored_minutes?: number | null; clean_at_close?: number | null; top_rules?: string } | null;
};

type PersonRow = { workstation_id: string; person_id: string; role: string; npi: string | null; row: { first_name?: string; last_name?: string; credential?: string } };

const ALL_FROM = '0000-01-01';
const ALL_TO = '9999-12-31';

const RULES: Readonly<Record<string, RuleInfo>> = Object.fromEntries(
  Object.entries((defaultRules as { rules: Record<string, { title: string; severity: string }> }).rules).map(([id, r]) => [id, { title: r.title, severity: r.severity }]),
);

function times(raw: string | null | undefined): Record<string, number> {
  if (!raw) return {};
  try {
    return JSON.parse(raw) as Record<string, number>;
  } catch {
    return {};
  }
}

function rules(raw: string | undefined): string[] {
  try {
    return JSON.parse(raw ?? '[]') as string[];
  } catch {
    return [];
  }
}

export async function practiceDashboard(pool: pg.Pool, actor: Actor, range: { from?: string | undefined; to?: string | undefined }): Promise<Dashboard> {
  checkDates(range.from, range.to);
  const cases = await pool.query<CaseRow>(
    `SELECT k.case_id, k.workstation_id, k.status, k.date_of_service, k.record, q.row AS claim
       FROM ws_cases k LEFT JOIN ws_claims q ON q.case_id = k.case_id
      WHERE k.date_of_service BETWEEN $1 AND $2
      ORDER BY k.date_of_service, k.case_id`,
    [range.from ?? ALL_FROM, range.to ?? ALL_TO],
  );
  const people = await pool.query<PersonRow>('SELECT workstation_id, person_id, role, npi, row FROM ws_people');
  // One practice-wide key per person: the NPI where there is one, else role and name.
  const keyOf = new Map<string, string>();
  const names = new Map<string, string>();
  for (const p of people.rows) {
    const name = personDisplayName({ firstName: p.row.first_name ?? '', lastName: p.row.last_name ?? '', credential: p.row.credential ?? '' });
    const key = p.npi ? `npi:${p.npi}` : `${p.role}:${name.toLowerCase()}`;
    keyOf.set(`${p.workstation_id}/${p.person_id}`, key);
    if (!names.has(key)) names.set(key, name);
  }
  const person = (ws: string, id: string | null | undefined) => (id ? (keyOf.get(`${ws}/${id}`) ?? `${ws}/${id}`) : null);
  let pending = 0;
  const rows: DashboardCaseRow[] = cases.rows.map((x) => {
    const t = times(x.record.times);
    const closed = x.status !== 'open' && x.status !== 'capturing';
    const claim = x.claim && typeof x.claim.minutes === 'number' ? x.claim : null;
    if (closed && (claim === null || (claim.monitored_minutes ?? null) === null || (claim.clean_at_close ?? null) === null)) pending++;
    return {
      caseId: x.case_id,
      status: x.status,
      dateOfService: x.date_of_service,
      technologistId: person(x.workstation_id, x.record.technologist_id),
      physicianId: person(x.workstation_id, x.record.physician_id),
      monitoringEnded: t['monitoring_ended'] ?? null,
      closed: t['closed'] ?? null,
      draftComplete: t['draft_complete'] ?? null,
      signed: t['signed'] ?? null,
      delivered: t['delivered'] ?? null,
      claim:
        claim === null
          ? null
          : {
              billedMinutes: Number(claim.minutes),
              monitoredMinutes: claim.monitored_minutes ?? null,
              cleanAtClose: (claim.clean_at_close ?? null) === null ? null : claim.clean_at_close === 1,
              topRules: rules(claim.top_rules),
            },
    };
  });
  await logAccess(pool, actor, 'dashboard.read', null, { from: range.from ?? null, to: range.to ?? null, cases: rows.length });
  // The workstations keep their claims current; a claim not yet computed there shows as pending.
  return buildDashboard({ rows, from: range.from ?? null, to: range.to ?? null, names, rules: RULES, claims: { recomputed: 0, pending } });
}
