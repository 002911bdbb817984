import { useEffect, useRef, useState, type ChangeEvent, type FormEvent } from 'react';
import type { EhrSettings } from '../../../../shared/ehr/settings';
import { useClient, useQuery } from '../../api/hooks';
import { ErrorBanner, Field } from '../../components/Field';
import { UserPinFields } from '../../components/UserPinFields';
import { DestinationEditor } from './DestinationEditor';
import { draftOf, logoType, MAX_LOGO_BYTES, newFolder, newMllp, settingsOf, type DestinationRow, type EhrDraft, type LetterheadForm } from './ehr-form';

const DEST = 'settings.destinations';

/** This destination's errors by field name, from the backend's dotted keys. */
function rowErrors(fields: Readonly<Record<string, string>>, i: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, m] of Object.entries(fields)) {
    if (k === `${DEST}.${i}`) out['_'] = m;
    else if (k.startsWith(`${DEST}.${i}.`)) out[k.slice(`${DEST}.${i}.`.length).split('.')[0]!] ??= m;
  }
  return out;
}

/**
 * Where signed reports go (drop folders, HL7 MDM receivers) and the letterhead on the PDF.
 * Anyone can look; only an administrator saves, with their PIN.
 */
export function EhrSettingsCard() {
  const client = useClient();
  const settings = useQuery('getEhrSettings', {});
  const users = useQuery('listUsers', {});
  const admins = (users.data ?? []).filter((u) => u.active && u.role === 'admin');
  const [draft, setDraft] = useState<EhrDraft | null>(null);
  const [dirty, setDirty] = useState(false);
  // The effect below reads it without re-running on every edit.
  const dirtyRef = useRef(false);
  dirtyRef.current = dirty;
  const [userId, setUserId] = useState('');
  const [pin, setPin] = useState('');
  const [error, setError] = useState<string>();
  const [fields, setFields] = useState<Record<string, string>>({});
  const [addressIndex, setAddressIndex] = useState<readonly number[]>([]);
  const [logoError, setLogoError] = useState<string>();
  const [saved, setSaved] = useState<string>();
  const [busy, setBusy] = useState(false);

  // Follow the stored settings (another window, the CLI) until someone starts editing.
  useEffect(() => {
    if (settings.data && !dirtyRef.current) setDraft(draftOf(settings.data));
  }, [settings.data]);

  if (settings.error) return <ErrorBanner message={settings.error.message} />;
  if (!draft) return <p className="muted">Loading…</p>;
  const d = draft;
  const lh = d.letterhead;

  function edit(next: EhrDraft) {
    setDirty(true);
    setDraft(next);
    setSaved(undefined);
  }
  const setLetterhead = (patch: Partial<LetterheadForm>) => edit({ ...d, letterhead: { ...lh, ...patch } });
  const setRow = (i: number, row: DestinationRow) => edit({ ...d, rows: d.rows.map((r, n) => (n === i ? row : r)) });

  function readLogo(e: ChangeEvent<HTMLInputElement>) {
    const input = e.target;
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    if (file.size > MAX_LOGO_BYTES) return setLogoError(`${file.name} is ${Math.round(file.size / 1024)} KB; the logo may be 500 KB at most.`);
    const reader = new FileReader();
    reader.onerror = () => setLogoError(`${file.name} could not be read.`);
    reader.onload = () => {
      const url = typeof reader.result === 'string' ? reader.result : '';
      const base64 = url.slice(url.indexOf(',') + 1);
      const type = logoType(base64);
      if (!type) return setLogoError(`${file.name} is not a PNG or JPEG image.`);
      setLogoError(undefined);
      setLetterhead({ logo: { type, base64 } });
    };
    reader.readAsDataURL(file);
  }

  async function save(e: FormEvent) {
    e.preventDefault();
    const converted = settingsOf(d);
    setAddressIndex(converted.addressIndex);
    const open = (f: Record<string, string>) => setDraft({ ...d, rows: d.rows.map((r, i) => (Object.keys(rowErrors(f, i)).length ? { ...r, open: true } : r)) });
    if (!converted.ok) {
      setFields(converted.fields);
      setError('Some fields need attention; nothing was saved.');
      open(converted.fields);
      return;
    }
    setBusy(true);
    const who = userId || admins[0]?.id || '';
    const r = await client.call('saveEhrSettings', { settings: converted.settings, userId: who, pin });
    setBusy(false);
    setPin('');
    if (!r.ok) {
      setError(r.message);
      setFields(r.fields ?? {});
      setSaved(undefined);
      open(r.fields ?? {});
      return;
    }
    done(r.value, admins.find((u) => u.id === who)?.name ?? 'an administrator');
  }

  function done(v: EhrSettings, by: string) {
    setDirty(false);
    setDraft(draftOf(v));
    setError(undefined);
    setFields({});
    setSaved(`EHR settings saved by ${by}.`);
    settings.reload();
  }

  function discard() {
    setDirty(false);
    setFields({});
    setError(undefined);
    if (settings.data) setDraft(draftOf(settings.data));
  }

  const lhErr = (k: string) => fields[`settings.letterhead.${k}`];
  const addressErr = (input: number) => {
    const sent = addressIndex.indexOf(input);
    return sent < 0 ? undefined : lhErr(`addressLines.${sent}`);
  };
  const listError = fields[DEST] ?? fields['settings'];

  return (
    <div className="card" role="region" aria-label="EHR settings">
      <h2 className="card-title">EHR</h2>
      <p className="muted small">
        Where a signed report goes when someone clicks Send to EHR: drop folders (the hospital&apos;s document import share) and HL7 MDM receivers over MLLP,
        and the letterhead printed on every report PDF. Only an administrator saves changes, with their PIN.
      </p>
      <ErrorBanner message={error} />
      {saved && (
        <p className="ok-line small" role="status">
          {saved}
        </p>
      )}
      <form className="ehr-settings" onSubmit={(e) => void save(e)} noValidate>
        <h3>Letterhead</h3>
        <div className="grid4">
          <Field label="Practice name" error={lhErr('practiceName')} wide>
            {(id, dd) => <input id={id} aria-describedby={dd} value={lh.practiceName} onChange={(e) => setLetterhead({ practiceName: e.target.value })} />}
          </Field>
          <Field label="Phone" error={lhErr('phone')}>
            {(id, dd) => <input id={id} aria-describedby={dd} value={lh.phone} onChange={(e) => setLetterhead({ phone: e.target.value })} />}
          </Field>
          <div />
          {lh.addressLines.map((line, i) => (
            <Field key={i} label={`Address line ${i + 1}`} error={addressErr(i)} wide>
              {(id, dd) => (
                <input
                  id={id}
                  aria-describedby={dd}
                  value={line}
                  onChange={(e) => {
                    const lines = [...lh.addressLines] as LetterheadForm['addressLines'];
                    lines[i] = e.target.value;
                    setLetterhead({ addressLines: lines });
                  }}
                />
              )}
            </Field>
          ))}
          <Field label="Logo (PNG or JPEG, up to 500 KB)" error={logoError ?? lhErr('logo') ?? lhErr('logo.base64')} wide>
            {(id, dd) => (
              <div className="logo-row">
                <input id={id} aria-describedby={dd} type="file" accept="image/png,image/jpeg" onChange={readLogo} />
                {lh.logo && (
                  <button type="button" className="small-button" onClick={() => setLetterhead({ logo: null })}>
                    Remove logo
                  </button>
                )}
              </div>
            )}
          </Field>
        </div>
        <div className="letterhead-preview" aria-label="Letterhead preview">
          {lh.logo ? <img src={`data:image/${lh.logo.type};base64,${lh.logo.base64}`} alt="Logo" /> : <span className="muted small">No logo</span>}
          <div>
            <p>
              <b>{lh.practiceName || <span className="muted">Practice name</span>}</b>
            </p>
            {lh.addressLines
              .filter((l) => l.trim())
              .map((l, i) => (
                <p key={i} className="small">
                  {l}
                </p>
              ))}
            {lh.phone && <p className="small">{lh.phone}</p>}
          </div>
        </div>

        <h3>Destinations</h3>
        {listError && <p className="field-error">{listError}</p>}
        {d.rows.length === 0 ? (
          <p className="empty">None yet: Send to EHR stays off until a destination is added and saved.</p>
        ) : (
          <ul className="destinations" aria-label="Destinations">
            {d.rows.map((row, i) => (
              <DestinationEditor
                key={row.key}
                index={i}
                row={row}
                errors={rowErrors(fields, i)}
                onChange={(r) => setRow(i, r)}
                onToggle={() => setDraft({ ...d, rows: d.rows.map((r, n) => (n === i ? { ...r, open: !r.open } : r)) })}
                onRemove={() => {
                  setFields({});
                  edit({ ...d, rows: d.rows.filter((_, n) => n !== i) });
                }}
              />
            ))}
          </ul>
        )}
        <div className="actions actions-start">
          <button type="button" onClick={() => edit({ ...d, rows: [...d.rows, newFolder()] })}>
            Add drop folder
          </button>
          <button type="button" onClick={() => edit({ ...d, rows: [...d.rows, newMllp()] })}>
            Add HL7 receiver
          </button>
        </div>

        {admins.length === 0 ? (
          <p className="field-error">No administrator user exists yet. Add one with a PIN under People → Users to change EHR settings.</p>
        ) : (
          <div className="grid4">
            <UserPinFields users={admins} userLabel="Administrator" pinLabel="Administrator PIN" userId={userId} onUserId={setUserId} pin={pin} onPin={setPin} fields={fields} />
            <div className="actions span2 align-end">
              {dirty && (
                <button type="button" onClick={discard}>
                  Discard changes
                </button>
              )}
              <button type="submit" className="primary" disabled={busy || !dirty || !pin}>
                {busy ? 'Checking…' : 'Save EHR settings'}
              </button>
            </div>
          </div>
        )}
      </form>
    </div>
  );
}
