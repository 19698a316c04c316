// Which blocks answer a request. Blocks are grouped by their external label set (one "stream" per
// set, as Thanos's bucketBlockSet); within a set, the coarsest resolution allowed by
// max_resolution_window is used, and the time not covered by it is filled recursively from finer
// resolutions (Thanos pkg/store/bucket.go getFor).
import type { Label, Matcher } from "../../labels/index.ts";
import { labelsKey } from "../../labels/index.ts";
import type { BucketBlock } from "./block.ts";

export function selectBlocks(blocks: Iterable<BucketBlock>, mint: number, maxt: number, maxResolution: number): BucketBlock[] {
  const sets = new Map<string, BucketBlock[]>();
  for (const b of blocks) {
    const k = labelsKey(b.extLabels);
    let l = sets.get(k);
    if (!l) sets.set(k, (l = []));
    l.push(b);
  }
  const out: BucketBlock[] = [];
  for (const set of sets.values()) out.push(...getFor(set, mint, maxt, maxResolution));
  return out;
}

function getFor(blocks: BucketBlock[], mint: number, maxt: number, maxResolution: number): BucketBlock[] {
  // Resolutions present, coarsest first; blocks of each by minTime.
  const byRes = new Map<number, BucketBlock[]>();
  for (const b of blocks) {
    let l = byRes.get(b.resolution);
    if (!l) byRes.set(b.resolution, (l = []));
    l.push(b);
  }
  const resolutions = [...byRes.keys()].sort((a, b) => b - a);
  for (const l of byRes.values()) l.sort((a, b) => a.meta.minTime - b.meta.minTime);
  const rec = (i: number, mint: number, maxt: number): BucketBlock[] => {
    if (mint > maxt) return [];
    while (i < resolutions.length && resolutions[i] > maxResolution) i++;
    if (i >= resolutions.length) return [];
    const picked: BucketBlock[] = [];
    for (const b of byRes.get(resolutions[i])!) {
      if (b.meta.maxTime <= mint) continue;
      if (b.meta.minTime > maxt) break;
      picked.push(b);
    }
    const out = [...picked];
    if (i + 1 < resolutions.length) {
      // Gaps before, between and after the picked blocks come from the next finer resolution.
      let start = mint;
      for (const b of picked) {
        out.push(...rec(i + 1, start, b.meta.minTime - 1));
        start = Math.max(start, b.meta.maxTime);
      }
      out.push(...rec(i + 1, start, maxt));
    }
    return out;
  };
  return rec(0, mint, maxt);
}

// Splits request matchers into those the block's external labels decide and those for its index.
// A matcher on an external label name is evaluated against the external value (external labels
// win over series labels of the same name); if it fails, the block has nothing to offer.
export function matchersForBlock(ms: readonly Matcher[], ext: readonly Label[]): Matcher[] | null {
  if (ext.length === 0) return [...ms];
  const out: Matcher[] = [];
  for (const m of ms) {
    const e = ext.find((l) => l.name === m.name);
    if (!e) out.push(m);
    else if (!m.matches(e.value)) return null;
  }
  return out;
}
