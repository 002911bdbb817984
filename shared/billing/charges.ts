/**
 * The charge export: one row per billable line, in the columns a billing system imports (README
 * "Charge export columns"). Pure; CSV per RFC 4180, with spreadsheet formula injection defused.
 */
import type { CaseRecord } from '../domain/case';
import type { Claim } from './scrubber';

export type ClaimStatus = 'clean' | 'overridden' | 'not_clean';

export const CHARGE_COLUMNS = [
  'case_id',
  'date_of_service',
  'patient_mrn',
  'patient_last_name',
  'patient_first_name',
  'payer_type',
  'payer_name',
  'rendering_npi',
  'referring_npi',
  'billing_npi',
  'line',
  'code',
  'modifiers',
  'units',
  'minutes',
  'icd10_codes',
  'icd10_pointers',
  'place_of_service',
  'claim_status',
  'rules_version',
] as const;
export type ChargeColumn = (typeof CHARGE_COLUMNS)[number];
export type ChargeRow = Readonly<Record<ChargeColumn, string | number | null>>;

/** A line kept out of the export, and why. */
export type WithheldLine = Readonly<{ line: number; code: string; why: string }>;

/**
 * Time lines whose minutes rest on an inferred time (no monitoring end recorded, or monitoring
 * taken from activity). An override accepts a documentation risk; it never turns an inferred time
 * into billed time: a person records the real end (a quick entry, audited) and the claim follows.
 */
export function withheldLines(claim: Claim, status: ClaimStatus): WithheldLine[] {
  if (status !== 'overridden' || !claim.billable.inferred) return [];
  return claim.lines
    .filter((l) => l.kind === 'time' && l.units > 0)
    .map((l) => ({
      line: l.line,
      code: l.code,
      why: `${l.code} is not exported: its minutes end at a time nobody recorded (no monitoring end, or monitoring taken from activity), and an override does not make inferred time billable. Record when monitoring really ended (quick entry "Monitoring end" with its time) and export again.`,
    }));
}

/** Lines with no units (e.g. under the 8-minute threshold) are not charges, nor withheld ones. */
export function chargeRows(record: CaseRecord, claim: Claim, status: ClaimStatus, billingNpi: string): ChargeRow[] {
  const withheld = new Set(withheldLines(claim, status).map((w) => w.line));
  return claim.lines
    .filter((l) => l.units > 0 && !withheld.has(l.line))
    .map((l) => ({
      case_id: record.id,
      date_of_service: claim.dateOfService,
      patient_mrn: record.patient.mrn,
      patient_last_name: record.patient.lastName,
      patient_first_name: record.patient.firstName,
      payer_type: claim.payer.type,
      payer_name: claim.payer.name,
      rendering_npi: l.renderingNpi,
      referring_npi: claim.referringNpi,
      billing_npi: billingNpi || null,
      line: l.line,
      code: l.code,
      modifiers: l.modifiers.join(' '),
      units: l.units,
      minutes: l.minutes,
      icd10_codes: claim.diagnosisCodes.join('|'),
      icd10_pointers: l.icdPointers.join('|'),
      place_of_service: l.placeOfService,
      claim_status: status,
      rules_version: claim.rulesLabel,
    }));
}

function cell(v: string | number | null): string {
  if (v === null) return '';
  let s = String(v);
  // A cell starting with = + - @ (or a tab/CR) is a formula to a spreadsheet: keep it text.
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function chargesCsv(rows: readonly ChargeRow[]): string {
  const lines = [CHARGE_COLUMNS.join(',')];
  for (const r of rows) lines.push(CHARGE_COLUMNS.map((c) => cell(r[c])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
