// Streams ("compaction groups"): blocks with the same external labels and resolution. With
// --deduplication.replica-label the replica labels are dropped from the key first, so the
// replicas of an HA pair fall into one stream and get merged (vertical compaction).
import { createHash } from "node:crypto";
import { externalLabels, resolution, type BlockMeta } from "../tsdb/index.ts";

export interface Group {
  key: string;
  resolution: number;
  labels: Record<string, string>;
  // Sorted by minTime, then ULID.
  metas: BlockMeta[];
}

export function groupLabels(meta: BlockMeta, replicaLabels: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(externalLabels(meta)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (!replicaLabels.includes(k)) out[k] = v;
  }
  return out;
}

// Thanos's key shape "<resolution>@<hash of labels>"; the hash is stable across runs.
export function groupKey(res: number, labels: Record<string, string>): string {
  const h = createHash("sha256");
  for (const [k, v] of Object.entries(labels)) h.update(`${k}\xff${v}\xff`);
  const digest = h.digest();
  // 64 bits as a decimal like Thanos's labels.Hash; BigInt is fine here (once per block).
  return `${res}@${digest.readBigUInt64BE(0).toString()}`;
}

export function sortByMinTime(metas: BlockMeta[]): BlockMeta[] {
  return metas.sort((a, b) => a.minTime - b.minTime || (a.ulid < b.ulid ? -1 : a.ulid > b.ulid ? 1 : 0));
}

export function groupBlocks(metas: Iterable<BlockMeta>, replicaLabels: readonly string[]): Group[] {
  const groups = new Map<string, Group>();
  for (const m of metas) {
    const labels = groupLabels(m, replicaLabels);
    const res = resolution(m);
    const key = groupKey(res, labels);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { key, resolution: res, labels, metas: [] }));
    g.metas.push(m);
  }
  for (const g of groups.values()) sortByMinTime(g.metas);
  return [...groups.values()].sort((a, b) => (a.key < b.key ? -1 : 1));
}

export function formatLabels(labels: Record<string, string>): string {
  return "{" + Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(",") + "}";
}

// Thanos's DeduplicateFilter: a block whose sources are all contained in another block of the
// same stream is redundant: a compaction produced the bigger block but crashed (or was
// interrupted) before marking the sources for deletion. Returns the redundant block IDs.
// Ties (identical source sets) keep the block with the smallest ULID, so a re-run that produced
// a second copy drops the newer copy deterministically.
export function redundantBlocks(group: Group): string[] {
  const out: string[] = [];
  const bySize = [...group.metas].sort((a, b) => b.compaction.sources.length - a.compaction.sources.length || (a.ulid < b.ulid ? -1 : 1));
  const kept: { meta: BlockMeta; sources: Set<string> }[] = [];
  for (const m of bySize) {
    const covered = kept.some((k) => m.compaction.sources.every((s) => k.sources.has(s)));
    if (covered) out.push(m.ulid);
    else kept.push({ meta: m, sources: new Set(m.compaction.sources) });
  }
  return out;
}
