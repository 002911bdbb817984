/**
 * Where the workstation stands with the practice server (#17), as the status bar and
 * `closeout sync status` say it: synced, N waiting, or unreachable since a time. The OR never
 * waits for it: capture, draft, claim and local signing go on whatever it says.
 */
export type SyncState = 'off' | 'synced' | 'waiting' | 'unreachable' | 'revoked';

export type SyncStatus = Readonly<{
  state: SyncState;
  /** Records not yet acknowledged by the server (case records, events, audit rows). */
  waiting: number;
  /** When the server stopped answering (epoch ms); null while it answers. */
  unreachableSince: number | null;
  /** When everything was last acknowledged (epoch ms). */
  lastSyncedAt: number | null;
  server: Readonly<{ url: string; workstationName: string; fingerprint: string }> | null;
  /** The last failure, in words (no PHI): "connection refused", "certificate changed". */
  problem: string | null;
}>;

function hhmm(ms: number, timeZone?: string): string {
  return new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hour12: false, ...(timeZone ? { timeZone } : {}) }).format(ms);
}

/** One line for a tired technologist: what it means and whether anything is needed from them. */
export function describeSync(s: SyncStatus, timeZone?: string): string {
  switch (s.state) {
    case 'off':
      return 'Not joined to a practice server (this workstation works on its own).';
    case 'synced':
      return 'Synced with the practice server.';
    case 'waiting':
      return `${s.waiting.toLocaleString('en-US')} waiting to go to the practice server.`;
    case 'unreachable':
      return `Practice server unreachable since ${s.unreachableSince === null ? '?' : hhmm(s.unreachableSince, timeZone)}; ${s.waiting.toLocaleString('en-US')} waiting. Work goes on here; it catches up when the server is back.`;
    case 'revoked':
      return 'The practice server no longer accepts this workstation (its enrollment was revoked). Work goes on here; ask the administrator for a new enrollment code.';
  }
}
