/**
 * The live draft kept beside the timeline while a case runs. It keeps the case's events in a
 * timeline index, so a new event costs an insertion (usually an append, its active stretch
 * extended in place) and a rebuild reads lanes and the few non-trial events, not every trial.
 */
import type { CaseRecord } from '../domain/case';
import type { CaseEvent } from '../domain/event';
import type { Person } from '../domain/person';
import { entryOf, TimelineIndex, timelineFromIndex, type Timeline } from '../domain/timeline';
import type { TypedFacts } from './deidentify';
import { buildCaseFacts, type CaseFacts } from './facts';
import { buildDraft, type Draft } from './draft';

type People = Readonly<{ surgeon: Person | null; technologist: Person | null; physician: Person | null }>;

export class LiveReport {
  readonly #index = new TimelineIndex();
  readonly #ids = new Set<number>();
  #maxId = 0;
  #cache: { timeline: Timeline; facts: CaseFacts; draft: Draft } | null = null;

  constructor(
    private record: CaseRecord,
    private people: People,
  ) {}

  /** Highest event id held: the caller fetches only newer ones. */
  get maxId(): number {
    return this.#maxId;
  }

  get size(): number {
    return this.#index.count;
  }

  /** The case record or its people changed (an edit): facts are rebuilt on the next read. */
  setRecord(record: CaseRecord, people: People): void {
    this.record = record;
    this.people = people;
    this.#cache = null;
  }

  add(events: readonly CaseEvent[]): void {
    for (const e of events) {
      if (this.#ids.has(e.id)) continue;
      this.#ids.add(e.id);
      if (e.id > this.#maxId) this.#maxId = e.id;
      this.#index.add(e);
    }
    if (events.length) this.#cache = null;
  }

  timeline(): Timeline {
    return this.#build().timeline;
  }

  facts(): CaseFacts {
    return this.#build().facts;
  }

  /**
   * The events the technologist typed (notes and quick entries: source "keyboard"), with their
   * quick-entry fields: the AI narrative never sends their text (deidentify.ts).
   */
  typed(): TypedFacts {
    const out = new Map<number, Readonly<Record<string, unknown>> | null>();
    for (const e of this.#index.others) if (e.source === 'keyboard') out.set(e.id, entryOf(e));
    return out;
  }

  draft(): Draft {
    return this.#build().draft;
  }

  #build(): { timeline: Timeline; facts: CaseFacts; draft: Draft } {
    if (!this.#cache) {
      const timeline = timelineFromIndex(this.#index, { timeZone: this.record.timeZone });
      const facts = buildCaseFacts({ record: this.record, people: this.people, eventCount: this.#index.count, timeline });
      this.#cache = { timeline, facts, draft: buildDraft(facts) };
    }
    return this.#cache;
  }
}
