// One block of the bucket as the store gateway serves it: its meta, external labels and
// resolution, the range-reading index, and the list of chunk segment files with their sizes.
// The index's symbol table and postings offset table are read from the block's local
// index-header file (Thanos's format, built once from range reads of the index object, never a
// download of the whole index); in memory stay only the TOC and every 32nd symbol offset and
// postings-offset entry. Postings lists, series entries and chunks are bucket range reads.
// With lazy loading the index-header file is still made at open, but the reader (the sampled
// tables) only when first used, and it is dropped again when idle (see lazy-index.ts): users
// take the index with acquireIndex()/releaseIndex() or withIndex().
import type { Bucket } from "../../objstore/index.ts";
import { externalLabels, resolution, type BlockMeta } from "../../tsdb/block/meta.ts";
import { CorruptionError } from "../../tsdb/errors.ts";
import { IndexReader } from "../../tsdb/index/index.ts";
import type { RawChunk } from "../../tsdb/chunks/index.ts";
import { segmentFileName } from "../../tsdb/chunks/index.ts";
import { sortLabels, type Label } from "../../labels/index.ts";
import { BucketByteSource, type RangeReadObserver } from "./bucket-source.ts";
import type { IndexCache } from "./cache.ts";
import type { CachedIndex } from "./cached-index.ts";
import { ensureIndexHeader, loadIndexReader, type IndexHeaderLoad } from "./index-header/index.ts";
import { BlockIndex, type LazyIndexMetrics } from "./lazy-index.ts";
import { fetchChunks, type ChunkFetchStats, type SegmentFile } from "./chunk-fetch.ts";

export interface BlockOpenOptions {
  cache: IndexCache;
  observeRead?: RangeReadObserver;
  // Symbol tables up to this size are kept whole in memory; larger ones are paged by range reads.
  symbolsInMemoryMaxBytes?: number;
  // Decoded 32-symbol pages cached per block when the symbol table is paged.
  symbolCachePages?: number;
  // Local directory of this block (<data-dir>/<ULID>): its index-header file is kept there and
  // reused across restarts. Without it the tables are sampled straight from the bucket at every
  // open and symbol lookups are bucket range reads.
  localDir?: string;
  // Told how the index-header was obtained (for logs).
  onIndexHeader?: (load: Omit<IndexHeaderLoad, "reader">) => void;
  // Open the reader on first use instead of now, and allow unloading it when idle.
  lazy?: boolean;
  lazyMetrics?: LazyIndexMetrics;
  // Postings offset table entries per in-memory sample (default 32).
  postingOffsetsSampling?: number;
}

export class BucketBlock {
  readonly id: string;
  readonly extLabels: Label[];
  readonly resolution: number;
  // Size of the block's index object in the bucket.
  readonly indexSize: number;

  private constructor(
    private readonly bucket: Bucket,
    readonly meta: BlockMeta,
    private readonly index: BlockIndex,
    readonly segments: SegmentFile[],
    indexSize: number,
  ) {
    this.id = meta.ulid;
    this.resolution = resolution(meta);
    this.extLabels = sortLabels(Object.entries(externalLabels(meta)).map(([name, value]) => ({ name, value })));
    this.indexSize = indexSize;
  }

