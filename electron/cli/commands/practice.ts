import fs from 'node:fs';
import { computeRoi, parseRoiInputs, ROI_FIELDS, roiText, type RoiKey } from '../../../shared/roi/roi';
import { formatLag, type Dashboard, type PersonRow } from '../../../shared/dashboard/dashboard';
import { DASHBOARD_TABLES, DASHBOARD_TABLE_TITLES, dashboardCsv, type DashboardTableId } from '../../../shared/dashboard/csv';
import { err } from '../../../shared/util/result';
import { isIsoDate } from '../../../shared/util/time';
import { jsonOut, str, type Command } from '../command';
import { EXIT, printJson, reportError, table, UsageError } from '../io';

/** "$1,000", "20%", " 45 " → a number; anything else is handed on as text for the schema to refuse. */
function numberArg(raw: string): number | string {
  const s = raw.trim().replace(/^\$/, '').replace(/%$/, '').replace(/,/g, '');
  return s !== '' && Number.isFinite(Number(s)) ? Number(s) : raw;
}

function writeOut(file: string, content: string): void {
  // Temp file then rename: a reader never sees half a file.
  const tmp = `${file}.partial`;
  fs.writeFileSync(tmp, content, { mode: 0o600 });
  fs.renameSync(tmp, file);
}

const pct = (x: number | null) => (x === null ? '—' : `${x}%`);

function personTable(list: readonly PersonRow[]): string {
  return table(
    list.map((p) => [p.name, String(p.cases), formatLag(p.medianDraftMinutes), formatLag(p.medianSignedMinutes), pct(p.cleanSharePct), String(p.capturedMinutes), String(p.billedMinutes)]),
    ['Name', 'Closed', 'To draft', 'To signed', 'Clean at close', 'Captured min', 'Billed min'],
  );
}

function dashboardText(d: Dashboard): string {
  const out: string[] = [];
  out.push(`Practice dashboard: dates of service ${d.from ?? d.firstDate ?? '—'} to ${d.to ?? d.lastDate ?? '—'}; ${d.cases} cases, ${d.closedCases} closed.`);
  if (d.claims.pending) out.push(`(${d.claims.pending} claims are still to be computed: run again for the full figures.)`);
  out.push('', 'Cases by status', table(d.byStatus.map((s) => [s.label, String(s.cases)]), ['Status', 'Cases']));
  out.push('Report lag from capture end (median, 90th percentile)', table(d.lag.map((l) => [l.label, String(l.measured), String(l.waiting), formatLag(l.medianMinutes), formatLag(l.p90Minutes)]), ['Step', 'Measured', 'Waiting', 'Median', '90th pct']));
  out.push(`Clean at close: ${d.clean.arithmetic}${d.clean.unknown ? ` (${d.clean.unknown} not yet known)` : ''}`);
  out.push(`Minutes: ${d.minutes.arithmetic}`);
  out.push(`Cases per month: ${d.measured.casesPerMonthArithmetic}`);
  out.push(`Denial risk for the ROI calculator: ${d.measured.denialRiskArithmetic}`, '');
  if (d.weeks.length) {
    out.push('By ISO week of the date of service', table(d.weeks.map((w) => [w.week, String(w.cases), formatLag(w.medianMinutes.draft), formatLag(w.medianMinutes.signed), formatLag(w.medianMinutes.delivered), `${w.cleanAtClose}/${w.cleanAtClose + w.notCleanAtClose}`, String(w.capturedMinutes), String(w.billedMinutes)]), ['Week', 'Closed', 'To draft', 'To signed', 'To EHR', 'Clean', 'Captured', 'Billed']));
  }
  out.push('Top scrubber findings (cases whose latest claim has them)', d.findings.length ? table(d.findings.slice(0, 10).map((f) => [f.rule, String(f.cases), `${f.sharePct}%`, f.severity, f.title]), ['Rule', 'Cases', 'Share', 'Severity', 'Checks']) : 'None.\n');
  out.push('Per technologist', personTable(d.technologists));
  out.push('Per physician', personTable(d.physicians));
  return `${out.join('\n')}`;
}

export const practiceCommands: readonly Command[] = [
  {
    words: ['roi'],
    usage: `closeout roi ${ROI_FIELDS.map((f) => `[--${f.flag} N]`).join(' ')} [--json]`,
    summary: 'What denials and late reports cost a month and a year, now and with reports clean at close; every figure with its arithmetic. Exit 2 on bad input.',
    options: { ...jsonOut, ...Object.fromEntries(ROI_FIELDS.map((f) => [f.flag, { type: 'string' as const }])) },
    positionals: 0,
    async run({ io, values }) {
      const json = values['json'] === true;
      const raw: Partial<Record<RoiKey, number | string>> = {};
      for (const f of ROI_FIELDS) {
        const v = str(values, f.flag);
        if (v !== undefined) raw[f.key] = numberArg(v);
      }
      const parsed = parseRoiInputs(raw);
      if (!parsed.ok) {
        const flagOf = new Map(ROI_FIELDS.map((f) => [f.key as string, `--${f.flag}`]));
        const fields = Object.fromEntries(Object.entries(parsed.fields).map(([k, m]) => [flagOf.get(k) ?? k, m as string]));
        return reportError(io, err('BAD_INPUT', 'Some inputs are out of range or not numbers.', fields), json);
      }
      const r = computeRoi(parsed.inputs);
      if (json) printJson(io, r);
      else io.stdout(roiText(r));
      return EXIT.ok;
    },
  },
  {
    words: ['dashboard'],
    usage: `closeout dashboard [--from DATE] [--to DATE] [--json | --csv [--table ${DASHBOARD_TABLES.join('|')}]] [--out FILE]`,
    summary: 'The practice dashboard from the cases on this workstation: cases by status, report lag, clean at close, top findings, minutes, per person. CSV: one table, or all of them separated by blank lines.',
    options: { ...jsonOut, from: { type: 'string' }, to: { type: 'string' }, csv: { type: 'boolean' }, table: { type: 'string' }, out: { type: 'string' } },
    positionals: 0,
    async run({ io, session, values }) {
      const from = str(values, 'from');
      const to = str(values, 'to');
      for (const [flag, v] of [['--from', from], ['--to', to]] as const) if (v !== undefined && !isIsoDate(v)) throw new UsageError(`${flag} must be a date, YYYY-MM-DD.`);
      if (values['csv'] && values['json']) throw new UsageError('Say --csv or --json, not both.');
      const tableId = str(values, 'table');
      if (tableId !== undefined && !(DASHBOARD_TABLES as readonly string[]).includes(tableId)) throw new UsageError(`--table must be one of ${DASHBOARD_TABLES.join(', ')}.`);
      if (tableId !== undefined && !values['csv']) throw new UsageError('--table goes with --csv.');
      const d = await session.call('getDashboard', { ...(from ? { from } : {}), ...(to ? { to } : {}) });
      const content = values['json']
        ? `${JSON.stringify(d, null, 2)}\n`
        : values['csv']
          ? tableId
            ? dashboardCsv(d, tableId as DashboardTableId)
            : DASHBOARD_TABLES.map((t) => dashboardCsv(d, t)).join('\r\n')
          : `${dashboardText(d)}\n`;
      const out = str(values, 'out');
      if (out) {
        writeOut(out, content);
        io.stderr(`${values['csv'] ? (tableId ? DASHBOARD_TABLE_TITLES[tableId as DashboardTableId] : 'Every table') : 'The dashboard'} written to ${out}.\n`);
      } else io.stdout(content);
      return EXIT.ok;
    },
  },
];
