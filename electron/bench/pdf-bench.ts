/**
 * Report PDF speed and size: a signed 12-hour case with about 200 events (monitoring, five
 * modalities, 40 milestones, alerts with their follow-up), every section, both tables, the
 * timeline figure, an addendum and a PNG logo, rendered from facts to bytes.
 *
 *   benchPdf({ runs })  (npm run bench: register as { name: 'pdf', run: (quick) => benchPdf(quick ? { runs: 5 } : {}) })
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CaseInputSchema, type CaseRecord } from '../../shared/domain/case';
import type { Report, ReportVersion } from '../../shared/report/report';
import { LiveReport } from '../../shared/report/live-report';
import { loadPdfAssets, resourcesDir } from '../services/export/pdf/pdf-assets';
import { renderReportPdf, type ReportPdfInput } from '../services/export/pdf/report-pdf';
import { median, type BenchRow } from './bench-row';
import { syntheticCaseEvents } from './report-bench';

const MAX_MS = 300;
const MAX_KB = 400;

/** The bench case as the PDF gets it from the store: record, report (signed, one addendum), facts, timeline. */
export function pdfBenchInput(): ReportPdfInput {
  const record: CaseRecord = {
    ...CaseInputSchema.parse({
      patient: { lastName: 'Bench', firstName: 'Synthetic', mrn: 'B-1', dateOfBirth: '1970-01-01', sex: 'U' },
      procedure: { description: 'Scoliosis correction T4-L2', cpt: '22802', side: 'bilateral', levels: 'T4-L2' },
      dateOfService: '2026-11-26',
      facility: 'Synthetic Memorial',
      orRoom: 'OR 2',
      diagnosisCodes: ['M41.26'],
      anesthesia: { regimen: 'tiva', detail: '' },
    }),
    id: 'bench',
    status: 'signed',
    timeZone: 'America/New_York',
    version: 1,
    createdAt: 0,
    updatedAt: 0,
  };
  // 300 asks for ~100 recordings on top of the ~100 other events the generator always adds.
  const events = syntheticCaseEvents(300);
  const live = new LiveReport(record, { surgeon: null, technologist: null, physician: null });
  live.add(events);
  const facts = live.facts();
  const draft = live.draft();
  const signedAt = Date.UTC(2026, 10, 26, 21, 0, 0);
  const version = (v: number, kind: ReportVersion['kind'], addendumText: string | null): ReportVersion => ({
    version: v,
    kind,
    signerName: 'Bench Reader',
    signerCredential: 'MD',
    signedAt: signedAt + v * 3600_000,
    contentSha256: `${v}`.repeat(64),
    sections: kind === 'original' ? draft.sections.map((s) => ({ id: s.id, title: s.title, text: s.text })) : [],
    addendumText,
  });
  const report: Report = {
    caseId: record.id,
    facts,
    sections: draft.sections.map((s) => ({ ...s, generatedText: s.text, origin: 'draft', edited: null, changedSinceEdit: false, gaps: [] })),
    gaps: [],
    versions: [version(1, 'original', null), version(2, 'addendum', 'Closing comparison reviewed again; the interpretation stands.')],
    locked: true,
  };
  const logo = new Uint8Array(fs.readFileSync(path.join(resourcesDir(), 'icon.png')));
  return {
    record,
    report,
    facts,
    timeline: live.timeline(),
    letterhead: { practiceName: 'Synthetic Neuromonitoring Associates', addressLines: ['100 Example Way', 'Springfield, ST 00000'], phone: '555-0100', logo: { bytes: logo, type: 'png' } },
    generatedAt: signedAt + 3 * 3600_000,
  };
}

/** The render row's measure: the median of `runs` renders of the bench case in this process, after `warmup` more. */
async function warmRender(opts: { runs?: number; warmup?: number }): Promise<{ ms: number; bytes: number }> {
  const runs = opts.runs ?? 15;
  const input = pdfBenchInput();
  // The fonts are read once per process (cached): not part of a report's time.
  const assets = await loadPdfAssets(resourcesDir());
  let bytes = 0;
  for (let i = 0; i < (opts.warmup ?? 2); i++) await renderReportPdf(input, assets);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const pdf = await renderReportPdf(input, assets);
    times.push(performance.now() - t0);
    bytes = pdf.length;
  }
  return { ms: median(times), bytes };
}

export async function benchPdf(opts: { runs?: number; warmup?: number } = {}): Promise<BenchRow[]> {
  const input = pdfBenchInput();
  const { ms, bytes } = await warmRender(opts);
  const kb = bytes / 1024;
  const events = input.facts.eventCount;
  return [
    { measure: `Report PDF: 12-hour case, ${events} events, timeline figure, tables, signed + addendum`, target: `≤ ${MAX_MS} ms`, median: `${ms.toFixed(1)} ms`, pass: ms <= MAX_MS },
    { measure: 'Report PDF size (same case; fonts subset, logo)', target: `≤ ${MAX_KB} KB`, median: `${kb.toFixed(1)} KB`, pass: kb <= MAX_KB },
  ];
}

/**
 * The PDF as a person gets it from the command line: `closeout export ID --pdf FILE` as a fresh
 * process, the whole wall time (start, open, read the case, render, write), against what it may
 * cost: 3× `node -e 0` (measured in the same run, alternated) plus the in-process render time.
 * `closeout status` on the same folder, alternated with them, shows what of it is the CLI's start.
 */
