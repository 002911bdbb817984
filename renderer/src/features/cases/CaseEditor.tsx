import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { validateCase } from '../../../../shared/domain/case';
import {
  ANESTHESIA_REGIMENS,
  ANESTHESIA_REGIMEN_LABELS,
  PAYER_TYPES,
  PAYER_TYPE_LABELS,
  PLACE_OF_SERVICE_LABELS,
  READER_LOCATIONS,
  READER_LOCATION_LABELS,
  SEXES,
  SEX_LABELS,
  SIDES,
  SIDE_LABELS,
  type PersonRole,
} from '../../../../shared/domain/vocabulary';
import { localIsoDate } from '../../../../shared/util/time';
import { useClient, useQuery } from '../../api/hooks';
import { go, href } from '../../app/router';
import { ErrorBanner, Field } from '../../components/Field';
import { PersonPicker } from '../people/PersonPicker';
import { emptyForm, errorsByControl, formFromRecord, formToInput, type FormKey, type FormState } from './case-form';

/** New case (caseId null) or edit an existing one. Nothing is saved until every field is valid. */
export function CaseEditor({ caseId }: { caseId: string | null }) {
  const client = useClient();
  const today = localIsoDate(Date.now());
  const existing = useQuery('getCase', caseId ? { id: caseId } : null);
  const [form, setForm] = useState<FormState | null>(caseId ? null : emptyForm(today));
  const [errors, setErrors] = useState<Partial<Record<FormKey, string>>>({});
  const [banner, setBanner] = useState<string>();
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    if (existing.data && form === null) setForm(formFromRecord(existing.data.case));
  }, [existing.data, form]);

  if (caseId && existing.error) return <ErrorBanner message={existing.error.message} />;
  if (!form) return <p className="muted page">Loading…</p>;

  const set = (k: FormKey, v: string) => {
    setForm((f) => (f ? { ...f, [k]: v } : f));
    if (errors[k]) setErrors((e) => ({ ...e, [k]: undefined }));
  };

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!form) return;
    const input = formToInput(form);
    const checked = validateCase(input, today);
    if (!checked.ok) {
      showErrors(checked.fields);
      return;
    }
    setSaving(true);
    const r = caseId && existing.data
      ? await client.call('updateCase', { id: caseId, version: existing.data.case.version, fields: input })
      : await client.call('createCase', input);
    setSaving(false);
    if (r.ok) go({ name: 'case', id: r.value.id });
    else if (r.fields) showErrors(r.fields, r.message);
    else setBanner(r.message);
  }

  function showErrors(fields: Readonly<Record<string, string>>, message = 'Some fields need attention (marked in red).') {
    const byControl = errorsByControl(fields);
    setErrors(byControl);
    setBanner(message);
    // Take the technologist straight to the first problem, once React has marked it.
    requestAnimationFrame(() => document.querySelector<HTMLElement>('.field-invalid input, .field-invalid select')?.focus());
  }

  const text = (k: FormKey, label: string, opts: { hint?: string; wide?: boolean; type?: string; placeholder?: string } = {}) => (
    <Field label={label} error={errors[k]} {...(opts.hint ? { hint: opts.hint } : {})} {...(opts.wide ? { wide: true } : {})}>
      {(id, d) => (
        <input
          id={id}
          aria-describedby={d}
          aria-invalid={errors[k] ? true : undefined}
          type={opts.type ?? 'text'}
          placeholder={opts.placeholder}
          value={form[k]}
          onChange={(e) => set(k, e.target.value)}
        />
      )}
    </Field>
  );

  const choice = (k: FormKey, label: string, options: readonly string[], labels: Readonly<Record<string, string>>) => (
    <Field label={label} error={errors[k]}>
      {(id, d) => (
        <select id={id} aria-describedby={d} aria-invalid={errors[k] ? true : undefined} value={form[k]} onChange={(e) => set(k, e.target.value)}>
          <option value="">— not set —</option>
          {form[k] && !options.includes(form[k]) && <option value={form[k]}>{form[k]}</option>}
          {options.map((o) => (
            <option key={o} value={o}>
              {labels[o] ?? o}
            </option>
          ))}
        </select>
      )}
    </Field>
  );

  const person = (k: FormKey, label: string, role: PersonRole) => (
    <Field label={label} error={errors[k]}>
      {(id, d) => <PersonPicker id={id} role={role} value={form[k]} onChange={(v) => set(k, v)} describedBy={d} />}
    </Field>
  );

  return (
    <section className="page">
      <header className="page-head">
        <h1>{caseId ? 'Edit case' : 'New case'}</h1>
        <a className="button" href={caseId ? href({ name: 'case', id: caseId }) : href({ name: 'cases' })}>
          Cancel
        </a>
      </header>
      <ErrorBanner message={banner} />
      <form className="case-form" onSubmit={(e) => void submit(e)} noValidate>
        <Section title="Patient">
          {text('patient.lastName', 'Last name')}
          {text('patient.firstName', 'First name')}
          {text('patient.mrn', 'MRN')}
          {text('patient.dateOfBirth', 'Date of birth', { type: 'date' })}
          {choice('patient.sex', 'Sex', SEXES, SEX_LABELS)}
        </Section>
        <Section title="Procedure">
          {text('procedure.description', 'Procedure', { wide: true, placeholder: 'e.g. L4-L5 posterior lumbar interbody fusion' })}
          {text('procedure.cpt', 'Surgical CPT', { hint: 'If known, e.g. 22633' })}
          {choice('procedure.side', 'Side', SIDES, SIDE_LABELS)}
          {text('procedure.levels', 'Levels', { placeholder: 'e.g. L4-L5' })}
          {text('dateOfService', 'Date of service', { type: 'date' })}
          {text('facility', 'Facility')}
          {text('orRoom', 'OR room')}
          {person('surgeonId', 'Surgeon', 'surgeon')}
        </Section>
        <Section title="Monitoring team">
          {person('technologistId', 'Technologist', 'technologist')}
          {person('physicianId', 'Interpreting physician', 'physician')}
          {choice('readerLocation', 'Physician reads from', READER_LOCATIONS, READER_LOCATION_LABELS)}
          {choice('anesthesia.regimen', 'Anesthesia regimen', ANESTHESIA_REGIMENS, ANESTHESIA_REGIMEN_LABELS)}
          {text('anesthesia.detail', 'Anesthesia detail', { wide: true, placeholder: 'e.g. propofol/remifentanil, no paralytic after intubation' })}
        </Section>
        <Section title="Billing">
          {choice('payer.type', 'Payer type', PAYER_TYPES, PAYER_TYPE_LABELS)}
          {text('payer.name', 'Payer name')}
          {choice('placeOfService', 'Place of service', Object.keys(PLACE_OF_SERVICE_LABELS), PLACE_OF_SERVICE_LABELS)}
          {text('diagnosisCodes', 'Diagnosis codes (ICD-10-CM)', { wide: true, placeholder: 'e.g. M48.062, M43.16', hint: 'Separate codes with commas' })}
        </Section>
        <div className="actions sticky-actions">
          <button type="submit" className="primary" disabled={saving}>
            {saving ? 'Saving…' : caseId ? 'Save changes' : 'Create case'}
          </button>
        </div>
      </form>
    </section>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <fieldset className="card form-section">
      <legend className="card-title">{title}</legend>
      <div className="grid4">{children}</div>
    </fieldset>
  );
}
