// The engine's public contract: options, results and errors. The querier, the HTTP API, the
// ruler and the conformance runner all go through these types.
import type { Value } from "./value.ts";

export interface FeatureFlags {
  // Each is off by default, as in Prometheus; the conformance runner turns all on.
  experimentalFunctions: boolean; // --enable-feature=promql-experimental-functions
  durationExpressions: boolean; // promql-duration-expr
  extendedRangeSelectors: boolean; // anchored / smoothed
  binopFillModifiers: boolean; // fill() / fill_left() / fill_right()
  delayedNameRemoval: boolean; // promql-delayed-name-removal
  typeAndUnitLabels: boolean; // __type__ / __unit__ labels
  startTimestamps: boolean; // start_timestamp() and @st data
}

export const defaultFeatures: FeatureFlags = {
  experimentalFunctions: false,
  durationExpressions: false,
  extendedRangeSelectors: false,
  binopFillModifiers: false,
  delayedNameRemoval: false,
  typeAndUnitLabels: false,
  startTimestamps: false,
};

export const allFeatures: FeatureFlags = {
  experimentalFunctions: true,
  durationExpressions: true,
  extendedRangeSelectors: true,
  binopFillModifiers: true,
  delayedNameRemoval: true,
  typeAndUnitLabels: true,
  startTimestamps: true,
};

export interface EngineOptions {
  lookbackDelta: number; // ms, default 5m
  maxSamples: number; // max samples loaded at once (Prometheus --query.max-samples, default 50e6)
  timeout: number; // ms, 0 = none (Prometheus default 2m)
  defaultSubqueryStep: number; // ms, used when a subquery has no step (global eval interval, 1m)
  features: FeatureFlags;
}

export const defaultEngineOptions: EngineOptions = {
  lookbackDelta: 5 * 60_000,
  maxSamples: 50_000_000,
  timeout: 120_000,
  defaultSubqueryStep: 60_000,
  features: defaultFeatures,
};

// Prometheus's errorType values for the HTTP API envelope.
export type ErrorKind = "bad_data" | "execution" | "timeout" | "canceled" | "internal" | "unavailable";

export class PromQLError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
  ) {
    super(message);
  }
}

// A parse error carries Prometheus's text, e.g. `1:5: parse error: unexpected <EOF>`
// (message already includes the position prefix).
export class ParseError extends PromQLError {
  constructor(
    message: string,
    readonly positionStart = 0,
    readonly positionEnd = 0,
  ) {
    super("bad_data", message);
  }
}

export interface QueryStats {
  totalQueryableSamples: number;
  peakSamples: number;
}

export interface QueryResult {
  value: Value;
  warnings: string[]; // Prometheus annotation texts, e.g. `PromQL warning: ... (1:6)`
  infos: string[];
  stats: QueryStats;
}
