/**
 * AI narrative latency, the in-process part: from the moment the (fake, local) API server writes
 * the first text delta of the answer to the moment `onSection` receives that text. It covers the
 * loopback socket, the SDK's SSE parsing, the stream helper and the section splitter; the network
 * to the real API and the paint on screen are measured elsewhere.
 *
 * The server is the tests' fake (style.md: "the benchmarks reuse it"), on 127.0.0.1:0, writing the
 * synthetic case's faithful answer in small deltas with a pause between them, as a model does.
 */
import { performance } from 'node:perf_hooks';
import { DEFAULT_AI_CONFIG } from '../services/ai/ai-config';
import { writeNarrative } from '../services/ai/ai-narrative';
import { identifiersOf } from '../../shared/report/deidentify';
import { faithfulNarrative, splitEvery, startFakeAnthropic, syntheticCase, syntheticPeople } from '../../tests/helpers/fake-anthropic';
import { median, percentile, type BenchRow } from './bench-row';

export type AiBenchFigures = Readonly<{ runs: number; medianMs: number; p95Ms: number; maxMs: number }>;

/** Runs the measurement; warm-up runs (JIT, first connection) are not counted. */
export async function measureAiFirstSection(opts: Readonly<{ runs?: number; warmup?: number; deltaDelayMs?: number }> = {}): Promise<AiBenchFigures> {
  const runs = Math.max(20, opts.runs ?? 30);
  const warmup = opts.warmup ?? 3;
  const answer = faithfulNarrative();
  // The first delta carries the first header and the first words, so it alone puts text on screen.
  const firstCut = answer.indexOf('\n') + 6;
  const fake = await startFakeAnthropic({
    reply: answer,
    split: (t) => [t.slice(0, firstCut), ...splitEvery(8)(t.slice(firstCut))],
    deltaDelayMs: opts.deltaDelayMs ?? 2,
  });
  const c = syntheticCase();
  const identifiers = identifiersOf(c.facts, { people: Object.values(syntheticPeople) });
  const facts = c.facts;
  const config = { ...DEFAULT_AI_CONFIG, enabled: true, baseURL: fake.url };
  const latencies: number[] = [];
  try {
    for (let i = 0; i < warmup + runs; i++) {
      let seenAt: number | null = null;
      const r = await writeNarrative({
        facts,
        typed: new Map(),
        identifiers,
        apiKey: 'bench-key',
        config,
        onSection: (u) => {
          if (seenAt === null && u.text !== '') seenAt = performance.now();
        },
      });
      const writtenAt = fake.deltaWrittenAt[i]?.[0];
      if (!r.ok || seenAt === null || writtenAt === undefined) throw new Error(`AI bench run ${i} failed: ${r.ok ? 'no section text' : r.code}`);
      if (i >= warmup) latencies.push(seenAt - writtenAt);
    }
  } finally {
    await fake.close();
  }
  return { runs, medianMs: median(latencies), p95Ms: percentile(latencies, 95), maxMs: Math.max(...latencies) };
}

export async function benchAiFirstSection(opts: Readonly<{ runs?: number }> = {}): Promise<BenchRow[]> {
  const f = await measureAiFirstSection(opts);
  return [
    {
      measure: `AI narrative: server's first text delta → onSection (fake API on loopback, ${f.runs} runs; p95 ${f.p95Ms.toFixed(2)} ms, max ${f.maxMs.toFixed(2)} ms)`,
      target: '≤ 100 ms (median and p95)',
      median: `${f.medianMs.toFixed(2)} ms`,
      pass: f.medianMs <= 100 && f.p95Ms <= 100,
    },
  ];
}
