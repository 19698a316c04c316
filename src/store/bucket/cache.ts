// The index cache: postings lists and series entries of blocks, keyed by block, bounded by bytes.
// Values are opaque bytes so a remote cache (Redis, memcached) can implement the same interface
// later without the store knowing; the in-memory LRU below is the default (Thanos's
// --index-cache-size, 250MB). Lookups are batched (fetch many keys at once) because a remote
// cache pays one round trip per call, not per key.

import { SLAB_BYTES, SLAB_MAX_VALUE, SlabStore } from "./slab.ts";

export interface IndexCache {
  // Returns the cached postings (encoded) for the keys it holds; misses are simply absent.
  fetchPostings(block: string, keys: readonly PostingsKey[]): Promise<Map<string, Uint8Array>>;
  storePostings(block: string, key: PostingsKey, value: Uint8Array): void;
  fetchSeries(block: string, refs: readonly number[]): Promise<Map<number, Uint8Array>>;
  storeSeries(block: string, ref: number, value: Uint8Array): void;
  // Drops everything of one block (when it is unloaded).
  dropBlock?(block: string): void;
}

export interface PostingsKey {
  name: string;
  value: string;
}

// Stable string form of a postings key (names cannot contain NUL).
export const postingsKeyString = (k: PostingsKey): string => `${k.name}\u0000${k.value}`;

export interface CacheStats {
  // item type "Postings" | "Series", as Thanos labels thanos_store_index_cache_* metrics
  onRequest?(itemType: ItemType, n: number): void;
  onHit?(itemType: ItemType, n: number): void;
  onEvict?(itemType: ItemType, n: number): void;
}

export type ItemType = "Postings" | "Series";

// Per-item memory beyond the value and key bytes: the Map slot, the key string's header, the
// value's length prefix and slab slack. Measured on Node 20 by storing 100k 400-byte series
// entries (growth of heapUsed + external per item after a full GC, minus value and key bytes).
const ENTRY_OVERHEAD = 100;

// Least-recently-used, bounded by the sum of item sizes (value + key + overhead). A Map keeps
// insertion order, so re-inserting on access makes the first key the least recently used. The
// Map holds, per item, only a number (a SlabStore handle) for small values or the buffer itself
// for big ones, so that the cache's JS-heap footprint is a Map slot and a short key per item.
// Keys are short: a per-block number instead of the ULID.
export class LruIndexCache implements IndexCache {
  private readonly entries = new Map<string, number | Uint8Array>();
  private readonly slabs = new SlabStore();
  private readonly blockNos = new Map<string, number>();
  private nextBlockNo = 0;
  private used = 0;
  private readonly maxItemBytes: number;

  constructor(
    readonly maxBytes: number,
    private readonly stats: CacheStats = {},
  ) {
    // Thanos refuses items bigger than half the cache; so do we (a huge postings list would
    // otherwise flush everything else).
    this.maxItemBytes = Math.floor(maxBytes / 2);
  }

  get bytesUsed(): number {
    return this.used;
  }
  get items(): number {
    return this.entries.size;
  }
  // Bytes of slab memory held (for tests and debugging).
  get slabBytes(): number {
    return this.slabs.slabCount * SLAB_BYTES;
  }

  async fetchPostings(block: string, keys: readonly PostingsKey[]): Promise<Map<string, Uint8Array>> {
    const out = new Map<string, Uint8Array>();
    const no = this.blockNos.get(block);
    if (no !== undefined) {
      for (const k of keys) {
        const ks = postingsKeyString(k);
        const v = this.get(`P${no}:${ks}`);
        if (v) out.set(ks, v);
      }
    }
    this.stats.onRequest?.("Postings", keys.length);
    this.stats.onHit?.("Postings", out.size);
    return out;
  }

  storePostings(block: string, key: PostingsKey, value: Uint8Array): void {
    this.set(`P${this.blockNo(block)}:${postingsKeyString(key)}`, value);
  }

  async fetchSeries(block: string, refs: readonly number[]): Promise<Map<number, Uint8Array>> {
    const out = new Map<number, Uint8Array>();
    const no = this.blockNos.get(block);
    if (no !== undefined) {
      for (const r of refs) {
        const v = this.get(`S${no}:${r}`);
        if (v) out.set(r, v);
      }
    }
    this.stats.onRequest?.("Series", refs.length);
    this.stats.onHit?.("Series", out.size);
    return out;
  }

  storeSeries(block: string, ref: number, value: Uint8Array): void {
    this.set(`S${this.blockNo(block)}:${ref}`, value);
  }

  dropBlock(block: string): void {
    const no = this.blockNos.get(block);
    if (no === undefined) return;
    this.blockNos.delete(block);
    const p = `P${no}:`;
    const s = `S${no}:`;
    for (const [k, v] of this.entries) {
      if (k.startsWith(p) || k.startsWith(s)) this.remove(k, v);
    }
  }

  private blockNo(block: string): number {
    let no = this.blockNos.get(block);
    if (no === undefined) this.blockNos.set(block, (no = this.nextBlockNo++));
    return no;
  }

  private bytesOf(v: number | Uint8Array): Uint8Array {
    return typeof v === "number" ? this.slabs.get(v) : v;
  }

  private sizeOf(key: string, value: Uint8Array): number {
    return value.byteLength + key.length + ENTRY_OVERHEAD;
  }

  private remove(key: string, v: number | Uint8Array): void {
    this.used -= this.sizeOf(key, this.bytesOf(v));
    if (typeof v === "number") this.slabs.free(v);
    this.entries.delete(key);
  }

  private get(key: string): Uint8Array | undefined {
    let v = this.entries.get(key);
    if (v === undefined) return undefined;
    this.entries.delete(key);
    // A value used again moves to the current slab, so its old slab can empty and be freed.
    if (typeof v === "number" && !this.slabs.isCurrent(v)) {
      const moved = this.slabs.put(this.slabs.get(v));
      this.slabs.free(v);
      v = moved;
    }
    this.entries.set(key, v);
    // A view: slabs are append-only, so its bytes never change, and it keeps its slab's memory
    // alive only as long as the caller holds it.
    return this.bytesOf(v);
  }

  private set(key: string, value: Uint8Array): void {
    if (this.maxBytes <= 0) return;
    const size = this.sizeOf(key, value);
    if (size > this.maxItemBytes) return;
    const old = this.entries.get(key);
    if (old !== undefined) this.remove(key, old);
    // Always a copy: the cache never pins a larger buffer the value was a view of.
    this.entries.set(key, value.byteLength < SLAB_MAX_VALUE ? this.slabs.put(value) : value.slice());
    this.used += size;
    while (this.used > this.maxBytes) {
      const [firstKey, first] = this.entries.entries().next().value as [string, number | Uint8Array];
      this.remove(firstKey, first);
      this.stats.onEvict?.(firstKey[0] === "P" ? "Postings" : "Series", 1);
    }
  }
}
