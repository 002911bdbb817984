import { useState } from 'react';
import type { BillingDetails } from '../../../../shared/billing/details';
import type { CodingQuestion } from '../../../../shared/billing/modality-codes';
import { MODALITY_LABELS, type Limb } from '../../../../shared/domain/modality';
import type { ClaimState } from './useClaim';

/**
 * The answer to a coding question (C01), right where the question is asked: which limbs a
 * modality covered, or how many extremities EMG covered. Saved into the case's billing details.
 */
export function CodingAnswer({ question, claim }: { question: CodingQuestion; claim: ClaimState }) {
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function save(change: (d: BillingDetails) => BillingDetails) {
    setBusy(true);
    const r = await claim.saveDetails(change);
    setBusy(false);
    setError(r.ok ? undefined : r.message);
  }

  const body =
    question.id === 'emg_extremities' ? (
      <ExtremitiesAnswer busy={busy} onAnswer={(n) => void save((d) => ({ ...d, emgExtremities: n }))} />
    ) : (
      <LimbsAnswer
        label={`${MODALITY_LABELS[question.modality]} limbs`}
        busy={busy}
        onAnswer={(limbs) => {
          const mod = question.id === 'limbs:SSEP' ? 'SSEP' : 'TCMEP';
          void save((d) => ({ ...d, limbs: { ...d.limbs, [mod]: limbs } }));
        }}
      />
    );
  return (
    <div className="coding-answer">
      {body}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

function LimbsAnswer({ label, busy, onAnswer }: { label: string; busy: boolean; onAnswer: (limbs: Limb[]) => void }) {
  const [upper, setUpper] = useState(false);
  const [lower, setLower] = useState(false);
  const chosen: Limb[] = [...(upper ? (['upper'] as const) : []), ...(lower ? (['lower'] as const) : [])];
  return (
    <div role="group" aria-label={label} className="answer-row">
      <label className="inline-check">
        <input type="checkbox" checked={upper} onChange={(e) => setUpper(e.target.checked)} /> Upper
      </label>
      <label className="inline-check">
        <input type="checkbox" checked={lower} onChange={(e) => setLower(e.target.checked)} /> Lower
      </label>
      <button type="button" className="small-button" disabled={busy || chosen.length === 0} onClick={() => onAnswer(chosen)}>
        Save
      </button>
      <button type="button" className="small-button" disabled={busy} onClick={() => onAnswer(['upper', 'lower'])}>
        Both
      </button>
    </div>
  );
}

function ExtremitiesAnswer({ busy, onAnswer }: { busy: boolean; onAnswer: (n: number) => void }) {
  return (
    <div role="group" aria-label="EMG extremities" className="answer-row">
      <span className="small muted">Extremities:</span>
      {[1, 2, 3, 4].map((n) => (
        <button key={n} type="button" className="small-button" disabled={busy} onClick={() => onAnswer(n)}>
          {n}
        </button>
      ))}
    </div>
  );
}
