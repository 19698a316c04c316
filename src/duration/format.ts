// Prometheus's model.Duration String(): "1h30m", "90d", "0s". Years and weeks are printed only
// when they divide the rest exactly (90d reads better than 12w6d); negatives get a leading "-".
import { DURATION_UNITS } from "./units.ts";

const EXACT_ONLY = new Set(["y", "w"]);

export function formatDuration(ms: number): string {
  if (ms === 0) return "0s";
  if (ms < 0) return "-" + formatDuration(-ms);
  let rest = Math.round(ms);
  let out = "";
  for (const [unit, mult] of DURATION_UNITS) {
    if (EXACT_ONLY.has(unit) && rest % mult !== 0) continue;
    const n = Math.floor(rest / mult);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * mult;
    }
  }
  return out;
}
