import { useMemo, useState, type ReactNode } from 'react';
import type { AiSectionState } from '../../../../shared/report/ai-run';
import type { CaseFacts } from '../../../../shared/report/facts';
import { checkNarrative, type Finding } from '../../../../shared/report/fact-check';
import { useClient } from '../../api/hooks';
import { ErrorBanner } from '../../components/Field';

/**
 * The AI's text for one section, under the section's own text. Values the record does not hold
 * are marked in place; until none is left (edited out here, or the standard text kept) the text
 * cannot be accepted. The backend checks again when it is accepted.
 */
export function AiSuggestion(props: { caseId: string; title: string; section: AiSectionState; facts: CaseFacts; onSettled: () => void }) {
  const { section: s } = props;
  const client = useClient();
  const [editing, setEditing] = useState<string | null>(null);
  const [error, setError] = useState<string>();
  // Live check of the reviewer's edit, against the facts on screen.
  const editFindings = useMemo(() => (editing === null ? [] : checkNarrative(editing, props.facts).findings), [editing, props.facts]);
  const findings = editing === null ? s.findings : editFindings;
  const text = editing ?? s.text;

  async function accept() {
    const r = await client.call('saveSection', { caseId: props.caseId, sectionId: s.id, text, origin: 'ai' });
    if (r.ok) props.onSettled();
    else setError(r.message);
  }

  return (
    <div className="ai-suggestion" role="group" aria-label={`AI text for ${props.title}`}>
      <header>
        <span>AI text{s.done ? '' : ' (writing…)'}</span>
        {s.done && findings.length > 0 && (
          <span role="status">
            {findings.length === 1 ? '1 value is' : `${findings.length} values are`} not in the record
          </span>
        )}
        {s.done && findings.length === 0 && <span className="ok-line">All values match the record</span>}
      </header>
      <ErrorBanner message={error} />
      {editing === null ? (
        <p className={`section-text${s.done ? '' : ' ai-writing'}`}>
          <Marked text={s.text} findings={s.done ? s.findings : []} />
        </p>
      ) : (
        <textarea aria-label={`${props.title} AI text`} value={editing} onChange={(e) => setEditing(e.target.value)} rows={Math.max(4, editing.split('\n').length + 1)} />
      )}
      {s.done && findings.length > 0 && (
        <ul className="findings" aria-label={`Findings in ${props.title}`}>
          {findings.map((f) => (
            <li key={`${f.start}:${f.token}`}>
              <b>{f.token}</b>: {f.message}
            </li>
          ))}
        </ul>
      )}
      {s.done && (
        <div className="actions">
          <button onClick={props.onSettled}>Keep the standard text</button>
          {editing === null ? <button onClick={() => setEditing(s.text)}>Edit AI text</button> : <button onClick={() => setEditing(null)}>Undo my edits</button>}
          <button className="primary" disabled={findings.length > 0} title={findings.length > 0 ? 'Correct the marked values first' : undefined} onClick={() => void accept()}>
            Accept AI text
          </button>
        </div>
      )}
    </div>
  );
}

/** The text with each finding wrapped in a <mark> that says what is wrong. */
function Marked({ text, findings }: { text: string; findings: readonly Finding[] }) {
  const parts: ReactNode[] = [];
  let at = 0;
  for (const f of [...findings].sort((a, b) => a.start - b.start)) {
    if (f.start < at) continue;
    parts.push(text.slice(at, f.start));
    parts.push(
      <mark key={f.start} className="finding" title={f.message}>
        {text.slice(f.start, f.end)}
      </mark>,
    );
    at = f.end;
  }
  parts.push(text.slice(at));
  return <>{parts}</>;
}
