// Where the engine reads series from. The querier implements it over StoreAPI (chunks decoded
// in bulk by the WASM kernel); tests and the conformance runner implement it in memory.
import type { Labels } from "../labels/labels.ts";
import type { Matcher } from "../labels/matcher.ts";
import type { FloatHistogram } from "./histogram.ts";

// Hints passed down so stores can choose downsampled aggregates and prune (Thanos QueryHints).
export interface SelectHints {
  start: number; // ms, inclusive lower bound of the data needed (lookback/range included)
  end: number; // ms, inclusive
  step?: number; // ms, 0 for instant queries
  range?: number; // ms, the range of the wrapping matrix selector, 0 if none
  func?: string; // wrapping function name, e.g. "rate", "sum_over_time"
  grouping?: string[];
  by?: boolean;
}

export interface StoredSeries {
  labels: Labels;
  // All samples in [hints.start, hints.end], ascending timestamps, stale markers included.
  ts: Float64Array;
  vs: Float64Array;
  hs?: (FloatHistogram | undefined)[];
  // Start timestamps (ms) per sample, index-aligned with ts; NaN where unknown. Only present
  // when the source has any (Prometheus's start-timestamps feature, `@st` in test scripts).
  sts?: Float64Array;
}

export interface SelectResult {
  series: StoredSeries[]; // sorted by labels
  warnings: string[];
}

export interface Queryable {
  select(matchers: Matcher[], hints: SelectHints, signal?: AbortSignal): Promise<SelectResult>;
}
