import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { AlertEpisode } from '../../../../shared/domain/timeline';
import { EVENT_SIDES, MODALITIES, MODALITY_LABELS, modalityLabel, type Modality } from '../../../../shared/domain/modality';
import {
  CLOSING_STATUSES,
  INTERVENTIONS,
  NOTIFIED_ROLES,
  QUICK_ENTRY_BUTTONS,
  RECOVERIES,
  type QuickEntryInput,
  type QuickEntryKind,
} from '../../../../shared/domain/quick-entry';
import { localClock, nearestClockTime } from '../../../../shared/util/time';
import { useClient } from '../../api/hooks';
import { useOutbox } from '../../api/outbox';
import { isTyping } from '../../components/keys';
import { ErrorBanner } from '../../components/Field';

type Values = Record<string, string | string[]>;
type Draft = { kind: QuickEntryKind; keyedAt: number; time: string; v: Values };
/** `draft`: the form as filled, put back if the entry is refused so nothing typed is lost. */
type Queued = { label: string; occurredAt: number; keyedAt: number | null; clientId: string; entry: QuickEntryInput; draft: Draft };

const LABEL: Readonly<Record<QuickEntryKind, string>> = Object.fromEntries(QUICK_ENTRY_BUTTONS.map((b) => [b.kind, b.label])) as Record<QuickEntryKind, string>;

const num = (v: string | string[] | undefined): number | null => (typeof v === 'string' && v.trim() !== '' ? Number(v) : null);
const text = (v: string | string[] | undefined): string => (typeof v === 'string' ? v : '');

function toEntry(kind: QuickEntryKind, d: Values): QuickEntryInput {
  switch (kind) {
    case 'baseline':
      return { kind: 'baseline', modality: text(d['modality']) as Modality, limbs: (d['limbs'] as ('upper' | 'lower')[]) ?? [], detail: text(d['detail']) };
    case 'alert':
      return {
        kind: 'alert',
        modality: text(d['modality']) as Modality,
        side: (text(d['side']) || null) as 'left' | 'right' | 'bilateral' | null,
        muscle: text(d['muscle']),
        amplitudeDropPct: num(d['amplitude']),
        latencyIncreasePct: num(d['latency']),
        detail: text(d['detail']),
      };
    case 'surgeon_notified':
      return { kind: 'surgeon_notified', who: text(d['who']), role: text(d['role']) as (typeof NOTIFIED_ROLES)[number] };
    case 'intervention':
      return { kind: 'intervention', action: text(d['action']) as keyof typeof INTERVENTIONS, detail: text(d['detail']) };
    case 'alert_resolved':
      return { kind: 'alert_resolved', recovery: text(d['recovery']) as keyof typeof RECOVERIES, alertEventId: num(d['alert']), detail: text(d['detail']) };
    case 'closing':
      return { kind: 'closing', status: text(d['status']) as keyof typeof CLOSING_STATUSES, detail: text(d['detail']) };
    default:
      return { kind } as QuickEntryInput;
  }
}

/**
 * Quick entry for the technologist, made for one hand during surgery: a key (or a click) opens
 * the entry timed to that keystroke, Enter records it. The time can be corrected; the keystroke is
 * kept beside it. Each entry is a structured fact the timeline, report and claim read as they read
 * a device's. An entry made while the backend is away waits here with its time and is sent when
 * the link returns (its client id makes a resend one entry).
 */
