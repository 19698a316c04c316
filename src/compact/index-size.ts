// The index-size guard (Thanos's --compact.block-max-index-size, hidden there, default 64GB).
// The TSDB index format addresses postings with 32-bit offsets scaled by 16-byte alignment, so an
// index cannot outgrow 64 GiB; a compaction that would produce a larger one fails every pass and
// stalls its stream. Before a plan runs, the output index is estimated the way Thanos does —
// pessimistically, as the sum of the inputs' index files (as if they shared no symbol, series or
// posting) — and, once the running sum reaches 85% of the limit (15% headroom for compaction
// bloat), the biggest input seen so far is marked no-compact (reason "index-size-exceeding") and
// the plan is made again without it. The mark is permanent: the block is left as it is.
import type { Bucket } from "../objstore/index.ts";
import type { BlockMeta } from "../tsdb/index.ts";

export const INDEX_SIZE_EXCEEDING_REASON = "index-size-exceeding";
export const DEFAULT_MAX_BLOCK_INDEX_SIZE = 64 * 1024 ** 3;
// The share of the limit the estimate may reach before a block is excluded.
const HEADROOM_FACTOR = 0.85;

// The input's index size: from meta.json's thanos.files when the uploader recorded it, else
// the size of the `<ULID>/index` object (older uploaders did not list files).
export async function indexSizeOf(bucket: Bucket, meta: BlockMeta): Promise<number> {
  const listed = meta.thanos?.files?.find((f) => f.rel_path === "index")?.size_bytes ?? 0;
  if (listed > 0) return listed;
  return (await bucket.attributes(`${meta.ulid}/index`)).size;
}

export interface OversizedInput {
  // Position in the plan of the input to exclude.
  at: number;
  // The estimate when the threshold was reached (sum of the inputs up to that point).
  estimatedBytes: number;
}

// Walks the inputs in plan order summing their index sizes; when the sum reaches 85% of
// `maxBytes`, returns the biggest input among those summed so far (Thanos's choice: the one
// whose removal shrinks the estimate most). Undefined when the whole plan stays under.
export function oversizedInput(indexSizes: readonly number[], maxBytes: number): OversizedInput | undefined {
  const threshold = Math.floor(maxBytes * HEADROOM_FACTOR);
  let total = 0;
  let biggest = -1;
  for (let i = 0; i < indexSizes.length; i++) {
    if (biggest < 0 || indexSizes[i] > indexSizes[biggest]) biggest = i;
    total += indexSizes[i];
    if (total >= threshold) return { at: biggest, estimatedBytes: total };
  }
  return undefined;
}
