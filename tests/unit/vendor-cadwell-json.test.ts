import { describe, expect, it } from 'vitest';
import { CadwellJsonParser } from '../../shared/parsers/cadwell-json';
import { parseChunks } from '../../shared/parsers/push-parser';
import { BASELINE_SETUP, CASE_0, CASE_1, cadwellDocument, us, utcWallClock } from '../fixtures/vendor/cadwell-fixture';
import { mutateSome, randomChunks, seededRng, utf8 } from '../fixtures/vendor/chunking';

function parse(chunks: Iterable<Uint8Array>) {
  const parser = new CadwellJsonParser();
  const result = parseChunks(parser, chunks);
  return { ...result, headers: parser.caseHeaders, modes: parser.modeSummaries, deleted: parser.deletedEventsSkipped };
}

describe('Cadwell case-data JSON', () => {
  const doc = utf8(cadwellDocument());

  it('extracts events, trials, case headers and mode summaries', () => {
    const r = parse([doc]);
    expect(r.warnings).toEqual([]);
    expect(r.deleted).toBe(1);
    expect(r.events.map((e) => e.key)).toEqual([
      'c0/e0',
      'c0/e2',
      'c0/e3',
      'c0/m0/t0',
      'c0/m0/t1',
      'c0/m0/t2',
      // Mode 1 names itself after its trials: they wait for the mode to close.
      'c0/m1/t0',
      'c0/m1/s0',
      'c0/m1/s1',
      'c1/e0',
    ]);
    const byKey = new Map(r.events.map((e) => [e.key, e]));
    expect(byKey.get('c0/e0')).toEqual({
      wallClock: '2026-11-26T07:31:00.123456',
      key: 'c0/e0',
      text: 'Baseline SSEP obtained',
      raw: us(60, 123456),
      extra: { caseIndex: 0, type: 'User Event', author: 'tech1' },
    });
    // 0x14 becomes a space; escapes and surrogate pairs decode.
    expect(byKey.get('c0/e2')?.text).toBe('Pedicle screw L4 left 😀 "ok"');
    expect(byKey.get('c0/e3')?.text).toBe('Impedance check');
    expect(byKey.get('c0/e3')?.extra).toEqual({ caseIndex: 0, type: 'Impedance', author: null });
    expect(byKey.get('c0/m0/t0')).toEqual({
      wallClock: '2026-11-26T07:32:00.000000',
      key: 'c0/m0/t0',
      text: '',
      kind: 'baseline',
      modalityName: 'Lower SSEP',
      raw: us(120),
      extra: { caseIndex: 0, modeType: 'SSEP', trialNumber: 1, streaming: false, baseline: true, highlighted: false, setup: BASELINE_SETUP },
    });
    // Timestamp after Traces is still found; "false" text is false.
    expect(byKey.get('c0/m0/t1')).toMatchObject({ kind: 'modality_activity', raw: us(300, 500), extra: { highlighted: true, trialNumber: 2 } });
    expect(byKey.get('c0/m0/t2')).toMatchObject({ kind: 'modality_activity', extra: { baseline: false } });
    expect(byKey.get('c0/m1/s1')).toMatchObject({ kind: 'baseline', modalityName: 'L MEP', extra: { modeType: 'MEP', streaming: true } });
    for (const e of r.events) expect(e.wallClock).toBe(utcWallClock(e.raw));

    expect(r.headers).toEqual([
      {
        caseIndex: 0,
        caseId: '3f2a-test-case',
        procedureName: 'ACDF C5-6 (synthetic)',
        start: { raw: us(0), wallClock: '2026-11-26T07:30:00.000000' },
        patient: {
          firstName: 'Testpatient',
          lastName: 'Synthetic',
          middleInitial: 'Q',
          id: '000123',
          gender: 'Other',
          birthDate: { raw: '-315619200000000', date: '1960-01-01' },
        },
        complete: true,
      },
      expect.objectContaining({ caseIndex: 1, start: { raw: us(3600), wallClock: '2026-11-26T08:30:00.000000' }, complete: true }),
    ]);
    // Patient names never leak into event text.
    expect(r.events.some((e) => e.text.includes('Testpatient'))).toBe(false);

    expect(r.modes).toEqual([
      {
        caseIndex: 0,
        modeIndex: 0,
        name: 'Lower SSEP',
        type: 'SSEP',
        trialCount: 3,
        streamingTrialCount: 0,
        baselineCount: 1,
        // First and last by time, not by file order (trial 3 is earlier than trial 2).
        first: { raw: us(120), wallClock: '2026-11-26T07:32:00.000000' },
        last: { raw: us(300, 500), wallClock: '2026-11-26T07:35:00.000500' },
      },
      {
        caseIndex: 0,
        modeIndex: 1,
        name: 'L MEP',
        type: 'MEP',
        trialCount: 1,
        streamingTrialCount: 2,
        baselineCount: 1,
        first: { raw: us(400), wallClock: '2026-11-26T07:36:40.000000' },
        last: { raw: us(420), wallClock: '2026-11-26T07:37:00.000000' },
      },
      { caseIndex: 1, modeIndex: 0, name: 'TOF', type: 'TOF', trialCount: 0, streamingTrialCount: 0, baselineCount: 0, first: null, last: null },
    ]);
  });

  it("reads a baseline trial's stimulation, channels and cursors, and no other trial's", () => {
    const r = parse([doc]);
    const setups = r.events.filter((e) => e.extra?.['setup'] !== undefined).map((e) => e.key);
    // Trial 2 (cursors, not a baseline) and trial 3 ("Baseline": "false" before its Stimuli) carry none.
    expect(setups).toEqual(['c0/m0/t0']);
    // The IONMV shape (a single Stimulus), plain output labels, the actual rate when it is not 0,
    // and a trial read as a baseline only after its Traces.
    const ionmv = utf8(
      `{"Cases":[{"Modes":[{"Name":"TOF","Type":"TOF","Trials":[{"Traces":[{"Channel":{"Name":"L APB"},"Cursors":[{"Label":"T1","Position":0.005}]}],` +
        `"Stimulus":{"Intensity":40,"IntensityUnits":"MA","PulseCount":4,"PulseWidth":0.0002,"Outputs":["L ulnar n. wrist"]},"ActualRepRate":2,"Timestamp":${us(5)},"Baseline":true}]}]}]}`,
    );
    expect(parse([ionmv]).events[0]?.extra?.['setup']).toEqual({
      stimulation: [{ stimulator: null, outputs: [{ label: 'L ulnar n. wrist', usage: null }], intensities: [40], unit: 'mA', pulses: 4, pulseWidthUs: 200, isiMs: null, rateHz: 2 }],
      channels: [{ name: 'L APB', active: null, reference: null, cursors: [{ label: 'T1', latencyMs: 5, microvolts: null }] }],
    });
    // A damaged file cannot make one trial's setup grow without bound.
    const many = `[${Array.from({ length: 1000 }, (_, i) => `{"Channel":{"Name":"C${i}"}}`).join(',')}]`;
    const big = utf8(`{"Cases":[{"Modes":[{"Name":"X","Type":"SSEP","Trials":[{"Baseline":true,"Timestamp":${us(5)},"Traces":${many}}]}]}]}`);
    expect((parse([big]).events[0]?.extra?.['setup'] as { channels: unknown[] }).channels).toHaveLength(256);
  });

  it('gives identical results in one chunk and in random 1–7 byte chunks', () => {
    const whole = parse([doc]);
    for (let seed = 1; seed <= 20; seed++) {
      const chunked = parse(randomChunks(doc, seededRng(seed)));
      expect(chunked).toEqual(whole);
    }
  });

  it('reads a file that starts with a UTF-8 BOM', () => {
    const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...doc]);
    const r = parse(randomChunks(withBom, seededRng(5)));
    expect(r.warnings).toEqual([]);
    expect(r.events).toEqual(parse([doc]).events);
  });

  it('guesses ms and s timestamps by magnitude and says so', () => {
    const ms = utf8(`{"Cases":[{"Events":[{"Timestamp":1795678260123,"Message":"ms"},{"Timestamp":1795678260,"Message":"s"}]}]}`);
    const r = parse([ms]);
    expect(r.events.map((e) => [e.wallClock, e.raw])).toEqual([
      ['2026-11-26T07:31:00.123000', '1795678260123'],
      ['2026-11-26T07:31:00.000000', '1795678260'],
    ]);
    expect(r.warnings.map((w) => w.message).join()).toContain('not µs');
  });

  it('keeps what it read from a truncated export and reports where it stopped', () => {
    // Cut inside mode 1, after its first trial closed and before its Name was read.
    const truncated = utf8(cadwellDocument().slice(0, cadwellDocument().indexOf('"StreamingTrials"')));
    const r = parse([truncated]);
    expect(r.warnings.some((w) => w.message.includes('truncated'))).toBe(true);
    // Events and the closed mode are there; the open mode's closed trial is flushed at end().
    expect(r.events.map((e) => e.key)).toEqual(['c0/e0', 'c0/e2', 'c0/e3', 'c0/m0/t0', 'c0/m0/t1', 'c0/m0/t2', 'c0/m1/t0']);
    expect(r.headers).toEqual([expect.objectContaining({ caseIndex: 0, complete: false })]);
  });

  it('steps over odd shapes with warnings: missing Timestamp, wrong types, no Cases', () => {
    const odd = utf8(
      `{"Cases":[{"Events":[{"Message":"no time"},{"Timestamp":"abc","Message":"bad"},{"Timestamp":"${us(5)}","Message":"string time"}],` +
        `"Modes":{"Name":"not a list"}}, [1,2], 7]}`,
    );
    const r = parse([odd]);
    expect(r.events.map((e) => e.text)).toEqual(['string time']);
    expect(r.warnings.map((w) => `${w.where}: ${w.message}`)).toEqual([
      'Cases[0].Events[0]: An event has no Timestamp; skipped.',
      'Cases[0].Events[1]: An event has an unreadable Timestamp; skipped.',
      'Cases[0]: "Modes" is an object where a list or value was expected; ignored.',
    ]);
    expect(parse([utf8('{"cases": []}')]).warnings[0]?.message).toContain('No "Cases"');
    expect(parse([utf8('[]')]).warnings[0]?.message).toContain('JSON list');
  });

  it('survives 200 random mutations and truncations: no throw, same result however chunked', () => {
    const small = utf8(cadwellDocument([CASE_0.replace(/"Traces": \[[^\n]*\]/g, '"Traces": []'), CASE_1]));
    const rng = seededRng(2026);
    let withWarnings = 0;
    for (let n = 0; n < 200; n++) {
      const bytes = mutateSome(small, rng);
      const whole = parse([bytes]);
      const chunked = parse(randomChunks(bytes, rng));
      expect(chunked).toEqual(whole);
      // Warnings point at positions; they never quote the file (patient names are PHI).
      expect(JSON.stringify(whole.warnings)).not.toContain('Testpatient');
      if (whole.warnings.length > 0) withWarnings += 1;
    }
    expect(withWarnings).toBeGreaterThan(100);
  });

  it('emits nothing after end()', () => {
    const p = new CadwellJsonParser();
    p.push(utf8(cadwellDocument([CASE_1])));
    expect(p.end().length).toBe(0);
    expect(p.push(utf8('{}'))).toEqual([]);
    expect(p.end()).toEqual([]);
  });
});
