// In-memory head block (series -> XOR chunks, Prometheus append rules, selection by matchers)
// and the local TSDB around it (WAL durability, replay, 2h block cutting).
export * from "./head.ts";
export { MemSeries, DEFAULT_CHUNK_RANGE, SAMPLES_PER_CHUNK, type HeadChunk } from "./series.ts";
export { LocalTSDB, type TSDBOptions, type WriteBatch, type WriteSeries, type AppendSummary, type BlockSeries, type BlockWriterFn, type ReplayStats } from "./db.ts";
export { headBlockWriter } from "./persist.ts";
export { labelsHash, stringHash, bytesHash, mixHash, SERIES_SEED } from "./hash.ts";
