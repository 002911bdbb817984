/**
 * From a signed report version to the MDM message's input (shared/hl7/mdm.ts): who the patient
 * is, where the case happened, which document this is (T02 for the original, T10 naming the
 * original for an addendum) and who signed it. Pure.
 */
import type { CaseRecord } from '../domain/case';
import type { Person } from '../domain/person';
import type { MdmInput, MdmProvider } from '../hl7/mdm';
import { dtFromIsoDate, dtmFromInstant } from '../hl7/dtm';
import { zoneOffsetMs } from '../util/zoned-time';
import type { MllpDestination } from './settings';

export type MdmSource = Readonly<{
  record: CaseRecord;
  surgeon: Person | null;
  physician: Person | null;
  version: Readonly<{ version: number; kind: 'original' | 'addendum'; signedAt: number; signerName: string; signerCredential: string }>;
  /** When monitoring started (TXA-4); null: the date of service. */
  activityAt: number | null;
  pdf: Uint8Array;
  controlId: string;
  now: number;
}>;

/** TXA-12 of a version: stable, so an addendum can name its original. */
export function documentNumber(caseId: string, version: number): string {
  return `${caseId}-${version}`;
}

function provider(p: Person | null, fallbackName: string, credential: string): MdmProvider {
  if (p && p.npi) return { npi: p.npi, family: p.lastName, given: p.firstName, degree: p.credential || credential };
  const parts = fallbackName.trim().split(/\s+/);
  return { npi: p?.npi ?? '', family: p?.lastName ?? parts.at(-1) ?? fallbackName, given: p?.firstName ?? parts.slice(0, -1).join(' '), degree: credential };
}

const SEX: Readonly<Record<string, 'F' | 'M' | 'O' | 'U'>> = { F: 'F', M: 'M', X: 'O', U: 'U' };

export function mdmInput(src: MdmSource, dest: MllpDestination): MdmInput {
  const { record: c, version: v } = src;
  const zone = c.timeZone;
  const dtm = (ms: number) => dtmFromInstant(ms, Math.round(zoneOffsetMs(ms, zone) / 60_000)) ?? '';
  const signer = provider(src.physician, v.signerName, v.signerCredential);
  return {
    event: v.version === 1 ? { trigger: 'T02' } : { trigger: 'T10', parentDocumentNumber: documentNumber(c.id, 1), changeReason: `Addendum ${v.version - 1}` },
    controlId: src.controlId,
    messageTime: dtm(src.now),
    settings: {
      sendingApplication: dest.sendingApplication,
      sendingFacility: dest.sendingFacility,
      receivingApplication: dest.receivingApplication,
      receivingFacility: dest.receivingFacility,
      processingId: dest.processingId,
      documentType: dest.documentType,
    },
    patient: {
      mrn: c.patient.mrn,
      assigningAuthority: dest.assigningAuthority,
      family: c.patient.lastName,
      given: c.patient.firstName,
      dateOfBirth: c.patient.dateOfBirth,
      sex: SEX[c.patient.sex] ?? 'U',
    },
    encounter: {
      patientClass: dest.patientClass,
      ...(c.facility ? { facility: c.facility } : {}),
      ...(c.orRoom ? { room: c.orRoom } : {}),
      ...(src.surgeon?.npi ? { attending: provider(src.surgeon, '', src.surgeon.credential) } : {}),
    },
    document: {
      uniqueDocumentNumber: documentNumber(c.id, v.version),
      documentType: dest.documentType,
      activityTime: src.activityAt !== null ? dtm(src.activityAt) : (dtFromIsoDate(c.dateOfService) ?? ''),
      originationTime: dtm(v.signedAt),
      originator: signer,
      authenticator: signer,
      authenticationTime: dtm(v.signedAt),
      completionStatus: 'LA',
      pdf: src.pdf,
    },
  };
}
