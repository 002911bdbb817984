/**
 * Billing in the backend: the claim of a case computed from its live facts and judged by the
 * rule sets in force, the per-case answers a claim needs, overrides by a user with billing
 * rights, the charge export, and the rule sets themselves (every saved version kept). The claim
 * index it keeps (billed time per reader) is what the cross-case rules read.
 */
import defaultRules from '../../../resources/billing/ruleset-default.json';
import payerRules from '../../../resources/billing/ruleset-payers.json';
import type { ArgsOut, ResultOf } from '../../../shared/contract/api';
import { computeClaim } from '../../../shared/billing';
import type { ClaimInputs, Signature } from '../../../shared/billing/claim';
import { chargeRows, chargesCsv, withheldLines, type ChargeRow, type ClaimStatus } from '../../../shared/billing/charges';
import { BillingDetailsSchema, DEFAULT_PRACTICE_BILLING, EMPTY_BILLING_DETAILS, PracticeBillingSchema, type BillingDetails, type PracticeBilling } from '../../../shared/billing/details';
import { resolveRules, RuleSetsSchema, type RuleSets } from '../../../shared/billing/ruleset';
import type { Claim } from '../../../shared/billing/scrubber';
import { findingKey, type ChargeExport, type ClaimOverride, type ClaimView } from '../../../shared/billing/view';
import { buildCaseFacts, type CaseFacts } from '../../../shared/report/facts';
import { caseFileInputs, parseCaseFile } from '../../../shared/casefile/codec';
import type { CaseRecord } from '../../../shared/domain/case';
import type { CaseEvent } from '../../../shared/domain/event';
import type { Person } from '../../../shared/domain/person';
import { hasBillingRights } from '../../../shared/domain/user';
import type { ServiceContext } from '../context';
import { liveReportFor } from '../report/live-reports';
import { AppError } from '../store/store-errors';
import { adminGuard, authorizeUser } from '../users/authorize';
import { addDays } from '../../../shared/util/time';

const PRACTICE_KEY = 'billing.practice';
const HOUR = 3_600_000;

/** The rule sets shipped with the app (resources/billing), used until an admin saves others. */
export const DEFAULT_RULE_SETS: RuleSets = RuleSetsSchema.parse({ base: defaultRules, payers: payerRules });

/** The saved rule sets last parsed, per store: the live checklist asks for a claim every second. */
const parsedRules = new WeakMap<ServiceContext['store'], { seq: number; result: { sets: RuleSets; source: 'default' | 'saved' } }>();

function ruleSets(ctx: ServiceContext): { sets: RuleSets; source: 'default' | 'saved' } {
  const seq = ctx.store.billing.latestRuleSetSeq();
  if (seq === null) return { sets: DEFAULT_RULE_SETS, source: 'default' };
  const cached = parsedRules.get(ctx.store);
  if (cached?.seq === seq) return cached.result;
  const saved = ctx.store.billing.latestRuleSets();
  const parsed = RuleSetsSchema.safeParse(saved?.doc);
  let result: { sets: RuleSets; source: 'default' | 'saved' };
  if (parsed.success) result = { sets: parsed.data, source: 'saved' };
  else {
    // Never reached through the API (saves are validated); a hand-edited database falls back safely.
    ctx.log.warn('billing.rules_unreadable', { seq });
    result = { sets: DEFAULT_RULE_SETS, source: 'default' };
  }
  parsedRules.set(ctx.store, { seq, result });
  return result;
}

function practice(ctx: ServiceContext): PracticeBilling {
  const parsed = PracticeBillingSchema.safeParse(ctx.store.settings.get(PRACTICE_KEY) ?? {});
  return parsed.success ? parsed.data : DEFAULT_PRACTICE_BILLING;
}

function details(ctx: ServiceContext, caseId: string): BillingDetails {
  const stored = ctx.store.billing.details(caseId);
  if (stored === null) return EMPTY_BILLING_DETAILS;
  const parsed = BillingDetailsSchema.safeParse(stored);
  return parsed.success ? parsed.data : EMPTY_BILLING_DETAILS;
}

function signature(ctx: ServiceContext, caseId: string): Signature | null {
  const original = ctx.store.report.versions(caseId).find((v) => v.kind === 'original');
  return original ? { name: original.signerName, credential: original.signerCredential, at: original.signedAt } : null;
}

/** Everything the pure engine needs, the other cases of the reader included. */
function inputs(ctx: ServiceContext, c: CaseRecord, facts: CaseFacts, d: BillingDetails, sig: Signature | null): ClaimInputs {
  const rules = resolveRules(ruleSets(ctx).sets, c.payer, c.dateOfService);
  // Billed time lies inside the monitoring span; an hour either side, as the Medicare
  // per-clock-hour cap looks at whole hours. The claim itself picks out what truly overlaps.
  const { start, end } = facts.monitoring;
  const others = c.physicianId && start !== null && end !== null ? ctx.store.billing.readerCasesNear(c.physicianId, c.id, start - HOUR, end + HOUR) : [];
  return { facts, record: c, details: d, practice: practice(ctx), signature: sig, rules, others };
}

