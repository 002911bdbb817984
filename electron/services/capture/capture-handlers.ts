/** Contract handlers for capture sources, files and mapping rules. */
import type { ArgsOut, ResultOf } from '../../../shared/contract/api';
import { isValidRuleFields, type MappingRuleFields } from '../../../shared/domain/mapping';
import { isValidTimeZone } from '../../../shared/util/zoned-time';
import type { ServiceContext } from '../context';
import { AppError } from '../store/store-errors';
import { validateDelimitedProfile } from '../../../shared/parsers/delimited-profile';
import { listSerialPorts as listPorts } from './serial/list-ports';

function capture(ctx: ServiceContext) {
  if (!ctx.capture) throw new AppError('UNAVAILABLE', 'Capture is not running in this process.');
  return ctx.capture;
}

export function listSources(ctx: ServiceContext): ResultOf<'listSources'> {
  return ctx.store.capture.listSources();
}

export async function saveSource(ctx: ServiceContext, a: ArgsOut<'saveSource'>): Promise<ResultOf<'saveSource'>> {
  const s = a.source;
  const fields: Record<string, string> = {};
  if (s.config.timeZone !== 'workstation' && !isValidTimeZone(s.config.timeZone)) {
    fields['config.timeZone'] = 'Unknown time zone. Use a name like America/New_York, or "workstation".';
  }
  if (s.kind === 'folder') {
    if (!isAbsolute(s.config.path)) fields['config.path'] = 'Give the full path of the folder (e.g. D:\\Exports or /mnt/ionm).';
    if (s.config.format === 'delimited' || s.config.delimitedProfile) {
      const check = validateDelimitedProfile(s.config.delimitedProfile ?? undefined);
      if (!check.ok) for (const [k, v] of Object.entries(check.fields)) fields[`config.delimitedProfile.${k}`] = v;
    }
  } else if (s.config.lineProfile) {
    const check = validateDelimitedProfile(s.config.lineProfile);
    if (!check.ok) for (const [k, v] of Object.entries(check.fields)) fields[`config.lineProfile.${k}`] = v;
  }
  if (Object.keys(fields).length) throw new AppError('BAD_INPUT', 'Some settings need attention.', fields);
  const saved = ctx.store.write(() => {
    const existing = a.id ? ctx.store.capture.getSource(a.id) : null;
    if (a.id && !existing) throw new AppError('NOT_FOUND', 'That source no longer exists.');
    const src = existing ? ctx.store.capture.updateSource(existing.id, s, ctx.now()) : ctx.store.capture.insertSource(ctx.newId(), s, ctx.now());
    ctx.store.audit.append({ actor: ctx.actor, action: existing ? 'source.update' : 'source.create', caseId: null, detail: { sourceId: src.id, kind: src.kind } }, ctx.now());
    return src;
  });
  await ctx.capture?.sourcesChanged();
  return saved;
}

export async function deleteSource(ctx: ServiceContext, a: ArgsOut<'deleteSource'>): Promise<ResultOf<'deleteSource'>> {
  const deleted = ctx.store.write(() => {
    if (!ctx.store.capture.getSource(a.id)) throw new AppError('NOT_FOUND', 'That source no longer exists.');
    if (ctx.store.capture.listFiles().some((f) => f.sourceId === a.id)) {
      throw new AppError('INVALID_STATE', 'This source has already read files into cases, so it is kept for the record. Turn it off instead.');
    }
    ctx.store.db.prepare('DELETE FROM capture_sources WHERE id = ?').run(a.id);
    ctx.store.audit.append({ actor: ctx.actor, action: 'source.delete', caseId: null, detail: { sourceId: a.id } }, ctx.now());
    return true;
  });
  await ctx.capture?.sourcesChanged();
  return { deleted };
}

export function listSerialPorts(): Promise<ResultOf<'listSerialPorts'>> {
  return listPorts();
}

export function getCaptureStatus(ctx: ServiceContext): ResultOf<'getCaptureStatus'> {
  const c = capture(ctx);
  return { capturingCaseId: c.capturingCaseId, sources: c.statuses() };
}

export function listCaptureFiles(ctx: ServiceContext, a: ArgsOut<'listCaptureFiles'>): ResultOf<'listCaptureFiles'> {
  return ctx.store.capture.listFiles(a.caseId);
}

export function releaseHeldFile(ctx: ServiceContext, a: ArgsOut<'releaseHeldFile'>): ResultOf<'releaseHeldFile'> {
  const f = ctx.store.capture.getFile(a.sourceId, a.path);
  if (!f || f.status !== 'held') throw new AppError('INVALID_STATE', 'That file is not waiting for a decision.');
  const released = capture(ctx).release(a.sourceId, a.path);
  if (!released) throw new AppError('INVALID_STATE', 'Start capture on the case first; the file is then read.');
  ctx.store.write(() => ctx.store.audit.append({ actor: ctx.actor, action: 'capture.release_held', caseId: f.caseId, detail: { sourceId: a.sourceId } }, ctx.now()));
  return { released };
}

export function listMappingRules(ctx: ServiceContext): ResultOf<'listMappingRules'> {
  return ctx.store.capture.listRules();
}

export function saveMappingRule(ctx: ServiceContext, a: ArgsOut<'saveMappingRule'>): ResultOf<'saveMappingRule'> {
  const rule: MappingRuleFields = a.rule;
  const problem = isValidRuleFields(rule);
  if (problem) throw new AppError('BAD_INPUT', problem, { pattern: problem });
  const saved = ctx.store.write(() => {
    let id = a.id;
    if (id) {
      const existing = ctx.store.capture.listRules().find((r) => r.id === id);
      if (!existing) throw new AppError('NOT_FOUND', 'That rule no longer exists.');
      // Built-in rules can be switched off, not rewritten: a later version may replace them.
      const fields = existing.builtin ? { ...existing, enabled: rule.enabled } : rule;
      ctx.store.capture.updateRule(id, fields, ctx.now());
    } else {
      ctx.store.capture.insertRule(rule, false, ctx.now());
      id = Number((ctx.store.db.prepare('SELECT last_insert_rowid() AS id').get() as { id: number }).id);
    }
    ctx.store.audit.append({ actor: ctx.actor, action: 'mapping.save', caseId: null, detail: { count: 1 } }, ctx.now());
    return ctx.store.capture.listRules().find((r) => r.id === id) as ResultOf<'saveMappingRule'>;
  });
  ctx.capture?.rulesChanged();
  return saved;
}

export function deleteMappingRule(ctx: ServiceContext, a: ArgsOut<'deleteMappingRule'>): ResultOf<'deleteMappingRule'> {
  const deleted = ctx.store.write(() => {
    const rule = ctx.store.capture.listRules().find((r) => r.id === a.id);
    if (!rule) throw new AppError('NOT_FOUND', 'That rule no longer exists.');
    if (rule.builtin) throw new AppError('INVALID_STATE', 'Built-in rules cannot be deleted; switch it off instead.');
    const ok = ctx.store.capture.deleteRule(a.id);
    ctx.store.audit.append({ actor: ctx.actor, action: 'mapping.delete', caseId: null, detail: { count: 1 } }, ctx.now());
    return ok;
  });
  ctx.capture?.rulesChanged();
  return { deleted };
}

function isAbsolute(p: string): boolean {
  return p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\');
}

