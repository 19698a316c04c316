// Reading storage: instant vector selectors (lookback, staleness) and range inputs (matrix
// selectors and subqueries) as raw typed arrays plus per-step window ends.
import type { MatrixSelector, SubqueryExpr, VectorSelector } from "../ast.ts";
import type { StoredSeries } from "../queryable.ts";
import { isStaleAt } from "../value.ts";
import type { Ctx } from "./context.ts";
import { durationMs, refTimes } from "./durations.ts";
import { newStepSeries, type StepSeries } from "./series.ts";
import type { EvalValue, RangeInput, RangeSeries } from "./values.ts";
import { smoothedAt } from "../functions/extended.ts";

function minMax(a: Float64Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < a.length; i++) {
    if (a[i] < lo) lo = a[i];
    if (a[i] > hi) hi = a[i];
  }
  return [lo, hi];
}

async function fetch(
  ctx: Ctx,
  vs: VectorSelector,
  mint: number,
  maxt: number,
  range: number,
  func?: string,
): Promise<StoredSeries[]> {
  ctx.checkAbort();
  const res = await ctx.st.queryable.select(
    vs.matchers,
    {
      start: mint,
      end: maxt,
      step: ctx.interval,
      range,
      func: func ?? ctx.hints.func,
      grouping: ctx.hints.grouping,
      by: ctx.hints.by,
    },
    ctx.st.signal,
  );
  if (res.warnings.length) ctx.st.annos.addWarningsRaw(res.warnings);
  let total = 0;
  for (const s of res.series) total += s.ts.length;
  ctx.st.totalSamples += total;
  return res.series;
}

export async function evalVectorSelector(ctx: Ctx, vs: VectorSelector, withTs = false, withSt = false): Promise<StepSeries[]> {
  const refs = refTimes(ctx, vs);
  const lookback = ctx.st.opts.lookbackDelta;
  const [lo, hi] = minMax(refs);
  const stored = await fetch(ctx, vs, lo - lookback + 1, vs.smoothed ? hi + lookback : hi, 0);
  const out: StepSeries[] = [];
  let points = 0;
  for (const s of stored) {
    const ss = newStepSeries(s.labels, ctx.n);
    if (withTs) ss.sampleTs = new Float64Array(ctx.n);
    if (withSt) ss.sampleSt = new Float64Array(ctx.n);
    const { ts, vs: vals, hs } = s;
    let j = -1; // index of the last sample with ts <= ref
    let any = false;
    for (let i = 0; i < ctx.n; i++) {
      const ref = refs[i];
      if (i > 0 && ref < refs[i - 1]) j = -1; // not monotonic (cannot happen today)
      while (j + 1 < ts.length && ts[j + 1] <= ref) j++;
      if (j < 0 || ts[j] <= ref - lookback) continue;
      const v = vals[j];
      if (v !== v && isStaleAt(vals, j)) continue;
      // Native histogram samples are not evaluated yet (later issue): no float value here.
      if (hs && hs[j] !== undefined) continue;
      ss.vals[i] = vs.smoothed ? smoothedAt(ts, vals, j, ref, lookback) : v;
      ss.has[i] = 1;
      if (ss.sampleTs) ss.sampleTs[i] = ts[j];
      if (ss.sampleSt) ss.sampleSt[i] = s.sts ? s.sts[j] : NaN;
      any = true;
      points++;
    }
    if (any) out.push(ss);
  }
  ctx.charge(points);
  return out;
}

// Range windows hold float samples only: stale markers are dropped, and so are native
// histogram samples until histogram evaluation lands (later issue).
function skip(s: StoredSeries, i: number): boolean {
  const v = s.vs[i];
  return (v !== v && isStaleAt(s.vs, i)) || (s.hs !== undefined && s.hs[i] !== undefined);
}

