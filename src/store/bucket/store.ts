// BucketStore: the store gateway's StoreServer. It keeps the set of served blocks in step with
// the bucket (periodic sync through the MetaFetcher: partial blocks and blocks whose deletion mark
// is older than the delay are not served; new blocks are opened, vanished ones closed) and
// answers Series / LabelNames / LabelValues / Info from range reads of each block's index and
// chunks, through the index cache. A block that turns out to be corrupted is reported once (log
// line + aeon_bucket_store_corrupted_blocks_total) and no longer served; the others carry on.
import { readdir, rm, rmdir } from "node:fs/promises";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { InfoResponseSchema, StoreInfoSchema, TSDBInfoSchema, type InfoResponse } from "../../gen/thanos/info/rpc_pb.ts";
import {
  LabelNamesResponseSchema,
  LabelValuesResponseSchema,
  type LabelNamesRequest,
  type LabelNamesResponse,
  type LabelValuesRequest,
  type LabelValuesResponse,
  type SeriesRequest,
  type SeriesResponse,
} from "../../gen/thanos/store/rpc_pb.ts";
import { LabelSchema, ZLabelSetSchema } from "../../gen/thanos/store/types_pb.ts";
import { MetaFetcher } from "../../blockstore/index.ts";
import { compareStrings, labelsKey, type Label } from "../../labels/index.ts";
import { nopLogger, type Logger, type Registry } from "../../observability/index.ts";
import type { Bucket } from "../../objstore/index.ts";
import type { BlockMeta } from "../../tsdb/block/meta.ts";
import { CorruptionError } from "../../tsdb/errors.ts";
import { invalidArgument, throwIfAborted, toStoreError } from "../errors.ts";
import { matchersFromProto } from "../matchers.ts";
import type { StoreCallOptions, StoreServer } from "../types.ts";
import { BucketBlock } from "./block.ts";
import { LruIndexCache, type IndexCache } from "./cache.ts";
import { SERIES_BATCH } from "./cached-index.ts";
import type { ChunkFetchStats } from "./chunk-fetch.ts";
import { aggregateFields } from "./convert.ts";
import { RequestLimiter } from "./limits.ts";
import { bucketStoreMetrics, type BucketStoreMetrics } from "./metrics.ts";
import { keepBlock, type RelabelRule } from "./relabel.ts";
import { LabelInterner } from "./intern.ts";
import { INDEX_HEADER_FILENAME } from "./index-header/index.ts";
import { matchersForBlock, selectBlocks } from "./select.ts";
import { IndexClosedError } from "./lazy-index.ts";
import { HeldIndexes, mergeBlockSeries, selectBlockSeries, streamSeries, type SeriesQuery } from "./series.ts";
import { Registry as MetricsRegistry } from "../../observability/index.ts";

export interface BucketStoreOptions {
  bucket: Bucket;
  logger?: Logger;
  registry?: Registry;
  // Index cache; default an in-memory LRU of indexCacheBytes (250 MiB).
  cache?: IndexCache;
  indexCacheBytes?: number;
  ignoreDeletionMarksDelayMs?: number; // default 24h
  maxSeries?: number; // 0 = unlimited
  maxSamples?: number; // 0 = unlimited
  relabel?: RelabelRule[];
  // Only blocks overlapping [minTime, maxTime] are served (--min-time/--max-time).
  minTime?: number;
  maxTime?: number;
  // Blocks opened in parallel during a sync, and blocks queried in parallel per request.
  concurrency?: number;
  symbolsInMemoryMaxBytes?: number;
  // Local working directory: each block's index-header file lives in <dataDir>/<ULID>/ and is
  // reused after a restart. Without it, tables are sampled from the bucket at every open.
  dataDir?: string;
  // Thanos's --store.enable-index-header-lazy-reader: a block's index reader (its sampled
  // tables) is opened on first use instead of at sync, and unloaded after
  // lazyIndexIdleTimeoutMs (default 5m; 0 = never) without use. The index-header file is still
  // made at sync.
  lazyIndexHeader?: boolean;
  lazyIndexIdleTimeoutMs?: number;
  // Postings offset table entries per in-memory sample (default 32).
  postingOffsetsSampling?: number;
}

const DAY = 24 * 3600 * 1000;
const ULID_DIR = /^[0-9A-HJKMNP-TV-Z]{26}$/;
const OWN_FILES = [INDEX_HEADER_FILENAME, `${INDEX_HEADER_FILENAME}.tmp`];

