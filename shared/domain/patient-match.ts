/**
 * Does a device file belong to this case's patient? Device headers carry patient identity (EDF+
 * patient subfield, Cadwell PatientID and names). A file from another patient must not feed this
 * case's report and claim, so a clear mismatch holds the file until a person decides.
 */
import { foldForSearch } from './case-list';

export type FilePatient = Readonly<{
  id?: string | null;
  lastName?: string | null;
  firstName?: string | null;
  /** Full name when the format does not split it (EDF+: "Last_First" or "Last, First"). */
  name?: string | null;
  birthDate?: string | null;
}>;

export type CasePatient = Readonly<{ lastName: string; firstName: string; mrn: string; dateOfBirth: string }>;

export type PatientVerdict = Readonly<{ verdict: 'match' | 'mismatch' | 'unknown'; differs: readonly ('id' | 'name' | 'birthDate')[] }>;

const unknownValue = (s: string | null | undefined): boolean => !s || /^(x|unknown|anonymous|none|n\/a|-+)$/i.test(s.trim());
const norm = (s: string) => foldForSearch(s).replace(/[^a-z0-9]+/g, '');

/** Mismatch only on positive evidence: an identifier, a name or a birth date that is present and differs. */
export function matchPatient(c: CasePatient, f: FilePatient): PatientVerdict {
  const differs: Array<'id' | 'name' | 'birthDate'> = [];
  let compared = 0;
  if (!unknownValue(f.id)) {
    compared++;
    // Sites pad or prefix MRNs ("000123" vs "123"): compare without leading zeros and separators.
    const a = norm(f.id as string).replace(/^0+/, '');
    const b = norm(c.mrn).replace(/^0+/, '');
    if (a !== b) differs.push('id');
  }
  const last = !unknownValue(f.lastName) ? (f.lastName as string) : null;
  const full = !unknownValue(f.name) ? (f.name as string) : null;
  if (last || full) {
    compared++;
    const caseLast = norm(c.lastName);
    const ok = last ? norm(last) === caseLast : norm(full as string).includes(caseLast);
    if (!ok) differs.push('name');
  }
  if (!unknownValue(f.birthDate) && /^\d{4}-\d{2}-\d{2}$/.test(f.birthDate as string)) {
    compared++;
    if (f.birthDate !== c.dateOfBirth) differs.push('birthDate');
  }
  return { verdict: compared === 0 ? 'unknown' : differs.length ? 'mismatch' : 'match', differs };
}

/** Plain words for the held-file message, naming what differs but never the values (PHI). */
export function mismatchMessage(differs: readonly ('id' | 'name' | 'birthDate')[]): string {
  const what = differs.map((d) => ({ id: 'patient ID/MRN', name: 'name', birthDate: 'date of birth' })[d]);
  const list = what.length > 1 ? `${what.slice(0, -1).join(', ')} and ${what[what.length - 1]}` : (what[0] ?? 'identity');
  return `This file names a different patient (its ${list} differ${what.length === 1 ? 's' : ''} from this case). It was not added. If it does belong to this case, choose "Add anyway".`;
}
