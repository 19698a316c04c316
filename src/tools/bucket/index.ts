// The `aeon tools bucket` sub-commands' logic: ls, inspect, verify, upload, dump. The command
// file (src/cmd/tools-bucket.ts) only parses flags and prints.
export { blockSize, fetchMetas, listSegments, openBucketBlock } from "./blocks.ts";
export { collectRows, formatLs, type BlockRow, type LsOutput, type PartialRow } from "./ls.ts";
export { formatInspect, inspectBucket, InspectError, INSPECT_COLUMNS, parseSelectors, type InspectOutput } from "./inspect.ts";
export { verifyBucket, verifyOneBlock, type Problem, type VerifyReport } from "./verify/verify.ts";
export { findOverlaps, streamKey, type Overlap } from "./verify/overlaps.ts";
export { blockDirsIn, parseLabelFlags, uploadBlocks, UploadInputError } from "./upload.ts";
export { dumpBucket, DumpInputError, type DumpBucketOptions } from "./dump.ts";
export { goDuration, rfc3339, thanosDate, thousands } from "./format.ts";
