export {
  Counter,
  CounterChild,
  DEFAULT_BUCKETS,
  Gauge,
  GaugeChild,
  Histogram,
  HistogramChild,
  Registry,
  TEXT_CONTENT_TYPE,
  formatValue,
  type Collector,
} from "./metrics.ts";
export { processCollector } from "./process.ts";
export { createLogger, formatLogfmt, logfmtValue, nopLogger, type LogLevel, type Logger, type LoggerOptions, type LogValue } from "./logger.ts";
export { Readiness, observabilityApp, type ObservabilityOptions } from "./http.ts";

import { Registry } from "./metrics.ts";
import { processCollector } from "./process.ts";

// A registry with the process_* collector already in it: what a component normally wants.
export function newComponentRegistry(): Registry {
  const r = new Registry();
  r.register(processCollector());
  return r;
}
