// Small cache values copied into shared 64 KiB slabs instead of one allocation each: a series
// entry is a few hundred bytes, and as its own ArrayBuffer it costs about twice that in resident
// memory (JS wrapper objects plus a malloc block each), so a byte-bounded cache of them would
// really use about twice its bound. Values keep pointing into their slab; the slab is freed once
// none does. Because the LRU cache evicts in recency order and re-copies an entry into the
// current slab when it is used again (see LruIndexCache.get), slabs empty in the order they were
// filled and at most a slab or two is pinned by stragglers.
export const SLAB_BYTES = 64 * 1024;
// Values at least this big get their own buffer (a slab would mostly hold one of them anyway).
export const SLAB_MAX_VALUE = 8 * 1024;

export class SlabAllocator {
  private slab = new Uint8Array(0);
  private used = 0;
  // Index of the current slab, so callers can tell whether a value lives in an older one.
  generation = 0;

  copy(v: Uint8Array): Uint8Array {
    if (v.byteLength >= SLAB_MAX_VALUE) return v.slice();
    if (this.used + v.byteLength > this.slab.byteLength) {
      this.slab = new Uint8Array(SLAB_BYTES);
      this.used = 0;
      this.generation++;
    }
    const out = this.slab.subarray(this.used, this.used + v.byteLength);
    out.set(v);
    this.used += v.byteLength;
    return out;
  }
}
