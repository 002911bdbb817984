/**
 * The command line at its edges, run as the real `closeout` process: piped into `head`, given a
 * negative number with --json, a mistyped option, a short case ID (as git takes commit IDs), a
 * case with more events than a page, and long words in a table.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCaseFile, caseFileJson } from '../../shared/casefile/codec';
import type { CaseEvent } from '../../shared/domain/event';
import { table } from '../../electron/cli/io';
import { cli, ROOT } from '../helpers/cli';
import { lumbarEvents, PEOPLE, record } from '../helpers/billing';
import { ev } from '../helpers/events';
import { HANG_MS } from '../helpers/patience';
import { tempDir } from '../helpers/temp-dir';

/** A case file with this id and `extra` more notes than the lumbar case. */
function caseFile(dir: string, id: string, extra = 0): string {
  const notes = Array.from({ length: extra }, (_, i) => ev('note', 10 + i * 0.01, { id: 100_000 + i, text: `Note ${i}` }));
  const events: CaseEvent[] = [...lumbarEvents(), ...notes].map((e) => ({ ...e, caseId: id }));
  const file = path.join(dir, `${id}.json`);
  fs.writeFileSync(file, caseFileJson(buildCaseFile({ ...record(), id }, PEOPLE, events, Date.UTC(2026, 10, 26, 20), { details: {}, signature: null })));
  return file;
}

describe('closeout at its edges', () => {
  it('piped into head: stops quietly when the reader goes away (no EPIPE crash), exit 0', async () => {
    const dir = tempDir();
    expect((await cli(dir, ['case', 'import', caseFile(dir, 'pipe-case-0001', 6000)])).code).toBe(0);
    const r = spawnSync('bash', ['-c', `set -o pipefail; node ${JSON.stringify(path.join(ROOT, 'bin', 'closeout.js'))} events list pipe-case-0001 | head -3`], {
      env: { PATH: process.env['PATH'], HOME: process.env['HOME'], CLOSEOUT_DATA_DIR: dir },
      encoding: 'utf8',
      timeout: HANG_MS,
    });
    expect(r.stdout.split('\n').filter(Boolean)).toHaveLength(3);
    expect({ code: r.status, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
  });

  it('bad input with --json: the error as JSON on stdout, exit 2 (a negative number is a value, not an option)', async () => {
    const r = await cli(tempDir(), ['roi', '--denial-rate', '-5', '--json']);
    expect(r.code).toBe(2);
    const out = JSON.parse(r.stdout) as { ok: boolean; code: string; message: string; fields: Record<string, string> };
    expect(out).toMatchObject({ ok: false, code: 'BAD_INPUT', fields: { '--denial-rate': 'Current denial rate must be between 0% and 100%.' } });
    // And an option given without its value, with --json, the same way.
    const none = await cli(tempDir(), ['roi', '--denial-rate', '--json']);
    expect(none.code).toBe(2);
    expect(JSON.parse(none.stdout)).toMatchObject({ ok: false, code: 'BAD_INPUT' });
  });

  it('a mistyped option gets the command usage and the option meant', async () => {
    const r = await cli(tempDir(), ['events', 'list', 'some-case', '--limt', '5']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Unknown option --limt. Did you mean --limit?');
    expect(r.stderr).toContain('Usage: closeout events list CASE_ID');
    expect(r.stderr).not.toMatch(/ERR_PARSE_ARGS|To specify a positional argument/);
  });

  it('takes a unique start of a case ID, as git does, and refuses an ambiguous one', async () => {
    const dir = tempDir();
    for (const id of ['prefix-case-aaaa', 'prefix-case-bbbb']) expect((await cli(dir, ['case', 'import', caseFile(dir, id)])).code).toBe(0);
    const one = await cli(dir, ['case', 'show', 'prefix-case-a', '--json']);
    expect(one.code).toBe(0);
    expect((JSON.parse(one.stdout) as { case: { id: string } }).case.id).toBe('prefix-case-aaaa');
    const events = await cli(dir, ['events', 'list', 'prefix-case-b', '--json']);
    expect(JSON.parse(events.stdout).length).toBeGreaterThan(0);
    const both = await cli(dir, ['case', 'show', 'prefix-case']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('"prefix-case" is the start of 2 case IDs (prefix-case-aaaa, prefix-case-bbbb): give more of the ID.');
  });

  it('events list gives every event, paging through the case; with --limit it says there are more', async () => {
    const dir = tempDir();
    expect((await cli(dir, ['case', 'import', caseFile(dir, 'many-case-0001', 6000)])).code).toBe(0);
    const all = await cli(dir, ['events', 'list', 'many-case-0001', '--json']);
    const total = lumbarEvents().length + 6000;
    expect(JSON.parse(all.stdout)).toHaveLength(total);
    expect(all.stderr).toBe('');
    const some = await cli(dir, ['events', 'list', 'many-case-0001', '--limit', '100', '--json']);
    expect(JSON.parse(some.stdout)).toHaveLength(100);
    expect(some.stderr).toContain('The newest 100 events are shown; the case has more.');
  });

  it('tables wrap long words onto more lines instead of cutting them', () => {
    const answer = 'The EHR rejected the report (AR): Patient MRN not found in the registration system; check the MRN and the assigning authority';
    const t = table([['HIS main', 'rejected', answer]], ['Destination', 'State', 'Message']);
    expect(t.replace(/\s+/g, ' ')).toContain(answer);
    expect(t).not.toContain('…');
  });
});
