/**
 * MDM (medical document management) messages that hand a signed IONM report, as a PDF, to the
 * hospital's document system: MDM^T02 "original document notification and content" and
 * MDM^T10 "document replacement notification and content" (a corrected or amended report that
 * supersedes an earlier one, named in TXA-13). Both use message structure MDM_T02 in v2.5.1.
 *
 * HL7 also defines T06 "addendum notification and content"; many receivers only accept T02/T10,
 * so an addendum is sent as a T10 replacement carrying the whole amended PDF.
 *
 * Field choices (v2.5.1 chapter 9), WHY where it is not obvious:
 * - MSH-18 "UNICODE UTF-8": names are written as-is (Zoë, Łukasz, 王伟), so we say how.
 * - PID-3 MRN^^^authority^MR: an MRN means nothing without the facility that assigned it.
 * - XCN for providers: NPI^family^given^middle^^^degree^^NPI&2.16.840.1.113883.4.6&ISO^L^^^NPI,
 *   i.e. the NPI with its assigning authority (the CMS NPI OID) and identifier type NPI.
 * - TXA-10 (assigned authenticator) and TXA-22 (who authenticated, and when, as PPN with the
 *   time in component 15) both name the signing physician: TXA-10 alone does not say it was done.
 * - OBX-5 ED as "^application^pdf^Base64^<data>": source app empty, MIME type/subtype, base64.
 *   The standard's tables 0191/0291 would say "AP^PDF"; receivers (and IHE XDS-MS-style
 *   interfaces) overwhelmingly expect the MIME form, which is what we send.
 *
 * Builders validate and return `{ ok: false, reason }`; reasons name the field, never its value
 * (values are PHI).
 */
import { isValidNpi } from '../domain/identifiers';
import { assertNever } from '../util/assert-never';
import { base64Encode } from './base64';
import { buildMessage, type Hl7ComponentInput, type Hl7FieldInput, type SegmentSpec } from './build';
import { dtFromIsoDate, parseDtm } from './dtm';

export type MdmProvider = Readonly<{ npi: string; family: string; given: string; middle?: string; degree?: string }>;

export type MdmPatient = Readonly<{
  mrn: string;
  /** PID-3.4: the facility/system that issued the MRN, as the hospital names it. */
  assigningAuthority: string;
  family: string;
  given: string;
  middle?: string;
  /** "YYYY-MM-DD". */
  dateOfBirth?: string;
  /** Table 0001. */
  sex?: 'F' | 'M' | 'O' | 'U' | 'A' | 'N';
}>;

export type MdmEncounter = Readonly<{
  /** PV1-2, table 0004: I inpatient, O outpatient, E emergency, … */
  patientClass: string;
  facility?: string;
  pointOfCare?: string;
  room?: string;
  bed?: string;
  attending?: MdmProvider;
  consulting?: readonly MdmProvider[];
  /** PV1-19, when the hospital gave us one. */
  visitNumber?: string;
}>;

export type MdmDocument = Readonly<{
  /** TXA-12: ours, unique per document version; a replacement gets a new one. */
  uniqueDocumentNumber: string;
  /** TXA-2; defaults to the settings' document type, then "IONM". */
  documentType?: string;
  /** TXA-3: AP (application data, our PDF) by default. */
  contentPresentation?: 'AP' | 'TX';
  /** DTM (see dtm.ts). TXA-4: when the monitored procedure happened. */
  activityTime: string;
  /** TXA-6: when the report was created. */
  originationTime: string;
  /** TXA-7, if the report was transcribed. */
  transcriptionTime?: string;
  /** TXA-5; defaults to the authenticator (the interpreting physician performed the activity). */
  primaryProvider?: MdmProvider;
  /** TXA-9: who wrote the report. */
  originator: MdmProvider;
  /** TXA-10 and TXA-22: the signing physician. */
  authenticator: MdmProvider;
  /** TXA-22.15: when they signed (DTM). */
  authenticationTime: string;
  /** TXA-17: AU authenticated, LA legally authenticated. */
  completionStatus: 'AU' | 'LA';
  pdf: Uint8Array;
}>;

