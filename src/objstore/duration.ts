// Prometheus-style durations as used in Thanos config files: "90s", "2m", "1h30m", "500ms".
// A bare number is taken as seconds.
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, y: 31_536_000_000 };

export function parseDuration(v: string | number): number {
  if (typeof v === "number") return v * 1000;
  const s = v.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s) * 1000;
  const re = /(\d+)(ms|s|m|h|d|w|y)/gy;
  let total = 0;
  let matched = 0;
  for (const m of s.matchAll(re)) {
    total += Number(m[1]) * UNIT_MS[m[2]];
    matched += m[0].length;
  }
  if (matched === 0 || matched !== s.length) throw new Error(`invalid duration ${JSON.stringify(v)}`);
  return total;
}
