import type { Claim } from '../../../shared/billing/scrubber';
import { refuseUnknownArgs } from '../unknown-args';
import type { ClaimView } from '../../../shared/billing/view';
import { BILLING_ROLES, type BillingDetailsInput } from '../../../shared/billing/details';
import { LIMBS, MODALITIES } from '../../../shared/domain/modality';
import { isIsoDate } from '../../../shared/util/time';
import { jsonOut, str, type Command } from '../command';
import { EXIT, jsonArg, printJson, readFileOrUsage, table, UsageError, writePrivateFile } from '../io';

function list<T extends string>(raw: string | undefined, allowed: readonly T[], flag: string): T[] | undefined {
  if (raw === undefined) return undefined;
  const items = raw.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = items.filter((i) => !(allowed as readonly string[]).includes(i));
  if (bad.length) throw new UsageError(`${flag}: unknown ${bad.join(', ')}. Use: ${allowed.join(', ')}.`);
  return items as T[];
}

async function pinFromStdin(io: Parameters<Command['run']>[0]['io']): Promise<string> {
  return (await io.readStdin()).replace(/\r?\n$/, '');
}

export const claimCommands: readonly Command[] = [
  {
    words: ['claim', 'set'],
    usage: 'closeout claim set CASE_ID [--tcmep-limbs upper,lower] [--ssep-limbs …] [--emg-extremities N] [--emg-limited | --no-emg-limited] [--order SSEP,TCMEP,…] [--abn | --no-abn] [--time-code 95940|95941|G0453|auto] [--units N|auto] [--details JSON|-] [--json]',
    summary: "Answer what the claim needs and the device does not say (limbs, extremities, the surgeon's order…); prints the claim.",
    options: {
      ...jsonOut,
      'tcmep-limbs': { type: 'string' },
      'ssep-limbs': { type: 'string' },
      'emg-extremities': { type: 'string' },
      'emg-limited': { type: 'boolean' },
      'no-emg-limited': { type: 'boolean' },
      order: { type: 'string' },
      abn: { type: 'boolean' },
      'no-abn': { type: 'boolean' },
      'time-code': { type: 'string' },
      units: { type: 'string' },
      details: { type: 'string' },
    },
    positionals: 1,
    async run({ io, session, args, values }) {
      const caseId = args[0] as string;
      const current = await session.call('getClaim', { caseId });
      const raw = str(values, 'details');
      const typed = raw ? await jsonArg(io, raw, 'billing details') : undefined;
      if (typed !== undefined) await refuseUnknownArgs('saveBillingDetails', { details: typed }, 'a billing details', { under: 'details.', after: 'Nothing was saved.' });
      const d: Record<string, unknown> = { ...current.details, ...((typed ?? {}) as object) };
      const tcmep = list(str(values, 'tcmep-limbs'), LIMBS, '--tcmep-limbs');
      const ssep = list(str(values, 'ssep-limbs'), LIMBS, '--ssep-limbs');
      if (tcmep || ssep) d['limbs'] = { ...(d['limbs'] as object), ...(tcmep ? { TCMEP: tcmep } : {}), ...(ssep ? { SSEP: ssep } : {}) };
      const ext = str(values, 'emg-extremities');
      if (ext !== undefined) d['emgExtremities'] = Number(ext);
      if (values['emg-limited']) d['emgLimited'] = true;
      if (values['no-emg-limited']) d['emgLimited'] = false;
      const order = list(str(values, 'order'), MODALITIES, '--order');
      if (order) d['surgeonOrder'] = order;
      if (values['abn']) d['abnOnFile'] = true;
      if (values['no-abn']) d['abnOnFile'] = false;
      const tc = str(values, 'time-code');
      if (tc !== undefined) d['timeCodeOverride'] = tc === 'auto' ? null : tc;
      const units = str(values, 'units');
      if (units !== undefined) d['timeUnitsOverride'] = units === 'auto' ? null : Number(units);
      const claim = await session.call('saveBillingDetails', { caseId, details: d as BillingDetailsInput });
      return printClaim(io, claim, values['json'] === true);
    },
  },
  {
    words: ['claim', 'override'],
    usage: 'closeout claim override CASE_ID --user NAME --reason TEXT   (PIN on standard input)',
    summary: 'Let a claim that is not clean be exported, with a reason (billing or administrator users; audited).',
    options: { ...jsonOut, user: { type: 'string' }, reason: { type: 'string' } },
    positionals: 1,
    async run({ io, session, args, values }) {
      const user = str(values, 'user');
      const reason = str(values, 'reason');
      if (!user || !reason) throw new UsageError('Give --user NAME and --reason TEXT; the PIN comes on standard input.');
      const claim = await session.call('overrideClaim', { caseId: args[0] as string, userId: user, reason, pin: await pinFromStdin(io) });
      if (values['json']) printJson(io, claim);
      else io.stdout(`Claim of ${claim.caseId} overridden by ${claim.override?.by}: its charges can be exported.\n`);
      return EXIT.ok;
    },
  },
  {
    words: ['claim'],
    usage: 'closeout claim CASE_ID [--json] | closeout claim --case-file FILE [--json]',
    summary: 'The claim: charge lines from the captured times, what a payer would deny, clean or not. Exit 0 clean, 3 not clean.',
    options: { ...jsonOut, 'case-file': { type: 'string' } },
    positionals: [0, 1],
    async run({ io, session, args, values }) {
      const file = str(values, 'case-file');
      if (file && args.length) throw new UsageError('Give a case ID or --case-file, not both.');
      if (!file && !args.length) throw new UsageError('Give a case ID, or --case-file FILE.');
      const claim = file ? await session.call('claimFromCaseFile', { file: await jsonArg(io, file === '-' ? '-' : readFileOrUsage(file), 'case file') }) : await session.call('getClaim', { caseId: args[0] as string });
      return printClaim(io, claim, values['json'] === true);
    },
  },
  {
    words: ['charges'],
    usage: 'closeout charges (--from DATE --to DATE | --case ID) [--csv | --json] [--out FILE]',
    summary: 'Export the charges of clean (or overridden) closed cases as CSV or JSON. Exit 3 when some cases were left out (listed on stderr).',
    options: { from: { type: 'string' }, to: { type: 'string' }, case: { type: 'string', multiple: true }, csv: { type: 'boolean' }, json: { type: 'boolean' }, out: { type: 'string' } },
    positionals: 0,
    async run({ io, session, values }) {
      const from = str(values, 'from');
      const to = str(values, 'to');
      const cases = values['case'] as string[] | undefined;
      if (values['csv'] && values['json']) throw new UsageError('Say --csv or --json, not both.');
      if (!cases && (!from || !to)) throw new UsageError('Give --from DATE --to DATE (YYYY-MM-DD), or --case ID.');
      for (const [flag, v] of [['--from', from], ['--to', to]] as const) if (v !== undefined && !isIsoDate(v)) throw new UsageError(`${flag} must be a date, YYYY-MM-DD.`);
      const format = values['json'] ? 'json' : 'csv';
      const r = await session.call('exportCharges', { ...(cases ? { caseIds: cases } : { from, to }), format });
      const out = str(values, 'out');
      if (out) {
        // Whole or not at all: a billing import never sees half a file.
        writePrivateFile(out, [r.content]);
        io.stderr(`${r.rows.length} charge line${r.rows.length === 1 ? '' : 's'} from ${r.cases} case${r.cases === 1 ? '' : 's'} written to ${out}.\n`);
      } else io.stdout(r.content);
      for (const s of r.skipped) io.stderr(`Left out ${s.caseId} (${s.dateOfService}): ${s.why}\n`);
      for (const w of r.withheld) io.stderr(`Not exported from ${w.caseId} (${w.dateOfService}): ${w.why}\n`);
      return r.skipped.length || r.withheld.length ? EXIT.checkFailed : EXIT.ok;
    },
  },
  {
    words: ['billing', 'show'],
    usage: 'closeout billing show [--json]',
    summary: "The practice's billing role and the scrubber rule sets in force, with their saved versions.",
    options: { ...jsonOut },
    positionals: 0,
    async run({ io, session, values }) {
      const s = await session.call('getBillingSettings', {});
      if (values['json']) printJson(io, s);
      else {
        io.stdout(`Billing role:  ${s.practice.role}\nBilling NPI:   ${s.practice.billingNpi || '—'}\nRule sets:     ${s.ruleSetsSource === 'default' ? 'as shipped' : 'saved by an administrator'}\n\n`);
        const rules = Object.entries(s.ruleSets.base.rules);
        io.stdout(table(rules.map(([id, r]) => [id, r.severity, r.confirmed ? '' : 'unconfirmed', r.title]), ['Rule', 'Severity', 'Source', 'Checks']));
        for (const p of s.ruleSets.payers) io.stdout(`Payer set ${p.id} ${p.version} (${p.effectiveFrom} → ${p.effectiveTo ?? 'open'}): ${p.name}\n`);
      }
      return EXIT.ok;
    },
  },
  {
    words: ['billing', 'set'],
    usage: 'closeout billing set --user NAME [--role global|professional|technical] [--billing-npi NPI] [--rules FILE|-]   (PIN on standard input)',
    summary: "Change the practice's billing role or replace the rule sets (administrators; every version kept).",
    options: { ...jsonOut, user: { type: 'string' }, role: { type: 'string' }, 'billing-npi': { type: 'string' }, rules: { type: 'string' } },
    positionals: 0,
    async run({ io, session, values }) {
      const user = str(values, 'user');
      if (!user) throw new UsageError('Give --user NAME (an administrator); the PIN comes on standard input.');
      const role = str(values, 'role');
      if (role !== undefined && !(BILLING_ROLES as readonly string[]).includes(role)) throw new UsageError(`--role must be one of ${BILLING_ROLES.join(', ')}.`);
      const rulesArg = str(values, 'rules');
      if (rulesArg === '-' ) throw new UsageError('The PIN comes on standard input: give the rules as a file.');
      const ruleSets = rulesArg ? await jsonArg(io, readFileOrUsage(rulesArg), 'rules file') : undefined;
      if (ruleSets !== undefined) await refuseUnknownArgs('saveBillingSettings', { ruleSets }, 'a rule set', { under: 'ruleSets.', after: 'Nothing was saved.' });
      const current = await session.call('getBillingSettings', {});
      const npi = str(values, 'billing-npi');
      const practice = role !== undefined || npi !== undefined ? { ...current.practice, ...(role ? { role: role as (typeof BILLING_ROLES)[number] } : {}), ...(npi !== undefined ? { billingNpi: npi } : {}) } : undefined;
      const s = await session.call('saveBillingSettings', { userId: user, pin: await pinFromStdin(io), ...(practice ? { practice } : {}), ...(ruleSets ? { ruleSets: ruleSets as never } : {}) });
      if (values['json']) printJson(io, s);
      else io.stdout(`Saved. Billing role: ${s.practice.role}; rules: ${s.history[0]?.label ?? 'as shipped'}.\n`);
      return EXIT.ok;
    },
  },
];

