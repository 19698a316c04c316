// Durations in Thanos config files and flags: Prometheus durations ("90s", "2m", "1h30m",
// "500ms", "0"; see src/duration), plus two forms YAML and our flags have always taken: a YAML
// number or a bare numeric string, read as seconds.
import { DurationError, parseDuration as parsePromDuration } from "../duration/index.ts";

export function parseDuration(v: string | number): number {
  if (typeof v === "number") return v * 1000;
  const s = v.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s) * 1000;
  try {
    return parsePromDuration(s);
  } catch (e) {
    if (!(e instanceof DurationError)) throw e;
    // Bad syntax needs no more words; emptiness and overflow are worth naming.
    const why = e.reason === "syntax" ? "" : `: ${e.message}`;
    throw new DurationError(`invalid duration ${JSON.stringify(v)}${why}`, e.reason);
  }
}