  // Reads the index's header, TOC, symbol table and postings offset table by range (CRC-checked)
  // and lists the chunk segments. Throws CorruptionError for damaged or incomplete blocks.
  static async open(bucket: Bucket, meta: BlockMeta, opts: BlockOpenOptions): Promise<BucketBlock> {
    const id = meta.ulid;
    let src: BucketByteSource;
    try {
      src = await BucketByteSource.open(bucket, `${id}/index`, opts.observeRead);
    } catch (e) {
      if (bucket.isObjNotFoundErr(e)) throw new CorruptionError({ block: id, file: "index" }, "index object missing");
      throw e;
    }
    const readerOpts = {
      block: id,
      inMemoryMaxBytes: opts.symbolsInMemoryMaxBytes ?? 1 << 20,
      cachePages: opts.symbolCachePages ?? 256,
      postingOffsetsSampling: opts.postingOffsetsSampling,
    };
    const localDir = opts.localDir;
    const openReader = async (): Promise<IndexReader> => {
      if (!localDir) return IndexReader.open(src, readerOpts);
      const { reader, ...how } = await loadIndexReader(src, localDir, id, readerOpts);
      // A lazy load normally reuses the file made at open: only report when it had to be redone.
      if (!opts.lazy || how.origin !== "reused") opts.onIndexHeader?.(how);
      return reader;
    };
    let index: BlockIndex;
    if (opts.lazy) {
      if (localDir) opts.onIndexHeader?.(await ensureIndexHeader(src, localDir, id));
      index = BlockIndex.lazy(id, opts.cache, openReader, opts.lazyMetrics);
    } else {
      index = BlockIndex.eager(id, opts.cache, await openReader());
    }
    let segments: SegmentFile[];
    try {
      segments = await listSegments(bucket, meta);
    } catch (e) {
      await index.close().catch(() => {});
      throw e;
    }
    return new BucketBlock(bucket, meta, index, segments, src.size);
  }

  // The block's index for one user; pair with releaseIndex(). Opens the reader when lazily
  // loaded and not loaded yet (a CorruptionError then means the block's index is damaged).
  acquireIndex(): Promise<CachedIndex> {
    return this.index.acquire();
  }

  releaseIndex(): void {
    this.index.release();
  }

  withIndex<T>(fn: (index: CachedIndex) => Promise<T>): Promise<T> {
    return this.index.with(fn);
  }

  // Whether the index reader (its sampled tables) is in memory now.
  get indexLoaded(): boolean {
    return this.index.loaded;
  }

  // Drops a lazily loaded reader unused since `idleSince` (ms) and not held by a request.
  unloadIndexIfIdleSince(idleSince: number): Promise<boolean> {
    return this.index.unloadIfIdleSince(idleSince);
  }

  overlaps(mint: number, maxt: number): boolean {
    // Block ranges are [minTime, maxTime); request ranges are inclusive.
    return this.meta.minTime <= maxt && mint < this.meta.maxTime;
  }

  chunks(refs: readonly number[], stats?: ChunkFetchStats): Promise<RawChunk[]> {
    return fetchChunks(this.bucket, this.id, this.segments, refs, stats);
  }

  // Closes the index reader now, or when the last request holding it is done.
  async close(): Promise<void> {
    await this.index.close();
  }
}

// Segment files chunks/000001… must be numbered without gaps; when the meta lists the block's
// files (Thanos's thanos.files) every listed segment must exist.
async function listSegments(bucket: Bucket, meta: BlockMeta): Promise<SegmentFile[]> {
  const id = meta.ulid;
  const names: string[] = [];
  for await (const n of bucket.iter(`${id}/chunks/`)) if (/\/chunks\/\d{6}$/.test(n)) names.push(n);
  names.sort();
  for (let i = 0; i < names.length; i++) {
    const want = `${id}/chunks/${segmentFileName(i)}`;
    if (names[i] !== want) throw new CorruptionError({ block: id, file: `chunks/${segmentFileName(i)}` }, "chunk segment file missing");
  }
  for (const f of meta.thanos?.files ?? []) {
    if (f.rel_path.startsWith("chunks/") && !names.includes(`${id}/${f.rel_path}`)) {
      throw new CorruptionError({ block: id, file: f.rel_path }, "chunk segment file listed in meta.json is missing");
    }
  }
  if (names.length === 0 && (meta.stats.numChunks ?? 1) > 0) {
    throw new CorruptionError({ block: id, file: "chunks/" }, "no chunk segment files");
  }
  return Promise.all(names.map(async (name) => ({ name, size: (await bucket.attributes(name)).size })));
}
