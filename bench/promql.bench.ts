// PromQL engine alone on an in-memory Queryable: `sum by (x) (rate(m[5m]))` as a range query
// over 1,000 counter series x 1 day at 15 s (5.76 M samples), 1,440 steps of 60 s.
// Baseline, same data, same run: a straightforward per-step evaluator (binary search per step
// and series, one object per sample in the window, a Map of group keys per step) that computes
// the same numbers.
import { bench, do_not_optimize, group, summary } from "mitata";
import { Engine } from "../src/promql/engine/index.ts";
import { counterSeries, MemQueryable, type BenchSeries } from "./promql-data.ts";

const SERIES = 1000;
const SAMPLES = 5760; // 1 day at 15 s
const STEP = 60_000;
const END = 86_400_000 - STEP;
const RANGE = 300_000;
const data = counterSeries(SERIES, SAMPLES, 15_000, 10);
const queryable = new MemQueryable(data);
const engine = new Engine();
const query = "sum by (x) (rate(m[5m]))";
const totalSamples = SERIES * SAMPLES;

export const itemsPerIteration: Record<string, number> = {
  "naive per-step evaluator (baseline)": totalSamples,
  "Engine.rangeQuery": totalSamples,
  "Engine.rangeQuery, 1 group (sum)": totalSamples,
};

function upperBound(a: Float64Array, t: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

interface Point {
  t: number;
  v: number;
}

function naiveRate(points: Point[], start: number, end: number): number | undefined {
  if (points.length < 2) return undefined;
  const first = points[0];
  const last = points[points.length - 1];
  let result = last.v - first.v;
  for (let i = 1; i < points.length; i++) if (points[i].v < points[i - 1].v) result += points[i - 1].v;
  const sampled = (last.t - first.t) / 1000;
  const avg = sampled / (points.length - 1);
  let toStart = (first.t - start) / 1000;
  let toEnd = (end - last.t) / 1000;
  if (toStart >= avg * 1.1) toStart = avg / 2;
  if (result > 0 && first.v >= 0) toStart = Math.min(toStart, sampled * (first.v / result));
  if (toEnd >= avg * 1.1) toEnd = avg / 2;
  return (result * ((sampled + toStart + toEnd) / sampled)) / (RANGE / 1000);
}

function naive(series: BenchSeries[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (let t = 0; t <= END; t += STEP) {
    const sums = new Map<string, number>();
    for (const s of series) {
      const a = upperBound(s.ts, t - RANGE);
      const b = upperBound(s.ts, t);
      const pts: Point[] = [];
      for (let i = a; i < b; i++) pts.push({ t: s.ts[i], v: s.vs[i] });
      const r = naiveRate(pts, t - RANGE, t);
      if (r === undefined) continue;
      const key = JSON.stringify({ x: s.labels.find((l) => l.name === "x")!.value });
      sums.set(key, (sums.get(key) ?? 0) + r);
    }
    for (const [k, v] of sums) {
      let arr = out.get(k);
      if (!arr) out.set(k, (arr = []));
      arr.push(v);
    }
  }
  return out;
}

// Both must compute the same numbers before their speed means anything.
{
  const ref = naive(data);
  const res = await engine.rangeQuery(queryable, query, 0, END, STEP);
  if (res.value.type !== "matrix" || res.value.series.length !== ref.size) throw new Error("bench: engine and baseline disagree on series");
  for (const s of res.value.series) {
    const want = ref.get(JSON.stringify({ x: s.metric.find((l) => l.name === "x")!.value }))!;
    if (want.length !== s.vs.length) throw new Error("bench: engine and baseline disagree on points");
    for (let i = 0; i < want.length; i++) {
      if (Math.abs(want[i] - s.vs[i]) > 1e-9 * Math.abs(want[i])) throw new Error(`bench: value mismatch ${want[i]} vs ${s.vs[i]}`);
    }
  }
}

group(`sum by (x) (rate(m[5m])): ${SERIES} series x ${SAMPLES} samples, 1440 steps`, () => {
  summary(() => {
    bench("naive per-step evaluator (baseline)", () => do_not_optimize(naive(data))).baseline(true);
    bench("Engine.rangeQuery", async () => do_not_optimize(await engine.rangeQuery(queryable, query, 0, END, STEP)));
    bench("Engine.rangeQuery, 1 group (sum)", async () =>
      do_not_optimize(await engine.rangeQuery(queryable, "sum(rate(m[5m]))", 0, END, STEP)),
    );
  });
});
