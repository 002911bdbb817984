import { useMemo, useRef, useState } from 'react';
import { computeRoi, num, parseRoiInputs, ROI_DEFAULTS, ROI_FIELDS, ROI_SOURCES, usd, type RoiKey, type RoiLine, type RoiResult, type RoiUnit } from '../../../../shared/roi/roi';
import { useClient } from '../../api/hooks';
import { ErrorBanner, Field } from '../../components/Field';
import { RoiChart } from './RoiChart';

export type RoiDraft = Readonly<Record<RoiKey, string>>;

export const DEFAULT_DRAFT: RoiDraft = Object.fromEntries(ROI_FIELDS.map((f) => [f.key, String(f.default)])) as RoiDraft;

const UNIT: Readonly<Record<RoiUnit, { before?: string; after?: string }>> = {
  cases: { after: 'cases' },
  usd: { before: '$' },
  usd_per_hour: { before: '$', after: '/ hour' },
  percent: { after: '%' },
  minutes: { after: 'min' },
  days: { after: 'days' },
};

/** The draft's text as numbers: an empty or odd entry stays a "not a number" for the schema to name. */
function parseDraft(draft: RoiDraft) {
  return parseRoiInputs(Object.fromEntries(ROI_FIELDS.map((f) => [f.key, draft[f.key].trim() === '' ? Number.NaN : Number(draft[f.key])])));
}

function value(l: RoiLine, which: 'monthly' | 'yearly'): string {
  return l.unit === 'usd' ? usd(l[which]) : num(l[which]);
}

function Sources({ ids }: { ids: readonly (keyof typeof ROI_SOURCES)[] }) {
  // Shown as text with the address on hover: the shell opens only a short list of references.
  return ids.length ? (
    <span className="roi-sources">
      {' '}
      {ids.map((id) => (
        <abbr key={id} title={ROI_SOURCES[id]}>
          {id}
        </abbr>
      ))}
    </span>
  ) : null;
}

/**
 * The ROI calculator: every input editable with its unit and help, the outputs now and with
 * Closeout each with the arithmetic behind it, and the chart of leakage against denial rate.
 * Recomputes on every keystroke; while an input is out of range the last good figures stay,
 * marked as such.
 */
