// Prometheus-format write-ahead log: segments of 32 KiB pages, CRC32C-checked fragments,
// snappy-compressed records, series/samples/tombstones record encodings, checkpoints.
export { WALWriter, type WALOptions } from "./writer.ts";
export { replayWAL, repairWAL, readSegment, readSegmentBytes, type ReplayResult, type Corruption, type SegmentReadResult } from "./reader.ts";
export { createCheckpoint, type CheckpointFilter, type CheckpointStats } from "./checkpoint.ts";
export * from "./records.ts";
export { PAGE_SIZE, DEFAULT_SEGMENT_SIZE, segmentName, checkpointName, listSegments, lastCheckpoint } from "./segments.ts";
export type { WALCompression } from "./compression.ts";