function overrideInForce(ctx: ServiceContext, caseId: string, claim: Claim): ClaimOverride | null {
  const last = ctx.store.billing.overrides(caseId).at(-1);
  if (!last) return null;
  const blocking = claim.findings.filter((f) => f.severity === 'block').map(findingKey);
  // An override covers the findings it was given for; a new blocking problem needs a new one.
  return blocking.every((k) => last.findings.includes(k)) ? { by: last.userName, reason: last.reason, at: last.at, findings: last.findings } : null;
}

function view(ctx: ServiceContext, c: CaseRecord, claim: Claim, d: BillingDetails): ClaimView {
  const override = claim.clean ? null : overrideInForce(ctx, c.id, claim);
  const status: ClaimStatus = claim.clean ? 'clean' : override ? 'overridden' : 'not_clean';
  return { ...claim, caseStatus: c.status, status, override, exportable: status !== 'not_clean', details: d, practice: practice(ctx) };
}

/**
 * The claim of a stored case, as it stands now; its billed time is indexed for the cross-case
 * rules. The same reader's cases around its date that were never indexed are indexed first, so
 * the cross-case rules see all of them.
 */
/** The claim and its view as they stand, computed only (nothing written). */
function computeView(ctx: ServiceContext, c: CaseRecord): { claim: Claim; v: ClaimView } {
  const facts = liveReportFor(ctx, c).facts();
  const d = details(ctx, c.id);
  const claim = computeClaim(inputs(ctx, c, facts, d, signature(ctx, c.id)));
  return { claim, v: view(ctx, c, claim, d) };
}

export function caseClaim(ctx: ServiceContext, c: CaseRecord, indexNeighbours = true): ClaimView {
  if (indexNeighbours && c.physicianId) {
    for (const id of ctx.store.billing.unindexedOfReader(c.physicianId, addDays(c.dateOfService, -1), addDays(c.dateOfService, 1), c.id)) {
      const other = ctx.store.cases.get(id);
      if (other) caseClaim(ctx, other, false);
    }
  }
  const { claim, v } = computeView(ctx, c);
  ctx.store.write(() =>
    ctx.store.billing.index(
      {
        caseId: c.id,
        readerId: c.physicianId,
        payerType: c.payer.type,
        timeCode: claim.timeCode,
        orRoom: c.orRoom,
        dateOfService: claim.dateOfService,
        minutes: claim.billable.minutes,
        clean: v.exportable,
        blocking: claim.findings.filter((f) => f.severity === 'block').length,
        warnings: claim.findings.filter((f) => f.severity === 'warn').length,
        topRules: [...new Set(claim.findings.map((f) => f.rule))],
        intervals: claim.timeCode ? claim.billable.intervals : [],
        monitoredMinutes: claim.billable.monitoredMinutes,
        // For the dashboard: kept from the first claim after capture, as a payer would judge it.
        // Not held against it: the signature (R16; a report is signed only once the case is
        // closed) and the workstation's own coding questions (C01, answered in a click).
        cleanAtClose: c.status === 'open' || c.status === 'capturing' ? null : claim.findings.every((f) => f.severity !== 'block' || f.rule === 'R16' || f.rule === 'C01'),
      },
      ctx.now(),
    ),
  );
  return v;
}

export function getClaim(ctx: ServiceContext, a: ArgsOut<'getClaim'>): ResultOf<'getClaim'> {
  return caseClaim(ctx, ctx.store.cases.mustGet(a.caseId));
}

export function saveBillingDetails(ctx: ServiceContext, a: ArgsOut<'saveBillingDetails'>): ResultOf<'saveBillingDetails'> {
  return commitBillingDetails(ctx, ctx.store.cases.mustGet(a.caseId), a.details, ctx.actor);
}

/** Store a case's billing answers (checked already), audited as `actor`: here, or from the office on the practice server (`remote`). */
export function commitBillingDetails(ctx: ServiceContext, c: CaseRecord, d: BillingDetails, actor: string, remote?: Readonly<Record<string, unknown>>): ClaimView {
  ctx.store.write(() => {
    ctx.store.billing.saveDetails(c.id, d, actor, ctx.now());
    ctx.store.audit.append({ actor, action: 'billing.details', caseId: c.id, ...(remote ? { detail: { remote } } : {}) }, ctx.now());
  });
  ctx.emit({ name: 'claimChanged', payload: { caseId: c.id } });
  return caseClaim(ctx, c);
}

