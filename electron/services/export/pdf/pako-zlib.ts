/**
 * What pdf-lib and its PNG and standard-font helpers call of pako (`deflate`, `inflate`), done by
 * Node's own zlib. The main-process build puts this module where they import 'pako'
 * (electron.vite.config.ts): a fresh `closeout export --pdf` then neither compiles pako's 100 KB
 * nor runs its deflate in JavaScript (~20 ms of a report's fonts and page streams). Same format
 * (zlib, level 6 unless asked), read back by pako and poppler alike (tests/unit/pako-zlib.test.ts).
 */
import zlib from 'node:zlib';

type Input = Uint8Array | ArrayBuffer | string;

const bytes = (data: Input): Uint8Array => (typeof data === 'string' ? new TextEncoder().encode(data) : data instanceof Uint8Array ? data : new Uint8Array(data));

/** A plain Uint8Array the caller owns (a Buffer's slice() would share memory; pako's copies). */
const own = (b: Buffer): Uint8Array => new Uint8Array(b);

export function deflate(data: Input, options?: Readonly<{ level?: number }>): Uint8Array {
  return own(zlib.deflateSync(bytes(data), options?.level === undefined ? {} : { level: options.level }));
}

/** zlib or gzip, as pako tells them apart by the header. */
export function inflate(data: Input): Uint8Array {
  return own(zlib.unzipSync(bytes(data)));
}

export default { deflate, inflate };
