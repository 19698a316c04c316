// Prometheus duration units (model.Duration): a year is always 365 days, a week 7 days, a day
// 24 hours. Listed largest first, the only order a duration string may use them in.
export const DURATION_UNITS: readonly (readonly [unit: string, ms: number])[] = [
  ["y", 365 * 24 * 3600_000],
  ["w", 7 * 24 * 3600_000],
  ["d", 24 * 3600_000],
  ["h", 3600_000],
  ["m", 60_000],
  ["s", 1000],
  ["ms", 1],
];

// model.Duration is a Go time.Duration (int64 nanoseconds); Prometheus rejects anything longer
// than math.MaxInt64 ns, i.e. 9223372036854.775807 ms: whole milliseconds up to this.
export const MAX_DURATION_MS = 9_223_372_036_854;
