// Function calls: dispatch by name to a family. Range-vector functions run a kernel per series
// and step over a sliding window of typed arrays; the others work on step-aligned series.
import type { Call, Expr } from "../ast.ts";
import { exprType } from "../ast.ts";
import type { Ctx } from "../engine/context.ts";
import { execError } from "../engine/context.ts";
import { evalVectorSelector, matrixInput, subqueryInput, windows } from "../engine/selectors.ts";
import { markDropName, mergeSameLabels, newStepSeries, type StepSeries } from "../engine/series.ts";
import type { EvalValue, RangeInput } from "../engine/values.ts";
import { METRIC_NAME } from "../../labels/labels.ts";
import { countResets, newWin, type RangeKernel, type Win } from "./window.ts";
import * as R from "./rate.ts";
import * as O from "./over-time.ts";
import * as G from "./regression.ts";
import { elemFns } from "./math.ts";
import { dateFns } from "./time.ts";
import { labelJoin, labelReplace } from "./labels.ts";
import { sortByLabel, sortByValue } from "./sort.ts";
import { absent, absentOverTime } from "./absent.ts";
import { histogramFraction, histogramQuantile, histogramQuantiles } from "./histogram-eval.ts";
import { evalInfo } from "./info.ts";
import { checkExtended, extendedValue } from "./extended.ts";

export type Evaluate = (ctx: Ctx, e: Expr) => Promise<EvalValue>;

interface RangeSpec {
  k: RangeKernel;
  keepName?: boolean;
  counter?: boolean; // rate/increase: "might not be a counter" info
}

const rangeFns: Record<string, RangeSpec> = {
  rate: { k: R.rate, counter: true },
  increase: { k: R.increase, counter: true },
  delta: { k: R.delta },
  irate: { k: R.irate },
  idelta: { k: R.idelta },
  deriv: { k: G.deriv },
  predict_linear: { k: G.predictLinear },
  double_exponential_smoothing: { k: G.doubleExponentialSmoothing },
  holt_winters: { k: G.doubleExponentialSmoothing },
  changes: { k: O.changes },
  resets: { k: O.resets },
  avg_over_time: { k: O.avgOverTime },
  sum_over_time: { k: O.sumOverTime },
  count_over_time: { k: O.countOverTime },
  min_over_time: { k: O.minOverTime },
  max_over_time: { k: O.maxOverTime },
  stddev_over_time: { k: O.stddevOverTime },
  stdvar_over_time: { k: O.stdvarOverTime },
  quantile_over_time: { k: O.quantileOverTime },
  mad_over_time: { k: O.madOverTime },
  last_over_time: { k: O.lastOverTime, keepName: true },
  first_over_time: { k: O.firstOverTime, keepName: true },
  present_over_time: { k: O.presentOverTime },
  ts_of_last_over_time: { k: O.tsOfLastOverTime },
  ts_of_first_over_time: { k: O.tsOfFirstOverTime },
  ts_of_max_over_time: { k: O.tsOfMaxOverTime },
  ts_of_min_over_time: { k: O.tsOfMinOverTime },
};

function unwrap(e: Expr): Expr {
  while (e.type === "ParenExpr" || e.type === "StepInvariantExpr") e = e.expr;
  return e;
}

export async function rangeArg(ctx: Ctx, e: Expr, ev: Evaluate, func: string): Promise<RangeInput> {
  const u = unwrap(e);
  if (u.type === "MatrixSelector") return matrixInput(ctx, u, func);
  if (u.type === "SubqueryExpr") return subqueryInput(ctx, u, ev);
  const v = await ev(ctx, u);
  if (v.kind !== "matrix") throw execError(`expected range vector argument to ${func}`);
  return v.input;
}

async function scalarArg(ctx: Ctx, e: Expr, ev: Evaluate): Promise<Float64Array> {
  const v = await ev(ctx, e);
  if (v.kind !== "scalar") throw execError("expected scalar argument");
  return v.vals;
}

async function stringArg(ctx: Ctx, e: Expr, ev: Evaluate): Promise<string> {
  const v = await ev(ctx, e);
  if (v.kind !== "string") throw execError("expected string argument");
  return v.v;
}

async function vectorArg(ctx: Ctx, e: Expr, ev: Evaluate): Promise<StepSeries[]> {
  const v = await ev(ctx, e);
  if (v.kind !== "vector") throw execError("expected instant vector argument");
  return v.series;
}

const COUNTER_SUFFIXES = ["_total", "_sum", "_count", "_bucket"];

