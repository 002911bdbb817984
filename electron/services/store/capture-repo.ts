import type { Database, Statement } from 'better-sqlite3';
import type { CaptureFile, CaptureFileStatus, CaptureSource, SourceFields } from '../../../shared/domain/capture-source';
import type { MappingRule, MappingRuleFields } from '../../../shared/domain/mapping';

type SourceRow = { id: string; kind: 'folder' | 'serial'; name: string; config: string; enabled: 0 | 1; created_at: number; updated_at: number };
type FileRow = {
  source_id: string;
  path: string;
  case_id: string | null;
  format: string | null;
  head_hash: string;
  size: number;
  read_offset: number;
  parser_state: string | null;
  status: CaptureFileStatus;
  message: string | null;
  events: number;
  updated_at: number;
};

/** The resume point of one watched file, as the ingest loop keeps it. */
export type FileState = Readonly<{
  sourceId: string;
  path: string;
  caseId: string | null;
  format: string | null;
  headHash: string;
  size: number;
  readOffset: number;
  parserState: Readonly<Record<string, unknown>> | null;
  status: CaptureFileStatus;
  message: string | null;
  events: number;
}>;

function sourceFromRow(r: SourceRow): CaptureSource {
  return { id: r.id, kind: r.kind, name: r.name, enabled: r.enabled === 1, config: JSON.parse(r.config), createdAt: r.created_at, updatedAt: r.updated_at } as CaptureSource;
}

function fileFromRow(r: FileRow): CaptureFile & { headHash: string; parserState: Record<string, unknown> | null } {
  return {
    sourceId: r.source_id,
    path: r.path,
    caseId: r.case_id,
    format: r.format,
    size: r.size,
    readOffset: r.read_offset,
    status: r.status,
    message: r.message,
    events: r.events,
    updatedAt: r.updated_at,
    headHash: r.head_hash,
    parserState: r.parser_state ? (JSON.parse(r.parser_state) as Record<string, unknown>) : null,
  };
}

type RuleRow = {
  id: number;
  target: 'modality' | 'kind';
  match_type: MappingRuleFields['matchType'];
  pattern: string;
  modality: MappingRuleFields['modality'];
  limb: MappingRuleFields['limb'];
  side: MappingRuleFields['side'];
  kind: MappingRuleFields['kind'];
  priority: number;
  enabled: 0 | 1;
  builtin: 0 | 1;
};

function ruleFromRow(r: RuleRow): MappingRule {
  return {
    id: r.id,
    target: r.target,
    matchType: r.match_type,
    pattern: r.pattern,
    modality: r.modality,
    limb: r.limb,
    side: r.side,
    kind: r.kind,
    priority: r.priority,
    enabled: r.enabled === 1,
    builtin: r.builtin === 1,
  };
}

/** Capture sources, per-file read state and mapping rules. */
export class CaptureRepo {
  readonly #sources: Statement<[], SourceRow>;
  readonly #source: Statement<[string], SourceRow>;
  readonly #insertSource: Statement;
  readonly #updateSource: Statement;
  readonly #file: Statement<[string, string], FileRow>;
  readonly #files: Statement<[], FileRow>;
  readonly #filesForCase: Statement<[string], FileRow>;
  readonly #upsertFile: Statement;
  readonly #rules: Statement<[], RuleRow>;
  readonly #insertRule: Statement;
  readonly #updateRule: Statement;
  readonly #deleteRule: Statement<[number]>;
  readonly #deleteBuiltins: Statement<[]>;

