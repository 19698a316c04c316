// absent() and absent_over_time(): one series at the steps where the argument has nothing,
// labelled from the selector's equality matchers (a label matched twice is left out, as
// Prometheus does for backwards compatibility).
import type { Label, Labels } from "../../labels/labels.ts";
import { METRIC_NAME, sortLabels } from "../../labels/labels.ts";
import type { Matcher } from "../../labels/matcher.ts";
import type { Call, Expr } from "../ast.ts";
import type { Ctx } from "../engine/context.ts";
import { windows } from "../engine/selectors.ts";
import { newStepSeries, type StepSeries } from "../engine/series.ts";
import type { EvalValue, RangeInput } from "../engine/values.ts";

function absentLabels(e: Expr): Labels {
  let ms: Matcher[];
  if (e.type === "VectorSelector") ms = e.matchers;
  else if (e.type === "MatrixSelector") ms = e.vectorSelector.matchers;
  else return [];
  const out = new Map<string, string>();
  const seen = new Set<string>();
  for (const m of ms) {
    if (m.name === METRIC_NAME) continue;
    if (m.type === "=" && !seen.has(m.name)) {
      out.set(m.name, m.value);
      seen.add(m.name);
    } else out.delete(m.name);
  }
  const ls: Label[] = [];
  for (const [name, value] of out) if (value !== "") ls.push({ name, value });
  return sortLabels(ls);
}

function fromPresence(ctx: Ctx, call: Call, present: Uint8Array): EvalValue {
  const o = newStepSeries(absentLabels(call.args[0]), ctx.n);
  let any = false;
  for (let i = 0; i < ctx.n; i++) {
    if (present[i]) continue;
    o.has[i] = 1;
    o.vals[i] = 1;
    any = true;
  }
  return { kind: "vector", series: any ? [o] : [] };
}

export function absent(ctx: Ctx, call: Call, vec: StepSeries[]): EvalValue {
  const present = new Uint8Array(ctx.n);
  for (const s of vec) for (let i = 0; i < ctx.n; i++) present[i] |= s.has[i];
  return fromPresence(ctx, call, present);
}

export function absentOverTime(ctx: Ctx, call: Call, input: RangeInput): EvalValue {
  const present = new Uint8Array(ctx.n);
  const lo = new Int32Array(ctx.n);
  const hi = new Int32Array(ctx.n);
  for (const s of input.series) {
    windows(s.ts, input.ends, input.range, lo, hi);
    for (let i = 0; i < ctx.n; i++) if (hi[i] > lo[i]) present[i] = 1;
  }
  return fromPresence(ctx, call, present);
}