export function QuickEntry({
  caseId,
  disabledReason,
  surgeonName,
  alerts,
  now = Date.now,
}: {
  caseId: string;
  disabledReason: string | null;
  surgeonName: string | null;
  alerts: readonly AlertEpisode[];
  /** The case's clock: the workstation's, or the demo's. */
  now?: () => number;
}) {
  const client = useClient();
  const [draft, setDraft] = useState<Draft | null>(null);
  const [error, setError] = useState<string>();
  const [fields, setFields] = useState<Record<string, string>>({});
  const [done, setDone] = useState<string>();
  const { queue, push } = useOutbox(
    (q: Queued) => client.call('addEntry', { caseId, occurredAt: q.occurredAt, keyedAt: q.keyedAt, clientId: q.clientId, entry: q.entry }),
    {
      sent: (q) => {
        setError(undefined);
        setDone(`${q.label} recorded at ${localClock(q.occurredAt)}.`);
      },
      away: () => setError('Not connected: the entry is kept here and will be saved with its time when Closeout reconnects.'),
      refused: (q, err) => {
        setError(err.message);
        setFields(err.fields ?? {});
        // The form comes back as it was filled, with the refusal beside its field; a form the
        // technologist has opened since is left alone.
        setDraft((d) => d ?? q.draft);
      },
    },
  );
  const form = useRef<HTMLFormElement>(null);
  const open = alerts.filter((a) => a.outcome === 'unresolved');

  const start = (kind: QuickEntryKind) => {
    // The clock is read first: this is the time of the entry.
    const keyedAt = now();
    const defaults: Values | undefined = ({
      baseline: { modality: 'SSEP', limbs: ['upper', 'lower'] },
      alert: { modality: 'TCMEP', side: '' },
      surgeon_notified: { who: surgeonName ?? '', role: 'surgeon' },
      intervention: { action: 'map_raised' },
      alert_resolved: { recovery: 'full', alert: open.at(-1) ? String(open.at(-1)!.eventId) : '' },
      closing: { status: 'at_baseline' },
    } as Record<string, Values>)[kind];
    setDraft({ kind, keyedAt, time: localClock(keyedAt), v: { ...(defaults ?? {}) } });
    setError(undefined);
    setFields({});
    setDone(undefined);
  };

  useEffect(() => {
    if (disabledReason !== null) return;
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (isTyping(e.target) || e.ctrlKey || e.metaKey || e.altKey || e.repeat) return;
      const b = QUICK_ENTRY_BUTTONS.find((x) => x.key === e.key.toUpperCase());
      if (!b) return;
      e.preventDefault();
      start(b.kind);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  // The first choice of the entry takes the focus (or Record, for an entry with none), so one
  // key opens it and Enter records it.
  const opened = draft ? `${draft.kind}@${draft.keyedAt}` : null;
  useEffect(() => {
    if (!opened) return;
    const el = form.current?.querySelector<HTMLElement>('[data-first]') ?? form.current?.querySelector<HTMLElement>('button[type="submit"]');
    el?.focus();
  }, [opened]);

  function submit(e?: FormEvent) {
    e?.preventDefault();
    if (!draft) return;
    const at = nearestClockTime(draft.keyedAt, draft.time);
    if (at === null) {
      setFields({ occurredAt: 'Type the time as HH:MM or HH:MM:SS.' });
      return;
    }
    const corrected = Math.abs(at - draft.keyedAt) >= 1000;
    push({ label: LABEL[draft.kind], occurredAt: corrected ? at : draft.keyedAt, keyedAt: corrected ? draft.keyedAt : null, clientId: crypto.randomUUID(), entry: toEntry(draft.kind, draft.v), draft });
    setDraft(null);
  }

  const onFormKey = (e: KeyboardEvent) => {
    const t = e.target as HTMLElement;
    if (e.key === 'Escape') {
      e.preventDefault();
      setDraft(null);
    } else if (e.key === 'Enter' && t.tagName !== 'BUTTON' && t.tagName !== 'TEXTAREA') {
      // A select or a radio does not submit on Enter by itself.
      e.preventDefault();
      submit();
    }
  };
  const set = (k: string, v: string | string[]) => setDraft((d) => (d ? { ...d, v: { ...d.v, [k]: v } } : d));
  const setTime = (t: string) => setDraft((d) => (d ? { ...d, time: t } : d));
  const val = (k: string) => (draft ? text(draft.v[k]) : '');
  const limbs = (draft?.v['limbs'] as string[] | undefined) ?? [];

  if (disabledReason !== null) return null;
  return (
    <div className="quick-entry" aria-label="Quick entry">
      <div className="quick-buttons" role="toolbar" aria-label="Record at this moment">
        {QUICK_ENTRY_BUTTONS.map((b) => (
          <button key={b.kind} type="button" className={draft?.kind === b.kind ? 'active' : ''} onClick={() => start(b.kind)} title={`${b.label} (key ${b.key})`}>
            {b.label} <kbd>{b.key}</kbd>
          </button>
        ))}
      </div>
      {draft && (
        <form ref={form} className="quick-form card" aria-label={`Record: ${LABEL[draft.kind]}`} onSubmit={submit} onKeyDown={onFormKey} noValidate>
          <div className="quick-row">
            <b>{LABEL[draft.kind]}</b>
            <label>
              at{' '}
              <input
                aria-label="Time"
                className="mono time-input"
                value={draft.time}
                onChange={(e) => setTime(e.target.value)}
                aria-invalid={!!fields['occurredAt']}
              />
            </label>
            {draft.time !== localClock(draft.keyedAt) && <span className="muted small">keyed {localClock(draft.keyedAt)}; the corrected time is kept beside it</span>}
          </div>
          {(draft.kind === 'baseline' || draft.kind === 'alert') && (
            <div className="quick-row">
              <label>
                Modality{' '}
                <select data-first value={val('modality')} onChange={(e) => set('modality', e.target.value)}>
                  {MODALITIES.map((m) => (
                    <option key={m} value={m}>
                      {MODALITY_LABELS[m]}
                    </option>
                  ))}
                </select>
              </label>
              {draft.kind === 'baseline' &&
                (['upper', 'lower'] as const).map((l) => (
                  <label key={l} className="check">
                    <input
                      type="checkbox"
                      checked={limbs.includes(l)}
                      onChange={(e) => set('limbs', e.target.checked ? [...limbs, l] : limbs.filter((x) => x !== l))}
                    />{' '}
                    {l === 'upper' ? 'Upper limbs' : 'Lower limbs'}
                  </label>
                ))}
              {draft.kind === 'alert' && (
                <>
                  <label>
                    Side{' '}
                    <select value={val('side')} onChange={(e) => set('side', e.target.value)}>
                      <option value="">—</option>
                      {EVENT_SIDES.map((s) => (
                        <option key={s} value={s}>
                          {s}
                        </option>
                      ))}
                    </select>
                  </label>
                  <label>
                    Muscle or site <input value={val('muscle')} onChange={(e) => set('muscle', e.target.value)} placeholder="e.g. tibialis anterior" size={16} />
                  </label>
                  <label>
                    Amplitude down{' '}
                    <input inputMode="numeric" className="pct" value={val('amplitude')} onChange={(e) => set('amplitude', e.target.value)} aria-invalid={!!fields['entry.amplitudeDropPct']} />%
                  </label>
                  <label>
                    Latency up <input inputMode="numeric" className="pct" value={val('latency')} onChange={(e) => set('latency', e.target.value)} />%
                  </label>
                </>
              )}
            </div>
          )}
          {draft.kind === 'surgeon_notified' && (
            <div className="quick-row">
              <label>
                Who{' '}
                <input data-first value={val('who')} onChange={(e) => set('who', e.target.value)} size={22} aria-invalid={!!fields['entry.who']} />
              </label>
              <label>
                Role{' '}
                <select value={val('role')} onChange={(e) => set('role', e.target.value)}>
                  {NOTIFIED_ROLES.map((r) => (
                    <option key={r} value={r}>
                      {r}
                    </option>
                  ))}
                </select>
              </label>
            </div>
          )}
          {draft.kind === 'intervention' && (
            <div className="quick-row">
              <label>
                What{' '}
                <select data-first value={val('action')} onChange={(e) => set('action', e.target.value)}>
                  {Object.entries(INTERVENTIONS).map(([k, v]) => (
                    <option key={k} value={k}>
                      {v}
                    </option>
                  ))}
                </select>
              </label>
            </div>
          )}
          {draft.kind === 'alert_resolved' && (
            <div className="quick-row">
              {open.length > 0 ? (
                <label>
                  Alert{' '}
                  <select value={val('alert')} onChange={(e) => set('alert', e.target.value)}>
                    {open.map((a) => (
                      <option key={a.eventId} value={a.eventId}>
                        {localClock(a.at)} {a.modality ? modalityLabel(a.modality, a.side, a.limb) : a.text.slice(0, 40)}
                      </option>
                    ))}
                  </select>
                </label>
              ) : (
                <span className="field-error">No alert is waiting for an outcome.</span>
              )}
              {Object.entries(RECOVERIES).map(([k, v], i) => (
                <label key={k} className="check">
                  <input data-first={i === 0 ? '' : undefined} type="radio" name="recovery" checked={val('recovery') === k} onChange={() => set('recovery', k)} /> {v}
                </label>
              ))}
            </div>
          )}
          {draft.kind === 'closing' && (
            <div className="quick-row">
              {Object.entries(CLOSING_STATUSES).map(([k, v], i) => (
                <label key={k} className="check">
                  <input data-first={i === 0 ? '' : undefined} type="radio" name="closing" checked={val('status') === k} onChange={() => set('status', k)} /> {v}
                </label>
              ))}
            </div>
          )}
          {['baseline', 'alert', 'intervention', 'alert_resolved', 'closing'].includes(draft.kind) && (
            <div className="quick-row">
              <label className="grow">
                Detail <input value={val('detail')} onChange={(e) => set('detail', e.target.value)} placeholder="optional" />
              </label>
            </div>
          )}
          {Object.entries(fields).map(([k, v]) => (
            <div key={k} className="field-error" role="alert">
              {v}
            </div>
          ))}
          <div className="actions">
            <span className="muted small">Enter records, Esc cancels</span>
            <button type="button" onClick={() => setDraft(null)}>
              Cancel
            </button>
            <button type="submit" className="primary">
              Record
            </button>
          </div>
        </form>
      )}
      <ErrorBanner message={error} />
      {queue.length > 0 && (
        <div className="muted small" role="status">
          Saving {queue.length} entr{queue.length > 1 ? 'ies' : 'y'}…
        </div>
      )}
      {done && !draft && queue.length === 0 && !error && (
        <div className="ok small" role="status" aria-label="Last entry">
          {done}
        </div>
      )}
    </div>
  );
}
