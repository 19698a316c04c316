// Aggregation operators. Groups are resolved once per query from each series' labels; the
// accumulators are per-group typed arrays indexed by step, filled series by series.
import type { AggregateExpr, Expr } from "../ast.ts";
import { isValidLabelName, METRIC_NAME } from "../../labels/labels.ts";
import type { Label, Labels } from "../../labels/labels.ts";
import { sortLabels } from "../../labels/labels.ts";
import { kahanInc, kahan, quantile } from "../functions/kahan.ts";
import type { Ctx } from "./context.ts";
import { execError } from "./context.ts";
import { computeGroups } from "./grouping.ts";
import { countPoints, newStepSeries, type StepSeries } from "./series.ts";
import type { EvalValue } from "./values.ts";
import { selectK } from "./aggregate-k.ts";
import { formatFloatF } from "./format.ts";

type Evaluate = (ctx: Ctx, e: Expr) => Promise<EvalValue>;

export async function evalAggregate(ctx: Ctx, e: AggregateExpr, evaluate: Evaluate): Promise<EvalValue> {
  let param: EvalValue | null = null;
  if (e.param) param = await evaluate(ctx, e.param);
  const v = await evaluate(ctx.withHints({ func: e.op, grouping: e.grouping, by: !e.without }), e.expr);
  if (v.kind !== "vector") throw execError(`aggregation over ${v.kind}`);
  const input = v.series;
  switch (e.op) {
    case "topk":
    case "bottomk":
    case "limitk":
    case "limit_ratio":
      return { kind: "vector", series: selectK(ctx, e, input, (param as { vals: Float64Array }).vals) };
    case "count_values":
      return { kind: "vector", series: countValues(ctx, e, input, (param as { v: string }).v) };
  }
  const groups = computeGroups(
    input.map((s) => s.metric),
    e.grouping,
    e.without,
  );
  const G = groups.labels.length;
  const n = ctx.n;
  const out: StepSeries[] = groups.labels.map((l) => newStepSeries(l, n));
  // A group keeps __name__ only with by(__name__); it is then dropped at the end if any
  // member was going to lose its name.
  if (!e.without && e.grouping.includes(METRIC_NAME)) {
    for (let s = 0; s < input.length; s++) if (input[s].dropName) out[groups.ofSeries[s]].dropName = true;
  }
  const acc = Array.from({ length: G }, () => new Float64Array(n));
  const cnt = Array.from({ length: G }, () => new Float64Array(n));
  switch (e.op) {
    case "sum": {
      const comp = Array.from({ length: G }, () => new Float64Array(n));
      for (let s = 0; s < input.length; s++) {
        const g = groups.ofSeries[s];
        const a = acc[g];
        const c = comp[g];
        const has = out[g].has;
        const { vals, has: sh } = input[s];
        for (let i = 0; i < n; i++) {
          if (!sh[i]) continue;
          if (!has[i]) {
            has[i] = 1;
            a[i] = vals[i];
            continue;
          }
          a[i] = kahanInc(vals[i], a[i], c[i]);
          c[i] = kahan.c;
        }
      }
      for (let g = 0; g < G; g++) {
        const o = out[g].vals;
        for (let i = 0; i < n; i++) o[i] = acc[g][i] + comp[g][i];
      }
      break;
    }
    case "avg": {
      const comp = Array.from({ length: G }, () => new Float64Array(n));
      const mean = Array.from({ length: G }, () => new Float64Array(n));
      const incr = Array.from({ length: G }, () => new Uint8Array(n));
      for (let s = 0; s < input.length; s++) {
        const g = groups.ofSeries[s];
        const { vals, has: sh } = input[s];
        const a = acc[g], c = comp[g], m = mean[g], inc = incr[g], k = cnt[g];
        const has = out[g].has;
        for (let i = 0; i < n; i++) {
          if (!sh[i]) continue;
          const f = vals[i];
          has[i] = 1;
          const count = ++k[i];
          if (!inc[i]) {
            const ns = kahanInc(f, a[i], c[i]);
            if (count === 1 || (ns !== Infinity && ns !== -Infinity)) {
              a[i] = ns;
              c[i] = kahan.c;
              continue;
            }
            inc[i] = 1;
            m[i] = a[i] / (count - 1);
            c[i] /= count - 1;
          }
          const q = (count - 1) / count;
          m[i] = kahanInc(f / count, q * m[i], q * c[i]);
          c[i] = kahan.c;
        }
      }
      for (let g = 0; g < G; g++) {
        const o = out[g].vals;
        for (let i = 0; i < n; i++) {
          o[i] = incr[g][i] ? mean[g][i] + comp[g][i] : acc[g][i] / cnt[g][i] + comp[g][i] / cnt[g][i];
        }
      }
      break;
    }
    case "count":
    case "group":
      for (let s = 0; s < input.length; s++) {
        const g = groups.ofSeries[s];
        const { has: sh } = input[s];
        const k = cnt[g];
        const has = out[g].has;
        for (let i = 0; i < n; i++) {
          if (!sh[i]) continue;
          k[i]++;
          has[i] = 1;
        }
      }
      for (let g = 0; g < G; g++) {
        if (e.op === "count") out[g].vals.set(cnt[g]);
        else out[g].vals.fill(1);
      }
      break;
    case "min":
    case "max": {
      const isMax = e.op === "max";
      for (let s = 0; s < input.length; s++) {
        const g = groups.ofSeries[s];
        const { vals, has: sh } = input[s];
        const o = out[g].vals;
        const has = out[g].has;
        for (let i = 0; i < n; i++) {
          if (!sh[i]) continue;
          const f = vals[i];
          if (!has[i]) {
            has[i] = 1;
            o[i] = f;
          } else if (o[i] !== o[i] || (isMax ? o[i] < f : o[i] > f)) o[i] = f;
        }
      }
      break;
    }
    case "stddev":
    case "stdvar": {
      const mean = Array.from({ length: G }, () => new Float64Array(n));
      for (let s = 0; s < input.length; s++) {
        const g = groups.ofSeries[s];
        const { vals, has: sh } = input[s];
        const m = mean[g], a = acc[g], k = cnt[g];
        const has = out[g].has;
        for (let i = 0; i < n; i++) {
          if (!sh[i]) continue;
          has[i] = 1;
          const f = vals[i];
          const count = ++k[i];
          if (count === 1) {
            // Prometheus starts a group's variance at NaN when the first value is NaN/±Inf.
            m[i] = f;
            if (!Number.isFinite(f)) a[i] = NaN;
            continue;
          }
          const delta = f - m[i];
          m[i] += delta / count;
          a[i] += delta * (f - m[i]);
        }
      }
      for (let g = 0; g < G; g++) {
        const o = out[g].vals;
        for (let i = 0; i < n; i++) {
          const vr = acc[g][i] / cnt[g][i];
          o[i] = e.op === "stddev" ? Math.sqrt(vr) : vr;
        }
      }
      break;
    }
    case "quantile": {
      const qs = (param as { vals: Float64Array }).vals;
      for (let i = 0; i < n; i++) {
        const q = qs[i];
        if (Number.isNaN(q) || q < 0 || q > 1) ctx.st.annos.invalidQuantile(q, e.param!.pos);
      }
      const lists: (number[] | undefined)[][] = Array.from({ length: G }, () => new Array(n));
      for (let s = 0; s < input.length; s++) {
        const g = groups.ofSeries[s];
        const { vals, has: sh } = input[s];
        const l = lists[g];
        const has = out[g].has;
        for (let i = 0; i < n; i++) {
          if (!sh[i]) continue;
          has[i] = 1;
          (l[i] ??= []).push(vals[i]);
        }
      }
      for (let g = 0; g < G; g++) {
        const o = out[g].vals;
        for (let i = 0; i < n; i++) if (lists[g][i]) o[i] = quantile(qs[i], lists[g][i]!);
      }
      break;
    }
  }
  ctx.charge(countPoints(out));
  return { kind: "vector", series: out };
}

function countValues(ctx: Ctx, e: AggregateExpr, input: StepSeries[], label: string): StepSeries[] {
  if (!isValidLabelName(label)) throw execError(`invalid label name ${JSON.stringify(label)}`);
  const grouping = e.without ? e.grouping : e.grouping.filter((g) => g !== label);
  const groups = computeGroups(
    input.map((s) => s.metric),
    e.without ? [...e.grouping, label] : grouping,
    e.without,
  );
  const byKey = new Map<string, StepSeries>();
  const out: StepSeries[] = [];
  for (let s = 0; s < input.length; s++) {
    const base = groups.labels[groups.ofSeries[s]];
    const { vals, has } = input[s];
    for (let i = 0; i < ctx.n; i++) {
      if (!has[i]) continue;
      const str = formatFloatF(vals[i]);
      const k = groups.ofSeries[s] + "\xff" + str;
      let o = byKey.get(k);
      if (!o) {
        const ls: Label[] = base.filter((l) => l.name !== label);
        ls.push({ name: label, value: str });
        o = newStepSeries(sortLabels(ls) as Labels, ctx.n);
        byKey.set(k, o);
        out.push(o);
      }
      o.has[i] = 1;
      o.vals[i]++;
    }
  }
  return out;
}
