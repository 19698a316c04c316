// Public surface of the kernels: WASM kernels with typed wrappers, and their TypeScript
// reference implementations.
export * from "./xor-errors.ts";
export { compactSamples, f64Words, F64_HI, F64_LO, hiWordOf, isStaleMarkerAt, isStaleMarkerWords, loWordOf } from "./f64-bits.ts";
export { XorAppender, xorDecode, xorDecodeInto, xorEncode, xorSampleCount } from "./xor-ref.ts";
export { decodeXorChunk, decodeXorChunks, decodeXorChunksInArena, decodeXorInto, encodeXorChunk, type ArenaDecoded } from "./xor.ts";
export { dedupPenalty, DedupKernelError, mergeChain, mergeDedup, mergeDedupInArena, overlapSplit } from "./dedup.ts";
export type { ArenaSeries, DedupAlgorithm, Samples } from "./dedup.ts";
export { dedupPenaltyRef, INITIAL_PENALTY_MS, mergeChainRef } from "./dedup-ref.ts";
export { applyCounterResets, DownsampleKernelError, downsampleAggr, downsampleRaw } from "./downsample.ts";
export type { AggregateName, AggrOptions, AggrSeries, DownsampledSeries } from "./downsample.ts";
export { AGGREGATES, applyCounterResetsRef, downsampleAggrRef, downsampleRawRef, RES_1H, RES_5M, RES_RAW, STALE_NAN } from "./downsample-ref.ts";
export { runSelfChecks, selfChecks, type SelfCheck, type SelfCheckResult } from "./selfcheck.ts";
export { xxhash64Many, xxhash64Wasm } from "./xxhash.ts";
