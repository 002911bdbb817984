import type { CaseRecord } from './case';
import type { Person } from './person';

export type Gap = Readonly<{ field: string; message: string }>;

/**
 * What the case record still lacks for a clean claim and a complete report, in the order a
 * technologist would fill it in. Pure: people are passed in, looked up by id.
 */
export function caseRecordGaps(c: CaseRecord, people: ReadonlyMap<string, Person>): Gap[] {
  const gaps: Gap[] = [];
  const add = (field: string, message: string) => gaps.push({ field, message });

  const surgeon = c.surgeonId ? people.get(c.surgeonId) : undefined;
  const tech = c.technologistId ? people.get(c.technologistId) : undefined;
  const reader = c.physicianId ? people.get(c.physicianId) : undefined;

  if (!surgeon) add('surgeonId', 'Surgeon not set.');
  else if (!surgeon.npi) add('surgeonId', `Surgeon ${surgeon.lastName} has no NPI (needed as referring provider).`);
  if (!c.procedure.side) add('procedure.side', 'Side not set.');
  if (!c.facility) add('facility', 'Facility not set.');
  if (!tech) add('technologistId', 'Technologist not set.');
  else if (!tech.credential) add('technologistId', `Technologist ${tech.lastName} has no credential recorded.`);
  if (!reader) add('physicianId', 'Interpreting physician not set.');
  else {
    if (!reader.npi) add('physicianId', `Dr. ${reader.lastName} has no NPI (needed as rendering provider).`);
    if (!reader.credential) add('physicianId', `Dr. ${reader.lastName} has no credential recorded.`);
  }
  if (!c.readerLocation) add('readerLocation', 'Physician location (in the OR or remote) not set.');
  if (!c.payer.type) add('payer.type', 'Payer type not set.');
  if (!c.payer.name && c.payer.type !== 'self_pay') add('payer.name', 'Payer name not set.');
  if (!c.placeOfService) add('placeOfService', 'Place of service not set.');
  if (c.diagnosisCodes.length === 0) add('diagnosisCodes', 'No diagnosis code (ICD-10-CM).');
  if (!c.anesthesia.regimen) add('anesthesia.regimen', 'Anesthesia regimen not recorded.');
  return gaps;
}
