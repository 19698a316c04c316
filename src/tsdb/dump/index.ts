export { dumpBlocks, formatSampleLines, type DumpOptions } from "./dump.ts";
export { mergeSeriesStreams } from "./merge.ts";