export async function benchPdfCli(opts: { pairs?: number } = {}): Promise<BenchRow[]> {
  const os = await import('node:os');
  const { createBackend } = await import('../backend/host');
  const { Store } = await import('../services/store/store');
  const pairs = opts.pairs ?? 7;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'closeout-bench-pdfcli-'));
  try {
    const { cleanEnv, closeoutBin, wallMs } = await import('./fresh-process');
    const bin = closeoutBin();
    const backend = createBackend({ dataDir: dir, actor: 'bench', appVersion: '0.0.0-bench' });
    let caseId: string;
    try {
      const r = await backend.call('createCase', { patient: { lastName: 'Bench', firstName: 'Synthetic', mrn: 'B-1', dateOfBirth: '1970-01-01', sex: 'U' }, procedure: { description: 'Scoliosis correction T4-L2' }, dateOfService: '2026-11-26' });
      if (!r.ok) throw new Error(r.message);
      caseId = (r.value as { id: string }).id;
    } finally {
      await backend.close();
    }
    const store = Store.open({ dataDir: dir });
    try {
      store.write(() => {
        for (const e of syntheticCaseEvents(300)) {
          const { id: _id, ...rest } = e;
          store.events.append({ ...rest, caseId });
        }
      });
    } finally {
      store.close();
    }
    const env = cleanEnv(dir);
    const wall = (args: readonly string[]) => wallMs(args, env);
    const out = path.join(dir, 'report.pdf');
    wall([bin, 'export', caseId, '--pdf', out]);
    // The inner time is the render row's own measure, taken the same way (warm-up, then the median of 15),
    // so the budget does not depend on whether the render row ran first in this process.
    const render = (await warmRender({})).ms;
    const cli: number[] = [];
    const node: number[] = [];
    const status: number[] = [];
    // The floor: what a fresh process pays before any report work, whatever the export's code does.
    const chunk = pdfLibChunk(bin);
    const floorArgs = chunk ? ['--input-type=module', '-e', floorScript(chunk)] : null;
    const bare: number[] = [];
    const libs: number[] = [];
    for (let i = 0; i < pairs; i++) {
      node.push(wall(['-e', '0']));
      status.push(wall([bin, 'status']));
      cli.push(wall([bin, 'export', caseId, '--pdf', out]));
      if (floorArgs) {
        bare.push(wall(['--input-type=module', '-e', '0']));
        libs.push(wall(floorArgs));
      }
    }
    const budget = 3 * median(node) + render;
    const m = median(cli);
    const st = median(status);
    const libsMs = floorArgs ? Math.max(0, median(libs) - median(bare)) : null;
    const floor = libsMs === null ? '' : ` Before any report work a fresh process already pays ${(st + libsMs).toFixed(0)} ms, measured here: \`closeout status\` ${st.toFixed(0)} ms plus ${libsMs.toFixed(0)} ms to load the bundled pdf-lib and make ICU's first time-zone format (a bare script with only those two, against an empty one)${st + libsMs > budget ? `, over the ${budget.toFixed(0)} ms budget: no change to the export's own code can meet this target on Node 20; it needs a different target or a render in a process already running` : ''}.`;
    return [
      {
        measure: `Report PDF from the CLI (\`closeout export ID --pdf\`, fresh process, ${pairs} runs alternated with \`node -e 0\` and \`closeout status\`)`,
        target: `≤ 3× node -e 0 + render (${budget.toFixed(0)} ms)`,
        median: `${m.toFixed(0)} ms (node -e 0 ${median(node).toFixed(0)} ms, status ${st.toFixed(0)} ms, render ${render.toFixed(0)} ms)`,
        pass: m <= budget,
        ...(m > 3 * render
          ? {
              why: `The PDF from the command line takes ${(m / render).toFixed(1)}× the render row, a warm render (after a warm-up, the median of 15 in one running process). \`closeout status\` on the same folder takes ${st.toFixed(0)} ms of it (Node, the CLI, opening the store); the other ${(m - st).toFixed(0)} ms are the export's own work run once, cold: the contract's schemas and the report's modules (drafter, fact check, timeline, EHR settings) with ICU's first initialization for the case's time zone (~12 ms), pdf-lib (800 KB of JavaScript, ~25 ms to compile and run: Node 20 keeps no code cache for ES modules), building the report and drawing it before V8's optimizer has warmed (~55 ms, against the row's warm figure), and recording the export in the audit trail durably. fontkit and pako are no longer loaded (the report reads its TrueType fonts itself, pdf-lib deflates with Node's zlib). The app renders in its long-running backend, where the warm figure holds.${floor}`,
            }
          : {}),
      },
    ];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The built chunk that holds pdf-lib (and the report's font code), as the export loads it; null if the build names it otherwise. */
function pdfLibChunk(bin: string): string | null {
  const dir = path.resolve(path.dirname(bin), '../out/main/chunks');
  const name = fs.existsSync(dir) ? fs.readdirSync(dir).find((f) => f.startsWith('pdf-fonts-') && f.endsWith('.js')) : undefined;
  return name ? path.join(dir, name) : null;
}

/** An ES module script that loads that chunk and formats one time in a zone: pdf-lib and ICU, nothing of the report. */
function floorScript(chunk: string): string {
  const url = pathToFileURL(chunk).href;
  return `await import(${JSON.stringify(url)}); new Intl.DateTimeFormat('en-GB', { timeZone: 'America/New_York', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(0);`;
}