export function RoiCalculator({ draft, onDraft, range }: { draft: RoiDraft; onDraft: (d: RoiDraft) => void; range: Readonly<{ from?: string; to?: string }> }) {
  const client = useClient();
  const parsed = useMemo(() => parseDraft(draft), [draft]);
  const lastGood = useRef<RoiResult>(computeRoi(ROI_DEFAULTS));
  const result = useMemo(() => (parsed.ok ? computeRoi(parsed.inputs) : null), [parsed]);
  if (result) lastGood.current = result;
  const shown = result ?? lastGood.current;
  const [measured, setMeasured] = useState<string>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const set = (key: RoiKey, v: string) => onDraft({ ...draft, [key]: v });

  async function useMyNumbers() {
    setBusy(true);
    const r = await client.call('getDashboard', range);
    setBusy(false);
    if (!r.ok) {
      setError(r.message);
      return;
    }
    setError(undefined);
    const m = r.value.measured;
    if (m.casesPerMonth === null && m.denialRiskPct === null) {
      setMeasured('No cases in this range yet: the inputs are unchanged.');
      return;
    }
    onDraft({
      ...draft,
      ...(m.casesPerMonth !== null ? { casesPerMonth: String(m.casesPerMonth) } : {}),
      ...(m.denialRiskPct !== null ? { denialRatePct: String(m.denialRiskPct) } : {}),
    });
    setMeasured(`Cases per month: ${m.casesPerMonthArithmetic}. Current denial rate, taken as the share of cases not clean at close: ${m.denialRiskArithmetic}.`);
  }

  const rows = shown.now.lines.map((l, i) => ({ now: l, withCloseout: shown.withCloseout.lines[i] as RoiLine }));
  return (
    <div className="roi">
      <section className="card roi-inputs" aria-label="ROI inputs">
        <div className="roi-inputs-head">
          <h2 className="card-title">Your practice</h2>
          <div className="actions">
            <button type="button" disabled={busy} onClick={() => void useMyNumbers()} title="Cases per month and the share of cases not clean at close, from the dashboard">
              Use my numbers
            </button>
            <button type="button" onClick={() => onDraft(DEFAULT_DRAFT)}>
              Reset to defaults
            </button>
          </div>
        </div>
        <ErrorBanner message={error} />
        {measured && (
          <p className="roi-measured small" role="status" aria-label="Measured figures">
            {measured}
          </p>
        )}
        <div className="roi-grid">
          {ROI_FIELDS.map((f) => {
            const unit = UNIT[f.unit];
            const fieldError = parsed.ok ? undefined : parsed.fields[f.key];
            return (
              <Field key={f.key} label={f.label} error={fieldError}>
                {(id, describedBy) => (
                  <>
                    <div className="unit-input">
                      {unit.before && <span className="unit" aria-hidden="true">{unit.before}</span>}
                      <input
                        id={id}
                        type="number"
                        inputMode="decimal"
                        min={f.min}
                        max={f.max}
                        step={f.step}
                        value={draft[f.key]}
                        aria-describedby={describedBy ?? `${id}-help`}
                        aria-invalid={fieldError ? true : undefined}
                        onChange={(e) => set(f.key, e.target.value)}
                      />
                      {unit.after && <span className="unit" aria-hidden="true">{unit.after}</span>}
                    </div>
                    <div className="field-hint" id={`${id}-help`}>
                      {f.help}
                      <Sources ids={f.sources} />
                    </div>
                  </>
                )}
              </Field>
            );
          })}
        </div>
      </section>

      <section className="card roi-results" aria-label="ROI results">
        <h2 className="card-title">What denials cost, now and with reports clean at close</h2>
        {!parsed.ok && (
          <div className="banner banner-warn roi-stale" role="status">
            Correct the marked inputs: the figures below are for the last numbers that were in range.
          </div>
        )}
        <div className="roi-headline" role="status" aria-label="Savings">
          <div>
            <span className="muted small">Leakage now</span>
            <b data-testid="leakage-now">{usd(shown.now.leakage)}</b>
            <span className="muted small">a month</span>
          </div>
          <div>
            <span className="muted small">With Closeout</span>
            <b>{usd(shown.withCloseout.leakage)}</b>
            <span className="muted small">a month</span>
          </div>
          <div>
            <span className="muted small">Savings</span>
            <b>{usd(shown.savings.monthly)}</b>
            <span className="muted small">{usd(shown.savings.yearly)} a year</span>
          </div>
          <div>
            <span className="muted small">Payback</span>
            <b>{shown.payback.text}</b>
            <span className="muted small">net {usd(shown.net.monthly)} a month</span>
          </div>
        </div>
        <table className="table roi-table" aria-label="ROI figures">
          <thead>
            <tr>
              <th>Figure</th>
              <th className="num">Now, a month</th>
              <th className="num">Now, a year</th>
              <th className="num">With Closeout, a month</th>
              <th className="num">With Closeout, a year</th>
            </tr>
          </thead>
          <tbody>
            {rows.flatMap(({ now, withCloseout }) => [
              <tr key={now.id} data-line={now.id} className={now.id === 'leakage' ? 'roi-total' : ''}>
                <td>{now.label}</td>
                <td className="num" data-cell="now-monthly">
                  {value(now, 'monthly')}
                </td>
                <td className="num" title={now.yearlyArithmetic}>
                  {value(now, 'yearly')}
                </td>
                <td className="num" data-cell="with-monthly">
                  {value(withCloseout, 'monthly')}
                </td>
                <td className="num" title={withCloseout.yearlyArithmetic}>
                  {value(withCloseout, 'yearly')}
                </td>
              </tr>,
              <tr key={`${now.id}-arith`} className="roi-arith-row" data-arith={now.id}>
                <td colSpan={5}>
                  <span className="arith">Now: {now.arithmetic}</span>
                  <span className="arith">With Closeout: {withCloseout.arithmetic}</span>
                </td>
              </tr>,
            ])}
          </tbody>
        </table>
        <dl className="roi-summary">
          <dt>Savings</dt>
          <dd>
            {usd(shown.savings.monthly)} a month, {usd(shown.savings.yearly)} a year <span className="arith">{shown.savings.arithmetic}</span>
          </dd>
          <dt>Software</dt>
          <dd>
            {usd(shown.software.monthly)} a month, {usd(shown.software.yearly)} a year
          </dd>
          <dt>Net benefit</dt>
          <dd>
            {usd(shown.net.monthly)} a month, {usd(shown.net.yearly)} a year <span className="arith">{shown.net.arithmetic}</span>
          </dd>
          <dt>Payback</dt>
          <dd data-testid="payback">
            {shown.payback.text} <span className="arith">{shown.payback.arithmetic}</span>
          </dd>
          <dt>Each denial</dt>
          <dd>
            <span className="arith">{shown.perDenial.arithmetic}</span>
          </dd>
        </dl>
      </section>

      <section className="card" aria-label="Leakage against denial rate">
        <h2 className="card-title">Monthly leakage against denial rate</h2>
        <RoiChart result={shown} />
      </section>
    </div>
  );
}
