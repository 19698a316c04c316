// Thanos's downsampled "AggrChunk" (chunk encoding byte 0xFF in segment files). Its payload
// holds five aggregate sub-chunks in the fixed order count, sum, min, max, counter; each is
// `uvarint(len(data))` followed by `encoding byte | data`, and a length of 0 alone marks the
// aggregate as absent. The sub-chunks are ordinary XOR chunks for float series (float-histogram
// chunks for native histograms, which keep only count, sum and counter).
import { DecodeError, Encbuf, readUvarint } from "../encoding/index.ts";
import { ChunkEncoding, type RawChunk } from "../chunks/encodings.ts";

export const AGGR_TYPES = ["count", "sum", "min", "max", "counter"] as const;
export type AggrType = (typeof AGGR_TYPES)[number];

// XOR chunk payloads per aggregate.
export type AggrChunkParts = Partial<Record<AggrType, Uint8Array>>;
// Same, keeping each sub-chunk's encoding byte.
export type AggrChunkRawParts = Partial<Record<AggrType, RawChunk>>;

export class AggrChunkError extends Error {}

export function encodeAggrChunk(parts: AggrChunkParts | AggrChunkRawParts): Uint8Array {
  const e = new Encbuf(256);
  for (const t of AGGR_TYPES) {
    const p = parts[t];
    if (!p) {
      e.putUvarint(0);
      continue;
    }
    const raw: RawChunk = p instanceof Uint8Array ? { encoding: ChunkEncoding.XOR, data: p } : p;
    if (raw.data.length === 0) throw new AggrChunkError(`aggregate ${t}: empty chunk cannot be encoded (length 0 means absent)`);
    e.putUvarint(raw.data.length);
    e.putByte(raw.encoding);
    e.putBytes(raw.data);
  }
  return e.get().slice();
}

export function decodeAggrChunkRaw(b: Uint8Array): AggrChunkRawParts {
  const out: AggrChunkRawParts = {};
  let pos = 0;
  for (const t of AGGR_TYPES) {
    let len: number;
    try {
      const d = readUvarint(b, pos);
      len = d.value;
      pos = d.next;
    } catch (e) {
      throw new AggrChunkError(`aggr chunk: ${t} length: ${(e as DecodeError).message}`);
    }
    if (len === 0) continue;
    if (pos + 1 + len > b.length) {
      throw new AggrChunkError(`aggr chunk: ${t} sub-chunk of ${len} bytes runs past the end (${b.length} bytes)`);
    }
    out[t] = { encoding: b[pos], data: b.subarray(pos + 1, pos + 1 + len) };
    pos += 1 + len;
  }
  if (pos !== b.length) throw new AggrChunkError(`aggr chunk: ${b.length - pos} trailing bytes`);
  return out;
}

// Decodes and requires every present aggregate to be an XOR chunk.
export function decodeAggrChunk(b: Uint8Array): AggrChunkParts {
  const raw = decodeAggrChunkRaw(b);
  const out: AggrChunkParts = {};
  for (const t of AGGR_TYPES) {
    const r = raw[t];
    if (!r) continue;
    if (r.encoding !== ChunkEncoding.XOR) throw new AggrChunkError(`aggr chunk: ${t} has encoding ${r.encoding}, want XOR`);
    out[t] = r.data;
  }
  return out;
}
