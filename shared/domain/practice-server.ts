/**
 * What the practice server's page reads (#17): one definition for the server that answers and
 * the page that shows it.
 */
import type { RemoteActionKind } from './remote-signing';

/** Where something asked on the server stands on its workstation. */
export type RemoteState = 'pending' | 'applied' | 'refused';

/** A case waiting for a physician's signature, on any workstation. */
export type QueueEntry = Readonly<{ caseId: string; workstation: string; patient: string; procedure: string; dateOfService: string; closedAt: number; waitingHours: number }>;

/** The last request of one kind made on the server for a claim, and its workstation's answer. */
export type LastRequest = Readonly<{ state: string; by: string; reason: string | null }>;

export type WorklistClaim = Readonly<{
  caseId: string;
  workstation: string;
  patient: string;
  dateOfService: string;
  /** Whole days since the date of service (UTC calendar). */
  ageDays: number;
  /** May be exported: clean, or overridden (the workstation's claim index says so). */
  clean: boolean;
  blocking: number;
  warnings: number;
  /** The scrubber's findings (rule ids), as the workstation last computed them. */
  findings: readonly string[];
  minutes: number;
  caseStatus: string;
  /** Overridden on its workstation: it goes out with the charge export although its findings block. */
  overridden: boolean;
  /** The last override asked on the server: waiting for the workstation, applied, or refused with why. */
  override: LastRequest | null;
  /** The billing answers as the workstation last sent them (null: not sent yet). */
  details: unknown;
  /** The last answering asked on the server. */
  answers: LastRequest | null;
}>;

/** A signed version as signed: the original's sections, or an addendum's text. */
export type SignedVersionView = Readonly<{
  version: number;
  kind: 'original' | 'addendum';
  signerName: string;
  signerCredential: string;
  signedAt: number;
  sections: ReadonlyArray<Readonly<{ id: string; title: string; text: string }>>;
  addendumText: string | null;
}>;

/** An addendum, override or answers made on the server for a case, and its workstation's answer. */
export type ActionState = Readonly<{ id: string; kind: RemoteActionKind; authorName: string; at: number; state: RemoteState; version: number | null; reason: string | null }>;
