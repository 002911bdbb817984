import type { Finding } from '../../../../shared/billing/scrubber';
import type { ClaimView } from '../../../../shared/billing/view';
import { ErrorBanner } from '../../components/Field';
import { CodingAnswer } from './CodingAnswer';
import { RuleSources } from './RuleSources';
import type { ClaimState } from './useClaim';

/**
 * "What a payer would deny", kept live while the case runs: blocking findings first, each with
 * what to do and the sources the rule rests on, then warnings. Coding questions are answered
 * in place. When nothing blocks, it says the claim is clean.
 */
export function ClaimChecklist({ claim }: { claim: ClaimState }) {
  const v = claim.view;
  const blocking = v?.findings.filter((f) => f.severity === 'block') ?? [];
  const warnings = v?.findings.filter((f) => f.severity === 'warn') ?? [];
  return (
    <div className="card claim-checklist" role="region" aria-label="What a payer would deny">
      <h2 className="card-title">What a payer would deny</h2>
      <ErrorBanner message={claim.error?.message} />
      {!v ? (
        !claim.error && <p className="muted small">Checking the claim…</p>
      ) : (
        <>
          <ChecklistSummary claim={v} blocking={blocking.length} warnings={warnings.length} />
          {blocking.length > 0 && (
            <ul className="findings-list" aria-label="Blocking findings">
              {blocking.map((f, i) => (
                <FindingItem key={`${f.rule}:${f.message}:${i}`} finding={f} claim={claim} />
              ))}
            </ul>
          )}
          {warnings.length > 0 && (
            <>
              <h3 className="checklist-sub">Warnings</h3>
              <ul className="findings-list" aria-label="Warnings">
                {warnings.map((f, i) => (
                  <FindingItem key={`${f.rule}:${f.message}:${i}`} finding={f} claim={claim} />
                ))}
              </ul>
            </>
          )}
          {v.unchecked.length > 0 && (
            <details className="unchecked small">
              <summary>
                {v.unchecked.length} rule{v.unchecked.length === 1 ? '' : 's'} not checked yet
              </summary>
              <ul>
                {v.unchecked.map((u) => (
                  <li key={`${u.rule}:${u.why}`}>
                    <span className="mono">{u.rule}</span> {u.why}
                  </li>
                ))}
              </ul>
            </details>
          )}
          <p className="muted small rules-label">Rules: {v.rulesLabel}</p>
        </>
      )}
    </div>
  );
}

function ChecklistSummary({ claim, blocking, warnings }: { claim: ClaimView; blocking: number; warnings: number }) {
  const warned = warnings ? ` ${warnings} warning${warnings === 1 ? '' : 's'} to look at.` : '';
  if (blocking === 0) {
    return (
      <p className="claim-summary claim-summary-clean" role="status" aria-label="Claim summary">
        Clean claim: nothing here would be denied.{warned}
      </p>
    );
  }
  const overridden = claim.status === 'overridden' ? ` Overridden by ${claim.override?.by}: “${claim.override?.reason}”.` : '';
  return (
    <p className="claim-summary claim-summary-block" role="status" aria-label="Claim summary">
      {blocking} blocking finding{blocking === 1 ? '' : 's'}.{overridden}
      {warned}
    </p>
  );
}

function FindingItem({ finding: f, claim }: { finding: Finding; claim: ClaimState }) {
  // A coding question is a C01 finding carrying the question's own words.
  const question = f.rule === 'C01' ? claim.view?.questions.find((q) => q.message === f.message) : undefined;
  return (
    <li className={`finding finding-${f.severity}`} data-rule={f.rule}>
      <div className="finding-head">
        <span className="rule-id mono">{f.rule}</span>
        <b>{f.title}</b>
        {!f.confirmed && (
          <span className="unverified" title="This rule rests on text the reference could not verify.">
            unverified
          </span>
        )}
        {f.line !== null && <span className="muted small">line {f.line}</span>}
      </div>
      <p className="finding-msg">{f.message}</p>
      <p className="finding-action">
        <span className="muted">What to do:</span> {question ? question.action : f.action}
      </p>
      {question && <CodingAnswer question={question} claim={claim} />}
      {f.sources.length > 0 && (
        <p className="finding-sources small">
          <span className="muted">Sources:</span> <RuleSources sources={f.sources} />
        </p>
      )}
    </li>
  );
}
