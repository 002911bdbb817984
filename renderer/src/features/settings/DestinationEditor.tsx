import { FILE_NAME_FIELDS } from '../../../../shared/ehr/settings';
import { Field } from '../../components/Field';
import { KIND_LABELS } from '../ehr/deliveries';
import { idFromName, type DestinationForm, type DestinationRow, type FolderForm, type MllpForm } from './ehr-form';

type Props = Readonly<{
  index: number;
  row: DestinationRow;
  /** Field errors of this destination, keyed by field name (`port`, `receivingFacility`…). */
  errors: Readonly<Record<string, string>>;
  onChange: (row: DestinationRow) => void;
  /** Open or close the form (not a change to the settings). */
  onToggle: () => void;
  onRemove: () => void;
}>;

/** One destination: a summary line (name, where, enabled) and, when open, its whole form. */
export function DestinationEditor({ index, row, errors, onChange, onToggle, onRemove }: Props) {
  const f = row.form;
  const set = (patch: Partial<FolderForm> | Partial<MllpForm>) => onChange({ ...row, form: { ...f, ...patch } as DestinationForm });
  const where = f.kind === 'folder' ? f.path || 'no folder yet' : f.host ? `${f.host}:${f.port}${f.tls ? ' (TLS)' : ''}` : 'no host yet';
  const problems = Object.keys(errors).length;
  const other = errors['_'];

  return (
    <li className={`destination${f.enabled ? '' : ' disabled'}`} aria-label={`Destination ${index + 1}`} data-kind={f.kind}>
      <div className="destination-head">
        <b>{f.name || 'New destination'}</b>
        <span className="muted small grow">
          {KIND_LABELS[f.kind]} · <span className="mono">{where}</span>
          {problems > 0 && !row.open ? <span className="field-error"> · {problems} field{problems === 1 ? '' : 's'} need attention</span> : null}
        </span>
        <label className="inline-check small">
          <input type="checkbox" checked={f.enabled} onChange={(e) => set({ enabled: e.target.checked })} /> Enabled
        </label>
        <button type="button" className="small-button" onClick={onToggle}>
          {row.open ? 'Done' : 'Edit'}
        </button>
        <button type="button" className="small-button" onClick={onRemove}>
          Remove
        </button>
      </div>
      {other && <p className="field-error">{other}</p>}
      {row.open && (
        <div className="grid4">
          <Field label="Name" error={errors['name']}>
            {(id, d) => (
              <input
                id={id}
                aria-describedby={d}
                value={f.name}
                onChange={(e) => onChange({ ...row, form: { ...f, name: e.target.value, ...(row.autoId ? { id: idFromName(e.target.value, f.kind) } : {}) } })}
              />
            )}
          </Field>
          <Field label="Id" error={errors['id']} hint="Used by closeout send --to.">
            {(id, d) => <input id={id} aria-describedby={d} className="mono" value={f.id} onChange={(e) => onChange({ ...row, autoId: false, form: { ...f, id: e.target.value } })} />}
          </Field>
          {f.kind === 'folder' ? <FolderFields f={f} errors={errors} set={set} /> : <MllpFields f={f} errors={errors} set={set} />}
        </div>
      )}
    </li>
  );
}

function FolderFields({ f, errors, set }: { f: FolderForm; errors: Readonly<Record<string, string>>; set: (p: Partial<FolderForm>) => void }) {
  return (
    <>
      <Field label="Folder" error={errors['path']} wide hint="As this computer sees it: \\hospital\scans\ionm or /mnt/ehr-import.">
        {(id, d) => <input id={id} aria-describedby={d} className="mono" value={f.path} onChange={(e) => set({ path: e.target.value })} />}
      </Field>
      <Field label="File name pattern" error={errors['fileNamePattern']} wide hint={`.pdf is added. Placeholders: ${FILE_NAME_FIELDS.map((k) => `{${k}}`).join(' ')}`}>
        {(id, d) => <input id={id} aria-describedby={d} className="mono" value={f.fileNamePattern} onChange={(e) => set({ fileNamePattern: e.target.value })} />}
      </Field>
      <Field label="Sidecar file" error={errors['sidecar']} hint="Indexing fields beside the PDF, for importers that need them.">
        {(id) => (
          <select id={id} value={f.sidecar} onChange={(e) => set({ sidecar: e.target.value as FolderForm['sidecar'] })}>
            <option value="none">None</option>
            <option value="json">JSON</option>
            <option value="xml">XML</option>
          </select>
        )}
      </Field>
    </>
  );
}

function MllpFields({ f, errors, set }: { f: MllpForm; errors: Readonly<Record<string, string>>; set: (p: Partial<MllpForm>) => void }) {
  const text = (label: string, k: keyof MllpForm & string, hint?: string, mono = false) => (
    <Field label={label} error={errors[k]} {...(hint ? { hint } : {})}>
      {(id, d) => <input id={id} aria-describedby={d} className={mono ? 'mono' : undefined} value={f[k] as string} onChange={(e) => set({ [k]: e.target.value })} />}
    </Field>
  );
  return (
    <>
      {text('Host', 'host', 'Name or address of the interface engine.', true)}
      <Field label="Port" error={errors['port']}>
        {(id, d) => <input id={id} aria-describedby={d} inputMode="numeric" className="mono" value={f.port} onChange={(e) => set({ port: e.target.value })} />}
      </Field>
      {text('Receiving application', 'receivingApplication', 'MSH-5, as the interface team named it.')}
      {text('Receiving facility', 'receivingFacility', 'MSH-6.')}
      {text('MRN assigning authority', 'assigningAuthority', 'PID-3.4, who issues the MRN.')}
      {text('Sending application', 'sendingApplication', 'MSH-3.')}
      {text('Sending facility', 'sendingFacility', 'MSH-4.')}
      {text('Document type', 'documentType', 'TXA-2 and OBX-3.')}
      <Field label="Processing" error={errors['processingId']} hint="MSH-11.">
        {(id) => (
          <select id={id} value={f.processingId} onChange={(e) => set({ processingId: e.target.value as MllpForm['processingId'] })}>
            <option value="P">P: production</option>
            <option value="T">T: training / test</option>
            <option value="D">D: debugging</option>
          </select>
        )}
      </Field>
      {text('Patient class', 'patientClass', 'PV1-2, e.g. O (outpatient) or I (inpatient).')}
      <Field label="Timeout (seconds)" error={errors['timeoutSeconds']} hint="Wait this long for the ACK.">
        {(id, d) => <input id={id} aria-describedby={d} inputMode="numeric" value={f.timeoutSeconds} onChange={(e) => set({ timeoutSeconds: e.target.value })} />}
      </Field>
      <Field label="Attempts before failing" error={errors['maxAttempts']} hint="Retries back off from 5 s up to 15 min.">
        {(id, d) => <input id={id} aria-describedby={d} inputMode="numeric" value={f.maxAttempts} onChange={(e) => set({ maxAttempts: e.target.value })} />}
      </Field>
      <label className="check">
        <input type="checkbox" checked={f.tls} onChange={(e) => set({ tls: e.target.checked })} /> TLS (required unless the receiver is on this computer or behind a VPN)
      </label>
      {f.tls && (
        <Field label="Hospital CA certificate (PEM, optional)" error={errors['caPem']} wide hint="Only when the receiver's certificate is issued by the hospital's own CA.">
          {(id, d) => <textarea id={id} aria-describedby={d} className="mono" rows={3} value={f.caPem} onChange={(e) => set({ caPem: e.target.value })} />}
        </Field>
      )}
    </>
  );
}
