// Functions over instant vectors and scalars: element-wise math, calendar functions, and the
// ones with their own shape (time, vector, scalar, timestamp, absent, label_*, sort*,
// histogram_quantile(s)/fraction on classic buckets, info, start_timestamp, query params).
import type { Call } from "../ast.ts";
import type { Ctx } from "../engine/context.ts";
import { evalVectorSelector } from "../engine/selectors.ts";
import { markDropName, mergeSameLabels, newStepSeries, type StepSeries } from "../engine/series.ts";
import type { EvalValue } from "../engine/values.ts";
import { elemFns } from "./math.ts";
import { dateFns } from "./time.ts";
import { labelJoin, labelReplace } from "./labels.ts";
import { sortByLabel, sortByValue } from "./sort.ts";
import { absent, absentOverTime } from "./absent.ts";
import { histogramFraction, histogramQuantile, histogramQuantiles } from "./histogram-eval.ts";
import { evalInfo } from "./info.ts";
import { type Evaluate, rangeArg, scalarArg, stringArg, unwrap, vectorArg } from "./args.ts";

export async function evalElemFn(ctx: Ctx, call: Call, ev: Evaluate): Promise<EvalValue> {
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

export async function evalDateFn(ctx: Ctx, call: Call, ev: Evaluate): Promise<EvalValue> {
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

export const custom: Record<string, Impl> = {
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