export class BucketStore implements StoreServer {
  private readonly blocks = new Map<string, BucketBlock>();
  // Blocks found corrupted: reported once, never retried (until they vanish from the bucket).
  private readonly corrupted = new Map<string, string>();
  private readonly fetcher: MetaFetcher;
  private readonly log: Logger;
  readonly metrics: BucketStoreMetrics;
  readonly cache: IndexCache;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private idleTimer: ReturnType<typeof setInterval> | null = null;
  private syncing: Promise<void> | null = null;
  private stopped = false;
  private cleanedLocal = false;

  constructor(private readonly opts: BucketStoreOptions) {
    this.log = opts.logger ?? nopLogger;
    this.metrics = bucketStoreMetrics(opts.registry ?? new MetricsRegistry());
    this.metrics.blocksLoaded.set(0);
    this.cache = opts.cache ?? new LruIndexCache(opts.indexCacheBytes ?? 250 * 1024 * 1024, this.metrics.cacheStats);
    if (opts.postingOffsetsSampling !== undefined && !(Number.isInteger(opts.postingOffsetsSampling) && opts.postingOffsetsSampling > 0)) {
      throw new RangeError(`postingOffsetsSampling must be an integer > 0, got ${opts.postingOffsetsSampling}`);
    }
    this.fetcher = new MetaFetcher(opts.bucket, {
      ignoreDeletionMarksDelayMs: opts.ignoreDeletionMarksDelayMs ?? DAY,
      filters: [(m) => this.filterReason(m)],
    });
  }

  get loadedBlocks(): readonly BucketBlock[] {
    return [...this.blocks.values()];
  }

  private filterReason(m: BlockMeta): string | undefined {
    if (this.opts.minTime !== undefined && m.maxTime <= this.opts.minTime) return "before --min-time";
    if (this.opts.maxTime !== undefined && m.minTime > this.opts.maxTime) return "after --max-time";
    if (this.opts.relabel?.length && !keepBlock(this.opts.relabel, { ...(m.thanos?.labels ?? {}), __block_id: m.ulid })) return "dropped by the selector relabel config";
    return undefined;
  }

  // One synchronisation with the bucket. Concurrent callers share the running sync.
  sync(): Promise<void> {
    if (!this.syncing) this.syncing = this.doSync().finally(() => (this.syncing = null));
    return this.syncing;
  }

  private async doSync(): Promise<void> {
    this.metrics.syncs.inc();
    let res;
    try {
      res = await this.fetcher.fetch();
    } catch (e) {
      this.metrics.syncFailures.inc();
      throw e;
    }
    const wanted = res.metas;
    for (const [id, b] of this.blocks) {
      if (!wanted.has(id)) {
        this.blocks.delete(id);
        this.cache.dropBlock?.(id);
        this.metrics.blockDrops.inc();
        await b.close().catch(() => {});
        await this.removeLocal(id);
        this.log.info("dropped block", { block: id, reason: res.filtered.get(id) ?? "no longer in the bucket" });
      }
    }
    if (!this.cleanedLocal) {
      // Once per process: index-headers of blocks that left the bucket while we were down.
      this.cleanedLocal = true;
      await this.removeStaleLocal(new Set(wanted.keys()));
    }
    for (const id of this.corrupted.keys()) if (!wanted.has(id)) this.corrupted.delete(id);
    const toLoad = [...wanted.values()].filter((m) => !this.blocks.has(m.ulid) && !this.corrupted.has(m.ulid));
    let next = 0;
    const worker = async () => {
      while (next < toLoad.length && !this.stopped) await this.load(toLoad[next++]);
    };
    await Promise.all(Array.from({ length: Math.min(this.opts.concurrency ?? 4, toLoad.length) }, worker));
    this.metrics.blocksLoaded.set(this.blocks.size);
  }

