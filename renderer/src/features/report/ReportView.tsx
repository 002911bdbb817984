import { useState, type ReactNode } from 'react';
import type { Report, ReportSection } from '../../../../shared/report/report';
import { localClock } from '../../../../shared/util/time';
import type { CaseStatus } from '../../../../shared/domain/vocabulary';
import { useClient } from '../../api/hooks';
import { ErrorBanner } from '../../components/Field';
import { SignPanel } from './SignPanel';
import { signingBlockers } from '../../../../shared/report/sign-rules';
import type { AiRun, AiStatus } from '../../../../shared/report/ai-run';
import { AiBar } from './AiBar';
import { AiSuggestion } from './AiSuggestion';
import { EhrPanel } from '../ehr/EhrPanel';
import { localDateTime } from '../../../../shared/util/time';

/**
 * The report beside the timeline: the draft kept current from the captured facts, each section
 * editable until signed. A section a person edited is not regenerated; if the facts move on,
 * the section says so and offers the new draft.
 */
export function ReportView({ report, status, aiStatus, aiRun }: { report: Report; status: CaseStatus; aiStatus?: AiStatus | undefined; aiRun?: AiRun | null }) {
  // Sections whose AI text was accepted or set aside, per run.
  const [settled, setSettled] = useState<ReadonlySet<string>>(new Set());
  const run = aiRun ?? null;
  const newestVersion = report.versions.length > 0 ? Math.max(...report.versions.map((v) => v.version)) : null;
  return (
    <div className="report">
      <EhrPanel caseId={report.caseId} newestVersion={newestVersion} />
      {!report.locked && <AiBar caseId={report.caseId} status={aiStatus} run={run} />}
      {report.gaps.length > 0 && !report.locked && (
        <div className="report-gaps" role="status">
          <b>Still missing from the report:</b>
          <ul aria-label="Report gaps">
            {report.gaps.map((g) => (
              <li key={g}>{g}</li>
            ))}
          </ul>
        </div>
      )}
      {report.sections.map((s) => (
        <SectionView key={s.id} caseId={report.caseId} section={s} locked={report.locked}>
          {(() => {
            const ai = run?.sections.find((x) => x.id === s.id);
            const key = `${run?.runId}:${s.id}`;
            if (!ai || !run || report.locked || settled.has(key) || run.status === 'failed' || run.status === 'cancelled') return null;
            return <AiSuggestion caseId={report.caseId} title={s.title} section={ai} facts={report.facts} onSettled={() => setSettled(new Set([...settled, key]))} />;
          })()}
        </SectionView>
      ))}
      {report.versions.map((v) => (
        <div key={v.version} className={`signature ${v.kind}`} data-version={v.version}>
          {v.kind === 'addendum' && (
            <>
              <h3>Addendum {v.version - 1}</h3>
              <p className="section-text">{v.addendumText}</p>
            </>
          )}
          <p className="small">
            Signed by <b>{v.signerName}</b>
            {v.signerCredential ? `, ${v.signerCredential}` : ''} on {localDateTime(v.signedAt)} · content SHA-256{' '}
            <span className="mono">{v.contentSha256.slice(0, 16)}…</span>
          </p>
        </div>
      ))}
      <SignPanel caseId={report.caseId} status={status} locked={report.locked} blockers={report.locked ? [] : signingBlockers(report)} />
    </div>
  );
}

function SectionView({ caseId, section: s, locked, children }: { caseId: string; section: ReportSection; locked: boolean; children?: ReactNode }) {
  const client = useClient();
  const [editing, setEditing] = useState<string | null>(null);
  const [error, setError] = useState<string>();
  // A section the draft only suggests (the interpretation): nothing is in it until a person writes
  // it or adopts the suggestion, word for word, as their own.
  const pending = s.origin === 'draft' && s.id === 'interpretation';
  const save = async (text: string | null) => {
    if (text !== null && text.trim() === '') {
      setError('Write the text first: an empty section cannot be saved.');
      return;
    }
    const r = await client.call('saveSection', { caseId, sectionId: s.id, text });
    if (r.ok) {
      setEditing(null);
      setError(undefined);
    } else setError(r.message);
  };
  return (
    <section className="report-section" aria-label={s.title} data-section={s.id}>
      <header>
        <h3>{s.title}</h3>
        {s.origin !== 'draft' && s.edited && (
          <span className="muted small">
            {s.origin === 'ai' ? 'AI text, accepted' : 'edited'} {localClock(s.edited.at)}
          </span>
        )}
        {!locked && editing === null && (
          <button className="small-button" onClick={() => setEditing(pending ? (s.suggestion ?? '') : s.text)}>
            {pending ? 'Write' : 'Edit'}
          </button>
        )}
      </header>
      <ErrorBanner message={error} />
      {editing !== null ? (
        <div className="section-edit">
          <textarea aria-label={`${s.title} text`} value={editing} onChange={(e) => setEditing(e.target.value)} rows={Math.max(4, editing.split('\n').length + 1)} />
          <div className="actions">
            {s.origin !== 'draft' && <button onClick={() => void save(null)}>Use the draft</button>}
            <button onClick={() => setEditing(null)}>Cancel</button>
            <button className="primary" onClick={() => void save(editing)}>
              Save section
            </button>
          </div>
        </div>
      ) : (
        <p className="section-text">{s.text}</p>
      )}
      {pending && !locked && editing === null && (
        <div className="suggestion" role="group" aria-label="Suggested wording">
          {s.suggestion ? (
            <>
              <p className="small">
                <b>Suggested from the record</b> (not part of the report until the interpreting physician adopts or rewrites it):
              </p>
              <p className="section-text muted">{s.suggestion}</p>
              <div className="actions">
                <button className="small-button" onClick={() => setEditing(s.suggestion ?? '')}>
                  Edit the suggestion
                </button>
                <button className="small-button primary" onClick={() => void save(s.suggestion)}>
                  Adopt as written
                </button>
              </div>
            </>
          ) : (
            <p className="small muted">The record holds nothing to suggest a conclusion from: the interpreting physician writes it.</p>
          )}
        </div>
      )}
      {s.changedSinceEdit && !locked && (
        <div className="changed" role="status">
          {s.suggestion !== null ? (
            <>
              New facts arrived since this section was written. The record now suggests:
              <p className="section-text muted">{s.suggestion}</p>
              <button className="small-button" onClick={() => setEditing(s.suggestion ?? '')}>
                Edit from the new suggestion
              </button>
            </>
          ) : (
            <>
              New facts arrived since this section was edited. The draft now reads:
              <p className="section-text muted">{s.generatedText}</p>
              <button className="small-button" onClick={() => void save(null)}>
                Use the new draft
              </button>
            </>
          )}
        </div>
      )}
      {children}
      {s.gaps.length > 0 && (
        <ul className="section-gaps">
          {s.gaps.map((g) => (
            <li key={g}>{g}</li>
          ))}
        </ul>
      )}
    </section>
  );
}
