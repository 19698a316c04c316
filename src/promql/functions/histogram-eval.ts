// histogram_quantile / histogram_fraction over classic `le` buckets: series are grouped by
// their labels without `le` (once per query); buckets are gathered per step.
import type { Label, Labels } from "../../labels/labels.ts";
import { labelsKey, METRIC_NAME, sortLabels } from "../../labels/labels.ts";
import { formatFloatF } from "../engine/format.ts";
import type { Call } from "../ast.ts";
import type { Ctx } from "../engine/context.ts";
import { dropMetricName, mergeSameLabels, newStepSeries, type StepSeries } from "../engine/series.ts";
import type { EvalValue } from "../engine/values.ts";
import { type Bucket, bucketFraction, bucketQuantile, parseGoFloat } from "./histogram.ts";

interface Group {
  out: StepSeries;
  members: { s: StepSeries; upper: number }[];
  name: string;
}

function groupBuckets(ctx: Ctx, call: Call, vec: StepSeries[], argIdx: number): Group[] {
  const delayed = ctx.features.delayedNameRemoval;
  const groups = new Map<string, Group>();
  const order: Group[] = [];
  for (const s of vec) {
    const le = s.metric.find((l) => l.name === "le");
    const name = s.metric.find((l) => l.name === METRIC_NAME)?.value ?? "";
    const upper = le ? parseGoFloat(le.value) : null;
    if (upper === null) {
      for (let i = 0; i < ctx.n; i++) {
        if (s.has[i]) {
          ctx.st.annos.badBucketLabel(name, le?.value ?? "", call.args[argIdx].pos);
          break;
        }
      }
      continue;
    }
    let ls: Labels = s.metric.filter((l) => l.name !== "le");
    if (!delayed) ls = dropMetricName(ls, ctx.features.typeAndUnitLabels);
    const k = labelsKey(ls);
    let g = groups.get(k);
    if (!g) {
      g = { out: newStepSeries(ls, ctx.n, delayed), members: [], name };
      groups.set(k, g);
      order.push(g);
    }
    g.members.push({ s, upper });
  }
  return order;
}

function bucketsAt(g: Group, i: number): Bucket[] | null {
  const bs: Bucket[] = [];
  for (const m of g.members) if (m.s.has[i]) bs.push({ upper: m.upper, count: m.s.vals[i] });
  return bs.length ? bs : null;
}

export function histogramQuantile(ctx: Ctx, call: Call, qs: Float64Array, vec: StepSeries[]): EvalValue {
  for (const q of qs) if (!(q >= 0 && q <= 1)) ctx.st.annos.invalidQuantile(q, call.args[0].pos);
  const groups = groupBuckets(ctx, call, vec, 1);
  const out: StepSeries[] = [];
  for (const g of groups) {
    let any = false;
    for (let i = 0; i < ctx.n; i++) {
      const bs = bucketsAt(g, i);
      if (!bs) continue;
      const [v, forced] = bucketQuantile(qs[i], bs);
      if (forced) ctx.st.annos.forcedMonotonicity(g.name, call.args[1].pos);
      g.out.vals[i] = v;
      g.out.has[i] = 1;
      any = true;
    }
    if (any) out.push(g.out);
  }
  return { kind: "vector", series: ctx.features.delayedNameRemoval ? out : mergeSameLabels(out) };
}

export function histogramFraction(
  ctx: Ctx,
  call: Call,
  lower: Float64Array,
  upper: Float64Array,
  vec: StepSeries[],
): EvalValue {
  const groups = groupBuckets(ctx, call, vec, 2);
  const out: StepSeries[] = [];
  for (const g of groups) {
    let any = false;
    for (let i = 0; i < ctx.n; i++) {
      const bs = bucketsAt(g, i);
      if (!bs) continue;
      g.out.vals[i] = bucketFraction(lower[i], upper[i], bs);
      g.out.has[i] = 1;
      any = true;
    }
    if (any) out.push(g.out);
  }
  return { kind: "vector", series: ctx.features.delayedNameRemoval ? out : mergeSameLabels(out) };
}

// Label value for a quantile in histogram_quantiles(): shortest decimal form, with ".0" on
// whole numbers ("0.0", "0.25", "1.0").
function quantileLabel(q: number): string {
  const s = formatFloatF(q);
  return Number.isFinite(q) && !s.includes(".") ? s + ".0" : s;
}

// histogram_quantiles(v, "label", q1, q2, ...): one output series per group and quantile.
export function histogramQuantiles(ctx: Ctx, call: Call, vec: StepSeries[], label: string, qs: Float64Array[]): EvalValue {
  for (const q of qs) for (const x of q) if (!(x >= 0 && x <= 1)) ctx.st.annos.invalidQuantile(x, call.args[2].pos);
  const groups = groupBuckets(ctx, call, vec, 0);
  const out: StepSeries[] = [];
  for (const g of groups) {
    for (const q of qs) {
      const o = newStepSeries(g.out.metric, ctx.n, g.out.dropName);
      let any = false;
      for (let i = 0; i < ctx.n; i++) {
        const bs = bucketsAt(g, i);
        if (!bs) continue;
        const [v, forced] = bucketQuantile(q[i], bs);
        if (forced) ctx.st.annos.forcedMonotonicity(g.name, call.args[0].pos);
        o.vals[i] = v;
        o.has[i] = 1;
        any = true;
      }
      if (!any) continue;
      // The label value follows the step's quantile; quantiles are constant in practice.
      const ls: Label[] = o.metric.filter((l) => l.name !== label);
      ls.push({ name: label, value: quantileLabel(q[0]) });
      o.metric = sortLabels(ls);
      out.push(o);
    }
  }
  return { kind: "vector", series: mergeSameLabels(out) };
}
