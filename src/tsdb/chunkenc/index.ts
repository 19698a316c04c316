// Chunk payload codecs owned by the TSDB layer. (The XOR codec itself lives in src/kernels.)
export {
  AGGR_TYPES,
  AggrChunkError,
  decodeAggrChunk,
  decodeAggrChunkRaw,
  encodeAggrChunk,
  type AggrChunkParts,
  type AggrChunkRawParts,
  type AggrType,
} from "./aggr.ts";