async function evalRangeFn(ctx: Ctx, call: Call, ev: Evaluate, spec: RangeSpec): Promise<EvalValue> {
  const name = call.func.name;
  const mi = call.args.findIndex((a) => exprType(a) === "matrix");
  const argVals: Float64Array[] = [];
  for (let j = 0; j < call.args.length; j++) if (j !== mi) argVals.push(await scalarArg(ctx, call.args[j], ev));
  const input = await rangeArg(ctx, call.args[mi], ev, name);
  if (name === "quantile_over_time") {
    for (const q of argVals[0]) if (!(q >= 0 && q <= 1)) ctx.st.annos.invalidQuantile(q, call.args[0].pos);
  }
  const n = ctx.n;
  const lo = new Int32Array(n);
  const hi = new Int32Array(n);
  const args = new Array<number>(argVals.length).fill(0);
  const w: Win = newWin(input.range, args);
  const out: StepSeries[] = [];
  const sel = input.selector;
  const extended = sel !== null && (sel.anchored || sel.smoothed);
  if (extended) checkExtended(sel!, name);
  const lookback = ctx.st.opts.lookbackDelta;
  let charged = 0;
  for (const s of input.series) {
    windows(s.ts, input.ends, input.range, lo, hi);
    if (spec.counter) w.resetsUpTo = countResets(s.vs, w.resetsUpTo);
    w.sts = s.sts ?? null;
    w.stOverlap = false;
    const o = newStepSeries(s.metric, n, s.dropName);
    let any = false;
    w.metric = s.metric;
    for (let i = 0; i < n; i++) {
      w.end = input.ends[i];
      w.start = w.end - input.range;
      w.t = ctx.times[i];
      for (let j = 0; j < args.length; j++) args[j] = argVals[j][i];
      let v: number | undefined;
      if (extended) {
        v = extendedValue(s, lo[i], hi[i], w.start, w.end, input.range, lookback, sel!, name);
      } else {
        if (lo[i] >= hi[i]) continue;
        w.ts = s.ts;
        w.vs = s.vs;
        w.lo = lo[i];
        w.hi = hi[i];
        charged += w.hi - w.lo;
        v = spec.k(w);
      }
      if (v === undefined) continue;
      o.vals[i] = v;
      o.has[i] = 1;
      any = true;
    }
    if (w.stOverlap) ctx.st.annos.startTimeOverlap(s.metric.find((l) => l.name === METRIC_NAME)?.value ?? "", call.args[mi].pos);
    if (!any) continue;
    if (spec.counter) {
      const metricName = s.metric.find((l) => l.name === METRIC_NAME)?.value ?? "";
      if (metricName !== "" && !COUNTER_SUFFIXES.some((x) => metricName.endsWith(x))) {
        ctx.st.annos.possibleNonCounter(metricName, call.args[mi].pos);
      }
    }
    if (!spec.keepName) markDropName(o, ctx.features);
    out.push(o);
  }
  // Prometheus holds one series' window plus the output built so far.
  if (charged >= 0) ctx.charge(out.reduce((a, s) => a + s.has.reduce((x, y) => x + y, 0), 0));
  return { kind: "vector", series: ctx.features.delayedNameRemoval ? out : mergeSameLabels(out) };
}

async function evalElemFn(ctx: Ctx, call: Call, ev: Evaluate): Promise<EvalValue> {
  const name = call.func.name;
  const f = elemFns[name];
  const vec = await vectorArg(ctx, call.args[0], ev);
  const argVals: Float64Array[] = [];
  for (let j = 1; j < call.args.length; j++) argVals.push(await scalarArg(ctx, call.args[j], ev));
  const args = new Array<number>(argVals.length).fill(0);
  const out: StepSeries[] = [];
  for (const s of vec) {
    const o = newStepSeries(s.metric, ctx.n, s.dropName);
    let any = false;
    for (let i = 0; i < ctx.n; i++) {
      if (!s.has[i]) continue;
      for (let j = 0; j < args.length; j++) args[j] = argVals[j][i];
      if (name === "clamp" && args[1] < args[0]) continue;
      o.vals[i] = f(s.vals[i], args);
      o.has[i] = 1;
      any = true;
    }
    if (!any) continue;
    markDropName(o, ctx.features);
    out.push(o);
  }
  return { kind: "vector", series: ctx.features.delayedNameRemoval ? out : mergeSameLabels(out) };
}

