// `tools bucket dump`: every sample of the chosen blocks, printed exactly as Debian's
// `promtool tsdb dump` (2.42) prints them (src/tsdb/dump), read from the bucket by byte ranges.
// Blocks that overlap are chain-merged so a sample present in several blocks prints once.
// Output is produced series by series in label order and handed to `write` in pieces, so memory
// stays bounded by one batch of series per block, whatever the bucket holds.
import type { Bucket } from "../../objstore/index.ts";
import type { Matcher } from "../../labels/index.ts";
import { resolution, RES_RAW, type BlockMeta, type BlockReader } from "../../tsdb/block/index.ts";
import { dumpBlocks } from "../../tsdb/dump/index.ts";
import { fetchMetas, openBucketBlock } from "./blocks.ts";

export class DumpInputError extends Error {}

export interface DumpBucketOptions {
  ids?: readonly string[];
  matchers?: readonly Matcher[];
  mint?: number;
  maxt?: number;
  withExternalLabels?: boolean;
  write: (text: string) => void | Promise<void>;
  // Told about blocks left out (downsampled ones: their aggregate chunks are not raw samples).
  onSkip?: (id: string, reason: string) => void;
}

export async function dumpBucket(bucket: Bucket, opts: DumpBucketOptions): Promise<{ blocks: number; series: number; samples: number }> {
  const res = await fetchMetas(bucket);
  let metas: BlockMeta[];
  if (opts.ids?.length) {
    metas = opts.ids.map((id) => {
      const m = res.metas.get(id);
      if (!m) throw new DumpInputError(`block ${id} not found in the bucket${res.partial.has(id) ? ` (partial: ${res.partial.get(id)!.reason})` : ""}`);
      return m;
    });
  } else metas = [...res.metas.values()];
  const mint = opts.mint ?? -Infinity;
  const maxt = opts.maxt ?? Infinity;
  // Blocks cover [minTime, maxTime); the requested range is inclusive on both ends.
  metas = metas.filter((m) => m.minTime <= maxt && mint < m.maxTime);
  metas.sort((a, b) => a.minTime - b.minTime || (a.ulid < b.ulid ? -1 : 1));
  const readers: BlockReader[] = [];
  try {
    for (const m of metas) {
      if (resolution(m) !== RES_RAW) {
        opts.onSkip?.(m.ulid, `downsampled block (resolution ${resolution(m)}ms) holds aggregates, not raw samples`);
        continue;
      }
      readers.push(await openBucketBlock(bucket, m));
    }
    const r = await dumpBlocks(readers, {
      matchers: opts.matchers,
      mint: opts.mint,
      maxt: opts.maxt,
      withExternalLabels: opts.withExternalLabels,
      write: opts.write,
    });
    return { blocks: readers.length, ...r };
  } finally {
    await Promise.all(readers.map((b) => b.close()));
  }
}
