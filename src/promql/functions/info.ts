// info(v [, {data label matchers}]): adds the data labels of matching info series (default
// `target_info`) to each series of v, joining on the identifying labels `instance` and `job`.
// Info series are looked up at the same reference time the base samples were read at (so
// `offset`, `@` and subqueries shift or pin the lookup too), with lookback and staleness.
import type { Label, Labels } from "../../labels/labels.ts";
import { getLabel, labelsKey, METRIC_NAME, sortLabels } from "../../labels/labels.ts";
import { Matcher } from "../../labels/matcher.ts";
import type { Call, Expr } from "../ast.ts";
import type { Ctx } from "../engine/context.ts";
import { execError } from "../engine/context.ts";
import { atMs, offsetMs } from "../engine/durations.ts";
import { newStepSeries, type StepSeries } from "../engine/series.ts";
import type { EvalValue } from "../engine/values.ts";
import { isStaleAt } from "../value.ts";
import type { Evaluate } from "./args.ts";

const ID_LABELS = ["instance", "job"];

// The time the argument's samples are read at, for evaluation time t.
function refTime(ctx: Ctx, e: Expr, t: number): number {
  switch (e.type) {
    case "VectorSelector":
      return (atMs(ctx, e) ?? t) - offsetMs(ctx, e);
    case "MatrixSelector":
      return refTime(ctx, e.vectorSelector, t);
    case "SubqueryExpr":
      return refTime(ctx, e.expr, (atMs(ctx, e) ?? t) - offsetMs(ctx, e));
    case "ParenExpr":
    case "UnaryExpr":
    case "StepInvariantExpr":
      return refTime(ctx, e.expr, t);
    case "AggregateExpr":
      return refTime(ctx, e.expr, t);
    case "BinaryExpr":
      return refTime(ctx, e.lhs, t);
    case "Call": {
      const a = e.args.find((x) => x.type !== "NumberLiteral" && x.type !== "StringLiteral");
      return a ? refTime(ctx, a, t) : t;
    }
    default:
      return t;
  }
}

interface InfoSeries {
  labels: Labels;
  name: string;
  vals: Uint8Array; // present at step
  ts: Float64Array; // sample timestamp at step
}

export async function evalInfo(ctx: Ctx, call: Call, ev: Evaluate): Promise<EvalValue> {
  const baseV = await ev(ctx, call.args[0]);
  if (baseV.kind !== "vector") throw execError("expected instant vector argument");
  const sel = call.args[1];
  const all: Matcher[] = sel && sel.type === "VectorSelector" ? sel.matchers : [];
  let nameMatchers = all.filter((m) => m.name === METRIC_NAME);
  const dataMatchers = all.filter((m) => m.name !== METRIC_NAME);
  // Without a positive __name__ matcher the info metric is target_info (negative ones still
  // narrow it down).
  const positive = (m: Matcher) => m.type === "=" || m.type === "=~";
  if (!nameMatchers.some(positive)) nameMatchers = [new Matcher("=", METRIC_NAME, "target_info"), ...nameMatchers];
  const emptyOK = dataMatchers.every((m) => m.matches(""));
  const wanted = dataMatchers.length ? new Set(dataMatchers.map((m) => m.name)) : null;

  const n = ctx.n;
  const refs = new Float64Array(n);
  for (let i = 0; i < n; i++) refs[i] = refTime(ctx, call.args[0], ctx.times[i]);
  let lo = Infinity;
  let hi = -Infinity;
  for (const r of refs) {
    lo = Math.min(lo, r);
    hi = Math.max(hi, r);
  }
  const lookback = ctx.st.opts.lookbackDelta;
  const res = await ctx.st.queryable.select([...nameMatchers, ...dataMatchers], { start: lo - lookback + 1, end: hi, step: ctx.interval, func: "info" }, ctx.st.signal);
  const byId = new Map<string, InfoSeries[]>();
  for (const s of res.series) {
    if (s.hs && s.hs.some((h) => h !== undefined)) throw execError("info(): info series must have float samples");
    const is: InfoSeries = { labels: s.labels, name: getLabel(s.labels, METRIC_NAME), vals: new Uint8Array(n), ts: new Float64Array(n) };
    for (let i = 0; i < n; i++) {
      // Last sample at or before the reference time, within the lookback, not stale.
      let a = 0;
      let b = s.ts.length - 1;
      let j = -1;
      while (a <= b) {
        const mid = (a + b) >> 1;
        if (s.ts[mid] <= refs[i]) {
          j = mid;
          a = mid + 1;
        } else b = mid - 1;
      }
      if (j < 0 || s.ts[j] <= refs[i] - lookback || isStaleAt(s.vs, j)) continue;
      is.vals[i] = 1;
      is.ts[i] = s.ts[j];
    }
    const k = ID_LABELS.map((l) => getLabel(s.labels, l)).join("\xff");
    const list = byId.get(k) ?? [];
    list.push(is);
    byId.set(k, list);
  }

  const out: StepSeries[] = [];
  const byKey = new Map<string, StepSeries>();
  const emit = (labels: Labels, base: StepSeries, i: number) => {
    const k = labelsKey(labels);
    let o = byKey.get(k);
    if (!o) {
      o = newStepSeries(labels, n, base.dropName);
      byKey.set(k, o);
      out.push(o);
    }
    if (o.has[i]) throw execError("vector cannot contain metrics with the same labelset");
    o.has[i] = 1;
    o.vals[i] = base.vals[i];
  };
  for (const base of baseV.series) {
    const baseName = getLabel(base.metric, METRIC_NAME);
    if (nameMatchers.every((m) => m.matches(baseName))) {
      out.push(base); // an info series itself: passed through unchanged
      continue;
    }
    const cands = byId.get(ID_LABELS.map((l) => getLabel(base.metric, l)).join("\xff")) ?? [];
    for (let i = 0; i < n; i++) {
      if (!base.has[i]) continue;
      // Per info metric name, the series with the latest sample wins.
      const latest = new Map<string, InfoSeries>();
      for (const c of cands) {
        if (!c.vals[i]) continue;
        const p = latest.get(c.name);
        if (!p || c.ts[i] > p.ts[i]) latest.set(c.name, c);
      }
      if (latest.size === 0) {
        if (emptyOK) emit(base.metric, base, i);
        continue;
      }
      const add = new Map<string, string>();
      for (const c of latest.values()) {
        for (const l of c.labels) {
          if (l.name === METRIC_NAME || ID_LABELS.includes(l.name)) continue;
          if (wanted && !wanted.has(l.name)) continue;
          if (base.metric.some((b) => b.name === l.name)) continue;
          const prev = add.get(l.name);
          if (prev !== undefined && prev !== l.value) {
            throw execError(`conflicting label: ${l.name}=${JSON.stringify(prev)} and ${l.name}=${JSON.stringify(l.value)} in info metrics`);
          }
          add.set(l.name, l.value);
        }
      }
      const ls: Label[] = base.metric.slice();
      for (const [name, value] of add) if (value !== "") ls.push({ name, value });
      emit(sortLabels(ls), base, i);
    }
  }
  return { kind: "vector", series: out };
}
