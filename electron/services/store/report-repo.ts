import type { Database, Statement } from 'better-sqlite3';

export type SectionEdit = Readonly<{ sectionId: string; text: string; origin: 'person' | 'ai'; basedOn: string; editedBy: string; editedAt: number }>;

export type StoredVersion = Readonly<{
  version: number;
  kind: 'original' | 'addendum';
  content: string;
  contentSha256: string;
  signerUserId: string;
  signerName: string;
  signerCredential: string;
  signedAt: number;
}>;

/** Report section edits, signed versions and case step times. */
export class ReportRepo {
  readonly #edits: Statement<[string], { section_id: string; text: string; origin: 'person' | 'ai'; based_on: string; edited_by: string; edited_at: number }>;
  readonly #saveEdit: Statement;
  readonly #dropEdit: Statement<[string, string]>;
  readonly #versions: Statement<[string], { version: number; kind: 'original' | 'addendum'; content: string; content_sha256: string; signer_user_id: string; signer_name: string; signer_credential: string; signed_at: number }>;
  readonly #insertVersion: Statement;
  readonly #times: Statement<[string], { what: string; at: number }>;
  readonly #markTime: Statement<[string, string, number]>;

  readonly #signedCases: Statement<[], { case_id: string }>;

  constructor(db: Database) {
    this.#signedCases = db.prepare('SELECT DISTINCT case_id FROM report_versions ORDER BY case_id');
    this.#edits = db.prepare('SELECT section_id, text, origin, based_on, edited_by, edited_at FROM report_sections WHERE case_id = ?');
    this.#saveEdit = db.prepare(
      `INSERT INTO report_sections (case_id, section_id, text, origin, based_on, edited_by, edited_at) VALUES (@case_id, @section_id, @text, @origin, @based_on, @edited_by, @edited_at)
       ON CONFLICT (case_id, section_id) DO UPDATE SET text = excluded.text, origin = excluded.origin, based_on = excluded.based_on, edited_by = excluded.edited_by, edited_at = excluded.edited_at`,
    );
    this.#dropEdit = db.prepare('DELETE FROM report_sections WHERE case_id = ? AND section_id = ?');
    this.#versions = db.prepare('SELECT * FROM report_versions WHERE case_id = ? ORDER BY version');
    this.#insertVersion = db.prepare(
      `INSERT INTO report_versions (case_id, version, kind, content, content_sha256, signer_user_id, signer_name, signer_credential, signed_at)
       VALUES (@case_id, @version, @kind, @content, @content_sha256, @signer_user_id, @signer_name, @signer_credential, @signed_at)`,
    );
    this.#times = db.prepare('SELECT what, at FROM case_times WHERE case_id = ?');
    this.#markTime = db.prepare('INSERT INTO case_times (case_id, what, at) VALUES (?, ?, ?) ON CONFLICT (case_id, what) DO NOTHING');
  }

  edits(caseId: string): SectionEdit[] {
    return this.#edits.all(caseId).map((r) => ({ sectionId: r.section_id, text: r.text, origin: r.origin, basedOn: r.based_on, editedBy: r.edited_by, editedAt: r.edited_at }));
  }

  saveEdit(caseId: string, e: SectionEdit): void {
    this.#saveEdit.run({ case_id: caseId, section_id: e.sectionId, text: e.text, origin: e.origin, based_on: e.basedOn, edited_by: e.editedBy, edited_at: e.editedAt });
  }

  dropEdit(caseId: string, sectionId: string): void {
    this.#dropEdit.run(caseId, sectionId);
  }

  /** Every case holding a signed version, for the audit check. */
  signedCaseIds(): string[] {
    return this.#signedCases.all().map((r) => r.case_id);
  }

  versions(caseId: string): StoredVersion[] {
    return this.#versions.all(caseId).map((r) => ({
      version: r.version,
      kind: r.kind,
      content: r.content,
      contentSha256: r.content_sha256,
      signerUserId: r.signer_user_id,
      signerName: r.signer_name,
      signerCredential: r.signer_credential,
      signedAt: r.signed_at,
    }));
  }

  insertVersion(caseId: string, v: StoredVersion): void {
    this.#insertVersion.run({
      case_id: caseId,
      version: v.version,
      kind: v.kind,
      content: v.content,
      content_sha256: v.contentSha256,
      signer_user_id: v.signerUserId,
      signer_name: v.signerName,
      signer_credential: v.signerCredential,
      signed_at: v.signedAt,
    });
  }

  times(caseId: string): Record<string, number> {
    return Object.fromEntries(this.#times.all(caseId).map((r) => [r.what, r.at]));
  }

  /** Record the first time a step was reached; later calls keep the first time. */
  markTime(caseId: string, what: string, at: number): void {
    this.#markTime.run(caseId, what, at);
  }
}
