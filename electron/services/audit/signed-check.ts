/**
 * Every signed report version held against what its signing entry in the audit log recorded: the
 * hash of the signed text, and the digest of the case's events at that moment. The signing entry
 * is in the anchored chain, so an edit made with the triggers dropped, and its hashes recomputed,
 * still shows here (or breaks the chain, or the anchor's seal).
 */
import { createHash } from 'node:crypto';
import type { AuditEntry } from '../../../shared/domain/audit';
import type { AuditProblem } from '../../../shared/domain/audit-judge';
import { localDateTime } from '../../../shared/util/time';
import { changedRuns, type EventsDigest } from '../store/events-digest';
import type { Store } from '../store/store';

export type SignedCheck = Readonly<{ versions: number; problems: AuditProblem[]; notes: string[] }>;

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function isDigest(v: unknown): v is EventsDigest {
  const d = v as EventsDigest | null;
  return !!d && typeof d === 'object' && typeof d.count === 'number' && typeof d.lastId === 'number' && Array.isArray(d.chunks);
}

export function checkSignedVersions(store: Store, onlyCase?: string): SignedCheck {
  const problems: AuditProblem[] = [];
  const notes: string[] = [];
  const p = (caseId: string, kind: AuditProblem['kind'], message: string, seq: number | null = null) => problems.push({ kind, message, seq, caseId });
  const signings = new Map<string, AuditEntry>();
  for (const e of store.audit.signings()) {
    if (!e.caseId || (onlyCase && e.caseId !== onlyCase)) continue;
    signings.set(`${e.caseId}#${String(e.detail['version'])}`, e);
  }
  const cases = onlyCase ? [onlyCase] : store.report.signedCaseIds();
  let versions = 0;
  let legacy = 0;
  for (const caseId of cases) {
    for (const v of store.report.versions(caseId)) {
      versions++;
      const key = `${caseId}#${v.version}`;
      const entry = signings.get(key);
      signings.delete(key);
      const what = `Case ${caseId}, signed version ${v.version} (${localDateTime(v.signedAt)})`;
      const actual = sha256(v.content);
      if (actual !== v.contentSha256) {
        p(caseId, 'signed-changed', `${what}: the signed text was changed after signing (it no longer matches the hash stored with it).`);
      } else if (entry && typeof entry.detail['contentSha256'] === 'string' && entry.detail['contentSha256'] !== actual) {
        p(caseId, 'signed-changed', `${what}: the signed text was changed after signing (its hash was recomputed, but the signing entry ${entry.seq} in the audit log recorded another).`, entry.seq);
      }
      if (!entry) {
        p(caseId, 'signed-unaudited', `${what}: no signing entry in the audit log records it: it was not signed through Closeout.`);
        continue;
      }
      if (typeof entry.detail['contentSha256'] !== 'string') {
        legacy++;
        continue;
      }
      const digest = entry.detail['events'];
      if (!isDigest(digest)) continue;
      for (const run of changedRuns(store.db, caseId, digest)) p(caseId, 'events-changed', `${what}: ${describeRun(run)}`, entry.seq);
    }
  }
  for (const entry of signings.values()) {
    if (onlyCase || !entry.caseId) continue;
    p(entry.caseId, 'signed-removed', `Case ${entry.caseId}, signed version ${String(entry.detail['version'])}: the audit log records its signing (entry ${entry.seq}, ${localDateTime(entry.at)}) but the signed version is gone.`, entry.seq);
  }
  if (onlyCase) {
    for (const entry of signings.values()) {
      p(onlyCase, 'signed-removed', `Case ${onlyCase}, signed version ${String(entry.detail['version'])}: the audit log records its signing (entry ${entry.seq}, ${localDateTime(entry.at)}) but the signed version is gone.`, entry.seq);
    }
  }
  if (legacy > 0) notes.push(`${legacy} signed version${legacy === 1 ? ' was' : 's were'} signed before signing entries recorded what was signed: checked against their own hash only.`);
  return { versions, problems, notes };
}

function describeRun(r: ReturnType<typeof changedRuns>[number]): string {
  const ids = r.firstId === r.lastId ? `event #${r.firstId}` : `events #${r.firstId}–#${r.lastId}`;
  const when = r.from !== null && r.to !== null ? ` (now ${localDateTime(r.from)}${r.to !== r.from ? ` to ${localDateTime(r.to).slice(11)}` : ''})` : '';
  if (r.found === 0) return `the events behind the signature were removed: ${ids}, ${r.expected} at signing, none now.`;
  if (r.expected === 0) return `events were added among those the signature covers: ${ids}${when}, ${r.found} now.`;
  const count = r.found !== r.expected ? ` (${r.expected} at signing, ${r.found} now)` : '';
  return `an event the signed report was drawn from was changed or removed after signing, among ${ids}${when}${count}.`;
}


