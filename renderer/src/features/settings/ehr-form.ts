/**
 * Settings → EHR as a form: numbers kept as typed text until saved, four address lines, and
 * each destination with a local key (its id can be edited). Converting back gives the
 * EhrSettingsInput the backend validates; errors come back keyed by the same dotted paths
 * (`settings.destinations.1.port`), so they land under their field.
 */
import { FolderDestinationSchema, MllpDestinationSchema, type Destination, type EhrSettings, type EhrSettingsInput, type Letterhead } from '../../../../shared/ehr/settings';

export type FolderForm = {
  kind: 'folder';
  id: string;
  name: string;
  enabled: boolean;
  path: string;
  fileNamePattern: string;
  sidecar: 'none' | 'json' | 'xml';
};
export type MllpForm = {
  kind: 'mllp';
  id: string;
  name: string;
  enabled: boolean;
  host: string;
  port: string;
  tls: boolean;
  caPem: string;
  timeoutSeconds: string;
  maxAttempts: string;
  sendingApplication: string;
  sendingFacility: string;
  receivingApplication: string;
  receivingFacility: string;
  processingId: 'P' | 'T' | 'D';
  documentType: string;
  assigningAuthority: string;
  patientClass: string;
};
export type DestinationForm = FolderForm | MllpForm;
export type DestinationRow = { key: number; open: boolean; /** Id follows the name until someone edits it. */ autoId: boolean; form: DestinationForm };
export type LetterheadForm = { practiceName: string; addressLines: [string, string, string, string]; phone: string; logo: Letterhead['logo'] };
export type EhrDraft = { letterhead: LetterheadForm; rows: DestinationRow[] };

export const MAX_LOGO_BYTES = 500 * 1024;

let nextKey = 1;
const key = () => nextKey++;

/** The schema's own default for a field, so the form and the backend never disagree. */
const folderDefault = <K extends keyof typeof FolderDestinationSchema.shape>(k: K) => FolderDestinationSchema.shape[k].parse(undefined);
const mllpDefault = <K extends keyof typeof MllpDestinationSchema.shape>(k: K) => MllpDestinationSchema.shape[k].parse(undefined);

export function newFolder(): DestinationRow {
  return {
    key: key(),
    open: true,
    autoId: true,
    form: { kind: 'folder', id: '', name: '', enabled: true, path: '', fileNamePattern: folderDefault('fileNamePattern') as string, sidecar: folderDefault('sidecar') as FolderForm['sidecar'] },
  };
}

export function newMllp(): DestinationRow {
  return {
    key: key(),
    open: true,
    autoId: true,
    form: {
      kind: 'mllp',
      id: '',
      name: '',
      enabled: true,
      host: '',
      port: '',
      tls: mllpDefault('tls') as boolean,
      caPem: '',
      timeoutSeconds: String(mllpDefault('timeoutSeconds')),
      maxAttempts: String(mllpDefault('maxAttempts')),
      sendingApplication: mllpDefault('sendingApplication') as string,
      sendingFacility: mllpDefault('sendingFacility') as string,
      receivingApplication: '',
      receivingFacility: '',
      processingId: mllpDefault('processingId') as MllpForm['processingId'],
      documentType: mllpDefault('documentType') as string,
      assigningAuthority: '',
      patientClass: mllpDefault('patientClass') as string,
    },
  };
}

function formOf(d: Destination): DestinationForm {
  if (d.kind === 'folder') return { ...d };
  return { ...d, port: String(d.port), caPem: d.caPem ?? '', timeoutSeconds: String(d.timeoutSeconds), maxAttempts: String(d.maxAttempts) };
}

export function draftOf(s: EhrSettings): EhrDraft {
  const l = s.letterhead.addressLines;
  return {
    letterhead: { practiceName: s.letterhead.practiceName, addressLines: [l[0] ?? '', l[1] ?? '', l[2] ?? '', l[3] ?? ''], phone: s.letterhead.phone, logo: s.letterhead.logo },
    rows: s.destinations.map((d) => ({ key: key(), open: false, autoId: false, form: formOf(d) })),
  };
}

/** A destination id from its name: "Epic MDM (test)" → "epic-mdm-test". */
export function idFromName(name: string, kind: DestinationForm['kind']): string {
  const slug = name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 41)
    .replace(/-+$/, '');
  return slug || (kind === 'folder' ? 'folder' : 'hl7');
}

export type Converted = Readonly<{ ok: true; settings: EhrSettingsInput } | { ok: false; fields: Record<string, string> }>;

const WHOLE = /^\s*\d{1,6}\s*$/;

/**
 * The form as settings to save. Only what the form itself can tell is checked here (a number
 * field holding text); everything else is the backend's schema's job.
 */
export function settingsOf(d: EhrDraft): Converted & { addressIndex: readonly number[] } {
  const fields: Record<string, string> = {};
  const destinations = d.rows.map(({ form: f }, i) => {
    if (f.kind === 'folder') return { ...f };
    const num = (name: 'port' | 'timeoutSeconds' | 'maxAttempts') => {
      if (WHOLE.test(f[name])) return Number(f[name]);
      fields[`settings.destinations.${i}.${name}`] = name === 'port' ? 'Give the port as a number, e.g. 6661.' : 'Give a whole number.';
      return 0;
    };
    return { ...f, port: num('port'), timeoutSeconds: num('timeoutSeconds'), maxAttempts: num('maxAttempts'), caPem: f.caPem.trim() ? f.caPem : null };
  });
  // Empty address lines are left out; remember which input each sent line came from.
  const addressIndex = d.letterhead.addressLines.flatMap((l, i) => (l.trim() ? [i] : []));
  const settings: EhrSettingsInput = {
    letterhead: { ...d.letterhead, addressLines: addressIndex.map((i) => d.letterhead.addressLines[i]!) },
    destinations,
  };
  return Object.keys(fields).length > 0 ? { ok: false, fields, addressIndex } : { ok: true, settings, addressIndex };
}

/** Is this (base64 of a) PNG or JPEG? Their first bytes say, whatever the file was called. */
export function logoType(base64: string): 'png' | 'jpeg' | null {
  if (base64.startsWith('iVBORw0KGgo')) return 'png';
  if (base64.startsWith('/9j/')) return 'jpeg';
  return null;
}
