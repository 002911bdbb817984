import { useState, type FormEvent } from 'react';
import { LIMB_LABELS, MODALITY_LABELS, type Limb, type Modality } from '../../../shared/domain/modality';
import { ErrorBanner } from '../components/Field';
import { useSubmit } from './useSubmit';
import { api, ApiError, type WorklistClaim } from './practice-api';
import { usePolled } from './usePolled';

/** Every workstation's claims: what a payer would deny first, then the oldest. */
export function WorklistPage() {
  const { data, error, reload } = usePolled(() => api.get<{ claims: WorklistClaim[]; total: number; notClean: number }>('/api/claims'), 30_000, []);
  return (
    <section className="page">
      <div className="page-head">
        <h1>Claims, every workstation</h1>
        {data && (
          <p className="muted">
            {data.notClean.toLocaleString('en-US')} not clean of {data.total.toLocaleString('en-US')}
            {data.total > data.claims.length ? ` (first ${data.claims.length.toLocaleString('en-US')} shown)` : ''}
          </p>
        )}
      </div>
      <ChargesExport />
      {error && <p className="banner banner-error">{error.message}</p>}
      {data && data.claims.length === 0 && <p className="empty">No claims have come in from the workstations yet.</p>}
      {data && data.claims.length > 0 && (
        <table className="table" aria-label="Claim worklist">
          <thead>
            <tr>
              <th>Claim</th>
              <th>Findings</th>
              <th>Age</th>
              <th>Patient</th>
              <th>Date of service</th>
              <th>Case</th>
              <th>Workstation</th>
              <th className="num">Minutes</th>
              <th>Override</th>
              <th>Answers</th>
            </tr>
          </thead>
          <tbody>
            {data.claims.map((c) => (
              <tr key={c.caseId}>
                <td>
                  <span className={`chip ${c.clean ? 'chip-signed' : 'chip-amended'}`}>{c.overridden ? `Overridden (${c.blocking})` : c.clean ? 'Clean' : `Not clean (${c.blocking})`}</span>
                </td>
                <td className="mono">{c.findings.join(', ') || '—'}</td>
                <td className="nowrap">{c.ageDays} d</td>
                <td>
                  <a href={`#/case/${c.caseId}`}>{c.patient}</a>
                </td>
                <td className="nowrap">{c.dateOfService}</td>
                <td>{c.caseStatus}</td>
                <td>{c.workstation}</td>
                <td className="num">{c.minutes}</td>
                <td>
                  <OverrideCell claim={c} onDone={reload} />
                </td>
                <td>
                  <AnswersCell claim={c} onDone={reload} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/**
 * Let a claim that is not clean be exported, with a reason: sent to its workstation, which keeps
 * the override in this biller's name (audited) if the claim still has only the findings read here.
 */
function OverrideCell({ claim, onDone }: { claim: WorklistClaim; onDone: () => void }) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const { busy, message, submit } = useSubmit('The override did not go through.');
  const o = claim.override;
  if (claim.overridden) return <span className="muted">{o?.state === 'applied' ? `By ${o.by}` : 'Yes'}</span>;
  if (claim.clean) return <span className="muted">—</span>;
  if (o?.state === 'pending') return <span role="status">Waiting for the workstation</span>;
  const send = submit(
    () => api.post(`/api/claims/${encodeURIComponent(claim.caseId)}/override`, { reason, rules: claim.findings }),
    () => {
      setOpen(false);
      setReason('');
      onDone();
    },
  );
  return (
    <div>
      {o?.state === 'refused' && <p className="banner banner-error">The workstation did not take the override: {o.reason}</p>}
      {!open ? (
        <button type="button" onClick={() => setOpen(true)}>
          Override…
        </button>
      ) : (
        <form onSubmit={send} aria-label={`Override the claim of ${claim.patient}`}>
          <label className="field">
            Reason (kept with the claim)
            <input value={reason} onChange={(e) => setReason(e.target.value)} minLength={10} maxLength={500} required />
          </label>
          <FormEnd message={message} busy={busy} send="Override" blocked={reason.trim().length < 10} onCancel={() => setOpen(false)} />
        </form>
      )}
    </div>
  );
}

type Details = Readonly<{
  limbs: Readonly<{ SSEP: readonly Limb[] | null; TCMEP: readonly Limb[] | null }>;
  emgExtremities: number | null;
  surgeonOrder: readonly Modality[] | null;
  abnOnFile: boolean;
}> &
  Record<string, unknown>;

/**
 * What the claim needs and no device says, answered from the office: which limbs SSEP and TcMEP
 * covered, how many extremities the EMG, the surgeon's order, an ABN on file. Sent with the
 * answers as read here: the workstation takes them unless they changed there meanwhile.
 */
function AnswersCell({ claim, onDone }: { claim: WorklistClaim; onDone: () => void }) {
  const before = claim.details as Details | null;
  const [open, setOpen] = useState(false);
  const [draft, setDraft] = useState<Details | null>(before);
  const { busy, message, submit } = useSubmit('The answers did not go through.');
  const a = claim.answers;
  if (!before) return <span className="muted">—</span>;
  if (a?.state === 'pending') return <span role="status">Waiting for the workstation</span>;
  const d = draft ?? before;
  const toggle = <T,>(list: readonly T[] | null, v: T): T[] | null => {
    const next = list?.includes(v) ? list.filter((x) => x !== v) : [...(list ?? []), v];
    return next.length ? next : null;
  };
  const send = submit(
    () => api.post(`/api/claims/${encodeURIComponent(claim.caseId)}/answers`, { details: d, before }),
    () => {
      setOpen(false);
      onDone();
    },
  );
  return (
    <div>
      {a?.state === 'refused' && <p className="banner banner-error">The workstation did not take the answers: {a.reason}</p>}
      {!open ? (
        <button
          type="button"
          onClick={() => {
            setDraft(before);
            setOpen(true);
          }}
        >
          Answer…
        </button>
      ) : (
        <form onSubmit={send} aria-label={`Answers for the claim of ${claim.patient}`} className="answers-form">
          {(['SSEP', 'TCMEP'] as const).map((m) => (
            <fieldset key={m}>
              <legend>{MODALITY_LABELS[m]} limbs tested</legend>
              {(['upper', 'lower'] as const).map((l) => (
                <label key={l} className="check">
                  <input type="checkbox" checked={d.limbs[m]?.includes(l) ?? false} onChange={() => setDraft({ ...d, limbs: { ...d.limbs, [m]: toggle(d.limbs[m], l) } })} /> {LIMB_LABELS[l]}
                </label>
              ))}
            </fieldset>
          ))}
          <label className="field">
            EMG extremities
            <select value={d.emgExtremities ?? ''} onChange={(e) => setDraft({ ...d, emgExtremities: e.target.value ? Number(e.target.value) : null })}>
              <option value="">Not recorded</option>
              {[1, 2, 3, 4].map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </label>
          <fieldset>
            <legend>The surgeon ordered</legend>
            {ORDERABLE.map((m) => (
              <label key={m} className="check">
                <input type="checkbox" checked={d.surgeonOrder?.includes(m) ?? false} onChange={() => setDraft({ ...d, surgeonOrder: toggle(d.surgeonOrder, m) })} /> {MODALITY_LABELS[m]}
              </label>
            ))}
          </fieldset>
          <label className="check">
            <input type="checkbox" checked={d.abnOnFile} onChange={(e) => setDraft({ ...d, abnOnFile: e.target.checked })} /> Advance Beneficiary Notice on file
          </label>
          <FormEnd message={message} busy={busy} send="Send answers" onCancel={() => setOpen(false)} />
        </form>
      )}
    </div>
  );
}

/** The modalities a surgeon's order names, in the order a form lists them. */
const ORDERABLE: readonly Modality[] = ['SSEP', 'TCMEP', 'EMG_FREE', 'EMG_TRIGGERED', 'EEG'];

type ChargesAnswer = Readonly<{ content: string; cases: number; rows: number; skipped: ReadonlyArray<Readonly<{ caseId: string; workstation: string; dateOfService: string; why: string }>> }>;

/** Charges of every workstation's closed cases over dates of service, as a CSV file; what was left out, and why. */
function ChargesExport() {
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [result, setResult] = useState<ChargesAnswer | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const run = async (e: FormEvent) => {
    e.preventDefault();
    setMessage(null);
    try {
      const r = await api.get<ChargesAnswer>(`/api/charges?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&format=csv`);
      setResult(r);
      const url = URL.createObjectURL(new Blob([r.content], { type: 'text/csv' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `charges-${from}-to-${to}.csv`;
      a.click();
      URL.revokeObjectURL(url);
    } catch (err) {
      setMessage(err instanceof ApiError ? err.message : 'The export did not go through.');
    }
  };
  return (
    <form className="card charges-range" onSubmit={run} aria-label="Export charges">
      <h2 className="card-title">Export charges, every workstation</h2>
      <label className="field">
        From (date of service)
        <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} required />
      </label>
      <label className="field">
        To
        <input type="date" value={to} onChange={(e) => setTo(e.target.value)} required />
      </label>
      <button className="primary" type="submit">
        Export CSV
      </button>
      <ErrorBanner message={message ?? undefined} />
      {result && (
        <div role="status">
          <p>
            {result.rows} lines from {result.cases} cases.{result.skipped.length > 0 ? ` ${result.skipped.length} left out:` : ''}
          </p>
          {result.skipped.length > 0 && (
            <ul>
              {result.skipped.map((x) => (
                <li key={x.caseId}>
                  {x.dateOfService} · {x.workstation}: {x.why}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </form>
  );
}

/** A worklist form's end: the server's message, Cancel, and the send button (busy while it goes). */
function FormEnd({ message, busy, send, blocked = false, onCancel }: { message: string | null; busy: boolean; send: string; blocked?: boolean; onCancel: () => void }) {
  return (
    <>
      <ErrorBanner message={message ?? undefined} />
      <div className="actions">
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button className="primary" type="submit" disabled={busy || blocked}>
          {busy ? 'Sending…' : send}
        </button>
      </div>
    </>
  );
}
