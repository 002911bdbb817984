/**
 * Reads a case file as a byte stream, for files too large to hold (a million events is a quarter
 * of a gigabyte of JSON, and several times that as objects). The push tokenizer the Cadwell
 * reader uses hands over tokens; this builds one value at a time (a top-level member, or one
 * event of the list) and gives it to the checker (shared/casefile/codec.ts), and each good event
 * to the caller, who stages it. What it holds is bounded by one value: nesting by the JSON depth
 * limit, one string by 64 KB, one value by 1 MB.
 */
import type { CaseFileChecker } from '../../../shared/casefile/codec';
import type { CaseFileEvent } from '../../../shared/casefile/case-file';
import { MAX_JSON_DEPTH } from '../../../shared/util/json-depth';
import { JsonTokenizer, type JsonSink } from '../../../shared/parsers/json-tokenizer';

/** One string read at most: an event text beyond it is cut anyway (event-limits.ts); any other such string makes the event too large. */
const MAX_STRING_BYTES = 64 * 1024;
/** One value built at most (a member of the top level, or one event): far beyond any real one. */
export const MAX_VALUE_BYTES = 1024 * 1024;
/** What a value costs besides its strings (object and array slots). */
const SLOT_BYTES = 16;

const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;

const MEMBER_LABELS: Readonly<Record<string, string>> = { case: 'case record', people: 'list of people', billing: 'billing section', events: 'list of events' };

type Container = unknown[] | Record<string, unknown>;
type Frame = { value: Container; key: string | null };

export type ReadProblem = Readonly<{ kind: 'syntax'; message: string } | { kind: 'depth'; offset: number }>;

export class CaseFileReader implements JsonSink {
  readonly #check: CaseFileChecker;
  readonly #onEvent: (e: CaseFileEvent, n: number) => void;
  readonly #tokens: JsonTokenizer;
  #problem: ReadProblem | null = null;

  /** Depth of the token stream: 0 outside the document, 1 inside the top-level object. */
  #depth = 0;
  #topKey: string | null = null;
  /** Inside the top-level list of events (its items are events). */
  #inEvents = false;
  /** The value being built, innermost container last; empty between values. */
  readonly #stack: Frame[] = [];
  #bytes = 0;
  #tooLarge = false;
  /** The tokenizer cut the string about to arrive (longer than MAX_STRING_BYTES). */
  #stringCut = false;
  #ended = false;
  readonly #utf8 = new TextDecoder('utf-8');

