import { useState } from 'react';
import type { Timeline } from '../../../shared/domain/timeline';
import type { ActionState, SignedVersionView } from '../../../shared/domain/practice-server';
import { TimelineFigure } from '../features/cases/TimelineFigure';
import { ErrorBanner } from '../components/Field';
import { useSubmit } from './useSubmit';
import { api, type Account } from './practice-api';
import { usePolled } from './usePolled';

type Draft = Readonly<{
  caseId: string;
  draftSha256: string;
  sections: ReadonlyArray<{ id: string; title: string; text: string }>;
  interpretation: Readonly<{ written: boolean; suggestion: string | null }>;
  blockers: readonly string[];
}>;
type Edit = Readonly<{ id: string; authorName: string; at: number; state: string; reason: string | null }>;
type Signature = Readonly<{ id: string; signerName: string; signedAt: number; state: string; version: number | null; reason: string | null }>;
type EventRow = Readonly<{ id: number; kind: string; text: string; occurred_at: number; modality: string | null }>;
type Detail = Readonly<{
  record: Record<string, unknown>;
  workstation: string;
  events: EventRow[];
  draft: Draft | null;
  timeline: Timeline;
  timeZone: string;
  signatures: readonly Signature[];
  edits: readonly Edit[];
  versions: readonly SignedVersionView[];
  actions: readonly ActionState[];
}>;

const SIGNED = new Set(['signed', 'sent', 'amended']);

function clock(ms: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false, timeZone }).format(ms);
}

/**
 * One case as the remote physician follows it: the timeline and events as they arrive from the
 * OR (every 2 s), the report as the workstation drafted it, and signing it with the password.
 */
export function RemoteCase({ caseId, account }: { caseId: string; account: Account }) {
  const { data, error, reload } = usePolled(() => api.get<Detail>(`/api/cases/${encodeURIComponent(caseId)}`), 2000, [caseId]);
  if (error && !data) return <p className="banner banner-error">{error.message}</p>;
  if (!data) return <p className="muted">Loading the case…</p>;
  const r = data.record;
  const status = String(r.status ?? '');
  const latest = data.signatures.at(-1);
  return (
    <section className="page remote-case">
      <div className="page-head">
        <h1>
          {String(r.patient_last_name)}, {String(r.patient_first_name)} <span className="muted">MRN {String(r.patient_mrn)}</span>
        </h1>
        <p>
          {String(r.procedure_text)} · {String(r.date_of_service)} · {data.workstation} · <span className={`chip chip-${status}`}>{status}</span>
        </p>
      </div>
      {error && <p className="banner banner-warn">{error.message} (showing what was last received)</p>}
      <div className="card">
        <h2 className="card-title">Timeline</h2>
        <TimelineFigure timeline={data.timeline} timeZone={data.timeZone} now={status === 'capturing' ? Date.now() : null} />
      </div>
      <div className="card">
        <h2 className="card-title">Latest events ({data.events.length.toLocaleString('en-US')})</h2>
        <ol className="event-list" aria-label="Latest events">
          {data.events
            .slice(-30)
            .reverse()
            .map((e) => (
              <li key={e.id} className={`event kind-${e.kind}`}>
                <span className="mono">{clock(e.occurred_at, data.timeZone)}</span> <span className="kind">{e.kind.replace(/_/g, ' ')}</span> {e.text}
              </li>
            ))}
        </ol>
      </div>
      {latest && (
        <p className={`banner ${latest.state === 'refused' ? 'banner-error' : latest.state === 'pending' ? 'banner-warn' : ''}`} role="status">
          {latest.state === 'pending' && `Signed by ${latest.signerName}; waiting for the workstation to take the signature.`}
          {latest.state === 'applied' && `Signed by ${latest.signerName}: the workstation has it as version ${latest.version ?? 1}.`}
          {latest.state === 'refused' && `The workstation did not take ${latest.signerName}'s signature: ${latest.reason ?? ''}`}
        </p>
      )}
      {data.draft && account.roles.includes('physician') && <InterpretationForm draft={data.draft} caseId={caseId} lastEdit={data.edits.at(-1)} onSaved={reload} />}
      {data.draft && <DraftReport draft={data.draft} canSign={account.roles.includes('physician') && latest?.state !== 'pending' && data.edits.at(-1)?.state !== 'pending'} caseId={caseId} onSigned={reload} />}
      {data.versions.length > 0 && <SignedReport versions={data.versions} timeZone={data.timeZone} />}
      {SIGNED.has(status) && data.versions.length > 0 && account.roles.includes('physician') && (
        <AddendumForm caseId={caseId} last={data.actions.filter((a) => a.kind === 'addendum').at(-1)} onAdded={reload} />
      )}
    </section>
  );
}