/** A case's billing answers as stored (defaults where none). */
export function billingDetailsOf(ctx: ServiceContext, caseId: string): BillingDetails {
  return details(ctx, caseId);
}

export function overrideClaim(ctx: ServiceContext, a: ArgsOut<'overrideClaim'>): ResultOf<'overrideClaim'> {
  const c = ctx.store.cases.mustGet(a.caseId);
  const current = caseClaim(ctx, c);
  if (current.clean) throw new AppError('INVALID_STATE', 'This claim is clean: there is nothing to override.');
  const user = authorizeUser(ctx, a.userId, a.pin, {
    refusedAction: 'claim.override_refused',
    caseId: c.id,
    allowed: hasBillingRights,
    notAllowed: (name) => `${name} has no billing rights (billing or administrator role needed).`,
    notAllowedCode: 'no_rights',
    nothingDone: 'Nothing was changed.',
  });
  return commitOverride(ctx, c, current, { id: user.id, name: user.name }, a.reason, `user:${user.id}`);
}

/**
 * Store an override of the claim's blocking findings as they stand (`current`), by `user`, and
 * audit it: the one path for an override made here and one made on the practice server
 * (`remote` says which server action it was).
 */
export function commitOverride(ctx: ServiceContext, c: CaseRecord, current: ClaimView, user: Readonly<{ id: string; name: string }>, reason: string, actor: string, remote?: Readonly<Record<string, unknown>>): ClaimView {
  const blocking = current.findings.filter((f) => f.severity === 'block');
  ctx.store.write(() => {
    ctx.store.billing.addOverride({ caseId: c.id, userId: user.id, userName: user.name, reason, findings: blocking.map(findingKey), at: ctx.now() });
    // The reason is the user's words about the claim, not patient data; the rules go in the detail.
    ctx.store.audit.append({ actor, action: 'claim.override', caseId: c.id, detail: { rules: [...new Set(blocking.map((f) => f.rule))], reason, ...(remote ? { remote } : {}) } }, ctx.now());
  });
  ctx.emit({ name: 'claimChanged', payload: { caseId: c.id } });
  return caseClaim(ctx, c);
}

const RUNNING = new Set(['open', 'capturing']);

export function exportCharges(ctx: ServiceContext, a: ArgsOut<'exportCharges'>): ResultOf<'exportCharges'> {
  const ids = a.caseIds ?? ctx.store.cases.idsBetween(a.from!, a.to!);
  const rows: ChargeRow[] = [];
  const skipped: Array<{ caseId: string; dateOfService: string; why: string }> = [];
  const withheld: Array<{ caseId: string; dateOfService: string; code: string; why: string }> = [];
  let cases = 0;
  const npi = practice(ctx).billingNpi;
  for (const id of ids) {
    const c = ctx.store.cases.mustGet(id);
    if (RUNNING.has(c.status)) {
      skipped.push({ caseId: c.id, dateOfService: c.dateOfService, why: 'The case is still open: close it first.' });
      continue;
    }
    const v = caseClaim(ctx, c);
    if (!v.exportable) {
      const blocking = v.findings.filter((f) => f.severity === 'block');
      skipped.push({ caseId: c.id, dateOfService: c.dateOfService, why: `Not clean: ${blocking.length} blocking finding${blocking.length === 1 ? '' : 's'} (${[...new Set(blocking.map((f) => f.rule))].join(', ')}). Fix them, or a user with billing rights overrides with a reason.` });
      continue;
    }
    cases++;
    rows.push(...chargeRows(c, v, v.status, npi));
    for (const w of withheldLines(v, v.status)) withheld.push({ caseId: c.id, dateOfService: c.dateOfService, code: w.code, why: w.why });
  }
  if (a.caseIds?.length === 1 && skipped.length === 1) throw new AppError('INVALID_STATE', skipped[0]!.why);
  const content = a.format === 'csv' ? chargesCsv(rows) : `${JSON.stringify(rows, null, 1)}\n`;
  ctx.store.write(() =>
    ctx.store.audit.append({ actor: ctx.actor, action: 'charges.export', caseId: a.caseIds?.length === 1 ? a.caseIds[0]! : null, detail: { format: a.format, cases, rows: rows.length, skipped: skipped.length, withheld: withheld.length, from: a.from ?? null, to: a.to ?? null } }, ctx.now()),
  );
  return { format: a.format, content, rows, cases, skipped, withheld } satisfies ChargeExport;
}

/**
 * A closed case's charge lines as the export would write them, for the practice server's
 * practice-wide export (#17): the same claim, the same rules; `why` when it is not exportable.
 */
