// A block's index as the store hands it out: the CachedIndex over an IndexReader, whose sampled
// symbol and postings offset tables are the per-block memory the store gateway keeps. Eager
// (the default) it is opened with the block and kept until the block is closed. Lazy (Thanos's
// --store.enable-index-header-lazy-reader) the reader is only opened by the first user, shared
// by users arriving while it opens (one load, not several), and released again once no request
// has used it for the idle timeout. Users take a lease (acquire/release) for as long as they
// read through it, so an unload never pulls a reader from under a running request.
import type { Counter, Histogram } from "../../observability/index.ts";
import type { IndexReader } from "../../tsdb/index/index.ts";
import type { IndexCache } from "./cache.ts";
import { CachedIndex } from "./cached-index.ts";

export interface LazyIndexMetrics {
  loads: Counter;
  loadFailures: Counter;
  unloads: Counter;
  unloadFailures: Counter;
  loadDuration: Histogram;
}

// Thrown by acquire() once the block was closed (dropped from the bucket or found corrupted):
// a request that picked the block just before simply goes without it.
export class IndexClosedError extends Error {
  constructor(block: string) {
    super(`block ${block} is no longer served`);
    this.name = "IndexClosedError";
  }
}

export class BlockIndex {
  private index: CachedIndex | null = null;
  private loading: Promise<CachedIndex> | null = null;
  // Leases held right now (including users waiting for the load).
  private users = 0;
  private lastUsed = Date.now();
  private closed = false;

  private constructor(
    private readonly block: string,
    private readonly cache: IndexCache,
    private readonly openReader: (() => Promise<IndexReader>) | null,
    private readonly metrics?: LazyIndexMetrics,
  ) {}

  // An index opened now and kept: the store's behaviour without lazy loading.
  static eager(block: string, cache: IndexCache, reader: IndexReader): BlockIndex {
    const b = new BlockIndex(block, cache, null);
    b.index = new CachedIndex(block, reader, cache);
    return b;
  }

  // An index opened by `openReader` on first use and unloadable when idle.
  static lazy(block: string, cache: IndexCache, openReader: () => Promise<IndexReader>, metrics?: LazyIndexMetrics): BlockIndex {
    return new BlockIndex(block, cache, openReader, metrics);
  }

  get loaded(): boolean {
    return this.index !== null;
  }

  get inUse(): number {
    return this.users;
  }

  // The index, opening it if needed; every successful acquire must be paired with release().
  // Load errors (a CorruptionError of the block's index among them) are thrown to the caller
  // and not remembered: the next acquire tries again (the store stops serving corrupted blocks).
  async acquire(): Promise<CachedIndex> {
    if (this.closed) throw new IndexClosedError(this.block);
    this.users++;
    this.lastUsed = Date.now();
    if (this.index) return this.index;
    try {
      if (!this.loading) this.loading = this.load().finally(() => (this.loading = null));
      return await this.loading;
    } catch (e) {
      this.users--;
      throw e;
    }
  }

  release(): void {
    if (this.users <= 0) throw new Error(`block ${this.block}: index released more often than acquired`);
    this.users--;
    this.lastUsed = Date.now();
    // A block closed while in use gives its reader back when its last user is done.
    if (this.closed && this.users === 0) void this.closeReader().catch(() => {});
  }

  async with<T>(fn: (index: CachedIndex) => Promise<T>): Promise<T> {
    const index = await this.acquire();
    try {
      return await fn(index);
    } finally {
      this.release();
    }
  }

  // Unloads a lazily loaded reader that nobody holds and nobody used since `idleSince` (ms).
  // Returns whether it unloaded. Eager indexes are never unloaded.
  async unloadIfIdleSince(idleSince: number): Promise<boolean> {
    if (!this.openReader || !this.index || this.users > 0 || this.loading || this.lastUsed > idleSince) return false;
    // Detached synchronously: an acquire from here on opens a fresh reader.
    const reader = this.index.reader;
    this.index = null;
    this.metrics?.unloads.inc();
    try {
      await reader.close();
    } catch (e) {
      this.metrics?.unloadFailures.inc();
      throw e;
    }
    return true;
  }

  // Closes the reader now, or when the last lease is released. Further acquires fail.
  async close(): Promise<void> {
    this.closed = true;
    if (this.users === 0) await this.closeReader();
  }

  private async closeReader(): Promise<void> {
    const index = this.index;
    this.index = null;
    await index?.reader.close();
  }

  private async load(): Promise<CachedIndex> {
    const m = this.metrics;
    m?.loads.inc();
    const t0 = performance.now();
    let reader: IndexReader;
    try {
      reader = await this.openReader!();
    } catch (e) {
      m?.loadFailures.inc();
      throw e;
    }
    m?.loadDuration.observe((performance.now() - t0) / 1000);
    // Closed while loading (block dropped): the waiting users still get it; the last release
    // closes it.
    this.index = new CachedIndex(this.block, reader, this.cache);
    return this.index;
  }
}