async function evalDateFn(ctx: Ctx, call: Call, ev: Evaluate): Promise<EvalValue> {
  const f = dateFns[call.func.name];
  if (call.args.length === 0) {
    const o = newStepSeries([], ctx.n);
    for (let i = 0; i < ctx.n; i++) {
      o.vals[i] = f(ctx.times[i] / 1000);
      o.has[i] = 1;
    }
    return { kind: "vector", series: [o] };
  }
  const vec = await vectorArg(ctx, call.args[0], ev);
  const out: StepSeries[] = [];
  for (const s of vec) {
    const o = newStepSeries(s.metric, ctx.n, s.dropName);
    o.has.set(s.has);
    for (let i = 0; i < ctx.n; i++) {
      const v = s.vals[i];
      o.vals[i] = Number.isFinite(v) ? f(v) : NaN;
    }
    markDropName(o, ctx.features);
    out.push(o);
  }
  return { kind: "vector", series: ctx.features.delayedNameRemoval ? out : mergeSameLabels(out) };
}

type Impl = (ctx: Ctx, call: Call, ev: Evaluate) => Promise<EvalValue>;

const scalarFill = (ctx: Ctx, f: (t: number) => number): EvalValue => {
  const vals = new Float64Array(ctx.n);
  for (let i = 0; i < ctx.n; i++) vals[i] = f(ctx.times[i]);
  return { kind: "scalar", vals };
};

async function scalarPair(ctx: Ctx, call: Call, ev: Evaluate, f: (a: number, b: number) => number): Promise<EvalValue> {
  const a = await scalarArg(ctx, call.args[0], ev);
  const b = await scalarArg(ctx, call.args[1], ev);
  const vals = new Float64Array(ctx.n);
  for (let i = 0; i < ctx.n; i++) vals[i] = f(a[i], b[i]);
  return { kind: "scalar", vals };
}

