import { describe, expect, it } from 'vitest';
import { JsonTokenizer, type JsonSink } from '../../shared/parsers/json-tokenizer';
import { randomChunks, randomInt, seededRng, utf8, type Rng } from '../fixtures/vendor/chunking';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Rebuilds values from the token stream, so the tokenizer can be checked against JSON.parse. */
class Builder implements JsonSink {
  readonly stack: Array<{ value: Json[] | Record<string, Json>; key: string | null }> = [];
  result: Json | undefined;
  errors: string[] = [];
  warnings: string[] = [];
  numbers = 0;
  private currentKey: string | null = null;

  constructor(private readonly skipKeys: ReadonlySet<string> = new Set()) {}

  private put(v: Json): void {
    const top = this.stack[this.stack.length - 1];
    if (!top) this.result = v;
    else if (Array.isArray(top.value)) top.value.push(v);
    else top.value[this.currentKey as string] = v;
  }
  key(name: string): boolean {
    this.currentKey = name;
    return this.skipKeys.has(name);
  }
  startObject(): void {
    const o: Record<string, Json> = {};
    this.put(o);
    this.stack.push({ value: o, key: this.currentKey });
  }
  endObject(): void {
    this.stack.pop();
  }
  startArray(): void {
    const a: Json[] = [];
    this.put(a);
    this.stack.push({ value: a, key: this.currentKey });
  }
  endArray(): void {
    this.stack.pop();
  }
  string(value: string): void {
    this.put(value);
  }
  number(raw: string): void {
    this.numbers += 1;
    this.put(Number(raw));
  }
  literal(value: boolean | null): void {
    this.put(value);
  }
}

function tokenize(chunks: Iterable<Uint8Array>, skipKeys?: ReadonlySet<string>): Builder {
  const b = new Builder(skipKeys);
  const t = new JsonTokenizer(b, { onError: (m, at) => b.errors.push(`${at}: ${m}`), onWarning: (m, at) => b.warnings.push(`${at}: ${m}`) });
  for (const c of chunks) t.write(c);
  t.end();
  return b;
}

const ALPHABET = ['a', 'Z', ' ', '"', '\\', '/', '\n', '\t', '\u0014', 'é', 'µ', '中', '😀', '\u2028', '\u0000'];

function randomString(rng: Rng): string {
  let s = '';
  for (let i = randomInt(rng, 0, 8); i > 0; i--) s += ALPHABET[randomInt(rng, 0, ALPHABET.length - 1)];
  return s;
}

function randomValue(rng: Rng, depth: number): Json {
  const pick = randomInt(rng, 0, depth > 3 ? 4 : 6);
  switch (pick) {
    case 0:
      return null;
    case 1:
      return rng() < 0.5;
    case 2:
      return rng() < 0.3 ? randomInt(rng, -1e6, 1e6) : rng() < 0.5 ? (rng() - 0.5) * 1e-7 : 1_600_000_000_000_000 + randomInt(rng, 0, 1e9);
    case 3:
    case 4:
      return randomString(rng);
    case 5:
      return Array.from({ length: randomInt(rng, 0, 4) }, () => randomValue(rng, depth + 1));
    default: {
      const o: Record<string, Json> = {};
      for (let i = randomInt(rng, 0, 4); i > 0; i--) o[randomString(rng)] = randomValue(rng, depth + 1);
      return o;
    }
  }
}

describe('JSON tokenizer', () => {
  it('rebuilds 300 random documents exactly, whatever the chunking', () => {
    const rng = seededRng(42);
    for (let n = 0; n < 300; n++) {
      const value = randomValue(rng, 0);
      // Pretty-printed half the time: whitespace between tokens must not matter either.
      const text = n % 2 ? JSON.stringify(value, null, 2) : JSON.stringify(value);
      const b = tokenize(randomChunks(utf8(text), rng, 1, 7));
      expect(b.errors).toEqual([]);
      expect(b.result).toEqual(value);
    }
  });

  it('decodes escapes, surrogate pairs and UTF-8 split at every byte boundary', () => {
    const text = '{"m":"caf\\u00e9 \\ud83d\\ude00 \\"q\\" \\\\ \\/ \\b\\f\\n\\r\\t 中文 😀 \\u0014"}';
    const bytes = utf8(text);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const b = tokenize([bytes.subarray(0, cut), bytes.subarray(cut)]);
      expect(b.errors).toEqual([]);
      expect(b.result).toEqual({ m: 'café 😀 "q" \\ / \b\f\n\r\t 中文 😀 \u0014' });
    }
  });

  it('turns unpaired surrogates into U+FFFD like a decoder would', () => {
    const b = tokenize([utf8('["\\ud83d", "\\ude00x", "\\ud83d\\n", "\\ud83d\\u0041"]')]);
    expect(b.result).toEqual(['\uFFFD', '\uFFFDx', '\uFFFD\n', '\uFFFDA']);
  });

  it('accepts a UTF-8 BOM, even split across chunks', () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...utf8('{"a":1}')]);
    expect(tokenize([bytes.subarray(0, 1), bytes.subarray(1, 2), bytes.subarray(2)]).result).toEqual({ a: 1 });
  });

  it('keeps the digits of a number exactly as written', () => {
    const raws: string[] = [];
    const sink: JsonSink = {
      key: () => false,
      startObject: () => undefined,
      endObject: () => undefined,
      startArray: () => undefined,
      endArray: () => undefined,
      string: () => undefined,
      number: (raw) => void raws.push(raw),
      literal: () => undefined,
    };
    const t = new JsonTokenizer(sink, { onError: () => undefined, onWarning: () => undefined });
    for (const c of randomChunks(utf8('[1700000123456789, -0.5e-7, 12345678901234567890123, 0]'), seededRng(3))) t.write(c);
    t.end();
    expect(raws).toEqual(['1700000123456789', '-0.5e-7', '12345678901234567890123', '0']);
  });

  it('skips a chosen member without reporting any of its tokens', () => {
    const doc = { a: 1, TraceData: [1, 2, [3, '"]}'], { x: '\\"' }], b: 'kept', c: { TraceData: 'str"ing' } };
    const b = tokenize(randomChunks(utf8(JSON.stringify(doc)), seededRng(9)), new Set(['TraceData']));
    expect(b.errors).toEqual([]);
    expect(b.numbers).toBe(1);
    expect(b.result).toEqual({ a: 1, b: 'kept', c: {} });
  });

  it.each([
    ['', 'empty'],
    ['{"a":1', 'truncated'],
    ['{"a":1,}', 'Expected a member name'],
    ['[1,]', 'Expected a value'],
    ['{"a" 1}', "Expected ':'"],
    ['[01]', 'Malformed number'],
    ['[1 2]', "Expected ','"],
    ['[1.]', 'Malformed number'],
    ['[tru]', 'Malformed literal'],
    ['["\\x"]', 'Invalid escape'],
    ['["\\u12G4"]', 'hex digit'],
    ['{"a":1}]', 'after the end'],
    ['[1}', "Unexpected '}'"],
  ])('reports %j without throwing (%s)', (text, message) => {
    const b = tokenize([utf8(text)]);
    expect([...b.errors, ...b.warnings].join('\n')).toContain(message);
  });

  it('refuses runaway nesting instead of growing a stack', () => {
    const b = tokenize([utf8('['.repeat(10_000))]);
    expect(b.errors[0]).toContain('Nesting deeper');
  });
});
