// The store gateway's metrics, with Thanos's names where Thanos has them.
import type { Counter, Gauge, Histogram, Registry } from "../../observability/index.ts";
import type { CacheStats } from "./cache.ts";
import type { LazyIndexMetrics } from "./lazy-index.ts";

export interface BucketStoreMetrics {
  blocksLoaded: Gauge;
  blockLoads: Counter;
  blockLoadFailures: Counter;
  blockDrops: Counter;
  corruptedBlocks: Counter;
  seriesFetched: Histogram;
  chunksFetched: Histogram;
  chunkFetchedBytes: Counter;
  seriesRequests: Counter;
  seriesFailures: Counter;
  syncs: Counter;
  syncFailures: Counter;
  bucketOps: Counter;
  bucketOpBytes: Counter;
  indexHeaders: Counter;
  lazyIndex: LazyIndexMetrics;
  cacheStats: CacheStats;
}

const COUNT_BUCKETS = [1, 10, 100, 1000, 10_000, 100_000, 1_000_000];

export function bucketStoreMetrics(r: Registry): BucketStoreMetrics {
  const cacheRequests = r.counter({ name: "thanos_store_index_cache_requests_total", help: "Total number of items requested from the index cache.", labelNames: ["item_type"] });
  const cacheHits = r.counter({ name: "thanos_store_index_cache_hits_total", help: "Total number of items requested that were found in the index cache.", labelNames: ["item_type"] });
  const cacheEvictions = r.counter({ name: "thanos_store_index_cache_items_evicted_total", help: "Total number of items evicted from the index cache.", labelNames: ["item_type"] });
  return {
    blocksLoaded: r.gauge({ name: "thanos_bucket_store_blocks_loaded", help: "Number of currently loaded blocks." }),
    blockLoads: r.counter({ name: "thanos_bucket_store_block_loads_total", help: "Total number of remote block loading attempts." }),
    blockLoadFailures: r.counter({ name: "thanos_bucket_store_block_load_failures_total", help: "Total number of failed remote block loading attempts." }),
    blockDrops: r.counter({ name: "thanos_bucket_store_block_drops_total", help: "Total number of local blocks that were dropped." }),
    corruptedBlocks: r.counter({ name: "aeon_bucket_store_corrupted_blocks_total", help: "Blocks found corrupted (bad checksum, missing file) and no longer served." }),
    seriesFetched: r.histogram({ name: "thanos_bucket_store_series_fetched", help: "Number of series fetched per Series request.", buckets: COUNT_BUCKETS }),
    chunksFetched: r.histogram({ name: "thanos_bucket_store_chunks_fetched", help: "Number of chunks fetched per Series request.", buckets: COUNT_BUCKETS }),
    chunkFetchedBytes: r.counter({ name: "thanos_bucket_store_chunks_fetched_size_bytes_total", help: "Bytes of chunk segment files fetched (merged ranges, including gaps)." }),
    seriesRequests: r.counter({ name: "aeon_bucket_store_series_requests_total", help: "Series requests served." }),
    seriesFailures: r.counter({ name: "aeon_bucket_store_series_failures_total", help: "Series requests that ended in an error.", labelNames: ["code"] }),
    syncs: r.counter({ name: "thanos_blocks_meta_syncs_total", help: "Total blocks metadata synchronization attempts." }),
    syncFailures: r.counter({ name: "thanos_blocks_meta_sync_failures_total", help: "Total blocks metadata synchronization failures." }),
    bucketOps: r.counter({ name: "thanos_objstore_bucket_operations_total", help: "Total number of bucket operations issued by the store gateway's readers.", labelNames: ["operation"] }),
    bucketOpBytes: r.counter({ name: "thanos_objstore_bucket_operation_fetched_bytes_total", help: "Bytes fetched from the bucket by the store gateway's readers.", labelNames: ["operation"] }),
    indexHeaders: r.counter({ name: "aeon_bucket_store_index_headers_total", help: "Index-header files opened, by origin: reused from --data-dir, built (none there) or rebuilt (the local one was unusable).", labelNames: ["origin"] }),
    lazyIndex: {
      loads: r.counter({ name: "thanos_bucket_store_indexheader_lazy_load_total", help: "Index readers opened from their index-header on first use (lazy loading)." }),
      loadFailures: r.counter({ name: "thanos_bucket_store_indexheader_lazy_load_failed_total", help: "Lazy index reader opens that failed." }),
      unloads: r.counter({ name: "thanos_bucket_store_indexheader_lazy_unload_total", help: "Lazily loaded index readers dropped after being idle." }),
      unloadFailures: r.counter({ name: "thanos_bucket_store_indexheader_lazy_unload_failed_total", help: "Idle index reader drops that failed." }),
      loadDuration: r.histogram({
        name: "thanos_bucket_store_indexheader_lazy_load_duration_seconds",
        help: "Seconds spent opening an index reader lazily.",
        buckets: [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 15, 30, 60, 90, 120, 300],
      }),
    },
    cacheStats: {
      onRequest: (t, n) => cacheRequests.inc(n, { item_type: t }),
      onHit: (t, n) => cacheHits.inc(n, { item_type: t }),
      onEvict: (t, n) => cacheEvictions.inc(n, { item_type: t }),
    },
  };
}
