/**
 * What travels between the practice server and a workstation for signing from anywhere (#17):
 * the draft a remote physician reads, the signature and interpretation they make, and the
 * workstation's answer. One definition for both ends of the wire.
 */
export type SignableDraft = Readonly<{
  caseId: string;
  /** SHA-256 of what a signature covers besides who and when: the patient, the case and every section's text. */
  draftSha256: string;
  sections: ReadonlyArray<Readonly<{ id: string; title: string; text: string }>>;
  /** The interpretation: whether a person wrote it (else it is the draft's placeholder) and the wording the draft suggests. */
  interpretation: Readonly<{ written: boolean; suggestion: string | null }>;
  /** Why it cannot be signed yet, in words (empty: it can). */
  blockers: readonly string[];
}>;

export type RemoteSignature = Readonly<{
  id: string;
  caseId: string;
  draftSha256: string;
  signer: Readonly<{ serverUserId: string; name: string; credential: string; npi: string | null }>;
  signedAt: number;
}>;

/** The interpretation a physician wrote on the practice server, for one case. */
export type RemoteEdit = Readonly<{
  id: string;
  caseId: string;
  sectionId: 'interpretation';
  text: string;
  author: Readonly<{ serverUserId: string; name: string }>;
  at: number;
}>;

export type RemoteOutcome = Readonly<{ state: 'applied'; version: number }> | Readonly<{ state: 'refused'; reason: string }>;
