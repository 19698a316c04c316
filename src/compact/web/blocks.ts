// What the bucket web view shows about each block: read from the bucket with the MetaFetcher
// (no consistency-delay filter: an operator wants to see everything) plus the marker files.
import { MetaFetcher, readNoDownsampleMark } from "../../blockstore/index.ts";
import type { Bucket } from "../../objstore/index.ts";
import { externalLabels, resolution } from "../../tsdb/index.ts";

export interface BlockView {
  ulid: string;
  minTime: number;
  maxTime: number;
  level: number;
  resolution: number;
  labels: Record<string, string>;
  sizeBytes: number;
  numSamples: number;
  numSeries: number;
  numSources: number;
  source: string;
  markers: string[];
}

export interface BucketSnapshot {
  blocks: BlockView[];
  partial: { ulid: string; reason: string }[];
  refreshedAt: string;
}

export async function loadBucketSnapshot(bucket: Bucket, fetcher = new MetaFetcher(bucket)): Promise<BucketSnapshot> {
  const r = await fetcher.fetch();
  const all = new Map(r.metas);
  // The filtered ones (e.g. by a caller's filters) are still blocks: show them too.
  const blocks: BlockView[] = [];
  for (const m of all.values()) {
    const markers: string[] = [];
    if (r.deletionMarks.has(m.ulid)) markers.push("deletion");
    if (r.noCompactMarks.has(m.ulid)) markers.push(`no-compact (${r.noCompactMarks.get(m.ulid)!.reason})`);
    if (await readNoDownsampleMark(bucket, m.ulid).catch(() => undefined)) markers.push("no-downsample");
    blocks.push({
      ulid: m.ulid,
      minTime: m.minTime,
      maxTime: m.maxTime,
      level: m.compaction.level,
      resolution: resolution(m),
      labels: externalLabels(m),
      sizeBytes: (m.thanos?.files ?? []).reduce((s, f) => s + (f.size_bytes ?? 0), 0),
      numSamples: m.stats.numSamples ?? 0,
      numSeries: m.stats.numSeries ?? 0,
      numSources: m.compaction.sources.length,
      source: m.thanos?.source ?? "",
      markers,
    });
  }
  blocks.sort((a, b) => a.minTime - b.minTime || (a.ulid < b.ulid ? -1 : 1));
  return {
    blocks,
    partial: [...r.partial.values()].map((p) => ({ ulid: p.id, reason: p.reason })),
    refreshedAt: new Date().toISOString(),
  };
}
