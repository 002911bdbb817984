/**
 * Closed vocabularies of the case record, with the labels the UI shows. Stored values are stable
 * identifiers; labels may change freely.
 */

export const CASE_STATUSES = ['open', 'capturing', 'closed', 'signed', 'sent', 'amended'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];
export const CASE_STATUS_LABELS: Readonly<Record<CaseStatus, string>> = {
  open: 'Open',
  capturing: 'Capturing',
  closed: 'Closed',
  signed: 'Signed',
  sent: 'Sent',
  amended: 'Amended',
};

export const SEXES = ['F', 'M', 'X', 'U'] as const;
export type Sex = (typeof SEXES)[number];
export const SEX_LABELS: Readonly<Record<Sex, string>> = {
  F: 'Female',
  M: 'Male',
  X: 'Other / non-binary',
  U: 'Unknown',
};

export const SIDES = ['left', 'right', 'bilateral', 'midline', 'not_applicable'] as const;
export type Side = (typeof SIDES)[number];
export const SIDE_LABELS: Readonly<Record<Side, string>> = {
  left: 'Left',
  right: 'Right',
  bilateral: 'Bilateral',
  midline: 'Midline',
  not_applicable: 'Not applicable',
};

export const PAYER_TYPES = ['medicare_ffs', 'medicare_advantage', 'medicaid', 'commercial', 'self_pay'] as const;
export type PayerType = (typeof PAYER_TYPES)[number];
export const PAYER_TYPE_LABELS: Readonly<Record<PayerType, string>> = {
  medicare_ffs: 'Medicare (fee-for-service)',
  medicare_advantage: 'Medicare Advantage',
  medicaid: 'Medicaid',
  commercial: 'Commercial',
  self_pay: 'Self-pay',
};

export const READER_LOCATIONS = ['in_room', 'remote'] as const;
export type ReaderLocation = (typeof READER_LOCATIONS)[number];
export const READER_LOCATION_LABELS: Readonly<Record<ReaderLocation, string>> = {
  in_room: 'In the OR',
  remote: 'Remote (live connection)',
};

export const ANESTHESIA_REGIMENS = ['tiva', 'volatile', 'mixed', 'regional_sedation', 'other'] as const;
export type AnesthesiaRegimen = (typeof ANESTHESIA_REGIMENS)[number];
export const ANESTHESIA_REGIMEN_LABELS: Readonly<Record<AnesthesiaRegimen, string>> = {
  tiva: 'TIVA (propofol / opioid)',
  volatile: 'Volatile agent',
  mixed: 'TIVA + low-dose volatile',
  regional_sedation: 'Regional / sedation',
  other: 'Other',
};

/** Common surgical places of service (CMS POS code set); any two-digit code is accepted. */
export const PLACE_OF_SERVICE_LABELS: Readonly<Record<string, string>> = {
  '21': '21 Inpatient hospital',
  '22': '22 On-campus outpatient hospital',
  '19': '19 Off-campus outpatient hospital',
  '24': '24 Ambulatory surgical center',
  '11': '11 Office',
};

export const PERSON_ROLES = ['technologist', 'physician', 'surgeon'] as const;
export type PersonRole = (typeof PERSON_ROLES)[number];
export const PERSON_ROLE_LABELS: Readonly<Record<PersonRole, string>> = {
  technologist: 'Technologist',
  physician: 'Interpreting physician',
  surgeon: 'Surgeon',
};
