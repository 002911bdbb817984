/**
 * AI narrative latency as the reviewer sees it: from the moment the (fake, local) API server
 * writes the first text delta of an answer to the moment that text is in the report on screen,
 * in a real Chromium showing the built renderer, through the real backend, SDK, push and bridge.
 *
 * Both ends stamp wall-clock time from their own high-resolution clock (Node's and the page's
 * `performance.timeOrigin + now()`), so the two stamps share the system clock.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { createBackend } from '../backend/host';
import { startBridge } from '../devhost/ws-bridge';
import { narrateFacts, splitEvery, startFakeAnthropic } from '../../tests/helpers/fake-anthropic';
import { launchChromium } from '../../tests/helpers/chromium';
import { median, percentile, type BenchRow } from './bench-row';

/**
 * Runs in the page (a string: it is neither bundled nor type-checked against Node). Armed once no
 * AI text is on screen (a new run clears the last one's), it resolves with the wall-clock time the
 * first suggestion with text appears.
 */
const STAMP_FIRST_AI_TEXT = `new Promise((resolve) => {
  let armed = false;
  const check = () => {
    const shown = [...document.querySelectorAll('.ai-suggestion .section-text')].filter((e) => (e.textContent || '') !== '');
    if (shown.length === 0) armed = true;
    else if (armed) {
      obs.disconnect();
      resolve(performance.timeOrigin + performance.now());
    }
  };
  const obs = new MutationObserver(check);
  obs.observe(document.body, { childList: true, subtree: true, characterData: true });
  check();
})`;

export type AiScreenFigures = Readonly<{ runs: number; medianMs: number; p95Ms: number; maxMs: number }>;

// out/main/bench.js or out/main/chunks/*.js (loaded when the suite runs) → out/renderer
const HERE = path.dirname(fileURLToPath(import.meta.url));
const RENDERER = [path.resolve(HERE, '../renderer'), path.resolve(HERE, '../../renderer')].find((d) => fs.existsSync(path.join(d, 'index.html'))) ?? path.resolve(HERE, '../renderer');

export async function measureAiOnScreen(opts: Readonly<{ runs?: number; warmup?: number; rendererDir?: string }> = {}): Promise<AiScreenFigures> {
  const staticDir = opts.rendererDir ?? RENDERER;
  if (!fs.existsSync(path.join(staticDir, 'index.html'))) throw new Error('The renderer is not built (npm run build).');
  const runs = opts.runs ?? 20;
  const warmup = opts.warmup ?? 2;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'closeout-ai-screen-'));
  const fake = await startFakeAnthropic({ reply: (r) => narrateFacts(r.body), split: splitEvery(12), deltaDelayMs: 3 });
  const backend = createBackend({ dataDir, actor: 'bench', appVersion: 'bench' });
  const bridge = await startBridge({ backend, staticDir });
  let browser: Browser | undefined;
  const latencies: number[] = [];
  try {
    // Inside the try: a browser that cannot start must not leave the servers above running.
    browser = await launchChromium();
    const call = async (method: string, args: unknown) => {
      const r = await backend.call(method, args);
      if (!r.ok) throw new Error(`${method}: ${r.message}`);
      return r.value as { id: string };
    };
    const c = await call('createCase', {
      patient: { lastName: 'Benchpatient', firstName: 'Ada', mrn: 'BENCH-1', dateOfBirth: '1960-01-01', sex: 'F' },
      procedure: { description: 'Posterior lumbar fusion', cpt: '22612', side: 'bilateral', levels: 'L4-L5' },
      dateOfService: new Date().toISOString().slice(0, 10),
      facility: 'Bench General',
      orRoom: 'OR 1',
      payer: { type: 'commercial', name: 'Payer' },
      placeOfService: '22',
      diagnosisCodes: ['M43.16'],
      anesthesia: { regimen: 'tiva', detail: '' },
    });
    const t0 = Date.now() - 3 * 3600_000;
    const notes: Array<[number, string, string]> = [
      [0, 'Monitoring start', 'monitoring_start'],
      [5, 'Baseline SSEP obtained', 'baseline'],
      [10, 'Incision', 'milestone'],
      [60, 'Left TcMEP amplitude down 70%', 'alert'],
      [62, 'Surgeon notified', 'surgeon_notified'],
      [63, 'MAP raised to 85 mmHg', 'intervention'],
      [75, 'Left TcMEP back to baseline', 'alert_resolved'],
      [170, 'At closure all modalities at baseline', 'note'],
      [175, 'Monitoring end', 'monitoring_end'],
    ];
    for (const [min, text, kind] of notes) await call('addNote', { caseId: c.id, text, occurredAt: t0 + min * 60_000, clientId: `bench-note-${min}`, kind });
    await call('saveAiSettings', { enabled: true, model: 'claude-sonnet-5-5', baseURL: fake.url, timeoutSeconds: 10 });
    await call('setAiKey', { key: 'bench-key' });

    const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    await page.goto(`${bridge.pageUrl}#/cases/${c.id}`);
    await page.getByRole('tab', { name: /Report/ }).click();
    const report = page.getByRole('tabpanel', { name: 'Report' });
    await report.getByRole('button', { name: 'Write AI narrative' }).waitFor();

    for (let i = 0; i < warmup + runs; i++) {
      const seen = page.evaluate(STAMP_FIRST_AI_TEXT) as Promise<number>;
      await report.getByRole('button', { name: /^(Write AI narrative|Write again)$/ }).click();
      const seenAt = await Promise.race([
        seen,
        new Promise<never>((_, reject) =>
          setTimeout(() => {
            void report.getByRole('status', { name: 'AI narrative' }).textContent().then((t) => reject(new Error(`AI screen bench run ${i}: no AI text on screen after 20 s (${t ?? ''})`)));
          }, 20_000).unref(),
        ),
      ]);
      await report.getByRole('button', { name: 'Write again' }).waitFor({ timeout: 20_000 });
      const written = fake.deltaWrittenAt[i]?.[0];
      if (written === undefined) throw new Error(`AI screen bench run ${i}: the server wrote nothing`);
      if (i >= warmup) latencies.push(seenAt - (performance.timeOrigin + written));
    }
  } finally {
    await browser?.close();
    await bridge.close();
    await backend.close();
    await fake.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  return { runs, medianMs: median(latencies), p95Ms: percentile(latencies, 95), maxMs: Math.max(...latencies) };
}

export async function benchAiOnScreen(opts: Readonly<{ runs?: number; warmup?: number }> = {}): Promise<BenchRow[]> {
  const f = await measureAiOnScreen(opts);
  return [
    {
      measure: `AI narrative: first text delta written by the API → on screen in the report (real Chromium, fake API on loopback, ${f.runs} runs; p95 ${f.p95Ms.toFixed(1)} ms, max ${f.maxMs.toFixed(1)} ms)`,
      target: '≤ 100 ms',
      median: `${f.medianMs.toFixed(1)} ms`,
      pass: f.medianMs <= 100,
    },
  ];
}
