/**
 * What a signature vouches for besides its own text: the case's events as they were when it was
 * signed. Each event row (every column) is hashed; rows are grouped in runs of CHUNK by id, each
 * run's hash kept short (64 bits) with its first id, so the `report.sign` audit row stays small
 * (≈ 40 KB for 100,000 events) and a later check can say *which* run of events changed, not only
 * that something did. The audit row sits in the anchored chain, so the digest cannot be rewritten
 * to match an edited event without breaking the chain or the anchor's seal.
 */
import crypto from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { canonicalJson } from '../../../shared/domain/audit';

const CHUNK = 64;

export type EventsDigest = Readonly<{
  count: number;
  /** The highest event id of the case at signing; later events are not covered. */
  lastId: number;
  sha256: string;
  /** `firstId:hash16` per run of CHUNK events, in id order. */
  chunks: readonly string[];
}>;

export type ChangedRun = Readonly<{ firstId: number; lastId: number; from: number | null; to: number | null; expected: number; found: number }>;

type Row = Record<string, unknown> & { id: number; occurred_at: number };

function rowHash(r: Row): Buffer {
  return crypto.createHash('sha256').update(canonicalJson(r), 'utf8').digest();
}

function rows(db: Database, caseId: string, lastId: number): IterableIterator<Row> {
  return db.prepare('SELECT * FROM events WHERE case_id = ? AND id <= ? ORDER BY id').iterate(caseId, lastId) as IterableIterator<Row>;
}

/** The digest of the case's events now (at signing). */
export function digestEvents(db: Database, caseId: string): EventsDigest {
  const last = db.prepare('SELECT max(id) AS id FROM events WHERE case_id = ?').get(caseId) as { id: number | null };
  const lastId = last.id ?? 0;
  const chunks: string[] = [];
  const total = crypto.createHash('sha256');
  let run: crypto.Hash | null = null;
  let runFirst = 0;
  let inRun = 0;
  let count = 0;
  const close = () => {
    if (!run) return;
    const h = run.digest();
    total.update(h);
    chunks.push(`${runFirst}:${h.subarray(0, 8).toString('hex')}`);
    run = null;
    inRun = 0;
  };
  for (const r of rows(db, caseId, lastId)) {
    if (!run) {
      run = crypto.createHash('sha256');
      runFirst = r.id;
    }
    run.update(rowHash(r));
    count++;
    if (++inRun === CHUNK) close();
  }
  close();
  return { count, lastId, sha256: total.digest('hex'), chunks };
}

/** The runs whose events differ from the digest now (changed, removed or added), in id order. */
export function changedRuns(db: Database, caseId: string, d: EventsDigest): ChangedRun[] {
  const starts = d.chunks.map((c) => Number(c.split(':')[0]));
  const hashes = d.chunks.map((c) => c.split(':')[1] ?? '');
  const runOf = (id: number): number => {
    // Last run whose first id is ≤ id (-1: below the first run, where there was nothing at signing).
    let lo = 0;
    let hi = starts.length - 1;
    let at = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((starts[mid] as number) <= id) {
        at = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return at;
  };
  const lastIdOf = (i: number) => (i < 0 ? (starts[0] ?? d.lastId + 1) - 1 : i + 1 < starts.length ? (starts[i + 1] as number) - 1 : d.lastId);
  const expectedIn = (i: number) => (i < 0 ? 0 : i < starts.length - 1 ? CHUNK : d.count - CHUNK * (starts.length - 1));
  const out: ChangedRun[] = [];
  const report = (i: number, found: number, hash: string | null, from: number | null, to: number | null) => {
    if (i >= 0 && found > 0 && hash === hashes[i]) return;
    out.push({ firstId: i < 0 ? 1 : (starts[i] as number), lastId: lastIdOf(i), from, to, expected: expectedIn(i), found });
  };
  let cur = -2;
  let hash: crypto.Hash | null = null;
  let found = 0;
  let from: number | null = null;
  let to: number | null = null;
  const close = (next: number) => {
    if (cur > -2) report(cur, found, hash ? hash.digest().subarray(0, 8).toString('hex') : null, from, to);
    // Runs with no event left at all were removed whole.
    for (let i = Math.max(cur + 1, 0); i < next; i++) report(i, 0, null, null, null);
    cur = next;
    hash = null;
    found = 0;
    from = to = null;
  };
  for (const r of rows(db, caseId, d.lastId)) {
    const i = runOf(r.id);
    if (i !== cur) close(i);
    hash ??= crypto.createHash('sha256');
    hash.update(rowHash(r));
    found++;
    from = from === null ? r.occurred_at : Math.min(from, r.occurred_at);
    to = to === null ? r.occurred_at : Math.max(to, r.occurred_at);
  }
  close(starts.length);
  return out;
}
