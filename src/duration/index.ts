// Prometheus durations ("5m", "1h30m", "2w", "500ms"), parsed and printed one way for the whole
// product: PromQL, the HTTP API, command-line flags and object-store config. Callers that accept
// more (float seconds, a sign, bare numbers) add that in a thin layer of their own.
export { DurationError, isDurationSyntax, parseDuration, type DurationErrorReason } from "./parse.ts";
export { formatDuration } from "./format.ts";
export { DURATION_UNITS, MAX_DURATION_MS } from "./units.ts";
