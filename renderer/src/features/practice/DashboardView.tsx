import type { ReactNode } from 'react';
import { formatLag, LAG_STEPS, type Dashboard, type PersonRow } from '../../../../shared/dashboard/dashboard';
import { DASHBOARD_TABLE_TITLES, dashboardCsv, dashboardCsvName, type DashboardTableId } from '../../../../shared/dashboard/csv';
import type { PushMessage } from '../../../../shared/contract/events';
import { useQuery } from '../../api/hooks';
import { ErrorBanner, Field } from '../../components/Field';
import { downloadText } from '../../components/download';
import { GroupedBarChart, HBarChart, LineChart } from './charts';
import { DateText } from '../../components/DateText';

export type DashboardRange = Readonly<{ from?: string; to?: string }>;

/** Weeks drawn in the charts; the tables and CSV keep all of them. */
const CHART_WEEKS = 26;

const REFRESH = new Set<PushMessage['name']>(['caseChanged', 'reportChanged', 'claimChanged', 'deliveryChanged', 'peopleChanged']);

function CsvButton({ d, table }: { d: Dashboard; table: DashboardTableId }) {
  return (
    <button type="button" className="small-button csv-button" onClick={() => downloadText(dashboardCsvName(d, table), 'text/csv;charset=utf-8', dashboardCsv(d, table))}>
      CSV<span className="visually-hidden"> of {DASHBOARD_TABLE_TITLES[table]}</span>
    </button>
  );
}

function Card({ title, table, d, children, className }: { title: string; table?: DashboardTableId; d: Dashboard; children: ReactNode; className?: string }) {
  return (
    <section className={`card dash-card ${className ?? ''}`} aria-label={title}>
      <div className="dash-card-head">
        <h2 className="card-title">{title}</h2>
        {table && <CsvButton d={d} table={table} />}
      </div>
      {children}
    </section>
  );
}

const hours = (minutes: number) => `${Math.round((minutes / 60) * 10) / 10} h`;
const pct = (x: number | null) => (x === null ? '—' : `${x}%`);