  private async load(meta: BlockMeta): Promise<void> {
    this.metrics.blockLoads.inc();
    try {
      const b = await BucketBlock.open(this.opts.bucket, meta, {
        cache: this.cache,
        observeRead: (_o, n) => {
          this.metrics.bucketOps.inc(1, { operation: "get_range" });
          this.metrics.bucketOpBytes.inc(n, { operation: "get_range" });
        },
        symbolsInMemoryMaxBytes: this.opts.symbolsInMemoryMaxBytes,
        lazy: this.opts.lazyIndexHeader,
        lazyMetrics: this.metrics.lazyIndex,
        postingOffsetsSampling: this.opts.postingOffsetsSampling,
        localDir: this.opts.dataDir ? join(this.opts.dataDir, meta.ulid) : undefined,
        onIndexHeader: ({ origin, rebuildReason }) => {
          this.metrics.indexHeaders.inc(1, { origin });
          if (origin === "rebuilt") this.log.warn("index-header was unusable and was rebuilt", { block: meta.ulid, reason: rebuildReason ?? "" });
          else if (origin === "built") this.log.debug("built index-header", { block: meta.ulid });
        },
      });
      if (this.stopped) return void (await b.close());
      this.blocks.set(meta.ulid, b);
      this.log.debug("loaded block", { block: meta.ulid, minTime: meta.minTime, maxTime: meta.maxTime, resolution: b.resolution });
    } catch (e) {
      this.metrics.blockLoadFailures.inc();
      if (e instanceof CorruptionError) {
        this.markCorrupted(meta.ulid, e);
        await this.removeLocal(meta.ulid);
      }
      // Anything else (network, permissions) is retried at the next sync.
      else this.log.warn("loading block failed; will retry at next sync", { block: meta.ulid, err: e as Error });
    }
  }

