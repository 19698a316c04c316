// Function calls: dispatch by name to a family. Range-vector functions run a kernel per series
// and step over a sliding window of typed arrays (here); the others are in instant.ts.
import type { Call } from "../ast.ts";
import { exprType } from "../ast.ts";
import type { Ctx } from "../engine/context.ts";
import { execError } from "../engine/context.ts";
import { windows } from "../engine/selectors.ts";
import { markDropName, mergeSameLabels, newStepSeries, type StepSeries } from "../engine/series.ts";
import type { EvalValue } from "../engine/values.ts";
import { METRIC_NAME } from "../../labels/labels.ts";
import { countResets, newWin, type RangeKernel, type Win } from "./window.ts";
import * as R from "./rate.ts";
import * as O from "./over-time.ts";
import * as G from "./regression.ts";
import { elemFns } from "./math.ts";
import { dateFns } from "./time.ts";
import { checkExtended, extendedValue } from "./extended.ts";
import { type Evaluate, rangeArg, scalarArg } from "./args.ts";
import { custom, evalDateFn, evalElemFn } from "./instant.ts";

export type { Evaluate } from "./args.ts";
export { rangeArg } from "./args.ts";


interface RangeSpec {
  k: RangeKernel;
  keepName?: boolean;
  counter?: boolean; // rate/increase: "might not be a counter" info
  timeDependent?: boolean; // uses the step time itself, not only the window
}

const rangeFns: Record<string, RangeSpec> = {
  rate: { k: R.rate, counter: true },
  increase: { k: R.increase, counter: true },
  delta: { k: R.delta },
  irate: { k: R.irate },
  idelta: { k: R.idelta },
  deriv: { k: G.deriv },
  predict_linear: { k: G.predictLinear, timeDependent: true },
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
  // `@`-pinned input with constant arguments: every step sees the same window, so compute
  // step 0 and copy (predict_linear also depends on the step time, so it is excluded).
  const pinned =
    n > 1 &&
    input.ends[0] === input.ends[n - 1] &&
    !spec.timeDependent &&
    argVals.every((a) => a.every((x) => Object.is(x, a[0])));
  const steps = pinned ? 1 : n;
  let maxWindow = 0; // largest window held at once (max-samples accounting)
  for (const s of input.series) {
    windows(s.ts, input.ends, input.range, lo, hi);
    if (spec.counter) w.resetsUpTo = countResets(s.vs, w.resetsUpTo);
    w.sts = s.sts ?? null;
    w.stOverlap = false;
    const o = newStepSeries(s.metric, n, s.dropName);
    let any = false;
    w.metric = s.metric;
    for (let i = 0; i < steps; i++) {
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
        if (w.hi - w.lo > maxWindow) maxWindow = w.hi - w.lo;
        v = spec.k(w);
      }
      if (v === undefined) continue;
      o.vals[i] = v;
      o.has[i] = 1;
      any = true;
    }
    if (pinned && o.has[0]) {
      o.vals.fill(o.vals[0]);
      o.has.fill(1);
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
  let points = 0;
  for (const o of out) for (let i = 0; i < n; i++) points += o.has[i];
  ctx.charge(points + maxWindow);
  return { kind: "vector", series: ctx.features.delayedNameRemoval ? out : mergeSameLabels(out) };
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
