/**
 * The AI narrative while the backend runs: the API key (memory only; the app's main process
 * keeps it in the OS secure store and hands it over at start), and the latest run per case.
 *
 * A run streams into an `AiRun` that is pushed whole on every change, so a screen that joins late
 * (or reloads) just takes the latest one. Runs live in memory: a narrative is cheap to ask for
 * again, and what a person accepts is stored as report text.
 */
import type { AiKeySource, AiRun, AiSectionState } from '../../../shared/report/ai-run';
import { AI_SECTION_IDS, type AiSectionId } from '../../../shared/report/ai-sections';
import type { SectionUpdate } from '../../../shared/report/ai-prompt';
import type { NarrativeResult } from './ai-narrative';

type Entry = { run: AiRun; controller: AbortController; finished: Promise<AiRun> };

export class AiRuntime {
  #key: { value: string; source: AiKeySource } | null;
  readonly #runs = new Map<string, Entry>();

  constructor(key: Readonly<{ value: string; source: AiKeySource }> | null = null) {
    this.#key = key ? { ...key } : null;
  }

  setKey(value: string | null, source: AiKeySource): void {
    this.#key = value ? { value, source } : null;
  }

  get keySource(): AiKeySource | null {
    return this.#key?.source ?? null;
  }

  /** The key, for the request only: never return it through the contract or log it. */
  get key(): string | null {
    return this.#key?.value ?? null;
  }

  latest(caseId: string): AiRun | null {
    return this.#runs.get(caseId)?.run ?? null;
  }

  running(caseId: string): Entry | null {
    const e = this.#runs.get(caseId);
    return e && e.run.status === 'running' ? e : null;
  }

  /**
   * Start a run: `work` performs it, calling the updaters; the runtime keeps the run current and
   * calls `publish` on every change. Returns the entry (its `finished` resolves with the last run).
   */
  begin(
    initial: AiRun,
    work: (hooks: Readonly<{ signal: AbortSignal; onSection: (u: SectionUpdate, findings: AiSectionState['findings']) => void; onAttempt: (n: number) => void }>) => Promise<NarrativeResult>,
    finish: (result: NarrativeResult, run: AiRun, cancelled: boolean) => AiRun,
    publish: (run: AiRun) => void,
  ): Entry {
    const controller = new AbortController();
    const entry: Entry = { run: initial, controller, finished: Promise.resolve(initial) };
    this.#runs.set(initial.caseId, entry);
    const set = (run: AiRun) => {
      if (this.#runs.get(initial.caseId) !== entry) return;
      entry.run = run;
      publish(run);
    };
    set(initial);
    entry.finished = work({
      signal: controller.signal,
      onSection: (u, findings) => {
        if (entry.run.status !== 'running') return;
        set({ ...entry.run, sections: upsert(entry.run.sections, { id: u.sectionId as AiSectionId, text: u.text, done: u.done, findings }) });
      },
      onAttempt: (n) => {
        // The retry writes every section again from the start.
        if (n > 1 && entry.run.status === 'running') set({ ...entry.run, attempt: n, sections: [] });
      },
    }).then(
      (result) => {
        set(finish(result, entry.run, controller.signal.aborted));
        return entry.run;
      },
      () => {
        set({ ...entry.run, status: 'failed', finishedAt: Date.now(), message: 'The AI narrative stopped unexpectedly; the report keeps the standard draft.' });
        return entry.run;
      },
    );
    return entry;
  }

  cancel(caseId: string): Entry | null {
    const e = this.running(caseId);
    e?.controller.abort();
    return e;
  }

  /** Stop every run (the backend is closing); waits for them to settle. */
  async stop(): Promise<void> {
    const all = [...this.#runs.values()];
    for (const e of all) e.controller.abort();
    await Promise.all(all.map((e) => e.finished));
  }
}

/** Sections in report order, the updated one replaced. */
function upsert(sections: readonly AiSectionState[], s: AiSectionState): AiSectionState[] {
  const others = sections.filter((x) => x.id !== s.id);
  return [...others, s].sort((a, b) => AI_SECTION_IDS.indexOf(a.id) - AI_SECTION_IDS.indexOf(b.id));
}
