// meta.json of a Prometheus TSDB block, with Thanos's `thanos` section. Blocks written by
// Prometheus or promtool have no `thanos` section: they read as raw blocks without external
// labels.
export const RES_RAW = 0;
export const RES_5M = 300_000;
export const RES_1H = 3_600_000;

export type ThanosSource =
  | "sidecar"
  | "receive"
  | "compactor"
  | "compactor.repair"
  | "ruler"
  | "bucket.repair"
  | "bucket.rewrite"
  | "bucket.upload"
  | "test"
  | string;

export interface BlockStats {
  numSamples?: number;
  numFloatSamples?: number;
  numHistogramSamples?: number;
  numSeries?: number;
  numChunks?: number;
  numTombstones?: number;
}

export interface BlockDesc {
  ulid: string;
  minTime: number;
  maxTime: number;
}

export interface ThanosFile {
  rel_path: string;
  size_bytes?: number;
  hash?: { hashFunc: string; value: string };
}

export interface ThanosMeta {
  version?: number;
  labels: Record<string, string>;
  downsample: { resolution: number };
  source: ThanosSource;
  segment_files?: string[];
  files?: ThanosFile[];
  index_stats?: { series_max_size?: number; chunk_max_size?: number };
  extensions?: unknown;
  upload_time?: string;
}

export interface BlockMeta {
  ulid: string;
  minTime: number; // ms, inclusive
  maxTime: number; // ms, exclusive
  stats: BlockStats;
  compaction: {
    level: number;
    sources: string[];
    deletable?: boolean;
    parents?: BlockDesc[];
    failed?: boolean;
    hints?: string[];
  };
  version: number;
  thanos?: ThanosMeta;
}

export class MetaError extends Error {}

export function parseMeta(text: string, where = "meta.json"): BlockMeta {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new MetaError(`${where}: invalid JSON: ${(e as Error).message}`);
  }
  const m = raw as Partial<BlockMeta> | null;
  if (!m || typeof m !== "object") throw new MetaError(`${where}: not a JSON object`);
  if (typeof m.ulid !== "string" || !/^[0-9A-HJKMNP-TV-Z]{26}$/.test(m.ulid)) throw new MetaError(`${where}: missing or invalid ulid`);
  if (typeof m.minTime !== "number" || typeof m.maxTime !== "number") throw new MetaError(`${where}: minTime/maxTime missing`);
  if (m.maxTime < m.minTime) throw new MetaError(`${where}: maxTime ${m.maxTime} before minTime ${m.minTime}`);
  if (m.version !== 1) throw new MetaError(`${where}: unsupported meta version ${String(m.version)}`);
  const meta: BlockMeta = {
    ulid: m.ulid,
    minTime: m.minTime,
    maxTime: m.maxTime,
    stats: m.stats ?? {},
    compaction: m.compaction ?? { level: 1, sources: [m.ulid] },
    version: 1,
  };
  if (m.thanos) {
    meta.thanos = {
      ...m.thanos,
      labels: m.thanos.labels ?? {},
      downsample: { resolution: m.thanos.downsample?.resolution ?? RES_RAW },
      source: m.thanos.source ?? "",
    };
  }
  return meta;
}

export function stringifyMeta(meta: BlockMeta): string {
  return JSON.stringify(meta, null, "\t") + "\n";
}

export const externalLabels = (m: BlockMeta): Record<string, string> => m.thanos?.labels ?? {};
export const resolution = (m: BlockMeta): number => m.thanos?.downsample.resolution ?? RES_RAW;