function PeopleTable({ label, rows, lagOf, lagTitle }: { label: string; rows: readonly PersonRow[]; lagOf: (p: PersonRow) => number | null; lagTitle: string }) {
  if (!rows.length) return <p className="empty">No closed cases yet.</p>;
  return (
    <table className="table dash-table" aria-label={label}>
      <thead>
        <tr>
          <th>Name</th>
          <th className="num">Closed cases</th>
          <th className="num">{lagTitle}</th>
          <th>Clean at close</th>
          <th className="num">Captured min</th>
          <th className="num">Billed min</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((p) => (
          <tr key={p.personId ?? 'none'}>
            <td>{p.name}</td>
            <td className="num">{p.cases}</td>
            <td className="num">{formatLag(lagOf(p))}</td>
            <td className="nowrap">
              <span className="meter" aria-hidden="true">
                <span style={{ width: `${p.cleanSharePct ?? 0}%` }} />
              </span>{' '}
              {pct(p.cleanSharePct)}
            </td>
            <td className="num">{p.capturedMinutes}</td>
            <td className="num">{p.billedMinutes}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The dashboard: the practice's own cases, as charts with their tables, each table downloadable as CSV. */
export function DashboardView({ range, onRange }: { range: DashboardRange; onRange: (r: DashboardRange) => void }) {
  const q = useQuery('getDashboard', range, (m) => REFRESH.has(m.name), 1000);
  const d = q.data;
  return (
    <div className="dashboard">
      <div className="card dash-range" role="group" aria-label="Dates of service">
        <Field label="From" error={q.error?.fields?.['from']}>
          {(id, desc) => <DateText id={id} describedBy={desc} value={range.from ?? ''} onChange={(v) => onRange({ ...range, from: v || undefined })} />}
        </Field>
        <Field label="To" error={q.error?.fields?.['to']}>
          {(id, desc) => <DateText id={id} describedBy={desc} value={range.to ?? ''} onChange={(v) => onRange({ ...range, to: v || undefined })} />}
        </Field>
        <button type="button" onClick={() => onRange({})} disabled={!range.from && !range.to}>
          All dates
        </button>
        {d && (
          <span className="muted small dash-span">
            {d.cases === 0 ? 'No cases in this range.' : `${d.cases} case${d.cases === 1 ? '' : 's'}, dates of service ${d.firstDate} to ${d.lastDate}.`}
          </span>
        )}
      </div>
      {q.error && !q.error.fields && <ErrorBanner message={q.error.message} />}
      {!d ? (
        <p className="muted">{q.loading ? 'Loading…' : ''}</p>
      ) : (
        <Body d={d} />
      )}
    </div>
  );
}

function Body({ d }: { d: Dashboard }) {
  const weeks = d.weeks.slice(-CHART_WEEKS);
  const x = weeks.map((w) => w.week.slice(5));
  const signed = d.lag.find((l) => l.step === 'signed');
  return (
    <>
      {d.claims.pending > 0 && (
        <div className="banner banner-warn" role="status">
          {d.claims.pending} claims are still being brought up to date; the figures fill in as you reopen this page.
        </div>
      )}
      <section className="dash-tiles" aria-label="Summary">
        <div className="card tile">
          <span className="tile-label">Cases</span>
          <b>{d.cases}</b>
          <span className="muted small">{d.closedCases} closed</span>
        </div>
        <div className="card tile" title={d.clean.arithmetic}>
          <span className="tile-label">Clean at close</span>
          <b data-testid="clean-share">{pct(d.clean.sharePct)}</b>
          <span className="muted small">{d.clean.arithmetic}</span>
        </div>
        <div className="card tile">
          <span className="tile-label">Capture end → signed</span>
          <b>{formatLag(signed?.medianMinutes ?? null)}</b>
          <span className="muted small">median; 90% within {formatLag(signed?.p90Minutes ?? null)}</span>
        </div>
        <div className="card tile" title={d.minutes.arithmetic}>
          <span className="tile-label">Minutes billed of captured</span>
          <b>{pct(d.minutes.billedPct)}</b>
          <span className="muted small">
            {d.minutes.billed} of {d.minutes.captured} min
          </span>
        </div>
      </section>

      <div className="dash-grid">
        <Card title={DASHBOARD_TABLE_TITLES.status} table="status" d={d}>
          <HBarChart label="Cases by status" bars={d.byStatus.map((s) => ({ key: s.status, label: s.label, value: s.cases, className: `bar-${s.status}` }))} format={(v) => String(v)} labelWidth={110} />
        </Card>

        <Card title={DASHBOARD_TABLE_TITLES.lag} table="lag" d={d}>
          <table className="table dash-table" aria-label="Report lag">
            <thead>
              <tr>
                <th>From capture end to</th>
                <th className="num">Cases</th>
                <th className="num">Waiting</th>
                <th className="num">Median</th>
                <th className="num">90th percentile</th>
              </tr>
            </thead>
            <tbody>
              {d.lag.map((l) => (
                <tr key={l.step} data-step={l.step}>
                  <td>{l.label}</td>
                  <td className="num">{l.measured}</td>
                  <td className="num">{l.waiting}</td>
                  <td className="num">{formatLag(l.medianMinutes)}</td>
                  <td className="num">{formatLag(l.p90Minutes)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted small">Capture end: when monitoring ended on the timeline (or the case closed, when it has no end). 90th percentile: nine in ten cases were this fast or faster.</p>
        </Card>

        <Card title="Report lag by week" table="weeks" d={d}>
          {weeks.length ? (
            <LineChart
              label={`Median report lag by ISO week, ${weeks.length} week${weeks.length === 1 ? '' : 's'}`}
              x={x}
              series={LAG_STEPS.map((s) => ({ key: s, name: `To ${s === 'draft' ? 'draft complete' : s === 'signed' ? 'signed' : 'delivered'}`, className: `series-${s}`, values: weeks.map((w) => w.medianMinutes[s]) }))}
              yFormat={hours}
            />
          ) : (
            <p className="empty">No closed cases yet.</p>
          )}
        </Card>

        <Card title="Clean at close" d={d}>
          <p className="dash-arith">{d.clean.arithmetic}{d.clean.unknown ? ` (${d.clean.unknown} not known yet)` : ''}</p>
          {weeks.length > 0 && (
            <GroupedBarChart
              label="Closed cases clean and not clean at close, by week"
              x={x}
              series={[
                { key: 'clean', name: 'Clean at close', className: 'series-clean', values: weeks.map((w) => w.cleanAtClose) },
                { key: 'not', name: 'Not clean', className: 'series-notclean', values: weeks.map((w) => w.notCleanAtClose) },
              ]}
              yFormat={(v) => (Number.isInteger(v) ? String(v) : '')}
              height={170}
            />
          )}
        </Card>

        <Card title={DASHBOARD_TABLE_TITLES.findings} table="findings" d={d}>
          {d.findings.length ? (
            <HBarChart
              label="Scrubber findings by number of cases"
              bars={d.findings.slice(0, 10).map((f) => ({ key: f.rule, label: `${f.rule} ${f.title}`, note: `${f.rule} (${f.severity}): ${f.title}. ${f.cases} cases, ${f.sharePct}%.`, value: f.cases, className: f.severity === 'block' ? 'bar-block' : 'bar-warn' }))}
              format={(v) => String(v)}
              labelWidth={250}
            />
          ) : (
            <p className="empty">No findings on closed cases.</p>
          )}
          <p className="muted small">Cases whose latest claim has the finding; red blocks the claim, amber warns.</p>
        </Card>

        <Card title="Minutes captured vs billed" table="weeks" d={d}>
          <p className="dash-arith">{d.minutes.arithmetic}</p>
          {weeks.length > 0 && (
            <GroupedBarChart
              label="Monitoring minutes captured and billed, by week"
              x={x}
              series={[
                { key: 'captured', name: 'Captured', className: 'series-captured', values: weeks.map((w) => w.capturedMinutes) },
                { key: 'billed', name: 'Billed', className: 'series-billed', values: weeks.map((w) => w.billedMinutes) },
              ]}
              yFormat={(v) => String(Math.round(v))}
              height={170}
            />
          )}
        </Card>

        <Card title={DASHBOARD_TABLE_TITLES.technologists} table="technologists" d={d}>
          <PeopleTable label="Per technologist" rows={d.technologists} lagOf={(p) => p.medianDraftMinutes} lagTitle="Median to draft" />
        </Card>

        <Card title={DASHBOARD_TABLE_TITLES.physicians} table="physicians" d={d}>
          <PeopleTable label="Per physician" rows={d.physicians} lagOf={(p) => p.medianSignedMinutes} lagTitle="Median to signed" />
        </Card>
      </div>
    </>
  );
}