export type MdmSettings = Readonly<{
  sendingApplication: string;
  sendingFacility: string;
  receivingApplication: string;
  receivingFacility: string;
  /** MSH-11; P (production) unless the interface team asks for T. */
  processingId?: 'P' | 'T' | 'D';
  documentType?: string;
  /** OBX-3; defaults to the document type with a descriptive text, local code system "L". */
  documentIdentifier?: Readonly<{ code: string; text: string; system: string }>;
}>;

export type MdmEvent =
  | Readonly<{ trigger: 'T02' }>
  | Readonly<{ trigger: 'T10'; parentDocumentNumber: string; changeReason?: string }>;

export type MdmInput = Readonly<{
  event: MdmEvent;
  /** MSH-10: unique per message (a resend of the same message keeps it; a new message does not). */
  controlId: string;
  /** MSH-7 and EVN-2 (DTM). */
  messageTime: string;
  settings: MdmSettings;
  patient: MdmPatient;
  encounter: MdmEncounter;
  document: MdmDocument;
}>;

export type MdmBuildResult = Readonly<{ ok: true; message: string }> | Readonly<{ ok: false; reason: string }>;

const NPI_AUTHORITY = ['NPI', '2.16.840.1.113883.4.6', 'ISO'] as const;
/** v2.5.1 MSH-10 is ST(20): longer ids get truncated by strict receivers and then never match MSA-2. */
const MAX_CONTROL_ID = 20;

/** Build an MDM^T02 or MDM^T10 (v2.5.1) carrying the PDF, or say which input is unusable. */
export function buildMdm(input: MdmInput): MdmBuildResult {
  const problem = validate(input);
  if (problem) return { ok: false, reason: problem };
  const { event, settings: s, patient: p, encounter: e, document: doc } = input;
  const documentType = doc.documentType ?? s.documentType ?? 'IONM';
  const docId = s.documentIdentifier ?? { code: documentType, text: 'Intraoperative neurophysiological monitoring report', system: 'L' };

  const txa: Record<number, Hl7FieldInput> = {
    1: '1',
    2: documentType,
    3: doc.contentPresentation ?? 'AP',
    4: doc.activityTime,
    5: xcn(doc.primaryProvider ?? doc.authenticator),
    6: doc.originationTime,
    7: doc.transcriptionTime,
    9: xcn(doc.originator),
    10: xcn(doc.authenticator),
    12: doc.uniqueDocumentNumber,
    17: doc.completionStatus,
    19: 'AV',
    22: [...xcn(doc.authenticator), '', doc.authenticationTime],
  };
  switch (event.trigger) {
    case 'T02':
      break;
    case 'T10':
      txa[13] = event.parentDocumentNumber;
      txa[21] = event.changeReason;
      break;
    default:
      return assertNever(event, 'MDM event');
  }

  const segments: SegmentSpec[] = [
    {
      id: 'MSH',
      fields: {
        3: s.sendingApplication,
        4: s.sendingFacility,
        5: s.receivingApplication,
        6: s.receivingFacility,
        7: input.messageTime,
        9: ['MDM', event.trigger, 'MDM_T02'],
        10: input.controlId,
        11: s.processingId ?? 'P',
        12: '2.5.1',
        18: 'UNICODE UTF-8',
      },
    },
    { id: 'EVN', fields: { 1: event.trigger, 2: input.messageTime } },
    {
      id: 'PID',
      fields: {
        1: '1',
        3: [p.mrn, '', '', p.assigningAuthority, 'MR'],
        5: [p.family, p.given, p.middle ?? ''],
        7: p.dateOfBirth ? dtFromIsoDate(p.dateOfBirth) : undefined,
        8: p.sex,
      },
    },
    {
      id: 'PV1',
      fields: {
        1: '1',
        2: e.patientClass,
        3: [e.pointOfCare ?? '', e.room ?? '', e.bed ?? '', e.facility ?? ''],
        7: e.attending ? xcn(e.attending) : undefined,
        9: e.consulting && e.consulting.length > 0 ? { reps: e.consulting.map(xcn) } : undefined,
        19: e.visitNumber,
      },
    },
    { id: 'TXA', fields: txa },
    {
      id: 'OBX',
      fields: {
        1: '1',
        2: 'ED',
        3: [docId.code, docId.text, docId.system],
        5: ['', 'application', 'pdf', 'Base64', base64Encode(doc.pdf)],
        11: 'F',
      },
    },
  ];
  return { ok: true, message: buildMessage(segments) };
}