function dropStale(s: StoredSeries, withSt: boolean): RangeSeries {
  const { ts, vs } = s;
  const sts = withSt ? s.sts : undefined;
  let stale = 0;
  for (let i = 0; i < vs.length; i++) if (skip(s, i)) stale++;
  if (stale === 0) return { metric: s.labels, ts, vs, dropName: false, sts };
  const nts = new Float64Array(ts.length - stale);
  const nvs = new Float64Array(ts.length - stale);
  const nst = sts ? new Float64Array(ts.length - stale) : undefined;
  let j = 0;
  for (let i = 0; i < vs.length; i++) {
    if (skip(s, i)) continue;
    nts[j] = ts[i];
    if (nst) nst[j] = sts![i];
    nvs[j++] = vs[i];
  }
  return { metric: s.labels, ts: nts, vs: nvs, dropName: false, sts: nst };
}

export function matrixRange(ctx: Ctx, ms: MatrixSelector): number {
  return ms.rangeExpr ? durationMs(ctx, ms.rangeExpr) : ms.range;
}

export async function matrixInput(ctx: Ctx, ms: MatrixSelector, func?: string): Promise<RangeInput> {
  const vs = ms.vectorSelector;
  const range = matrixRange(ctx, ms);
  const ends = refTimes(ctx, vs);
  const [lo, hi] = minMax(ends);
  // Anchored/smoothed selectors also need the sample before the window (and smoothed the one
  // after it), so they read one lookback further in each direction.
  const extra = vs.anchored || vs.smoothed ? ctx.st.opts.lookbackDelta : 0;
  const stored = await fetch(ctx, vs, lo - range + 1 - extra, hi + (vs.smoothed ? extra : 0), range, func);
  const series = stored.map((s) => dropStale(s, ctx.features.startTimestamps));
  return { series, ends, range, selector: vs, pos: ms.pos };
}

// Subquery: evaluate the inner expression on its own step grid, aligned to absolute multiples
// of the subquery step, then look at it through the outer steps' windows.
export async function subqueryInput(
  ctx: Ctx,
  sq: SubqueryExpr,
  evaluate: (c: Ctx, e: SubqueryExpr["expr"]) => Promise<EvalValue>,
): Promise<RangeInput> {
  const range = sq.rangeExpr ? durationMs(ctx, sq.rangeExpr) : sq.range;
  let step = sq.stepExpr ? durationMs(ctx, sq.stepExpr) : sq.step;
  if (step <= 0) step = ctx.st.opts.defaultSubqueryStep;
  const ends = refTimes(ctx, sq);
  const [lo, hi] = minMax(ends);
  let start = step * Math.trunc((lo - range) / step);
  if (start <= lo - range) start += step;
  const inner = ctx.sub(start, Math.max(start, hi), step);
  const series: RangeSeries[] = [];
  if (start <= hi) {
    const v = await evaluate(inner, sq.expr);
    if (v.kind === "scalar") {
      series.push({ metric: [], ts: inner.times.slice(), vs: v.vals.slice(), dropName: false });
    } else if (v.kind === "vector") {
      for (const s of v.series) {
        let c = 0;
        for (let i = 0; i < s.has.length; i++) c += s.has[i];
        if (c === 0) continue;
        const ts = new Float64Array(c);
        const vals = new Float64Array(c);
        let j = 0;
        for (let i = 0; i < s.has.length; i++) {
          if (!s.has[i]) continue;
          ts[j] = inner.times[i];
          vals[j++] = s.vals[i];
        }
        series.push({ metric: s.metric, ts, vs: vals, dropName: s.dropName });
      }
    }
  }
  return { series, ends, range, selector: null, pos: sq.pos };
}

// Window bounds per step for one series: [lo[i], hi[i]) indices into ts.
export function windows(ts: Float64Array, ends: Float64Array, range: number, lo: Int32Array, hi: Int32Array): void {
  let a = 0;
  let b = 0;
  for (let i = 0; i < ends.length; i++) {
    const end = ends[i];
    const start = end - range;
    if (i > 0 && end < ends[i - 1]) {
      a = 0;
      b = 0;
    }
    while (a < ts.length && ts[a] <= start) a++;
    if (b < a) b = a;
    while (b < ts.length && ts[b] <= end) b++;
    lo[i] = a;
    hi[i] = b;
  }
}
