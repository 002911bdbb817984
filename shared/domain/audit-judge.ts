/**
 * Judging the audit log against its anchor and the signed reports against what their signing
 * entries recorded: pure rules and the words a reviewer reads. The hashing and the file reading
 * live with the store (electron/services/store/audit-anchor.ts, audit-repo.ts, events-digest.ts).
 */
import { localDateTime } from '../util/time';

export type ChainPoint = Readonly<{ seq: number; hash: string }>;

export type AnchorBreak = Readonly<{
  /** The log's head when the break was found. */
  seq: number;
  at: number;
  why: 'missing' | 'unreadable' | 'seal broken' | 'key missing' | 'head moved' | 'other store';
}>;

export type AnchorState = Readonly<{
  storeId: string;
  /** The chain's last entry when the anchor was written (seq 0: an empty log). */
  head: ChainPoint;
  /** The chain's last entry before the transaction that wrote `head` (equal to head when none). */
  before: ChainPoint;
  /** The entry the anchor has vouched for the log from (an older log is anchored at its head when upgraded). */
  since: ChainPoint;
  /** See audit-anchor.ts. */
  breaks: readonly AnchorBreak[];
  at: number;
}>;

export type AnchorRead =
  | Readonly<{ state: 'missing' }>
  | Readonly<{ state: 'not attached' }>
  | Readonly<{ state: 'unreadable'; why: string }>
  | Readonly<{ state: 'read'; anchor: AnchorState; seal: 'valid' | 'broken' | 'no key' | 'unsealed' }>;

export type AuditProblemKind =
  | 'chain-broken'
  | 'tail-removed'
  | 'tail-unsure'
  | 'rows-unanchored'
  | 'chain-rewritten'
  | 'anchor-missing'
  | 'anchor-unreadable'
  | 'anchor-seal-broken'
  | 'anchor-broke-before'
  | 'signed-changed'
  | 'signed-unaudited'
  | 'signed-removed'
  | 'events-changed';

export type AuditProblem = Readonly<{ kind: AuditProblemKind; message: string; seq: number | null; caseId: string | null }>;

/** The end of the walked chain: how many rows, its head, and the hash found at a given seq (walked). */
export type ChainEnd = Readonly<{ rows: number; head: ChainPoint; hashAt: (seq: number) => string | null }>;

const BREAK_WORDS: Record<AnchorBreak['why'], string> = {
  missing: 'was missing',
  unreadable: 'could not be read',
  'seal broken': 'had been altered (its seal did not match)',
  'key missing': "had lost its key (the key file was removed)",
  'head moved': 'named a different end of the log than the log had',
  'other store': "belonged to another workstation's database",
};

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/** Hold the walked chain against the anchor read beside it. */
export function judgeAnchor(end: ChainEnd, read: AnchorRead): { problems: AuditProblem[]; notes: string[] } {
  const problems: AuditProblem[] = [];
  const notes: string[] = [];
  const p = (kind: AuditProblemKind, message: string, seq: number | null = null) => problems.push({ kind, message, seq, caseId: null });
  switch (read.state) {
    case 'not attached':
      notes.push('The audit log has no anchor on this store: only its own chain was checked.');
      return { problems, notes };
    case 'missing':
      p('anchor-missing', `The audit anchor (audit-anchor.json) is missing from the data folder: whether entries were removed from the end of the log cannot be told.`);
      return { problems, notes };
    case 'unreadable':
      p('anchor-unreadable', `The audit anchor (audit-anchor.json) cannot be read (${read.why}): whether entries were removed from the end of the log cannot be told.`);
      return { problems, notes };
    case 'read':
      break;
  }
  const a = read.anchor;
  if (read.seal === 'broken') p('anchor-seal-broken', 'The audit anchor (audit-anchor.json) was altered outside Closeout: its seal does not match its content.');
  if (read.seal === 'no key') notes.push("The audit anchor's key is not on this computer (the data folder was copied or restored here): the anchor was read but its seal could not be checked.");
  if (read.seal === 'unsealed') notes.push("The audit anchor is not sealed (its key folder could not be written when it was made): its seal could not be checked.");
  for (const b of a.breaks) {
    if (b.why === 'key missing') {
      // Whoever can remove the key could as well have read it: a new key is no tampering by itself
      // (a data folder restored on another computer looks the same). The anchor's count still held.
      notes.push(`On ${localDateTime(b.at)}, at entry ${b.seq}, the audit anchor's key was not on this computer and a new one was made: the seal before then could not be checked.`);
      continue;
    }
    p('anchor-broke-before', `On ${localDateTime(b.at)}, at entry ${b.seq}, the audit anchor ${BREAK_WORDS[b.why]} and was made again: changes to the log before then may not show.`, b.seq);
  }
  const head = end.head;
  if (head.seq === a.head.seq && head.hash === a.head.hash) {
    // as left
  } else if (a.before.seq < a.head.seq && head.seq === a.before.seq && head.hash === a.before.hash) {
    p(
      'tail-unsure',
      `The last audited change (${a.head.seq - a.before.seq === 1 ? `entry ${a.head.seq}` : `entries ${a.before.seq + 1}–${a.head.seq}`}) is not in the log: it was removed, or Closeout was stopped at the instant it was being saved.`,
      a.before.seq + 1,
    );
  } else if (head.seq < a.head.seq) {
    const gone = a.head.seq - head.seq;
    p(
      'tail-removed',
      head.seq === 0
        ? `The whole audit log was removed: the anchor records ${plural(a.head.seq, 'entry', 'entries')}, the log holds none.`
        : `${plural(gone, 'entry', 'entries')} were removed from the end of the audit log: the anchor records ${a.head.seq.toLocaleString('en-US')}, the log ends at ${head.seq.toLocaleString('en-US')}.`,
      head.seq + 1,
    );
  } else if (head.seq > a.head.seq) {
    const at = end.hashAt(a.head.seq);
    if (at !== null && at !== a.head.hash) {
      p('chain-rewritten', `The audit log was rewritten: entry ${a.head.seq} is not the one the anchor records (its hashes were recomputed).`, a.head.seq);
    }
    p('rows-unanchored', `${plural(head.seq - a.head.seq, 'entry', 'entries')} (from entry ${a.head.seq + 1}) were added to the audit log outside Closeout: the anchor ends at entry ${a.head.seq}.`, a.head.seq + 1);
  } else {
    p('chain-rewritten', `The audit log was rewritten: its last entry (${head.seq}) is not the one the anchor records (its hashes were recomputed).`, head.seq);
  }
  const since = end.hashAt(a.since.seq);
  if (a.since.seq > 0 && since !== null && since !== a.since.hash && !problems.some((x) => x.kind === 'chain-rewritten')) {
    p('chain-rewritten', `The audit log was rewritten: entry ${a.since.seq} is not the one the anchor records (its hashes were recomputed).`, a.since.seq);
  }
  if (a.since.seq > 0) notes.push(`The anchor vouches for the log from entry ${a.since.seq} on (the log is older than its anchor).`);
  return { problems, notes };
}

/** The one-line verdict over every problem found. */
export function auditVerdict(rows: number, signed: number, problems: readonly AuditProblem[]): string {
  if (problems.length === 0) {
    return `The audit log is intact (${plural(rows, 'entry', 'entries')}, anchored)${signed > 0 ? `; ${plural(signed, 'signed report version')} and the events behind ${signed === 1 ? 'it' : 'them'} are as signed` : ''}.`;
  }
  return `The audit log or the signed record has been tampered with (${plural(problems.length, 'finding')}): ${problems[0]!.message}`;
}
