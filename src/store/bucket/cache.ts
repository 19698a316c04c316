// The index cache: postings lists and series entries of blocks, keyed by block, bounded by bytes.
// Values are opaque bytes so a remote cache (Redis, memcached) can implement the same interface
// later without the store knowing; the in-memory LRU below is the default (Thanos's
// --index-cache-size, 250MB). Lookups are batched (fetch many keys at once) because a remote
// cache pays one round trip per call, not per key.

import { SLAB_MAX_VALUE, SlabAllocator } from "./slab.ts";

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

// Per-entry memory beyond the value and key bytes: the Entry object, its Map slot, the key
// string's header and the Uint8Array view, plus slab slack. Measured on Node 20 by storing 100k
// 400-byte series entries (growth of heapUsed + external per entry, after a full GC, minus the
// value and key bytes): about 340 bytes. With a smaller figure, a cache of many small series
// entries would really use up to twice its --index-cache-size.
const ENTRY_OVERHEAD = 340;

// Kept small: there is one per cached item (the key lives only in the Map; the block is a prefix
// of it).
interface Entry {
  value: Uint8Array;
  size: number;
  generation: number; // slab generation the value was copied in (see slab.ts)
  type: ItemType;
}

// Least-recently-used, bounded by the sum of value sizes plus overhead. A Map keeps insertion
// order, so re-inserting on access makes the first key the least recently used.
export class LruIndexCache implements IndexCache {
  private readonly entries = new Map<string, Entry>();
  private readonly slabs = new SlabAllocator();
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

  async fetchPostings(block: string, keys: readonly PostingsKey[]): Promise<Map<string, Uint8Array>> {
    const out = new Map<string, Uint8Array>();
    for (const k of keys) {
      const ks = postingsKeyString(k);
      const v = this.get(`P\u0001${block}\u0001${ks}`);
      if (v) out.set(ks, v);
    }
    this.stats.onRequest?.("Postings", keys.length);
    this.stats.onHit?.("Postings", out.size);
    return out;
  }

  storePostings(block: string, key: PostingsKey, value: Uint8Array): void {
    this.set(`P\u0001${block}\u0001${postingsKeyString(key)}`, "Postings", value);
  }

  async fetchSeries(block: string, refs: readonly number[]): Promise<Map<number, Uint8Array>> {
    const out = new Map<number, Uint8Array>();
    for (const r of refs) {
      const v = this.get(`S\u0001${block}\u0001${r}`);
      if (v) out.set(r, v);
    }
    this.stats.onRequest?.("Series", refs.length);
    this.stats.onHit?.("Series", out.size);
    return out;
  }

  storeSeries(block: string, ref: number, value: Uint8Array): void {
    this.set(`S\u0001${block}\u0001${ref}`, "Series", value);
  }

  dropBlock(block: string): void {
    const p = `P\u0001${block}\u0001`;
    const s = `S\u0001${block}\u0001`;
    for (const [k, e] of this.entries) {
      if (k.startsWith(p) || k.startsWith(s)) {
        this.entries.delete(k);
        this.used -= e.size;
      }
    }
  }

  private get(key: string): Uint8Array | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    this.entries.delete(key);
    this.entries.set(key, e);
    // A value used again moves to the current slab, so its old slab can empty and be freed.
    if (e.generation !== this.slabs.generation && e.value.byteLength < SLAB_MAX_VALUE) {
      e.value = this.slabs.copy(e.value);
      e.generation = this.slabs.generation;
    }
    return e.value;
  }

  private set(key: string, type: ItemType, value: Uint8Array): void {
    if (this.maxBytes <= 0) return;
    // Keys are flat one-byte strings (ULID, digits, label text): about one byte per character.
    const size = value.byteLength + key.length + ENTRY_OVERHEAD;
    if (size > this.maxItemBytes) return;
    const old = this.entries.get(key);
    if (old) {
      this.entries.delete(key);
      this.used -= old.size;
    }
    // Always a copy: the cache never pins a larger buffer the value was a view of.
    const copied = this.slabs.copy(value);
    this.entries.set(key, { value: copied, size, generation: this.slabs.generation, type });
    this.used += size;
    while (this.used > this.maxBytes) {
      const [firstKey, first] = this.entries.entries().next().value as [string, Entry];
      this.entries.delete(firstKey);
      this.used -= first.size;
      this.stats.onEvict?.(first.type, 1);
    }
  }
}

// Parses Thanos-style byte sizes: 250MB, 1GiB, 512KB, 1024 (bytes). MB = 1024*1024 as in
// Thanos's flagext.Bytes (units are powers of 1024).
export function parseByteSize(s: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([KMGT]?i?B?)?\s*$/i.exec(s);
  if (!m) throw new Error(`invalid size ${JSON.stringify(s)} (want e.g. 250MB, 1GiB, 0)`);
  const n = Number(m[1]);
  const unit = (m[2] ?? "").toUpperCase().replace("I", "").replace("B", "");
  const mult = unit === "" ? 1 : unit === "K" ? 1024 : unit === "M" ? 1024 ** 2 : unit === "G" ? 1024 ** 3 : 1024 ** 4;
  return Math.floor(n * mult);
}