  // Removes a block's local files (its index-header) once it is no longer served. Only the files
  // the gateway writes are deleted, and the folder only when that leaves it empty: a --data-dir
  // pointed at a folder holding real blocks (Prometheus's ./data, say) loses nothing.
  private async removeLocal(id: string): Promise<void> {
    if (!this.opts.dataDir) return;
    const dir = join(this.opts.dataDir, id);
    try {
      for (const f of OWN_FILES) await rm(join(dir, f), { force: true });
      await rmdir(dir);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== "ENOENT" && code !== "ENOTEMPTY" && code !== "EEXIST") this.log.warn("cannot remove local block files", { block: id, err: e as Error });
    }
  }

  private async removeStaleLocal(keep: Set<string>): Promise<void> {
    if (!this.opts.dataDir) return;
    const names = await readdir(this.opts.dataDir).catch(() => [] as string[]);
    for (const n of names) if (ULID_DIR.test(n) && !keep.has(n)) await this.removeLocal(n);
  }

  private markCorrupted(id: string, e: Error): void {
    if (this.corrupted.has(id)) return;
    this.corrupted.set(id, e.message);
    this.metrics.corruptedBlocks.inc();
    this.log.error("block is corrupted; it is skipped and no longer served", { block: id, err: e });
    const b = this.blocks.get(id);
    if (b) {
      void this.removeLocal(id);
      this.blocks.delete(id);
      this.cache.dropBlock?.(id);
      this.metrics.blocksLoaded.set(this.blocks.size);
      void b.close().catch(() => {});
    }
  }

  // Syncs every intervalMs until stop(); errors are logged, the previous block set kept.
  start(intervalMs: number): void {
    const tick = async () => {
      try {
        await this.sync();
      } catch (e) {
        this.log.warn("block sync failed", { err: e as Error });
      }
      if (!this.stopped) this.timer = setTimeout(tick, intervalMs);
    };
    this.timer = setTimeout(tick, intervalMs);
    // Idle readers are looked for every tenth of the timeout, as Thanos's reader pool does.
    const idle = this.idleTimeoutMs;
    if (this.opts.lazyIndexHeader && idle > 0 && !this.idleTimer) {
      this.idleTimer = setInterval(() => void this.unloadIdleIndexes(), Math.max(1, Math.floor(idle / 10)));
    }
  }

  private get idleTimeoutMs(): number {
    return this.opts.lazyIndexIdleTimeoutMs ?? 5 * 60_000;
  }

  // Unloads lazily loaded index readers no request holds and none used for the idle timeout
  // (as of `now`); returns how many. Run periodically by start(); callable directly (tests).
  async unloadIdleIndexes(now = Date.now()): Promise<number> {
    const idle = this.idleTimeoutMs;
    if (!this.opts.lazyIndexHeader || idle <= 0) return 0;
    let n = 0;
    for (const b of [...this.blocks.values()]) {
      try {
        if (await b.unloadIndexIfIdleSince(now - idle)) n++;
      } catch (e) {
        this.log.warn("unloading idle index-header reader failed", { block: b.id, err: e as Error });
      }
    }
    if (n > 0) this.log.debug("unloaded idle index-header readers", { blocks: n });
    return n;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.idleTimer) clearInterval(this.idleTimer);
    this.idleTimer = null;
    await this.syncing?.catch(() => {});
    await Promise.all([...this.blocks.values()].map((b) => b.close().catch(() => {})));
    this.blocks.clear();
  }

  async info(): Promise<InfoResponse> {
    let min = Number.MAX_SAFE_INTEGER;
    let max = Number.MIN_SAFE_INTEGER;
    const sets = new Map<string, { labels: Label[]; min: number; max: number }>();
    for (const b of this.blocks.values()) {
      min = Math.min(min, b.meta.minTime);
      max = Math.max(max, b.meta.maxTime);
      const k = labelsKey(b.extLabels);
      const s = sets.get(k);
      if (!s) sets.set(k, { labels: b.extLabels, min: b.meta.minTime, max: b.meta.maxTime });
      else {
        s.min = Math.min(s.min, b.meta.minTime);
        s.max = Math.max(s.max, b.meta.maxTime);
      }
    }
    const zset = (ls: Label[]) => create(ZLabelSetSchema, { labels: ls.map((l) => create(LabelSchema, l)) });
    // Blocks without external labels contribute an empty set (matches anything), unless no block
    // has any: then no sets at all, which means the same.
    const all = [...sets.values()];
    const labelSets = all.some((s) => s.labels.length > 0) ? all.map((s) => zset(s.labels)) : [];
    return create(InfoResponseSchema, {
      labelSets,
      ComponentType: "store",
      store: create(StoreInfoSchema, {
        minTime: BigInt(min),
        maxTime: BigInt(max),
        supportsWithoutReplicaLabels: true,
        tsdbInfos: [...sets.values()].map((s) => create(TSDBInfoSchema, { labels: zset(s.labels), minTime: BigInt(s.min), maxTime: BigInt(s.max) })),
      }),
    });
  }

  async *series(req: SeriesRequest, opts?: StoreCallOptions): AsyncIterable<SeriesResponse> {
    this.metrics.seriesRequests.inc();
    const held = new HeldIndexes();
    try {
      if (req.minTime > req.maxTime) throw invalidArgument(`min_time ${req.minTime} > max_time ${req.maxTime}`);
      const q: SeriesQuery = {
        mint: clampMs(req.minTime),
        maxt: clampMs(req.maxTime),
        matchers: matchersFromProto(req.matchers),
        skipChunks: req.skipChunks,
        withoutReplicaLabels: new Set(req.withoutReplicaLabels),
        aggregates: aggregateFields(req.aggregates),
        limit: req.limit > 0n ? Number(req.limit) : 0,
        signal: opts?.signal,
        onCorrupt: (b, e) => this.markCorrupted(b.id, e),
        warnings: [],
        interner: new LabelInterner(),
        held,
      };
      const blocks = selectBlocks(this.blocks.values(), q.mint, q.maxt, Number(req.maxResolutionWindow));
      const limiter = new RequestLimiter(this.opts.maxSeries ?? 0, this.opts.maxSamples ?? 0);
      const lists = await this.perBlock(blocks, q.signal, async (b) => {
        try {
          return await selectBlockSeries(b, q, limiter);
        } catch (e) {
          if (e instanceof IndexClosedError) return { block: b, series: [] }; // dropped meanwhile
          if (!(e instanceof CorruptionError)) throw e;
          this.markCorrupted(b.id, e);
          q.warnings.push(`block ${b.id} skipped: ${e.message}`);
          return { block: b, series: [] };
        }
      });
      q.interner = undefined; // selection done: the interner's maps can go
      this.metrics.seriesFetched.observe(limiter.seriesCount);
      this.metrics.chunksFetched.observe(limiter.chunkCount);
      const stats: ChunkFetchStats = { ranges: 0, bytes: 0, chunks: 0 };
      try {
        yield* streamSeries(mergeBlockSeries(lists), q, stats);
      } finally {
        this.metrics.chunkFetchedBytes.inc(stats.bytes);
        if (stats.ranges) {
          this.metrics.bucketOps.inc(stats.ranges, { operation: "get_range" });
          this.metrics.bucketOpBytes.inc(stats.bytes, { operation: "get_range" });
        }
      }
    } catch (e) {
      const se = toStoreError(e);
      this.metrics.seriesFailures.inc(1, { code: se.code });
      throw se;
    } finally {
      held.releaseAll();
    }
  }

  async labelNames(req: LabelNamesRequest, opts?: StoreCallOptions): Promise<LabelNamesResponse> {
    const ms = matchersFromProto(req.matchers);
    const names = new Set<string>();
    await this.perBlock(this.blocksInRange(req.start, req.end), opts?.signal, async (b) => {
      const bms = matchersForBlock(ms, b.extLabels);
      if (!bms) return;
      const any = await b.withIndex(async (index) => {
        if (bms.length === 0) {
          for (const n of index.reader.labelNames()) names.add(n);
          return true;
        }
        const p = await index.postings(bms);
        for (let i = 0; i < p.length; i += SERIES_BATCH) {
          for (const s of await index.series(p.subarray(i, i + SERIES_BATCH))) for (const l of s.labels) names.add(l.name);
        }
        return p.length > 0;
      });
      if (any) for (const l of b.extLabels) names.add(l.name);
    });
    for (const n of req.withoutReplicaLabels) names.delete(n);
    return create(LabelNamesResponseSchema, { names: limit([...names].sort(compareStrings), req.limit) });
  }

  async labelValues(req: LabelValuesRequest, opts?: StoreCallOptions): Promise<LabelValuesResponse> {
    if (!req.label) throw invalidArgument("label name is required");
    const ms = matchersFromProto(req.matchers);
    if (req.withoutReplicaLabels.includes(req.label)) return create(LabelValuesResponseSchema, { values: [] });
    const values = new Set<string>();
    await this.perBlock(this.blocksInRange(req.start, req.end), opts?.signal, async (b) => {
      const bms = matchersForBlock(ms, b.extLabels);
      if (!bms) return;
      const ext = b.extLabels.find((l) => l.name === req.label);
      // An external label's value needs the index only to check the matchers select something.
      if (ext && bms.length === 0) return void values.add(ext.value);
      await b.withIndex(async (index) => {
        const selected = bms.length ? await index.postings(bms) : undefined;
        if (ext) {
          if (selected!.length > 0) values.add(ext.value);
          return;
        }
        for (const v of await index.labelValues(req.label, selected)) values.add(v);
      });
    });
    return create(LabelValuesResponseSchema, { values: limit([...values].sort(compareStrings), req.limit) });
  }

  private blocksInRange(start: bigint, end: bigint): BucketBlock[] {
    const all = [...this.blocks.values()];
    if (start === 0n && end === 0n) return all;
    if (start > end) throw invalidArgument(`start ${start} > end ${end}`);
    return all.filter((b) => b.overlaps(clampMs(start), clampMs(end)));
  }

  // Runs fn over blocks with bounded parallelism; results in block order. Corrupted blocks found
  // by label calls are reported and skipped like in Series.
  private async perBlock<T>(blocks: BucketBlock[], signal: AbortSignal | undefined, fn: (b: BucketBlock) => Promise<T>): Promise<T[]> {
    const out = new Array<T>(blocks.length);
    let next = 0;
    let failed = false;
    const worker = async () => {
      // After one block failed the request, the other workers take no new blocks.
      while (next < blocks.length && !failed) {
        throwIfAborted(signal);
        const i = next++;
        try {
          out[i] = await fn(blocks[i]);
        } catch (e) {
          if (e instanceof IndexClosedError) continue; // dropped meanwhile
          if (!(e instanceof CorruptionError)) {
            failed = true;
            throw e;
          }
          this.markCorrupted(blocks[i].id, e);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.opts.concurrency ?? 8, blocks.length) }, worker));
    return out.filter((x) => x !== undefined);
  }
}

// Request times are int64 ms; far-out values (Thanos clients send MinInt64/MaxInt64 for "all")
// are clamped to the safe-number range our block times live in.
function clampMs(v: bigint): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) return Number.MAX_SAFE_INTEGER;
  if (v < BigInt(Number.MIN_SAFE_INTEGER)) return Number.MIN_SAFE_INTEGER;
  return Number(v);
}

function limit<T>(xs: T[], n: bigint): T[] {
  return n > 0n ? xs.slice(0, Number(n)) : xs;
}

