/**
 * The long fuzz run: mutated and truncated copies of device files through every reader the
 * watcher uses. Pass = nothing but the readers' own refusals is thrown, and nothing hangs. Seeds
 * are the shared EDF/HL7 test files when present (developers' machines), plus synthetic text,
 * JSON and HL7 that are always available.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createStreamParser, type FileFormat } from '../services/capture/device-readers';
import { bytesSource } from '../../shared/parsers/byte-source';
import { NotEdfError, openEdf } from '../../shared/parsers/edf';
import type { BenchRow } from './bench-row';
import { mulberry32 } from '../../shared/util/seeded-random';

type Seed = { name: string; format: FileFormat; bytes: Uint8Array };

const enc = new TextEncoder();
const SYNTHETIC: Seed[] = [
  { name: 'xltek.txt', format: 'xltek-txt', bytes: enc.encode(['P', 'Date: 11/26/2026', 'x', 'x', 'x', 'x', 'Start 08:00:00 x', '1 08:05:00 Incision', '2 09:36:00 Loss of L TA MEP'].join('\r\n')) },
  { name: 'nicolet.txt', format: 'nicolet-txt', bytes: enc.encode('Name\tTime\tDuration\nExam Start\t00:00:00\t00:00\nIncision\t00:05:00\t00:00\n') },
  {
    name: 'cadwell.json',
    format: 'cadwell-json',
    bytes: enc.encode(
      '{"Cases":[{"ID":"x","PatientID":"1","StartDate":1795678200000000,"Events":[{"Timestamp":1795678260000000,"Message":"Baseline SSEP","Deleted":false}],"Modes":[{"Name":"L MEP","Type":"MEP","Trials":[{"TrialNumber":1,"Timestamp":1795678300000000,"Baseline":true,"Traces":[{"TraceData":[1,2,3]}]}]}]}]}',
    ),
  },
  { name: 'oru.hl7', format: 'hl7', bytes: enc.encode('MSH|^~\\&|MON|OR|CO|OR|20261126080500||ORU^R01|c1|P|2.5.1\rPID|||DEMO-0001\rOBR|1\rOBX|1|NM|MAP^Mean arterial pressure||78|mm[Hg]|||||F|||20261126080500\r') },
];

function seeds(): Seed[] {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const testdata = [process.env['CLOSEOUT_TESTDATA'], path.resolve(here, '../../../shared/testdata'), path.resolve(process.cwd(), '../shared/testdata'), '/work/shared/testdata'].find((d): d is string => !!d && fs.existsSync(path.join(d, 'edf')));
  const out = [...SYNTHETIC];
  if (testdata) {
    for (const f of fs.readdirSync(path.join(testdata, 'edf'))) if (/\.(edf|bdf)$/.test(f)) out.push({ name: f, format: 'edf', bytes: fs.readFileSync(path.join(testdata, 'edf', f)) });
    for (const f of fs.readdirSync(path.join(testdata, 'hl7'))) if (/\.(hl7|txt)$/.test(f)) out.push({ name: f, format: 'hl7', bytes: fs.readFileSync(path.join(testdata, 'hl7', f)) });
  }
  return out;
}



function mutate(b: Uint8Array, r: () => number): Uint8Array {
  const out = b.slice();
  const n = 1 + Math.floor(r() * 4);
  for (let i = 0; i < n && out.length; i++) out[Math.floor(r() * out.length)] = Math.floor(r() * 256);
  return r() < 0.4 ? out.subarray(0, Math.floor(r() * out.length)) : out;
}

function read(seed: Seed, bytes: Uint8Array): void {
  if (seed.format === 'edf') {
    try {
      const reader = openEdf(bytesSource(bytes));
      for (const e of reader.deviceEvents()) void e;
    } catch (e) {
      if (!(e instanceof NotEdfError)) throw e;
    }
    return;
  }
  const p = createStreamParser(seed.format, { encoding: 'utf-8', caseDate: '2026-11-26' });
  if (!p || 'error' in p) return;
  for (let i = 0; i < bytes.length; i += 7) p.push(bytes.subarray(i, i + 7));
  p.end();
}

export function benchFuzz(opts: { perSeed?: number } = {}): BenchRow[] {
  const perSeed = opts.perSeed ?? 2000;
  const all = seeds();
  const r = mulberry32(20261126);
  let runs = 0;
  const crashes: string[] = [];
  let slowest = 0;
  const started = performance.now();
  for (const seed of all) {
    for (let i = 0; i < perSeed; i++) {
      const bytes = mutate(seed.bytes, r);
      const t0 = performance.now();
      try {
        read(seed, bytes);
      } catch (e) {
        crashes.push(`${seed.name}: ${e instanceof Error ? e.name : typeof e}`);
      }
      slowest = Math.max(slowest, performance.now() - t0);
      runs++;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  return [
    {
      measure: `Fuzz: ${runs} mutated/truncated device files (${all.length} seeds) through every reader`,
      target: '0 crashes, none > 2 s',
      median: `${crashes.length} crashes, slowest ${slowest.toFixed(0)} ms, ${seconds.toFixed(1)} s total${crashes.length ? ` (${crashes.slice(0, 3).join('; ')})` : ''}`,
      pass: crashes.length === 0 && slowest < 2000,
    },
  ];
}
