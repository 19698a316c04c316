// The compactor: planning, compaction (incl. vertical dedup), downsampling, retention and the
// loop around them; plus the bucket web view it serves.
export { Compactor, CORRUPTED_BLOCK_REASON, type CompactorOptions, type PassResult } from "./compactor.ts";
export { DEFAULT_MAX_BLOCK_INDEX_SIZE, INDEX_SIZE_EXCEEDING_REASON, indexSizeOf, oversizedInput, type OversizedInput } from "./index-size.ts";
export { compactorMetrics, type CompactorMetrics } from "./metrics.ts";
export { DEFAULT_RANGES, overlappingSets, plan, rangesForLevel, selectMetas, splitByRange, type Plan } from "./planner.ts";
export { groupBlocks, groupKey, groupLabels, redundantBlocks, type Group } from "./group.ts";
export { mergeBlocks, type MergeOptions, type MergeStats } from "./merge.ts";
export { downsampleBlock, type DownsampleStats } from "./downsample.ts";
export { downsampleTarget, DOWNSAMPLE_RANGE_1H, DOWNSAMPLE_RANGE_5M } from "./downsample-pass.ts";
export { expiredBlocks, retentionFor, type RetentionPolicy } from "./retention.ts";
export { runLoop } from "./loop.ts";
