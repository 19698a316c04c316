// The recursive evaluator: one call per AST node over the whole step grid of the context.
import type { Expr } from "../ast.ts";
import { evalCall } from "../functions/index.ts";
import { evalAggregate } from "./aggregate.ts";
import { evalBinary } from "./binary.ts";
import type { Ctx } from "./context.ts";
import { durationSeconds } from "./durations.ts";
import { evalVectorSelector, matrixInput, subqueryInput } from "./selectors.ts";
import { markDropName, mergeSameLabels } from "./series.ts";
import type { EvalValue } from "./values.ts";

export function scalarOf(ctx: Ctx, v: number): EvalValue {
  return { kind: "scalar", vals: new Float64Array(ctx.n).fill(v) };
}

export async function evaluate(ctx: Ctx, e: Expr): Promise<EvalValue> {
  ctx.checkAbort();
  switch (e.type) {
    case "NumberLiteral":
      return scalarOf(ctx, e.val);
    case "StringLiteral":
      return { kind: "string", v: e.val };
    case "DurationExpr":
      return scalarOf(ctx, durationSeconds(ctx, e));
    case "ParenExpr":
    case "StepInvariantExpr":
      return evaluate(ctx, e.expr);
    case "UnaryExpr": {
      const v = await evaluate(ctx, e.expr);
      if (e.op === "+") return v;
      if (v.kind === "scalar") {
        for (let i = 0; i < v.vals.length; i++) v.vals[i] = -v.vals[i];
        return v;
      }
      if (v.kind === "vector") {
        for (const s of v.series) {
          for (let i = 0; i < s.vals.length; i++) s.vals[i] = -s.vals[i];
          markDropName(s, ctx.features);
        }
        return { kind: "vector", series: ctx.features.delayedNameRemoval ? v.series : mergeSameLabels(v.series) };
      }
      return v;
    }
    case "VectorSelector":
      return { kind: "vector", series: await evalVectorSelector(ctx, e) };
    case "MatrixSelector":
      return { kind: "matrix", input: await matrixInput(ctx, e) };
    case "SubqueryExpr":
      return { kind: "matrix", input: await subqueryInput(ctx, e, evaluate) };
    case "Call":
      return evalCall(ctx.withHints({ func: e.func.name }), e, evaluate);
    case "AggregateExpr":
      return evalAggregate(ctx, e, evaluate);
    case "BinaryExpr":
      // As in Prometheus, a binary expression ends the function hint (it only describes a
      // function or aggregation over a single selector); the grouping hint passes through.
      return evalBinary(ctx.hints.func ? ctx.withHints({ func: undefined }) : ctx, e, evaluate);
  }
}
