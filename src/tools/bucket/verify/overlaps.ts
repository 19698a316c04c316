// Overlapping blocks within one stream (same external labels and resolution), as Thanos's
// overlapped-blocks verifier and the compactor's pre-check find them. Blocks cover
// [minTime, maxTime), so touching blocks do not overlap.
import { externalLabels, resolution, type BlockMeta } from "../../../tsdb/block/index.ts";
import { labelsText } from "../format.ts";

export interface Overlap {
  stream: string;
  a: BlockMeta;
  b: BlockMeta;
}

export function streamKey(m: BlockMeta): string {
  return `${resolution(m)}@{${labelsText(externalLabels(m))}}`;
}

export function findOverlaps(metas: readonly BlockMeta[]): Overlap[] {
  const streams = new Map<string, BlockMeta[]>();
  for (const m of metas) {
    const k = streamKey(m);
    if (!streams.has(k)) streams.set(k, []);
    streams.get(k)!.push(m);
  }
  const out: Overlap[] = [];
  for (const [stream, blocks] of streams) {
    blocks.sort((x, y) => x.minTime - y.minTime || x.maxTime - y.maxTime);
    // Every pair that overlaps, not only neighbours: a long block may overlap several later ones.
    for (let i = 0; i < blocks.length; i++) {
      for (let j = i + 1; j < blocks.length && blocks[j].minTime < blocks[i].maxTime; j++) {
        out.push({ stream, a: blocks[i], b: blocks[j] });
      }
    }
  }
  return out;
}
