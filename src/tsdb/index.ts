// Prometheus TSDB formats. Sub-folders are the public surface; this re-exports the common entry points.
export * from "./block/index.ts";
export { CorruptionError } from "./errors.ts";
export { type ByteSource, MemoryByteSource, FileByteSource, CountingByteSource } from "./bytesource/index.ts";
export { ChunkEncoding, ChunkSegmentReader, ChunkSegmentWriter, type RawChunk } from "./chunks/index.ts";
export { IndexReader, IndexWriter, type ChunkMeta, type SeriesEntry } from "./index/index.ts";
export { dumpBlocks, formatSampleLines } from "./dump/index.ts";
export { formatGoFloat, formatGoQuote, formatLabelsGo } from "./format/index.ts";
export { ulid, isUlid, ulidTime } from "./ulid/index.ts";
export {
  AGGR_TYPES,
  AggrChunkError,
  decodeAggrChunk,
  decodeAggrChunkRaw,
  encodeAggrChunk,
  type AggrChunkParts,
  type AggrChunkRawParts,
  type AggrType,
} from "./chunkenc/index.ts";
export { decodeTombstones, encodeTombstones, isDeleted, type Interval, type Tombstone, type TombstoneMap } from "./tombstones/index.ts";
