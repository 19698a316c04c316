// Synthetic data for the PromQL benchmarks: counters with occasional resets, in an in-memory
// Queryable that slices each series' typed arrays by time (binary search), as a store would.
import type { Labels } from "../src/labels/labels.ts";
import type { Matcher } from "../src/labels/matcher.ts";
import type { Queryable, SelectHints, SelectResult, StoredSeries } from "../src/promql/queryable.ts";

export interface BenchSeries {
  labels: Labels;
  ts: Float64Array;
  vs: Float64Array;
}

export function counterSeries(count: number, samples: number, intervalMs: number, groups: number): BenchSeries[] {
  let seed = 0x9e3779b9;
  const rnd = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 4294967296;
  };
  const out: BenchSeries[] = [];
  for (let s = 0; s < count; s++) {
    const ts = new Float64Array(samples);
    const vs = new Float64Array(samples);
    let v = 0;
    for (let i = 0; i < samples; i++) {
      ts[i] = i * intervalMs + Math.floor(rnd() * 50); // scrape jitter
      v = rnd() < 0.0005 ? 0 : v + Math.floor(rnd() * 100);
      vs[i] = v;
    }
    const labels: Labels = [
      { name: "__name__", value: "m" },
      { name: "i", value: String(s).padStart(4, "0") },
      { name: "x", value: String(s % groups) },
    ];
    out.push({ labels, ts, vs });
  }
  return out;
}

function lowerBound(a: Float64Array, t: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class MemQueryable implements Queryable {
  constructor(readonly series: BenchSeries[]) {}
  async select(matchers: Matcher[], hints: SelectHints): Promise<SelectResult> {
    const out: StoredSeries[] = [];
    for (const s of this.series) {
      if (!matchers.every((m) => m.matches(s.labels.find((l) => l.name === m.name)?.value ?? ""))) continue;
      const a = lowerBound(s.ts, hints.start);
      const b = lowerBound(s.ts, hints.end + 1);
      if (b > a) out.push({ labels: s.labels, ts: s.ts.subarray(a, b), vs: s.vs.subarray(a, b) });
    }
    return { series: out, warnings: [] };
  }
}
