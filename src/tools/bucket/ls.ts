// `tools bucket ls`: one row per block, from meta.json (plus object sizes when meta.json has no
// thanos.files), as a table, a wider table, or JSON.
import type { Bucket } from "../../objstore/index.ts";
import { externalLabels, resolution, type BlockMeta } from "../../tsdb/block/index.ts";
import { blockSize, fetchMetas } from "./blocks.ts";
import { goDuration, humanBytes, labelsText, renderTable, rfc3339, thousands } from "./format.ts";

export interface BlockRow {
  ulid: string;
  minTime: number;
  maxTime: number;
  minTimeRFC3339: string;
  maxTimeRFC3339: string;
  duration: string;
  resolution: number;
  level: number;
  labels: Record<string, string>;
  series?: number;
  samples?: number;
  chunks?: number;
  sizeBytes: number;
  source: string;
  compactionFailed: boolean;
  sources: string[];
  deletionMarked: boolean;
  noCompactMarked: boolean;
}

export interface PartialRow {
  ulid: string;
  reason: string;
}

export async function collectRows(bucket: Bucket): Promise<{ blocks: BlockRow[]; partial: PartialRow[] }> {
  const res = await fetchMetas(bucket);
  const metas = [...res.metas.values()].sort((a, b) => a.minTime - b.minTime || a.maxTime - b.maxTime || (a.ulid < b.ulid ? -1 : 1));
  const blocks: BlockRow[] = [];
  for (const m of metas) blocks.push(await rowOf(bucket, m, res.deletionMarks.has(m.ulid), res.noCompactMarks.has(m.ulid)));
  const partial = [...res.partial.values()].map((p) => ({ ulid: p.id, reason: p.reason })).sort((a, b) => (a.ulid < b.ulid ? -1 : 1));
  return { blocks, partial };
}

async function rowOf(bucket: Bucket, m: BlockMeta, deletion: boolean, noCompact: boolean): Promise<BlockRow> {
  return {
    ulid: m.ulid,
    minTime: m.minTime,
    maxTime: m.maxTime,
    minTimeRFC3339: rfc3339(m.minTime),
    maxTimeRFC3339: rfc3339(m.maxTime),
    duration: goDuration(m.maxTime - m.minTime),
    resolution: resolution(m),
    level: m.compaction.level,
    labels: externalLabels(m),
    series: m.stats.numSeries,
    samples: m.stats.numSamples,
    chunks: m.stats.numChunks,
    sizeBytes: await blockSize(bucket, m),
    source: m.thanos?.source ?? "",
    compactionFailed: m.compaction.failed === true,
    sources: m.compaction.sources ?? [],
    deletionMarked: deletion,
    noCompactMarked: noCompact,
  };
}

export type LsOutput = "table" | "json" | "wide";

// Partial blocks are not rows: the command reports them on stderr.
export function formatLs(rows: { blocks: BlockRow[] }, output: LsOutput): string {
  if (output === "json") return JSON.stringify(rows.blocks, null, 2) + "\n";
  const header = ["ULID", "FROM", "UNTIL", "DURATION", "RES", "LEVEL", "SERIES", "SAMPLES", "CHUNKS", "SIZE", "LABELS"];
  if (output === "wide") header.push("SOURCE", "MARKS", "SOURCES");
  const cells = rows.blocks.map((b) => {
    const r = [
      b.ulid,
      b.minTimeRFC3339,
      b.maxTimeRFC3339,
      b.duration,
      goDuration(b.resolution),
      String(b.level),
      thousands(b.series),
      thousands(b.samples),
      thousands(b.chunks),
      humanBytes(b.sizeBytes),
      labelsText(b.labels) || "-",
    ];
    if (output === "wide") {
      const marks = [b.deletionMarked ? "deletion" : "", b.noCompactMarked ? "no-compact" : "", b.compactionFailed ? "compaction-failed" : ""].filter(Boolean);
      r.push(b.source || "-", marks.join(",") || "-", b.sources.join(","));
    }
    return r;
  });
  return renderTable(header, cells);
}