  constructor(db: Database) {
    this.#sources = db.prepare('SELECT * FROM capture_sources ORDER BY created_at');
    this.#source = db.prepare('SELECT * FROM capture_sources WHERE id = ?');
    this.#insertSource = db.prepare(
      'INSERT INTO capture_sources (id, kind, name, config, enabled, created_at, updated_at) VALUES (@id, @kind, @name, @config, @enabled, @now, @now)',
    );
    this.#updateSource = db.prepare('UPDATE capture_sources SET kind = @kind, name = @name, config = @config, enabled = @enabled, updated_at = @now WHERE id = @id');
    this.#file = db.prepare('SELECT * FROM capture_files WHERE source_id = ? AND path = ?');
    this.#files = db.prepare('SELECT * FROM capture_files ORDER BY updated_at DESC');
    this.#filesForCase = db.prepare('SELECT * FROM capture_files WHERE case_id = ? ORDER BY path');
    this.#upsertFile = db.prepare(
      `INSERT INTO capture_files (source_id, path, case_id, format, head_hash, size, read_offset, parser_state, status, message, events, updated_at)
       VALUES (@source_id, @path, @case_id, @format, @head_hash, @size, @read_offset, @parser_state, @status, @message, @events, @updated_at)
       ON CONFLICT (source_id, path) DO UPDATE SET case_id = excluded.case_id, format = excluded.format, head_hash = excluded.head_hash,
         size = excluded.size, read_offset = excluded.read_offset, parser_state = excluded.parser_state, status = excluded.status,
         message = excluded.message, events = excluded.events, updated_at = excluded.updated_at`,
    );
    this.#rules = db.prepare('SELECT * FROM mapping_rules ORDER BY priority, id');
    this.#insertRule = db.prepare(
      `INSERT INTO mapping_rules (target, match_type, pattern, modality, limb, side, kind, priority, enabled, builtin, updated_at)
       VALUES (@target, @match_type, @pattern, @modality, @limb, @side, @kind, @priority, @enabled, @builtin, @now)`,
    );
    this.#updateRule = db.prepare(
      `UPDATE mapping_rules SET target = @target, match_type = @match_type, pattern = @pattern, modality = @modality, limb = @limb,
         side = @side, kind = @kind, priority = @priority, enabled = @enabled, updated_at = @now WHERE id = @id`,
    );
    this.#deleteRule = db.prepare('DELETE FROM mapping_rules WHERE id = ? AND builtin = 0');
    this.#deleteBuiltins = db.prepare('DELETE FROM mapping_rules WHERE builtin = 1');
  }

  listSources(): CaptureSource[] {
    return this.#sources.all().map(sourceFromRow);
  }

  getSource(id: string): CaptureSource | null {
    const r = this.#source.get(id);
    return r ? sourceFromRow(r) : null;
  }

  insertSource(id: string, f: SourceFields, now: number): CaptureSource {
    this.#insertSource.run({ id, kind: f.kind, name: f.name, config: JSON.stringify(f.config), enabled: f.enabled ? 1 : 0, now });
    return this.getSource(id) as CaptureSource;
  }

  updateSource(id: string, f: SourceFields, now: number): CaptureSource {
    this.#updateSource.run({ id, kind: f.kind, name: f.name, config: JSON.stringify(f.config), enabled: f.enabled ? 1 : 0, now });
    return this.getSource(id) as CaptureSource;
  }

  getFile(sourceId: string, path: string): FileState | null {
    const r = this.#file.get(sourceId, path);
    return r ? fileFromRow(r) : null;
  }

  listFiles(caseId?: string): CaptureFile[] {
    return (caseId ? this.#filesForCase.all(caseId) : this.#files.all()).map((r) => {
      const { headHash: _h, parserState: _p, ...file } = fileFromRow(r);
      return file;
    });
  }

  saveFile(s: FileState, now: number): void {
    this.#upsertFile.run({
      source_id: s.sourceId,
      path: s.path,
      case_id: s.caseId,
      format: s.format,
      head_hash: s.headHash,
      size: s.size,
      read_offset: s.readOffset,
      parser_state: s.parserState ? JSON.stringify(s.parserState) : null,
      status: s.status,
      message: s.message,
      events: s.events,
      updated_at: now,
    });
  }

  listRules(): MappingRule[] {
    return this.#rules.all().map(ruleFromRow);
  }

  insertRule(f: MappingRuleFields, builtin: boolean, now: number): void {
    this.#insertRule.run({ ...ruleParams(f), builtin: builtin ? 1 : 0, now });
  }

  updateRule(id: number, f: MappingRuleFields, now: number): void {
    this.#updateRule.run({ ...ruleParams(f), id, now });
  }

  deleteRule(id: number): boolean {
    return this.#deleteRule.run(id).changes === 1;
  }

  /** Replace the built-in rules with a newer set; a site's own rules are left alone. */
  replaceBuiltins(rules: readonly MappingRuleFields[], keepDisabled: ReadonlySet<string>, now: number): void {
    this.#deleteBuiltins.run();
    for (const r of rules) this.insertRule({ ...r, enabled: !keepDisabled.has(r.pattern) }, true, now);
  }
}

function ruleParams(f: MappingRuleFields) {
  return {
    target: f.target,
    match_type: f.matchType,
    pattern: f.pattern,
    modality: f.modality,
    limb: f.limb,
    side: f.side,
    kind: f.kind,
    priority: f.priority,
    enabled: f.enabled ? 1 : 0,
  };
}
