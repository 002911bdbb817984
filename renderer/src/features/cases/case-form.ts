import type { CaseInput, CaseRecord } from '../../../../shared/domain/case';

/**
 * The form's state: one string per control, keyed by the same dotted path the validator uses
 * for its messages, so an error lands under its field without any mapping table.
 */
export const FORM_KEYS = [
  'patient.lastName',
  'patient.firstName',
  'patient.mrn',
  'patient.dateOfBirth',
  'patient.sex',
  'procedure.description',
  'procedure.cpt',
  'procedure.side',
  'procedure.levels',
  'dateOfService',
  'facility',
  'orRoom',
  'surgeonId',
  'technologistId',
  'physicianId',
  'readerLocation',
  'payer.type',
  'payer.name',
  'placeOfService',
  'diagnosisCodes',
  'anesthesia.regimen',
  'anesthesia.detail',
] as const;
export type FormKey = (typeof FORM_KEYS)[number];
export type FormState = Record<FormKey, string>;

export function emptyForm(today: string): FormState {
  const s = Object.fromEntries(FORM_KEYS.map((k) => [k, ''])) as FormState;
  s.dateOfService = today;
  return s;
}

export function formFromRecord(c: CaseRecord): FormState {
  return {
    'patient.lastName': c.patient.lastName,
    'patient.firstName': c.patient.firstName,
    'patient.mrn': c.patient.mrn,
    'patient.dateOfBirth': c.patient.dateOfBirth,
    'patient.sex': c.patient.sex,
    'procedure.description': c.procedure.description,
    'procedure.cpt': c.procedure.cpt ?? '',
    'procedure.side': c.procedure.side ?? '',
    'procedure.levels': c.procedure.levels,
    dateOfService: c.dateOfService,
    facility: c.facility,
    orRoom: c.orRoom,
    surgeonId: c.surgeonId ?? '',
    technologistId: c.technologistId ?? '',
    physicianId: c.physicianId ?? '',
    readerLocation: c.readerLocation ?? '',
    'payer.type': c.payer.type ?? '',
    'payer.name': c.payer.name,
    placeOfService: c.placeOfService ?? '',
    diagnosisCodes: c.diagnosisCodes.join(', '),
    'anesthesia.regimen': c.anesthesia.regimen ?? '',
    'anesthesia.detail': c.anesthesia.detail,
  };
}

const orNull = (s: string) => (s.trim() === '' ? null : s);

export function formToInput(s: FormState): CaseInput {
  return {
    patient: {
      lastName: s['patient.lastName'],
      firstName: s['patient.firstName'],
      mrn: s['patient.mrn'],
      dateOfBirth: s['patient.dateOfBirth'],
      sex: s['patient.sex'] as NonNullable<CaseInput['patient']>['sex'],
    },
    procedure: {
      description: s['procedure.description'],
      cpt: orNull(s['procedure.cpt']),
      side: orNull(s['procedure.side']),
      levels: s['procedure.levels'],
    },
    dateOfService: s.dateOfService,
    facility: s.facility,
    orRoom: s.orRoom,
    surgeonId: orNull(s.surgeonId),
    technologistId: orNull(s.technologistId),
    physicianId: orNull(s.physicianId),
    readerLocation: orNull(s.readerLocation),
    payer: { type: orNull(s['payer.type']), name: s['payer.name'] },
    placeOfService: orNull(s.placeOfService),
    diagnosisCodes: s.diagnosisCodes
      .split(/[\s,;]+/)
      .map((x) => x.trim())
      .filter(Boolean),
    anesthesia: {
      regimen: orNull(s['anesthesia.regimen']),
      detail: s['anesthesia.detail'],
    },
  };
}

/** Validator paths like "diagnosisCodes.2" belong to the "diagnosisCodes" control. */
export function errorsByControl(fields: Readonly<Record<string, string>>): Partial<Record<FormKey, string>> {
  const out: Partial<Record<FormKey, string>> = {};
  for (const [path, message] of Object.entries(fields)) {
    const key = FORM_KEYS.find((k) => path === k || path.startsWith(`${k}.`));
    if (key && !out[key]) out[key] = message;
  }
  return out;
}
