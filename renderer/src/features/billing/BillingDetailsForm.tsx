import { useState, type FormEvent, type ReactNode } from 'react';
import type { BillingDetails } from '../../../../shared/billing/details';
import { TIME_CODES, type TimeCode } from '../../../../shared/billing/codes';
import { LIMBS, LIMB_LABELS, MODALITIES, MODALITY_LABELS, type Limb, type Modality } from '../../../../shared/domain/modality';
import { instantToWallClock, wallClockToInstant } from '../../../../shared/util/zoned-time';
import { ErrorBanner, Field } from '../../components/Field';
import type { ClaimState } from './useClaim';
import { DateTimeText } from '../../components/DateText';

/** epoch ms ↔ "YYYY-MM-DDTHH:MM" in the case's zone. */
function toLocalInput(ms: number | null, zone: string): string {
  return ms === null ? '' : instantToWallClock(ms, zone).slice(0, 16);
}
function fromLocalInput(value: string, zone: string): number | null {
  return value ? wallClockToInstant(`${value.slice(0, 16)}:00`, zone) : null;
}

function toggle<T>(list: readonly T[] | null, item: T, on: boolean): T[] | null {
  const next = on ? [...new Set([...(list ?? []), item])] : (list ?? []).filter((x) => x !== item);
  return next.length ? next : null;
}

/**
 * What a claim needs that no device records, per case: limbs, EMG extremities, the surgeon's
 * order, ABN, anesthesia times and the biller's time-code choices. While untouched it shows the
 * saved answers live (an answer given in the checklist appears here at once).
 */
export function BillingDetailsForm({ claim, timeZone }: { claim: ClaimState; timeZone: string }) {
  const saved = claim.view?.details;
  const [draft, setDraft] = useState<BillingDetails | null>(null);
  const [error, setError] = useState<string>();
  const [fields, setFields] = useState<Record<string, string>>({});
  const [note, setNote] = useState<string>();
  if (!saved) return null;
  const d = draft ?? saved;
  const set = (patch: Partial<BillingDetails>) => {
    setDraft({ ...d, ...patch });
    setNote(undefined);
  };
  const fieldError = (k: string) => fields[`details.${k}`];

  async function save(e: FormEvent) {
    e.preventDefault();
    if (!draft) return;
    const chosen = draft;
    const r = await claim.saveDetails(() => chosen);
    if (r.ok) {
      setDraft(null);
      setError(undefined);
      setFields({});
      setNote('Billing details saved.');
    } else {
      setError(r.message);
      setFields(r.fields ?? {});
    }
  }

  return (
    <form className="billing-details" aria-label="Billing details" onSubmit={(e) => void save(e)} noValidate>
      <ErrorBanner message={error} />
      <div className="grid2">
        <LimbBoxes label="SSEP limbs" value={d.limbs.SSEP} onChange={(v) => set({ limbs: { ...d.limbs, SSEP: v } })} />
        <LimbBoxes label="TcMEP limbs" value={d.limbs.TCMEP} onChange={(v) => set({ limbs: { ...d.limbs, TCMEP: v } })} />
        <Field label="EMG extremities" error={fieldError('emgExtremities')} hint="Free-run and triggered EMG together.">
          {(id) => (
            <select id={id} value={d.emgExtremities ?? ''} onChange={(e) => set({ emgExtremities: e.target.value ? Number(e.target.value) : null })}>
              <option value="">From the record</option>
              {[1, 2, 3, 4].map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          )}
        </Field>
        <div className="field">
          <label className="inline-check">
            <input type="checkbox" checked={d.emgLimited} onChange={(e) => set({ emgLimited: e.target.checked })} /> Bill EMG as a limited study (95870, one unit per limb)
          </label>
          <label className="inline-check">
            <input type="checkbox" checked={d.abnOnFile} onChange={(e) => set({ abnOnFile: e.target.checked })} /> ABN on file
          </label>
        </div>
        <fieldset className="field field-wide check-grid" aria-label="Surgeon's order">
          <legend>Surgeon&apos;s order (modalities ordered; none ticked: not recorded)</legend>
          {MODALITIES.map((m: Modality) => (
            <label key={m} className="inline-check">
              <input type="checkbox" checked={d.surgeonOrder?.includes(m) ?? false} onChange={(e) => set({ surgeonOrder: toggle(d.surgeonOrder, m, e.target.checked) })} /> {MODALITY_LABELS[m]}
            </label>
          ))}
        </fieldset>
        <Field label="Anesthesia start" error={fieldError('anesthesia.start')}>
          {(id) => <DateTimeText id={id} value={toLocalInput(d.anesthesia.start, timeZone)} onChange={(v) => set({ anesthesia: { ...d.anesthesia, start: fromLocalInput(v, timeZone) } })} />}
        </Field>
        <Field label="Anesthesia end" error={fieldError('anesthesia.end')}>
          {(id) => <DateTimeText id={id} value={toLocalInput(d.anesthesia.end, timeZone)} onChange={(v) => set({ anesthesia: { ...d.anesthesia, end: fromLocalInput(v, timeZone) } })} />}
        </Field>
        <Field label="Time code override" error={fieldError('timeCodeOverride')}>
          {(id) => (
            <select id={id} value={d.timeCodeOverride ?? ''} onChange={(e) => set({ timeCodeOverride: e.target.value ? (e.target.value as TimeCode) : null })}>
              <option value="">Automatic (from the record)</option>
              {TIME_CODES.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Time units override" error={fieldError('timeUnitsOverride')} hint="Empty: from the billable minutes.">
          {(id, desc) => (
            <input
              id={id}
              aria-describedby={desc}
              type="number"
              min={0}
              max={96}
              value={d.timeUnitsOverride ?? ''}
              onChange={(e) => set({ timeUnitsOverride: e.target.value.trim() === '' ? null : Number(e.target.value) })}
            />
          )}
        </Field>
      </div>
      <div className="actions">
        {note && (
          <span className="ok-line small" role="status">
            {note}
          </span>
        )}
        {draft && (
          <button
            type="button"
            onClick={() => {
              setDraft(null);
              setError(undefined);
              setFields({});
            }}
          >
            Discard changes
          </button>
        )}
        <button type="submit" className="primary" disabled={!draft}>
          Save billing details
        </button>
      </div>
    </form>
  );
}

function LimbBoxes({ label, value, onChange }: { label: string; value: readonly Limb[] | null; onChange: (v: Limb[] | null) => void }): ReactNode {
  return (
    <fieldset className="field check-grid" aria-label={label}>
      <legend>{label} (none ticked: as the record says, from device names or typed baselines)</legend>
      {LIMBS.map((l) => (
        <label key={l} className="inline-check">
          <input type="checkbox" checked={value?.includes(l) ?? false} onChange={(e) => onChange(toggle(value, l, e.target.checked))} /> {LIMB_LABELS[l]}
        </label>
      ))}
    </fieldset>
  );
}
