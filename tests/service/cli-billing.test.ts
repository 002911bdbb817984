/**
 * The billing CLI on real stores: `claim --case-file` without importing, `claim ID` on imported
 * cases (exit 0 clean / 3 not clean), answering and overriding, the cross-case rules across
 * imported cases of one reader, and `charges` as CSV.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { DB_FILE_NAME } from '../../electron/services/store/open-db';
import { buildCaseFile, caseFileJson } from '../../shared/casefile/codec';
import type { CaseEvent } from '../../shared/domain/event';
import { cli } from '../helpers/cli';
import { tempDir } from '../helpers/temp-dir';
import { testBackend } from '../helpers/backend';
import { lumbarEvents, PEOPLE, record } from '../helpers/billing';
import { CHARGE_COLUMNS } from '../../shared/billing/charges';

function caseFile(dir: string, name: string, opts: { id: string; patch?: Record<string, unknown>; shiftMin?: number; signed?: boolean; details?: Record<string, unknown> }): string {
  const shift = (opts.shiftMin ?? 0) * 60_000;
  const events: CaseEvent[] = lumbarEvents().map((e) => ({ ...e, caseId: opts.id, occurredAt: e.occurredAt + shift, receivedAt: e.receivedAt + shift }));
  const rec = { ...record(opts.patch), id: opts.id };
  const f = buildCaseFile(rec, PEOPLE, events, Date.UTC(2026, 10, 26, 20), {
    details: { surgeonOrder: ['SSEP', 'TCMEP', 'EMG_FREE'], ...opts.details },
    signature: opts.signed === false ? null : { name: 'A Reader', credential: 'MD', signedAt: '2026-11-26T18:00:00.000Z' },
  });
  const file = path.join(dir, name);
  fs.writeFileSync(file, caseFileJson(f));
  return file;
}

describe('closeout claim', () => {
  it('--case-file: the claim without importing; exit 0 when clean, 3 when not', async () => {
    const dir = tempDir();
    const clean = caseFile(dir, 'clean.json', { id: 'file-case-0001' });
    const r = await cli(dir, ['claim', '--case-file', clean, '--json']);
    expect(r.code).toBe(0);
    const claim = JSON.parse(r.stdout);
    expect(claim.lines.map((l: { code: string; units: number }) => `${l.code}×${l.units}`)).toEqual(['95938×1', '95939×1', '95861×1', '95940×9']);
    expect(claim.clean).toBe(true);

    const unsigned = caseFile(dir, 'unsigned.json', { id: 'file-case-0002', signed: false });
    const u = await cli(dir, ['claim', '--case-file', unsigned]);
    expect(u.code).toBe(3);
    expect(u.stdout).toContain('BLOCK R16 The report is not signed yet.');
    expect(u.stdout).toContain('NOT CLEAN.');

    fs.writeFileSync(path.join(dir, 'junk.json'), '{"format":"something-else"}');
    const bad = await cli(dir, ['claim', '--case-file', path.join(dir, 'junk.json')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('This is not a Closeout case file');
    expect((await cli(dir, ['claim'])).code).toBe(2);
  });

  it('on imported cases: cross-case rules see the same reader in two rooms; answers, override and charges', async () => {
    const dir = tempDir();
    const medicare = { payer: { type: 'medicare_ffs', name: 'Medicare Part B' } };
    const a = caseFile(dir, 'a.json', { id: 'import-case-a', patch: medicare });
    // The second case of the same reader, 30 minutes later, in another room.
    const b = caseFile(dir, 'b.json', { id: 'import-case-b', patch: { ...medicare, orRoom: 'OR 8', patient: { lastName: 'Testpatient', firstName: 'Dora', mrn: 'SYN-2002', dateOfBirth: '1955-05-05', sex: 'M' } }, shiftMin: 30 });
    expect((await cli(dir, ['case', 'import', a])).code).toBe(0);
    expect((await cli(dir, ['case', 'import', b])).code).toBe(0);
    // A case never indexed (as after an upgrade from before billing): the claim of its neighbour
    // indexes it first.
    const raw = new Database(path.join(dir, DB_FILE_NAME));
    raw.exec("DELETE FROM claim_intervals WHERE case_id = 'import-case-a'; DELETE FROM claim_index WHERE case_id = 'import-case-a'");
    raw.close();
    const rb = await cli(dir, ['claim', 'import-case-b', '--json']);
    expect(rb.code).toBe(3);
    const claim = JSON.parse(rb.stdout);
    const rules = claim.findings.map((f: { rule: string }) => f.rule);
    expect(rules).toEqual(expect.arrayContaining(['R08', 'R11', 'R16']));
    expect((await cli(dir, ['claim', 'import-case-a'])).code).toBe(3); // the signature is not imported
    expect(claim.findings.find((f: { rule: string }) => f.rule === 'R11').message).toBe('95940 is billed but the reader was also covering 1 other case at the time.');
    expect(claim.findings.find((f: { rule: string }) => f.rule === 'R08').message).toMatch(/^105 min overlap the reader's case of \d{4}-\d{2}-\d{2}, [A-Z]\.T\., OR \d+ \(95940 from 08:28\)/);
    // Named by date, patient initials and room, not by a cut id that other cases may share.
    expect(claim.findings.find((f: { rule: string }) => f.rule === 'R08').message).not.toContain('import-c');

    // The biller moves case B to remote time (G0453 for Medicare): R11 goes, the overlap stays.
    const set = await cli(dir, ['claim', 'set', 'import-case-b', '--time-code', 'G0453', '--json']);
    expect(JSON.parse(set.stdout).findings.map((f: { rule: string }) => f.rule)).not.toContain('R11');
    // Details as JSON: a misspelt answer is named, not dropped.
    const typo = await cli(dir, ['claim', 'set', 'import-case-b', '--details', '{"emgExtremites":2}']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/"emgExtremites" is not a billing details field \(there: .*emgExtremities.*\)\. Nothing was saved\./);

    expect((await cli(dir, ['users', 'add', '--name', 'Bill Ing', '--role', 'billing'], 'biller-pin-1\n')).code).toBe(0);
    const none = await cli(dir, ['charges', '--from', '2026-11-01', '--to', '2026-11-30']);
    expect(none.code).toBe(3);
    expect(none.stdout.trim()).toBe(CHARGE_COLUMNS.join(','));
    expect(none.stderr).toMatch(/Left out import-case-a \(2026-11-26\): Not clean/);
    const o = await cli(dir, ['claim', 'override', 'import-case-a', '--user', 'Bill Ing', '--reason', 'Signed report is on paper in the chart'], 'biller-pin-1\n');
    expect(o.code).toBe(0);
    const out = path.join(dir, 'charges.csv');
    const ch = await cli(dir, ['charges', '--from', '2026-11-01', '--to', '2026-11-30', '--out', out]);
    expect(ch.code).toBe(3); // case B is still not clean
    const csv = fs.readFileSync(out, 'utf8').trim().split('\r\n');
    expect(csv.slice(1).map((l) => l.split(',')[11])).toEqual(['95938', '95939', '95861', '95940']);
    expect(csv[1]).toContain(',overridden,');
    const one = await cli(dir, ['charges', '--case', 'import-case-b']);
    expect(one.code).toBe(2);
    expect(one.stderr).toMatch(/^Error: Not clean/);
  });

  it('the demo case, exported with `case export`, gives the same claim from the file as from the store', async () => {
    const dir = tempDir();
    const b = testBackend({ dataDir: dir, seedDemo: true, capture: true, demoSpeed: 50_000 });
    await b.demo?.done;
    await b.capture?.idle();
    const id = (await b.ok('listCases', {}))[0]!.id;
    await b.ok('saveBillingDetails', { caseId: id, details: { limbs: { TCMEP: ['upper', 'lower'] }, emgExtremities: 2 } });
    await b.ok('setCaseStatus', { id, status: 'closed' });
    await b.close();
    const file = path.join(dir, 'demo-case.json');
    expect((await cli(dir, ['case', 'export', id, '--out', file])).code).toBe(0);
    const fromStore = await cli(dir, ['claim', id, '--json']);
    const fromFile = await cli(tempDir(), ['claim', '--case-file', file, '--json']);
    expect(fromFile.code).toBe(3); // not signed yet
    const pick = (out: string) => {
      const c = JSON.parse(out);
      return { lines: c.lines.map((l: { code: string; units: number; minutes: number | null; modifiers: string[] }) => [l.code, l.units, l.minutes, l.modifiers]), rules: c.findings.map((f: { rule: string; message: string }) => `${f.rule} ${f.message}`) };
    };
    expect(pick(fromFile.stdout)).toEqual(pick(fromStore.stdout));
    expect(pick(fromFile.stdout).lines.map((l: unknown[]) => l[0])).toEqual(['95938', '95939', '95861', '95941']);
  });

  it('billing show / set: the administrator changes the role; others are refused', async () => {
    const dir = tempDir();
    expect((await cli(dir, ['users', 'add', '--name', 'Ada Admin', '--role', 'admin'], 'admin-pin-1\n')).code).toBe(0);
    expect((await cli(dir, ['billing', 'set', '--user', 'Ada Admin', '--role', 'professional'], 'wrong\n')).code).toBe(2);
    const ok = await cli(dir, ['billing', 'set', '--user', 'Ada Admin', '--role', 'professional', '--json'], 'admin-pin-1\n');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).practice.role).toBe('professional');
    const show = await cli(dir, ['billing', 'show']);
    expect(show.stdout).toContain('Billing role:  professional');
    expect(show.stdout).toMatch(/R06\s+warn\s+unconfirmed\s+Billed units differ/);

    // Rule sets from a file: a misspelt patch field ("severty") is refused, not dropped (the rule would stay as it was).
    const { ruleSets, history } = JSON.parse((await cli(dir, ['billing', 'show', '--json'])).stdout);
    const file = path.join(dir, 'rules.json');
    fs.writeFileSync(file, JSON.stringify({ ...ruleSets, payers: [...ruleSets.payers, { id: 'example-health', name: 'Example Health', version: '2026.1', effectiveFrom: '2026-01-01', payers: { nameContains: 'example' }, rules: { R27: { severty: 'block' } } }] }));
    const refused = await cli(dir, ['billing', 'set', '--user', 'Ada Admin', '--rules', file], 'admin-pin-1\n');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`"payers.${ruleSets.payers.length}.rules.R27.severty" is not a rule set field (there: title, severity, confirmed, sources, action). Nothing was saved.`);
    expect(JSON.parse((await cli(dir, ['billing', 'show', '--json'])).stdout).history).toEqual(history);
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('"severty"', '"severity"'));
    expect((await cli(dir, ['billing', 'set', '--user', 'Ada Admin', '--rules', file], 'admin-pin-1\n')).code).toBe(0);
  });
});
