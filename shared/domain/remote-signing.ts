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

/** Who did something on the practice server (authenticated there: password and second factor). */
export type RemoteAuthor = Readonly<{ serverUserId: string; name: string; credential: string; npi: string | null }>;

/**
 * Something a person did on the practice server for one case, applied on its workstation in
 * their name (or refused there, with why):
 * - `addendum`: the interpreting physician's addendum to the signed report, signed with their
 *   password; `afterVersion` is the last signed version they read.
 * - `claimOverride`: a biller lets a claim that is not clean be exported, with a reason; `rules`
 *   are the scrubber's findings they read (a claim that has other blocking findings by the time it
 *   is applied is refused: nobody overrides what they did not see).
 * - `billingDetails`: the office answers what the claim needs and no device says (limbs, EMG
 *   extremities, the surgeon's order…); `before` is the answers as they read them (changed on the
 *   workstation since: refused, to be read again).
 */
export type RemoteAction = Readonly<{ id: string; caseId: string; author: RemoteAuthor; at: number }> &
  (
    | Readonly<{ kind: 'addendum'; text: string; afterVersion: number }>
    | Readonly<{ kind: 'claimOverride'; reason: string; rules: readonly string[] }>
    | Readonly<{ kind: 'billingDetails'; details: unknown; before: unknown }>
  );

export type RemoteActionKind = RemoteAction['kind'];

/**
 * The practice's billing settings as an administrator set them on the practice server, for every
 * workstation: its role and NPI, and/or the scrubber's rule sets (documents as the workstation's
 * own billing settings take them). `version` rises with each save.
 */
export type PracticeBillingSettings = Readonly<{ version: number; setBy: string; at: number; practice?: unknown; ruleSets?: unknown }>;

/** Where reports go (the workstation's EHR settings document), as an administrator set it on the server for every workstation. */
export type PracticeEhrSettings = Readonly<{ version: number; setBy: string; at: number; settings: unknown }>;

/** A physician of the practice as the server knows them (an account with an NPI), for the workstations' people lists. */
export type PracticePhysician = Readonly<{ serverUserId: string; name: string; credential: string; npi: string }>;
