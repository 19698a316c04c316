// What the HTTP API needs from the component serving it (the querier, the all-in-one, the
// ruler later): an engine, a way to read series and labels, and status information. Keeping
// it an interface lets the API stay free of StoreAPI and runtime details.
import type { Labels } from "../labels/labels.ts";
import type { Matcher } from "../labels/matcher.ts";
import type { QueryResult } from "../promql/api.ts";
import type { Expr } from "../promql/ast.ts";

// Thanos querier request options (`dedup`, `replicaLabels[]`, `partial_response`,
// `max_source_resolution`, `lookback_delta`).
export interface ReadOptions {
  dedup: boolean;
  replicaLabels: string[] | null; // null = the component's configured replica labels
  partialResponse: boolean;
  maxSourceResolution: number | "auto"; // ms
  lookbackDelta: number | null; // ms; null = default
  timeoutMs?: number | null; // the request's `timeout` parameter; the component's limit still applies
  signal?: AbortSignal;
}

export interface QueryRun {
  query: Expr | string;
  options: ReadOptions;
  stats: boolean;
}

export interface MetadataEntry {
  type: string;
  help: string;
  unit: string;
}

export interface ExemplarSeries {
  seriesLabels: Labels;
  exemplars: { labels: Labels; value: number; timestampMs: number }[];
}

export interface ApiBackend {
  instantQuery(run: QueryRun, timeMs: number): Promise<QueryResult>;
  rangeQuery(run: QueryRun, startMs: number, endMs: number, stepMs: number): Promise<QueryResult>;
  series(matchers: Matcher[][], startMs: number, endMs: number, opts: ReadOptions, limit: number): Promise<{ series: Labels[]; warnings: string[] }>;
  labelNames(matchers: Matcher[][], startMs: number, endMs: number, opts: ReadOptions, limit: number): Promise<{ values: string[]; warnings: string[] }>;
  labelValues(name: string, matchers: Matcher[][], startMs: number, endMs: number, opts: ReadOptions, limit: number): Promise<{ values: string[]; warnings: string[] }>;
  // Thanos's /api/v1/stores: endpoint status grouped by component type.
  stores?(): Promise<Record<string, unknown[]>>;
  // /api/v1/metadata: metric name -> distinct entries. limit < 0: no limit; limitPerMetric <= 0:
  // no limit. Absent: the component knows no metadata (empty answer).
  metadata?(metric: string, limit: number, limitPerMetric: number, opts: ReadOptions): Promise<{ data: Map<string, MetadataEntry[]>; warnings: string[] }>;
  // /api/v1/query_exemplars for a query's selectors over [startMs, endMs]. Absent: no exemplars.
  exemplars?(query: string, startMs: number, endMs: number, opts: ReadOptions): Promise<{ data: ExemplarSeries[]; warnings: string[] }>;
  defaultPartialResponse: boolean;
  flags: Record<string, string>;
  startTime: Date;
  ready(): boolean;
}
