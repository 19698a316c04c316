// Binary operators: scalar/scalar, vector/scalar, and vector/vector with label matching.
import type { BinaryExpr, Expr } from "../ast.ts";
import type { Ctx } from "./context.ts";
import { execError } from "./context.ts";
import { applyOp, isComparison, isSetOp } from "./arith.ts";
import { markDropName, mergeSameLabels, newStepSeries, type StepSeries } from "./series.ts";
import type { EvalValue } from "./values.ts";
import { vectorMatch } from "./matching.ts";
import { setOperation } from "./setops.ts";

type Evaluate = (ctx: Ctx, e: Expr) => Promise<EvalValue>;

export async function evalBinary(ctx: Ctx, e: BinaryExpr, evaluate: Evaluate): Promise<EvalValue> {
  const lv = await evaluate(ctx, e.lhs);
  const rv = await evaluate(ctx, e.rhs);
  const n = ctx.n;
  if (lv.kind === "scalar" && rv.kind === "scalar") {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = applyOp(e.op, lv.vals[i], rv.vals[i]);
    return { kind: "scalar", vals: out };
  }
  if (lv.kind === "vector" && rv.kind === "scalar") return vectorScalar(ctx, e, lv.series, rv.vals, false);
  if (lv.kind === "scalar" && rv.kind === "vector") return vectorScalar(ctx, e, rv.series, lv.vals, true);
  if (lv.kind === "vector" && rv.kind === "vector") {
    if (isSetOp(e.op)) return { kind: "vector", series: setOperation(ctx, e, lv.series, rv.series) };
    return { kind: "vector", series: vectorMatch(ctx, e, lv.series, rv.series) };
  }
  throw execError(`binary expression on unsupported operand types ${lv.kind}, ${rv.kind}`);
}

function vectorScalar(ctx: Ctx, e: BinaryExpr, vec: StepSeries[], sc: Float64Array, swap: boolean): EvalValue {
  const cmp = isComparison(e.op);
  const delayed = ctx.features.delayedNameRemoval;
  const out: StepSeries[] = [];
  for (const s of vec) {
    const o = newStepSeries(s.metric, ctx.n, s.dropName);
    let any = false;
    for (let i = 0; i < ctx.n; i++) {
      if (!s.has[i]) continue;
      const l = swap ? sc[i] : s.vals[i];
      const r = swap ? s.vals[i] : sc[i];
      const res = applyOp(e.op, l, r);
      if (cmp) {
        if (e.returnBool) o.vals[i] = res;
        else if (res === 1) o.vals[i] = s.vals[i];
        else continue;
      } else o.vals[i] = res;
      o.has[i] = 1;
      any = true;
    }
    if (!any) continue;
    if (!cmp || e.returnBool) markDropName(o, ctx.features);
    out.push(o);
  }
  return { kind: "vector", series: delayed ? out : mergeSameLabels(out) };
}