/** The interpretation is the physician's own: written (or the suggested wording adopted) here, applied on the workstation as theirs. */
function InterpretationForm({ draft, caseId, lastEdit, onSaved }: { draft: Draft; caseId: string; lastEdit: Edit | undefined; onSaved: () => void }) {
  const current = draft.sections.find((x) => x.id === 'interpretation');
  const [text, setText] = useState(draft.interpretation.written ? (current?.text ?? '') : '');
  const { busy, message, submit } = useSubmit('The interpretation did not go through.');
  const save = submit(() => api.post(`/api/cases/${encodeURIComponent(caseId)}/interpretation`, { text }), onSaved);
  return (
    <form className="card" onSubmit={save} aria-label="Interpretation">
      <h2 className="card-title">{draft.interpretation.written ? 'Interpretation (yours)' : 'Write the interpretation'}</h2>
      {lastEdit?.state === 'pending' && <p className="banner banner-warn" role="status">Your interpretation is on its way to the workstation.</p>}
      {lastEdit?.state === 'refused' && <p className="banner banner-error">The workstation did not take your interpretation: {lastEdit.reason}</p>}
      <label className="field field-wide">
        Interpretation and conclusion
        <textarea rows={5} value={text} onChange={(e) => setText(e.target.value)} required />
      </label>
      <ErrorBanner message={message ?? undefined} />
      <div className="actions">
        {draft.interpretation.suggestion && (
          <button type="button" onClick={() => setText(draft.interpretation.suggestion ?? '')}>
            Use the suggested wording
          </button>
        )}
        <button className="primary" type="submit" disabled={busy || text.trim() === ''}>
          {busy ? 'Saving…' : 'Save interpretation'}
        </button>
      </div>
    </form>
  );
}

function DraftReport({ draft, canSign, caseId, onSigned }: { draft: Draft; canSign: boolean; caseId: string; onSigned: () => void }) {
  const [password, setPassword] = useState('');
  const { busy, message, submit } = useSubmit('The signature did not go through.');
  const sign = submit(
    () => api.post(`/api/cases/${encodeURIComponent(caseId)}/sign`, { draftSha256: draft.draftSha256, password }),
    () => {
      setPassword('');
      onSigned();
    },
  );
  return (
    <div className="card report">
      <h2 className="card-title">Report, as drafted on the workstation</h2>
      {draft.sections.map((s) => (
        <section key={s.id} className="report-section">
          <h3>{s.title}</h3>
          <p className="section-text">{s.text}</p>
        </section>
      ))}
      {draft.blockers.length > 0 && (
        <ul className="sign-blockers" aria-label="Why it cannot be signed yet">
          {draft.blockers.map((b) => (
            <li key={b}>{b}</li>
          ))}
        </ul>
      )}
      {canSign && draft.blockers.length === 0 && (
        <form className="sign-panel" onSubmit={sign} aria-label="Sign the report">
          <p className="sign-hint">You sign exactly the text above. If the OR changes it before the workstation takes your signature, it is refused and comes back to you.</p>
          <label className="field">
            Your password, to sign
            <input type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
          </label>
          <ErrorBanner message={message ?? undefined} />
          <button className="primary" type="submit" disabled={busy}>
            {busy ? 'Signing…' : 'Sign report'}
          </button>
        </form>
      )}
    </div>
  );
}

function when(ms: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(ms);
}

/** The report as signed: the original's sections, then each addendum with who signed it and when. */
function SignedReport({ versions, timeZone }: { versions: readonly SignedVersionView[]; timeZone: string }) {
  return (
    <div className="card report" aria-label="Signed report">
      <h2 className="card-title">Signed report</h2>
      {versions.map((v) =>
        v.kind === 'original' ? (
          <div key={v.version}>
            {v.sections.map((s) => (
              <section key={s.id} className="report-section">
                <h3>{s.title}</h3>
                <p className="section-text">{s.text}</p>
              </section>
            ))}
            <p className="muted">
              Version {v.version}, signed by {v.signerName}
              {v.signerCredential ? `, ${v.signerCredential}` : ''} on {when(v.signedAt, timeZone)}
            </p>
          </div>
        ) : (
          <section key={v.version} className="report-section addendum">
            <h3>Addendum (version {v.version})</h3>
            <p className="section-text">{v.addendumText}</p>
            <p className="muted">
              Signed by {v.signerName}
              {v.signerCredential ? `, ${v.signerCredential}` : ''} on {when(v.signedAt, timeZone)}
            </p>
          </section>
        ),
      )}
    </div>
  );
}

/**
 * An addendum to the signed report, written and signed here with the password: the workstation
 * adds it as a new signed version in the physician's name and sends the amended report to the EHR.
 */
function AddendumForm({ caseId, last, onAdded }: { caseId: string; last: ActionState | undefined; onAdded: () => void }) {
  const [text, setText] = useState('');
  const [password, setPassword] = useState('');
  const { busy, message, submit } = useSubmit('The addendum did not go through.');
  const add = submit(
    () => api.post(`/api/cases/${encodeURIComponent(caseId)}/addendum`, { text, password }),
    () => {
      setText('');
      setPassword('');
      onAdded();
    },
  );
  return (
    <form className="card" onSubmit={add} aria-label="Add an addendum">
      <h2 className="card-title">Add an addendum</h2>
      {last?.state === 'pending' && (
        <p className="banner banner-warn" role="status">
          Your addendum is on its way to the workstation.
        </p>
      )}
      {last?.state === 'applied' && (
        <p className="banner" role="status">
          Your addendum is on the workstation as version {last.version}; the amended report goes to the hospital record.
        </p>
      )}
      {last?.state === 'refused' && <p className="banner banner-error">The workstation did not take your addendum: {last.reason}</p>}
      <p className="sign-hint">The signed report does not change: the addendum is a new version, signed by you, that follows it.</p>
      <label className="field field-wide">
        Addendum
        <textarea rows={4} value={text} onChange={(e) => setText(e.target.value)} required />
      </label>
      <label className="field">
        Your password, to sign
        <input type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
      </label>
      <ErrorBanner message={message ?? undefined} />
      <div className="actions">
        <button className="primary" type="submit" disabled={busy || text.trim() === '' || last?.state === 'pending'}>
          {busy ? 'Signing…' : 'Sign addendum'}
        </button>
      </div>
    </form>
  );
}
