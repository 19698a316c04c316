// The compaction planner, as Thanos's tsdbBasedPlanner (itself Prometheus's leveled planner):
//  1. overlapping blocks are compacted together first (vertical compaction) — the caller
//     decides whether that is allowed or halts the stream;
//  2. otherwise the newest block is left out (it may have just been uploaded), and for each
//     range after the first (8h, 2d, 14d) the blocks are split into aligned windows; the first
//     window holding >= 2 blocks that is complete (spans exactly the range) or lies entirely
//     before the newest remaining block is compacted. Blocks marked no-compact split a window
//     into runs (never bridged over), and a window with a failed compaction is skipped.
import type { BlockMeta } from "../tsdb/index.ts";

const H = 3_600_000;
export const DEFAULT_RANGES = [2 * H, 8 * H, 48 * H, 14 * 24 * H];

// Ranges for --debug.max-compaction-level (levels counted from 1 = 2h blocks).
export function rangesForLevel(maxLevel: number): number[] {
  return DEFAULT_RANGES.slice(0, Math.max(1, Math.min(maxLevel, DEFAULT_RANGES.length)));
}

export type Plan = { kind: "overlap"; metas: BlockMeta[] } | { kind: "compact"; metas: BlockMeta[] } | { kind: "none" };

// Sets of blocks that overlap in time (a chain of blocks each starting before the running end).
export function overlappingSets(metasByMinTime: readonly BlockMeta[]): BlockMeta[][] {
  const out: BlockMeta[][] = [];
  let cur: BlockMeta[] = [];
  let end = -Infinity;
  for (const m of metasByMinTime) {
    if (cur.length > 0 && m.minTime < end) {
      cur.push(m);
    } else {
      if (cur.length > 1) out.push(cur);
      cur = [m];
    }
    end = cur.length === 1 ? m.maxTime : Math.max(end, m.maxTime);
  }
  if (cur.length > 1) out.push(cur);
  return out;
}

// Thanos splitByRange: windows [t0, t0+tr) aligned to tr; blocks not fitting in one window
// (misaligned, or already bigger) belong to none.
export function splitByRange(metas: readonly BlockMeta[], tr: number): BlockMeta[][] {
  const out: BlockMeta[][] = [];
  for (let i = 0; i < metas.length; ) {
    const m = metas[i];
    const t0 = tr * Math.floor(m.minTime / tr);
    if (m.maxTime > t0 + tr) {
      i++;
      continue;
    }
    const group: BlockMeta[] = [];
    for (; i < metas.length; i++) {
      if (metas[i].minTime < t0 || metas[i].maxTime > t0 + tr) break;
      group.push(metas[i]);
    }
    if (group.length > 0) out.push(group);
  }
  return out;
}

export function selectMetas(ranges: readonly number[], noCompact: ReadonlySet<string>, metasByMinTime: readonly BlockMeta[]): BlockMeta[] {
  if (metasByMinTime.length === 0) return [];
  const highTime = metasByMinTime[metasByMinTime.length - 1].minTime;
  for (const iv of ranges.slice(1)) {
    for (const window of splitByRange(metasByMinTime, iv)) {
      if (window.some((m) => m.compaction.failed)) continue;
      if (window.length < 2) continue;
      const mint = window[0].minTime;
      const maxt = window[window.length - 1].maxTime;
      if (!(maxt - mint === iv || maxt <= highTime)) continue;
      // No-compact marks cut the window into runs; the first run of >= 2 blocks is taken.
      let run: BlockMeta[] = [];
      for (const m of window) {
        if (noCompact.has(m.ulid)) {
          if (run.length > 1) return run;
          run = [];
        } else run.push(m);
      }
      if (run.length > 1) return run;
    }
  }
  return [];
}

export function plan(metasByMinTime: readonly BlockMeta[], ranges: readonly number[], noCompact: ReadonlySet<string>): Plan {
  const candidates = metasByMinTime.filter((m) => !noCompact.has(m.ulid));
  const overlaps = overlappingSets(candidates);
  if (overlaps.length > 0) return { kind: "overlap", metas: overlaps[0] };
  if (metasByMinTime.length < 2) return { kind: "none" };
  const picked = selectMetas(ranges, noCompact, metasByMinTime.slice(0, -1));
  return picked.length > 1 ? { kind: "compact", metas: picked } : { kind: "none" };
}
