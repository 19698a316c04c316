// Fills StoreAPI Chunk.hash (xxhash64, seed 0, of the chunk bytes) for a batch of chunks with
// one WASM kernel call: the stores build a Series response's (or a fetch window's) chunks with
// hash 0 and hash them together here, which costs a fraction of hashing them one by one.
import type { AggrChunk, Chunk } from "../gen/thanos/store/types_pb.ts";
import { xxhash64Many } from "../kernels/xxhash.ts";

// Hashes every present Chunk (raw and downsampled aggregates) of `chunks`, in place.
export function fillChunkHashes(chunks: Iterable<AggrChunk | undefined>): void {
  const msgs: Chunk[] = [];
  for (const c of chunks) {
    if (!c) continue;
    if (c.raw) msgs.push(c.raw);
    if (c.count) msgs.push(c.count);
    if (c.sum) msgs.push(c.sum);
    if (c.min) msgs.push(c.min);
    if (c.max) msgs.push(c.max);
    if (c.counter) msgs.push(c.counter);
  }
  if (msgs.length === 0) return;
  const hashes = xxhash64Many(msgs.map((m) => m.data));
  for (let i = 0; i < msgs.length; i++) msgs[i]!.hash = hashes[i]!;
}
