// Chunk segment files (chunks/NNNNNN) of a TSDB block.
export { ChunkEncoding, chunkEncodingName, type RawChunk } from "./encodings.ts";
export {
  chunkRef,
  refOffset,
  refSegment,
  segmentFileName,
  DEFAULT_SEGMENT_SIZE,
  SEGMENT_HEADER_SIZE,
  SEGMENT_MAGIC,
} from "./ref.ts";
export { ChunkSegmentWriter } from "./segment-writer.ts";
export { ChunkSegmentReader } from "./segment-reader.ts";
export { parseChunkRecord } from "./record.ts";