function xcn(p: MdmProvider): Hl7ComponentInput[] {
  return [p.npi, p.family, p.given, p.middle ?? '', '', '', p.degree ?? '', '', NPI_AUTHORITY, 'L', '', '', 'NPI'];
}

function validate(input: MdmInput): string | null {
  const { event, settings: s, patient: p, encounter: e, document: d } = input;
  const blank = (v: string | undefined): boolean => v === undefined || v.trim() === '';
  if (blank(input.controlId)) return 'controlId is empty';
  if (input.controlId.length > MAX_CONTROL_ID) return `controlId is longer than ${MAX_CONTROL_ID} characters (MSH-10 in v2.5.1)`;
  for (const k of ['sendingApplication', 'sendingFacility', 'receivingApplication', 'receivingFacility'] as const) {
    if (blank(s[k])) return `settings.${k} is empty`;
  }
  if (blank(p.mrn)) return 'patient.mrn is empty';
  if (blank(p.assigningAuthority)) return 'patient.assigningAuthority is empty';
  if (blank(p.family)) return 'patient.family is empty';
  if (p.dateOfBirth !== undefined && dtFromIsoDate(p.dateOfBirth) === null) return 'patient.dateOfBirth is not a valid YYYY-MM-DD date';
  if (blank(e.patientClass)) return 'encounter.patientClass is empty';
  const providers: [string, MdmProvider | undefined][] = [
    ['encounter.attending', e.attending],
    ...(e.consulting ?? []).map((c, i): [string, MdmProvider] => [`encounter.consulting[${i}]`, c]),
    ['document.primaryProvider', d.primaryProvider],
    ['document.originator', d.originator],
    ['document.authenticator', d.authenticator],
  ];
  for (const [where, prov] of providers) {
    if (!prov) continue;
    if (!isValidNpi(prov.npi)) return `${where}.npi is not a valid NPI`;
    if (blank(prov.family)) return `${where}.family is empty`;
  }
  const times: [string, string | undefined][] = [
    ['messageTime', input.messageTime],
    ['document.activityTime', d.activityTime],
    ['document.originationTime', d.originationTime],
    ['document.transcriptionTime', d.transcriptionTime],
    ['document.authenticationTime', d.authenticationTime],
  ];
  for (const [where, t] of times) {
    if (t === undefined && where === 'document.transcriptionTime') continue;
    const parsed = t === undefined ? null : parseDtm(t);
    if (!parsed || parsed.precision === 'year' || parsed.precision === 'month') return `${where} is not an HL7 date/time (YYYYMMDD[HHMM[SS]][+/-ZZZZ])`;
  }
  if (blank(d.uniqueDocumentNumber)) return 'document.uniqueDocumentNumber is empty';
  if (d.pdf.length < 5 || String.fromCharCode(...d.pdf.subarray(0, 5)) !== '%PDF-') return 'document.pdf does not start with %PDF-';
  if (event.trigger === 'T10') {
    if (blank(event.parentDocumentNumber)) return 'event.parentDocumentNumber is empty';
    if (event.parentDocumentNumber === d.uniqueDocumentNumber) return 'a replacement needs its own uniqueDocumentNumber, different from the parent';
  }
  return null;
}