function printClaim(io: Parameters<Command['run']>[0]['io'], claim: Claim | ClaimView, json: boolean): number {
  if (json) printJson(io, claim);
  else {
    io.stdout(`Claim for case ${claim.caseId} — date of service ${claim.dateOfService}, payer ${claim.payer.name || claim.payer.type || 'not set'}, POS ${claim.placeOfService ?? '—'}\n`);
    io.stdout(`Diagnosis: ${claim.diagnosisCodes.join(', ') || '—'}   Rendering NPI: ${claim.renderingNpi ?? '—'}   Referring NPI: ${claim.referringNpi ?? '—'}\n\n`);
    io.stdout(claim.lines.length ? table(claim.lines.map((l) => [String(l.line), l.code, l.modifiers.join(' '), String(l.units), l.minutes === null ? '' : String(l.minutes), l.note]), ['#', 'Code', 'Mod', 'Units', 'Min', 'Why']) : 'No charge lines yet.\n');
    for (const n of claim.notBilled) io.stdout(`Not billed: ${n.modality}: ${n.why}\n`);
    if (claim.findings.length) {
      io.stdout('\nTo fix before filing:\n');
      for (const f of claim.findings) io.stdout(`  ${f.severity === 'block' ? 'BLOCK' : 'warn '} ${f.rule} ${f.message}\n        → ${f.action}\n`);
    }
    for (const u of claim.unchecked) io.stdout(`  (not checked: ${u.rule} — ${u.why})\n`);
    const status = 'status' in claim ? claim.status : claim.clean ? 'clean' : 'not_clean';
    io.stdout(`\n${status === 'clean' ? 'CLEAN: ready to file.' : status === 'overridden' ? `NOT CLEAN, overridden by ${'override' in claim ? claim.override?.by : ''}: may be exported.` : 'NOT CLEAN.'}  Rules: ${claim.rulesLabel}\n`);
  }
  return claim.clean ? EXIT.ok : EXIT.checkFailed;
}
