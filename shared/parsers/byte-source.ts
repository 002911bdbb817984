/**
 * Synchronous random access to a file's bytes, so binary parsers stay pure (no fs here) and can
 * seek: an EDF reader needs a few dozen bytes per data record, not the whole file.
 */
export interface ByteSource {
  /** Total length in bytes. */
  readonly size: number;
  /**
   * Up to `length` bytes from `offset`; fewer only at the end of the source (empty past it).
   * The returned view may be overwritten by the next read on the same source (a file source
   * reuses one buffer to avoid an allocation per record), so callers copy what they keep.
   */
  read(offset: number, length: number): Uint8Array;
}

/** A source over bytes already in memory (tests, small uploads). Reads are views, not copies. */
export function bytesSource(u8: Uint8Array): ByteSource {
  return {
    size: u8.length,
    read(offset: number, length: number): Uint8Array {
      const start = clamp(offset, u8.length);
      return u8.subarray(start, clamp(start + Math.max(0, length), u8.length));
    },
  };
}

function clamp(n: number, max: number): number {
  return Number.isFinite(n) ? Math.min(Math.max(0, Math.trunc(n)), max) : max;
}
