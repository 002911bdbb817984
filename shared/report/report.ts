/**
 * The report as shown, edited and signed: the draft's sections with a person's edits laid over,
 * and the signed versions. The signed content is canonical JSON; its SHA-256 is the signature's
 * content hash, so any later change to a signed report is detectable.
 */
import { z } from 'zod';
import type { CaseFacts } from './facts';
import { SECTION_IDS, type SectionId } from './draft';

export type SectionOrigin = 'draft' | 'person' | 'ai';

export type ReportSection = Readonly<{
  id: SectionId;
  title: string;
  /** What the report says now. */
  text: string;
  /** What the deterministic draft says now. */
  generatedText: string;
  origin: SectionOrigin;
  edited: Readonly<{ by: string; at: number }> | null;
  /** Edited by a person, and the draft for this section has changed since (new facts arrived). */
  changedSinceEdit: boolean;
  gaps: readonly string[];
  eventIds: readonly number[];
  /** Wording the draft offers for a person to adopt or change (the interpretation); never signed by itself. */
  suggestion: string | null;
}>;

export type ReportVersion = Readonly<{
  version: number;
  kind: 'original' | 'addendum';
  signerName: string;
  signerCredential: string;
  signedAt: number;
  contentSha256: string;
  /** Original: the sections as signed. Addendum: its text. */
  sections: ReadonlyArray<Readonly<{ id: string; title: string; text: string }>>;
  addendumText: string | null;
}>;

export type Report = Readonly<{
  caseId: string;
  facts: CaseFacts;
  sections: readonly ReportSection[];
  gaps: readonly string[];
  versions: readonly ReportVersion[];
  /** Signed: the sections can no longer change; changes are addenda. */
  locked: boolean;
}>;

export const SectionIdSchema = z.enum(SECTION_IDS);

/** What a signature covers. Field order does not matter: the hash input is canonical JSON. */
export type SignedContent = Readonly<{
  caseId: string;
  version: number;
  kind: 'original' | 'addendum';
  patient: Readonly<{ lastName: string; firstName: string; mrn: string; dateOfBirth: string }>;
  dateOfService: string;
  procedure: string;
  sections: ReadonlyArray<Readonly<{ id: string; title: string; text: string }>>;
  addendumText: string | null;
  parentSha256: string | null;
  signer: Readonly<{ userId: string; name: string; credential: string }>;
  signedAt: number;
}>;

export type { SectionId };
