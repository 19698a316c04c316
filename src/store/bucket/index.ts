// The store gateway's StoreServer over a bucket of TSDB blocks: block sync, range-read index
// access with an index cache, merged chunk reads, limits.
export { BucketStore, type BucketStoreOptions } from "./store.ts";
export { BucketBlock } from "./block.ts";
export { LruIndexCache, type IndexCache, type PostingsKey, type CacheStats } from "./cache.ts";
export { parseRelabelConfig, keepBlock, RelabelConfigError, type RelabelRule } from "./relabel.ts";
export { partitionChunkRefs, MAX_GAP_BYTES } from "./chunk-fetch.ts";
export { selectBlocks } from "./select.ts";
export { SAMPLES_PER_CHUNK_ESTIMATE } from "./limits.ts";
