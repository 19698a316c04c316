// A chunk read from a segment file, as StoreAPI sends it: raw chunk payload bytes (no segment
// framing) in AggrChunk.raw, or, for Thanos downsampled chunks
// (encoding 0xFF), the requested aggregates' sub-chunks in count/sum/min/max/counter.
// Chunk.hash is left 0 here: the caller hashes a whole fetch's chunks in one kernel call
// (fillChunkHashes).
import { create } from "@bufbuild/protobuf";
import { Aggr } from "../../gen/thanos/store/rpc_pb.ts";
import { Chunk_Encoding, ChunkSchema, type AggrChunk, type Chunk } from "../../gen/thanos/store/types_pb.ts";
import { decodeAggrChunkRaw, type AggrType } from "../../tsdb/chunkenc/index.ts";
import type { RawChunk } from "../../tsdb/chunks/index.ts";
import type { ChunkMeta } from "../../tsdb/index/index.ts";
import { invalidArgument, StoreError } from "../errors.ts";

// TSDB encoding byte -> storepb Chunk.Encoding (note the offset by one).
function storeEncoding(tsdbEnc: number, block: string): Chunk_Encoding {
  switch (tsdbEnc) {
    case 1:
      return Chunk_Encoding.XOR;
    case 2:
      return Chunk_Encoding.HISTOGRAM;
    case 3:
      return Chunk_Encoding.FLOAT_HISTOGRAM;
    default:
      throw new StoreError("Internal", `block ${block}: chunk encoding ${tsdbEnc} cannot be sent over StoreAPI`);
  }
}

const AGGR_FIELDS: Record<number, AggrType> = {
  [Aggr.COUNT]: "count",
  [Aggr.SUM]: "sum",
  [Aggr.MIN]: "min",
  [Aggr.MAX]: "max",
  [Aggr.COUNTER]: "counter",
};

// Validates the request's aggregates; returns the aggregate fields wanted from downsampled chunks.
// RAW alone (or nothing) asks for no particular aggregate: downsampled chunks then carry all five.
export function aggregateFields(aggrs: readonly number[]): AggrType[] {
  const out: AggrType[] = [];
  for (const a of aggrs) {
    if (a === Aggr.RAW) continue;
    const f = AGGR_FIELDS[a];
    if (!f) throw invalidArgument(`unknown aggregate ${a} (want RAW, COUNT, SUM, MIN, MAX or COUNTER)`);
    if (!out.includes(f)) out.push(f);
  }
  return out.length ? out : ["count", "sum", "min", "max", "counter"];
}

function chunkMsg(enc: number, data: Uint8Array, block: string): Chunk {
  return create(ChunkSchema, { type: storeEncoding(enc, block), data, hash: 0n });
}

export function toAggrChunk(meta: ChunkMeta, raw: RawChunk, aggrs: readonly AggrType[], block: string): AggrChunk {
  // A literal of exactly create()'s shape (protobuf-es 2 messages are plain objects tagged with
  // $typeName; unset message fields are absent keys): create() walks reflection data per call.
  const c: AggrChunk = { $typeName: "thanos.AggrChunk", minTime: BigInt(meta.minTime), maxTime: BigInt(meta.maxTime) };
  if (raw.encoding !== 0xff) {
    c.raw = chunkMsg(raw.encoding, raw.data, block);
    return c;
  }
  let parts;
  try {
    parts = decodeAggrChunkRaw(raw.data);
  } catch (e) {
    throw new StoreError("Internal", `block ${block}: ${(e as Error).message}`);
  }
  for (const a of aggrs) {
    const p = parts[a];
    if (p) c[a] = chunkMsg(p.encoding, p.data, block);
  }
  return c;
}
