// `tools bucket inspect`: Thanos's inspect table (same columns, date layout, Go durations,
// English thousands separators), filtered by external-label selectors and sorted by columns.
import type { Bucket } from "../../objstore/index.ts";
import { externalLabels, resolution, RES_5M, RES_RAW, type BlockMeta } from "../../tsdb/block/index.ts";
import { fetchMetas } from "./blocks.ts";
import { goDuration, labelsText, renderDelimited, renderTable, thanosDate, thousands } from "./format.ts";

export const INSPECT_COLUMNS = ["ULID", "FROM", "UNTIL", "RANGE", "UNTIL-DOWN", "#SERIES", "#SAMPLES", "#CHUNKS", "COMP-LEVEL", "COMP-FAILED", "LABELS", "RESOLUTION", "SOURCE"] as const;
export type InspectOutput = "table" | "tsv" | "csv";

export class InspectError extends Error {}

// Thanos downsamples raw blocks once they span 40h and 5m blocks once they span 10d.
const DOWNSAMPLE_RANGE_RAW = 40 * 3_600_000;
const DOWNSAMPLE_RANGE_5M = 10 * 24 * 3_600_000;

// `k=v` or `k="v"` (Thanos's --selector form): a block matches when its external labels have
// every selected pair.
export function parseSelectors(sel: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of sel) {
    const m = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*(.*?)\s*$/.exec(s);
    if (!m) throw new InspectError(`invalid selector ${JSON.stringify(s)}: want key=value or key="value"`);
    let v = m[2];
    if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) {
      try {
        v = JSON.parse(v);
      } catch {
        throw new InspectError(`invalid selector ${JSON.stringify(s)}: bad quoted value`);
      }
    }
    out[m[1]] = v;
  }
  return out;
}

export function inspectRow(m: BlockMeta): string[] {
  const range = m.maxTime - m.minTime;
  const res = resolution(m);
  const untilDown = res === RES_RAW ? goDuration(DOWNSAMPLE_RANGE_RAW - range) : res === RES_5M ? goDuration(DOWNSAMPLE_RANGE_5M - range) : "-";
  return [
    m.ulid,
    thanosDate(m.minTime),
    thanosDate(m.maxTime),
    goDuration(range),
    untilDown,
    thousands(m.stats.numSeries ?? 0),
    thousands(m.stats.numSamples ?? 0),
    thousands(m.stats.numChunks ?? 0),
    thousands(m.compaction.level),
    String(m.compaction.failed === true),
    labelsText(externalLabels(m)),
    goDuration(res),
    m.thanos?.source ?? "",
  ];
}

// Sort keys compare numerically where the column is a number/time/duration, else as text.
function sortKey(m: BlockMeta, col: string): number | string {
  switch (col) {
    case "ULID":
      return m.ulid;
    case "FROM":
      return m.minTime;
    case "UNTIL":
      return m.maxTime;
    case "RANGE":
    case "UNTIL-DOWN":
      return m.maxTime - m.minTime;
    case "#SERIES":
      return m.stats.numSeries ?? 0;
    case "#SAMPLES":
      return m.stats.numSamples ?? 0;
    case "#CHUNKS":
      return m.stats.numChunks ?? 0;
    case "COMP-LEVEL":
      return m.compaction.level;
    case "COMP-FAILED":
      return m.compaction.failed ? 1 : 0;
    case "LABELS":
      return labelsText(externalLabels(m));
    case "RESOLUTION":
      return resolution(m);
    case "SOURCE":
      return m.thanos?.source ?? "";
  }
  throw new InspectError(`unknown --sort-by column ${JSON.stringify(col)}; one of ${INSPECT_COLUMNS.join(", ")}`);
}

export function formatInspect(metas: readonly BlockMeta[], opts: { selector?: Record<string, string>; sortBy?: readonly string[]; output?: InspectOutput } = {}): string {
  const sel = opts.selector ?? {};
  const sortBy = (opts.sortBy?.length ? opts.sortBy : ["FROM", "UNTIL"]).map((c) => c.toUpperCase());
  for (const c of sortBy) if (!(INSPECT_COLUMNS as readonly string[]).includes(c)) sortKey(metas[0] ?? ({} as BlockMeta), c);
  const chosen = metas.filter((m) => Object.entries(sel).every(([k, v]) => externalLabels(m)[k] === v));
  chosen.sort((a, b) => {
    for (const c of sortBy) {
      const x = sortKey(a, c);
      const y = sortKey(b, c);
      if (x < y) return -1;
      if (x > y) return 1;
    }
    return 0;
  });
  const rows = chosen.map(inspectRow);
  const output = opts.output ?? "table";
  if (output === "table") return renderTable(INSPECT_COLUMNS, rows);
  return renderDelimited(INSPECT_COLUMNS, rows, output === "csv" ? "," : "\t");
}

export async function inspectBucket(bucket: Bucket, opts: Parameters<typeof formatInspect>[1] = {}): Promise<string> {
  const res = await fetchMetas(bucket);
  return formatInspect([...res.metas.values()], opts);
}
