// Merging the chunks of one series that came from several stores (or several blocks): identical
// chunks — same time range and same bytes — are dropped by their xxhash64, which a store may have
// sent (`hash`) or we compute when it is 0.
import type { AggrChunk, Chunk } from "../../gen/thanos/store/types_pb.ts";
import { xxhash64Wasm } from "../../kernels/xxhash.ts";

function chunkKey(c: Chunk | undefined): string {
  if (!c) return "-";
  return `${c.type}:${c.hash !== 0n ? c.hash.toString(16).padStart(16, "0") : xxhash64Wasm(c.data).toString(16).padStart(16, "0")}`;
}

export function aggrChunkKey(c: AggrChunk): string {
  return `${c.minTime}/${c.maxTime}/${chunkKey(c.raw)}/${chunkKey(c.count)}/${chunkKey(c.sum)}/${chunkKey(c.min)}/${chunkKey(c.max)}/${chunkKey(c.counter)}`;
}

// Unique chunks sorted by (min_time, max_time); input order breaks ties.
export function dedupChunks(chunks: AggrChunk[]): AggrChunk[] {
  const seen = new Set<string>();
  const out: AggrChunk[] = [];
  for (const c of chunks) {
    const k = aggrChunkKey(c);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(c);
  }
  return out.sort((a, b) => (a.minTime < b.minTime ? -1 : a.minTime > b.minTime ? 1 : a.maxTime < b.maxTime ? -1 : a.maxTime > b.maxTime ? 1 : 0));
}
