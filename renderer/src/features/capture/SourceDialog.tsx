import { useEffect, useRef, useState, type FormEvent } from 'react';
import { createPortal } from 'react-dom';
import {
  BAUD_RATES,
  FOLDER_FORMATS,
  FOLDER_FORMAT_LABELS,
  SERIAL_FRAMINGS,
  SERIAL_FRAMING_LABELS,
  TEXT_ENCODINGS,
  type CaptureSource,
} from '../../../../shared/domain/capture-source';
import { useClient, useQuery } from '../../api/hooks';
import { ErrorBanner, Field } from '../../components/Field';

type Kind = 'folder' | 'serial';

/** Add or edit an export folder or a serial port. */
export function SourceDialog(props: { kind: Kind; source: CaptureSource | null; onClose: () => void }) {
  const client = useClient();
  const ref = useRef<HTMLDialogElement>(null);
  const s = props.source;
  const cfg = (s?.config ?? {}) as Record<string, unknown>;
  const [form, setForm] = useState<Record<string, string | boolean>>({
    name: s?.name ?? '',
    path: String(cfg['path'] ?? ''),
    format: String(cfg['format'] ?? 'auto'),
    encoding: String(cfg['encoding'] ?? 'utf-8'),
    timeZone: String(cfg['timeZone'] ?? 'workstation'),
    includeSubfolders: Boolean(cfg['includeSubfolders'] ?? false),
    usePolling: Boolean(cfg['usePolling'] ?? false),
    profile: cfg['delimitedProfile'] ? JSON.stringify(cfg['delimitedProfile'], null, 2) : cfg['lineProfile'] ? JSON.stringify(cfg['lineProfile'], null, 2) : '',
    baudRate: String(cfg['baudRate'] ?? 9600),
    dataBits: String(cfg['dataBits'] ?? 8),
    parity: String(cfg['parity'] ?? 'none'),
    stopBits: String(cfg['stopBits'] ?? 1),
    framing: String(cfg['framing'] ?? 'lines'),
    enabled: s?.enabled ?? true,
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [banner, setBanner] = useState<string>();
  const ports = useQuery('listSerialPorts', props.kind === 'serial' ? {} : null);

  useEffect(() => {
    if (ref.current && !ref.current.open) ref.current.showModal();
  }, []);

  const set = (k: string, v: string | boolean) => setForm((f) => ({ ...f, [k]: v }));
  const str = (k: string) => String(form[k] ?? '');

  async function submit(e: FormEvent) {
    e.preventDefault();
    e.stopPropagation();
    let profile: unknown = null;
    if (str('profile').trim()) {
      try {
        profile = JSON.parse(str('profile'));
      } catch {
        setErrors({ profile: 'The profile is not valid JSON.' });
        return;
      }
    }
    const common = { path: str('path'), encoding: str('encoding') as 'utf-8', timeZone: str('timeZone') };
    const source =
      props.kind === 'folder'
        ? { kind: 'folder' as const, name: str('name'), enabled: form['enabled'] === true, config: { ...common, format: str('format') as 'auto', includeSubfolders: form['includeSubfolders'] === true, usePolling: form['usePolling'] === true, delimitedProfile: profile as Record<string, unknown> | null } }
        : {
            kind: 'serial' as const,
            name: str('name'),
            enabled: form['enabled'] === true,
            config: { ...common, baudRate: Number(str('baudRate')), dataBits: Number(str('dataBits')) as 8, parity: str('parity') as 'none', stopBits: Number(str('stopBits')) as 1, framing: str('framing') as 'lines', lineProfile: profile as Record<string, unknown> | null },
          };
    const r = await client.call('saveSource', s ? { id: s.id, source } : { source });
    if (r.ok) {
      ref.current?.close();
      props.onClose();
      return;
    }
    const byField: Record<string, string> = {};
    for (const [k, v] of Object.entries(r.fields ?? {})) byField[k.replace(/^source\.(config\.)?/, '').replace(/^(delimitedProfile|lineProfile)\..*/, 'profile')] = v;
    setErrors(byField);
    setBanner(r.message);
  }

  const title = `${s ? 'Edit' : 'Add'} ${props.kind === 'folder' ? 'export folder' : 'serial port'}`;
  const text = (k: string, label: string, hint?: string) => (
    <Field label={label} error={errors[k]} {...(hint ? { hint } : {})}>
      {(id, d) => <input id={id} aria-describedby={d} value={str(k)} onChange={(e) => set(k, e.target.value)} />}
    </Field>
  );
  const choice = (k: string, label: string, options: readonly (string | number)[], labels: Readonly<Record<string, string>> = {}) => (
    <Field label={label} error={errors[k]}>
      {(id, d) => (
        <select id={id} aria-describedby={d} value={str(k)} onChange={(e) => set(k, e.target.value)}>
          {options.map((o) => (
            <option key={o} value={String(o)}>
              {labels[String(o)] ?? String(o)}
            </option>
          ))}
        </select>
      )}
    </Field>
  );

  return createPortal(
    <dialog ref={ref} className="dialog dialog-wide" aria-label={title} onCancel={() => props.onClose()}>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <h2>{title}</h2>
        <ErrorBanner message={banner} />
        <div className="grid2">
          {text('name', 'Name', props.kind === 'folder' ? 'e.g. Cadwell exports, OR 7' : 'e.g. Anesthesia monitor')}
          {props.kind === 'folder' ? (
            text('path', 'Folder', 'Full path, e.g. D:\\IONM\\Exports or /mnt/ionm-exports')
          ) : (
            <Field label="Port" error={errors['path']} hint={ports.data && !ports.data.ok ? ports.data.message : 'e.g. COM3 or /dev/ttyUSB0'}>
              {(id, d) => (
                <>
                  <input id={id} aria-describedby={d} list={`${id}-ports`} value={str('path')} onChange={(e) => set('path', e.target.value)} />
                  <datalist id={`${id}-ports`}>{ports.data?.ok && ports.data.ports.map((p) => <option key={p.path} value={p.path}>{p.manufacturer ?? ''}</option>)}</datalist>
                </>
              )}
            </Field>
          )}
          {props.kind === 'folder' ? choice('format', 'Format', FOLDER_FORMATS, FOLDER_FORMAT_LABELS) : choice('framing', 'Data', SERIAL_FRAMINGS, SERIAL_FRAMING_LABELS)}
          {choice('encoding', 'Text encoding', TEXT_ENCODINGS)}
          {text('timeZone', 'Device clock zone', '"workstation", or e.g. America/Chicago')}
          {props.kind === 'serial' && (
            <>
              {choice('baudRate', 'Baud rate', BAUD_RATES)}
              {choice('dataBits', 'Data bits', [8, 7])}
              {choice('parity', 'Parity', ['none', 'even', 'odd'])}
              {choice('stopBits', 'Stop bits', [1, 2])}
            </>
          )}
          {props.kind === 'folder' && (
            <>
              <label className="check">
                <input type="checkbox" checked={form['includeSubfolders'] === true} onChange={(e) => set('includeSubfolders', e.target.checked)} /> Include subfolders
              </label>
              <label className="check">
                <input type="checkbox" checked={form['usePolling'] === true} onChange={(e) => set('usePolling', e.target.checked)} /> Network share (check for changes every second)
              </label>
            </>
          )}
          <Field label={props.kind === 'folder' ? 'Delimited-log profile (JSON, for "Delimited event log")' : 'Line profile (JSON; empty = each line is a note timed on arrival)'} error={errors['profile']} wide>
            {(id, d) => <textarea id={id} aria-describedby={d} rows={4} className="mono small" value={str('profile')} onChange={(e) => set('profile', e.target.value)} />}
          </Field>
          <label className="check">
            <input type="checkbox" checked={form['enabled'] === true} onChange={(e) => set('enabled', e.target.checked)} /> On (feeds the capturing case)
          </label>
        </div>
        <div className="actions">
          <button type="button" onClick={() => { ref.current?.close(); props.onClose(); }}>
            Cancel
          </button>
          <button type="submit" className="primary">
            Save
          </button>
        </div>
      </form>
    </dialog>,
    document.body,
  );
}