export function chargesForServer(ctx: ServiceContext, caseId: string): { exportable: boolean; rows: ChargeRow[]; why: string | null; details: BillingDetails | null } {
  const c = ctx.store.cases.get(caseId);
  if (!c) return { exportable: false, rows: [], why: 'The case is not on the workstation.', details: null };
  // The billing answers travel too: the office answers what the claim still needs from them.
  const d = details(ctx, c.id);
  if (RUNNING.has(c.status)) return { exportable: false, rows: [], why: 'The case is still open: close it first.', details: d };
  // Computed, not indexed: indexing would mark the claim to be sent again, and again.
  const { v } = computeView(ctx, c);
  if (!v.exportable) {
    const blocking = v.findings.filter((f) => f.severity === 'block');
    return { exportable: false, rows: [], why: `Not clean: ${[...new Set(blocking.map((f) => f.rule))].join(', ')}.`, details: d };
  }
  return { exportable: true, rows: chargeRows(c, v, v.status, practice(ctx).billingNpi), why: null, details: d };
}

export function getBillingSettings(ctx: ServiceContext): ResultOf<'getBillingSettings'> {
  const { sets, source } = ruleSets(ctx);
  return { practice: practice(ctx), ruleSets: sets, ruleSetsSource: source, history: ctx.store.billing.ruleSetHistory() };
}

export function saveBillingSettings(ctx: ServiceContext, a: ArgsOut<'saveBillingSettings'>): ResultOf<'saveBillingSettings'> {
  const user = authorizeUser(ctx, a.userId, a.pin, adminGuard('billing.settings_refused', 'billing rules'));
  commitBillingSettings(ctx, { practice: a.practice, ruleSets: a.ruleSets }, user.name, `user:${user.id}`);
  return getBillingSettings(ctx);
}

/**
 * Store a new version of the billing settings (checked already), saved by `byName`, audited as
 * `actor`: the one path for an administrator here and for the practice server's settings
 * (`remote` says which version of the server's).
 */
export function commitBillingSettings(
  ctx: ServiceContext,
  a: Readonly<{ practice?: PracticeBilling | undefined; ruleSets?: RuleSets | undefined }>,
  byName: string,
  actor: string,
  remote?: Readonly<Record<string, unknown>>,
  alsoInTransaction?: () => void,
): void {
  ctx.store.write(() => {
    if (a.practice) ctx.store.settings.set(PRACTICE_KEY, a.practice);
    if (a.ruleSets) {
      const label = [`${a.ruleSets.base.id} ${a.ruleSets.base.version}`, ...a.ruleSets.payers.map((p) => `${p.id} ${p.version}`)].join(' + ');
      ctx.store.billing.saveRuleSets(a.ruleSets, label, byName, ctx.now());
    }
    alsoInTransaction?.();
    ctx.store.audit.append({ actor, action: 'billing.settings', caseId: null, detail: { practice: !!a.practice, ruleSets: a.ruleSets ? a.ruleSets.base.version : null, ...(remote ? { remote } : {}) } }, ctx.now());
  });
  // Every open claim may read differently now.
  ctx.emit({ name: 'storeChanged', payload: {} });
}

/**
 * The claim of a case file that is not in this store (CLI `claim --case-file`): the same engine,
 * with cross-case rules against this store's cases of a reader with the same NPI.
 */
export function claimForFileCase(ctx: ServiceContext, c: CaseRecord, people: Readonly<{ surgeon: Person | null; technologist: Person | null; physician: Person | null }>, events: readonly CaseEvent[], d: BillingDetails, sig: Signature | null): Claim {
  const facts = buildCaseFacts({ record: c, people, events });
  const local = people.physician?.npi ? ctx.store.people.list().find((p) => p.role === 'physician' && p.npi === people.physician!.npi) : undefined;
  return computeClaim(inputs(ctx, { ...c, physicianId: local?.id ?? null }, facts, d, sig));
}

export function claimFromCaseFile(ctx: ServiceContext, a: ArgsOut<'claimFromCaseFile'>): ResultOf<'claimFromCaseFile'> {
  const parsed = parseCaseFile(a.file);
  if (!parsed.ok) throw new AppError('BAD_INPUT', parsed.message);
  const { record, people, events } = caseFileInputs(parsed.value);
  const billing = parsed.value.billing;
  const d = billing?.details ? BillingDetailsSchema.parse(billing.details) : EMPTY_BILLING_DETAILS;
  const sig = billing?.signature ? { name: billing.signature.name, credential: billing.signature.credential, at: Date.parse(billing.signature.signedAt) } : null;
  return claimForFileCase(ctx, record, people, events, d, sig);
}

/** Recompute every case's claim, so the cross-case rules see all of them (after an import or upgrade). */
export function reindexClaims(ctx: ServiceContext): { cases: number } {
  const ids = ctx.store.cases.allIds();
  for (const id of ids) caseClaim(ctx, ctx.store.cases.mustGet(id));
  return { cases: ids.length };
}
