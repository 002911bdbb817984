import { useEffect, useRef, useState, type FormEvent } from 'react';
import { createPortal } from 'react-dom';
import { PersonInputSchema, roleNeedsNpi, type Person } from '../../../../shared/domain/person';
import { zodFieldErrors } from '../../../../shared/domain/case';
import { PERSON_ROLES, PERSON_ROLE_LABELS, type PersonRole } from '../../../../shared/domain/vocabulary';
import { useClient } from '../../api/hooks';
import { ErrorBanner, Field } from '../../components/Field';

/** Add or edit one person, as a modal dialog. */
export function PersonDialog(props: { role: PersonRole | null; person: Person | null; onClose: (saved: Person | null) => void }) {
  const client = useClient();
  const ref = useRef<HTMLDialogElement>(null);
  const p = props.person;
  const [form, setForm] = useState({
    role: p?.role ?? props.role ?? 'technologist',
    lastName: p?.lastName ?? '',
    firstName: p?.firstName ?? '',
    credential: p?.credential ?? '',
    npi: p?.npi ?? '',
    active: p?.active ?? true,
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [banner, setBanner] = useState<string>();
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
  }, []);

  const set = <K extends keyof typeof form>(k: K, v: (typeof form)[K]) => setForm((f) => ({ ...f, [k]: v }));

  async function submit(e: FormEvent) {
    e.preventDefault();
    // React events bubble through portals to React ancestors: keep this submit out of the case form.
    e.stopPropagation();
    const parsed = PersonInputSchema.safeParse(form);
    if (!parsed.success) {
      setErrors(zodFieldErrors(parsed.error));
      return;
    }
    setSaving(true);
    const r = p ? await client.call('updatePerson', { id: p.id, fields: form }) : await client.call('createPerson', form);
    setSaving(false);
    if (r.ok) {
      ref.current?.close();
      props.onClose(r.value);
    } else {
      setErrors(r.fields ?? {});
      setBanner(r.message);
    }
  }

  const title = p ? `Edit ${p.firstName} ${p.lastName}` : `Add ${PERSON_ROLE_LABELS[form.role].toLowerCase()}`;
  // A portal: the dialog holds its own <form>, which must not sit inside the case form.
  return createPortal(
    <dialog ref={ref} className="dialog" aria-label={title} onCancel={() => props.onClose(null)}>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <h2>{title}</h2>
        <ErrorBanner message={banner} />
        <div className="grid2">
          {props.role === null && (
            <Field label="Role" error={errors['role']} wide>
              {(id) => (
                <select id={id} value={form.role} onChange={(e) => set('role', e.target.value as PersonRole)}>
                  {PERSON_ROLES.map((r) => (
                    <option key={r} value={r}>
                      {PERSON_ROLE_LABELS[r]}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          )}
          <Field label="Last name" error={errors['lastName']}>
            {(id, d) => <input id={id} aria-describedby={d} value={form.lastName} onChange={(e) => set('lastName', e.target.value)} autoFocus />}
          </Field>
          <Field label="First name" error={errors['firstName']}>
            {(id, d) => <input id={id} aria-describedby={d} value={form.firstName} onChange={(e) => set('firstName', e.target.value)} />}
          </Field>
          <Field label="Credential" error={errors['credential']} hint={form.role === 'technologist' ? 'e.g. CNIM' : 'e.g. MD, DO, PhD'}>
            {(id, d) => <input id={id} aria-describedby={d} value={form.credential} onChange={(e) => set('credential', e.target.value)} />}
          </Field>
          <Field label="NPI" error={errors['npi']} hint={roleNeedsNpi(form.role) ? 'Needed on the claim' : 'Optional'}>
            {(id, d) => (
              <input id={id} aria-describedby={d} inputMode="numeric" maxLength={10} value={form.npi} onChange={(e) => set('npi', e.target.value.trim())} />
            )}
          </Field>
          {p && (
            <label className="check">
              <input type="checkbox" checked={form.active} onChange={(e) => set('active', e.target.checked)} /> Active (shown in pickers)
            </label>
          )}
        </div>
        <div className="actions">
          <button type="button" onClick={() => { ref.current?.close(); props.onClose(null); }}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={saving}>
            {saving ? 'Saving…' : 'Save'}
          </button>
        </div>
      </form>
    </dialog>,
    document.body,
  );
}