  constructor(check: CaseFileChecker, onEvent: (e: CaseFileEvent, n: number) => void) {
    this.#check = check;
    this.#onEvent = onEvent;
    this.#tokens = new JsonTokenizer(this, {
      maxStringBytes: MAX_STRING_BYTES,
      // An event taken whole is at most this large (no string in it can then need cutting); a larger
      // one is read token by token, with the string and value limits below.
      maxRawBytes: MAX_STRING_BYTES,
      maxDepth: MAX_JSON_DEPTH,
      onError: (message, offset) => {
        this.#problem ??= /^Nesting deeper than/.test(message) ? { kind: 'depth', offset } : { kind: 'syntax', message: `${message.replace(/\.$/, '')} at byte ${offset}` };
      },
      onWarning: (message, offset) => {
        if (/^A string longer than/.test(message)) this.#stringCut = true;
        // Anything else (data after the document) is not JSON, as JSON.parse would say.
        else this.#problem ??= { kind: 'syntax', message: `${message.replace(/\.$/, '')} (byte ${offset})` };
      },
    });
  }

  /** Why the bytes are not a readable JSON document, if they are not. */
  get problem(): ReadProblem | null {
    return this.#problem;
  }

  /** Nothing more needs reading: the bytes are not JSON, or the checker has its verdict. */
  get done(): boolean {
    return this.#problem !== null || this.#check.stopped;
  }

  /** The whole document was read (not stopped early). */
  get complete(): boolean {
    return this.#ended && this.#problem === null;
  }

  push(chunk: Uint8Array): void {
    if (!this.done) this.#tokens.write(chunk);
  }

  end(): void {
    if (this.done) return;
    this.#tokens.end();
    this.#ended = true;
  }

  // ---- JsonSink

  /** Each event of the list is taken whole and parsed natively (JSON.parse), a value at a time. */
  rawValue(): boolean {
    return this.#inEvents && this.#stack.length === 0 && !this.#tooLarge;
  }

  raw(bytes: Uint8Array): boolean {
    const text = this.#utf8.decode(bytes);
    // Where JSON.parse and the token path differ, the token path reads it: a \u escape of a
    // surrogate (it makes a lone one U+FFFD) and a "__proto__" member.
    if (SURROGATE_ESCAPE.test(text) || text.includes('"__proto__"')) return false;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      // Not valid JSON: the token path reads it again and says where, as for any other value.
      return false;
    }
    this.#scalar(value);
    return true;
  }

  key(name: string): boolean {
    if (this.#depth === 1 && this.#stack.length === 0) {
      this.#topKey = name;
      return false;
    }
    const frame = this.#stack.at(-1);
    if (frame) frame.key = name;
    this.#cost(name.length + SLOT_BYTES);
    return false;
  }

  startObject(): void {
    this.#open({});
  }

  startArray(): void {
    if (this.#depth === 1 && this.#stack.length === 0 && this.#topKey === 'events') {
      this.#depth = 2;
      this.#inEvents = true;
      this.#check.eventList();
      return;
    }
    this.#open([]);
  }

  endObject(): void {
    this.#close();
  }

  endArray(): void {
    if (this.#inEvents && this.#stack.length === 0) {
      this.#inEvents = false;
      this.#depth = 1;
      return;
    }
    this.#close();
  }

  string(value: string): void {
    const cut = this.#stringCut;
    this.#stringCut = false;
    // An event's text is cut to the event limit anyway; any other string this long is not one Closeout writes.
    if (cut && !this.#isEventText()) this.#tooLarge = true;
    this.#cost(value.length + SLOT_BYTES);
    this.#scalar(value);
  }

  number(raw: string): void {
    this.#cost(SLOT_BYTES);
    this.#scalar(Number(raw));
  }

  literal(value: boolean | null): void {
    this.#cost(SLOT_BYTES);
    this.#scalar(value);
  }

  // ---- building

  #open(container: Container): void {
    if (this.#depth === 0) {
      // The document itself: a case file is an object.
      this.#depth = 1;
      if (Array.isArray(container)) this.#check.notACaseFile();
      return;
    }
    this.#cost(SLOT_BYTES);
    this.#stack.push({ value: container, key: null });
  }

  #close(): void {
    const frame = this.#stack.pop();
    if (!frame) {
      // The end of the document.
      this.#depth = 0;
      return;
    }
    this.#scalar(frame.value);
  }

  /** A finished value: into its container, or, at the root of a value, handed on. */
  #scalar(value: unknown): void {
    const parent = this.#stack.at(-1);
    if (parent) {
      if (this.#tooLarge) return;
      if (Array.isArray(parent.value)) parent.value.push(value);
      else if (parent.key !== null) parent.value[parent.key] = value;
      return;
    }
    if (this.#depth === 0) {
      // A document that is a bare string, number or literal.
      this.#check.notACaseFile();
      return;
    }
    const tooLarge = this.#tooLarge;
    this.#tooLarge = false;
    this.#bytes = 0;
    if (this.#inEvents) {
      if (tooLarge) this.#check.eventUnread((n) => `Event ${n} is larger than any event Closeout writes (over ${MAX_VALUE_BYTES / 1024 / 1024} MB, or a text over ${MAX_STRING_BYTES / 1024} KB besides the event's text): the file is damaged or was not made by Closeout.`);
      else {
        const e = this.#check.event(value);
        if (e) this.#onEvent(e, this.#check.eventCount);
      }
      return;
    }
    const name = this.#topKey ?? '';
    if (tooLarge) this.#check.problem(`The ${MEMBER_LABELS[name] ?? `"${name.slice(0, 40)}"`} in the case file is larger than Closeout reads (over ${MAX_VALUE_BYTES / 1024 / 1024} MB, or a text over ${MAX_STRING_BYTES / 1024} KB): the file is damaged or was not made by Closeout.`);
    else this.#check.member(name, value);
  }

  #cost(bytes: number): void {
    if (this.#tooLarge) return;
    this.#bytes += bytes;
    if (this.#bytes > MAX_VALUE_BYTES) {
      this.#tooLarge = true;
      // Drop what was built: the value is not kept, only its end is waited for.
      for (const f of this.#stack) f.value = Array.isArray(f.value) ? [] : {};
    }
  }

  #isEventText(): boolean {
    return this.#inEvents && this.#stack.length === 1 && this.#stack[0]?.key === 'text' && !Array.isArray(this.#stack[0].value);
  }
}