const custom: Record<string, Impl> = {
  time: async (ctx) => scalarFill(ctx, (t) => t / 1000),
  pi: async (ctx) => scalarFill(ctx, () => Math.PI),
  // Experimental query-parameter functions: the outermost query's range and step, in seconds.
  start: async (ctx) => scalarFill(ctx, () => ctx.st.queryStart / 1000),
  end: async (ctx) => scalarFill(ctx, () => ctx.st.queryEnd / 1000),
  step: async (ctx) => scalarFill(ctx, () => ctx.st.queryStep / 1000),
  range: async (ctx) => scalarFill(ctx, () => (ctx.st.queryEnd - ctx.st.queryStart) / 1000),
  min_of: async (ctx, call, ev) => scalarPair(ctx, call, ev, Math.min),
  max_of: async (ctx, call, ev) => scalarPair(ctx, call, ev, Math.max),
  vector: async (ctx, call, ev) => {
    const vals = await scalarArg(ctx, call.args[0], ev);
    const o = newStepSeries([], ctx.n);
    o.vals.set(vals);
    o.has.fill(1);
    return { kind: "vector", series: [o] };
  },
  scalar: async (ctx, call, ev) => {
    const vec = await vectorArg(ctx, call.args[0], ev);
    const vals = new Float64Array(ctx.n);
    for (let i = 0; i < ctx.n; i++) {
      let c = 0;
      let v = NaN;
      for (const s of vec) {
        if (!s.has[i]) continue;
        c++;
        v = s.vals[i];
      }
      vals[i] = c === 1 ? v : NaN;
    }
    return { kind: "scalar", vals };
  },
  timestamp: async (ctx, call, ev) => {
    const arg = unwrap(call.args[0]);
    let series: StepSeries[];
    if (arg.type === "VectorSelector") {
      series = await evalVectorSelector(ctx, arg, true);
      for (const s of series) for (let i = 0; i < ctx.n; i++) s.vals[i] = s.sampleTs![i] / 1000;
    } else {
      series = await vectorArg(ctx, call.args[0], ev);
      for (const s of series) for (let i = 0; i < ctx.n; i++) s.vals[i] = ctx.times[i] / 1000;
    }
    for (const s of series) markDropName(s, ctx.features);
    return { kind: "vector", series: ctx.features.delayedNameRemoval ? series : mergeSameLabels(series) };
  },
  absent: async (ctx, call, ev) => absent(ctx, call, await vectorArg(ctx, call.args[0], ev)),
  absent_over_time: async (ctx, call, ev) => absentOverTime(ctx, call, await rangeArg(ctx, call.args[0], ev, "absent_over_time")),
  label_replace: async (ctx, call, ev) => {
    const vec = await vectorArg(ctx, call.args[0], ev);
    const [dst, repl, src, re] = await Promise.all(call.args.slice(1).map((a) => stringArg(ctx, a, ev)));
    const out = labelReplace(vec, dst, repl, src, re);
    return { kind: "vector", series: mergeSameLabels(out) };
  },
  label_join: async (ctx, call, ev) => {
    const vec = await vectorArg(ctx, call.args[0], ev);
    const strs: string[] = [];
    for (const a of call.args.slice(1)) strs.push(await stringArg(ctx, a, ev));
    const out = labelJoin(vec, strs[0], strs[1], strs.slice(2));
    return { kind: "vector", series: mergeSameLabels(out) };
  },
  sort: async (ctx, call, ev) => sortImpl(ctx, call, ev),
  sort_desc: async (ctx, call, ev) => sortImpl(ctx, call, ev),
  sort_by_label: async (ctx, call, ev) => sortImpl(ctx, call, ev),
  sort_by_label_desc: async (ctx, call, ev) => sortImpl(ctx, call, ev),
  histogram_quantile: async (ctx, call, ev) =>
    histogramQuantile(ctx, call, await scalarArg(ctx, call.args[0], ev), await vectorArg(ctx, call.args[1], ev)),
  histogram_fraction: async (ctx, call, ev) =>
    histogramFraction(
      ctx,
      call,
      await scalarArg(ctx, call.args[0], ev),
      await scalarArg(ctx, call.args[1], ev),
      await vectorArg(ctx, call.args[2], ev),
    ),
  histogram_quantiles: async (ctx, call, ev) => {
    const vec = await vectorArg(ctx, call.args[0], ev);
    const label = await stringArg(ctx, call.args[1], ev);
    const qs: Float64Array[] = [];
    for (const a of call.args.slice(2)) qs.push(await scalarArg(ctx, a, ev));
    return histogramQuantiles(ctx, call, vec, label, qs);
  },
  info: async (ctx, call, ev) => evalInfo(ctx, call, ev),
  // Experimental: the start timestamp (seconds) of each selected sample, 0 when unknown.
  start_timestamp: async (ctx, call, ev) => {
    const arg = unwrap(call.args[0]);
    if (arg.type !== "VectorSelector") {
      await vectorArg(ctx, call.args[0], ev);
      return { kind: "vector", series: [] };
    }
    const series = await evalVectorSelector(ctx, arg, false, true);
    for (const s of series) {
      for (let i = 0; i < ctx.n; i++) {
        const st = s.sampleSt![i];
        s.vals[i] = st === st ? st / 1000 : 0;
      }
      markDropName(s, ctx.features);
    }
    return { kind: "vector", series: ctx.features.delayedNameRemoval ? series : mergeSameLabels(series) };
  },
  // These read native histogram samples only; float samples give no output, as in
  // Prometheus. Histogram samples are not evaluated yet (later issue), so the result is empty.
  ...Object.fromEntries(
    ["histogram_avg", "histogram_count", "histogram_sum", "histogram_stddev", "histogram_stdvar"].map((name) => [
      name,
      async (ctx: Ctx, call: Call, ev: Evaluate): Promise<EvalValue> => {
        await vectorArg(ctx, call.args[0], ev);
        return { kind: "vector", series: [] };
      },
    ]),
  ),
};

async function sortImpl(ctx: Ctx, call: Call, ev: Evaluate): Promise<EvalValue> {
  const name = call.func.name;
  const vec = await vectorArg(ctx, call.args[0], ev);
  if (ctx.st.queryStep > 0) {
    ctx.st.annos.sortIneffective(call.pos);
    return { kind: "vector", series: vec };
  }
  if (ctx.n !== 1) return { kind: "vector", series: vec };
  if (name === "sort" || name === "sort_desc") return { kind: "vector", series: sortByValue(vec, name === "sort_desc") };
  const names: string[] = [];
  for (const a of call.args.slice(1)) names.push(await stringArg(ctx, a, ev));
  return { kind: "vector", series: sortByLabel(vec, names, name === "sort_by_label_desc") };
}

export async function evalCall(ctx: Ctx, call: Call, ev: Evaluate): Promise<EvalValue> {
  const name = call.func.name;
  const r = rangeFns[name];
  if (r) return evalRangeFn(ctx, call, ev, r);
  if (elemFns[name]) return evalElemFn(ctx, call, ev);
  if (dateFns[name]) return evalDateFn(ctx, call, ev);
  const c = custom[name];
  if (c) return c(ctx, call, ev);
  throw execError(`function ${JSON.stringify(name)} is not implemented`);
}
