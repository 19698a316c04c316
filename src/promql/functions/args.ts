// Argument helpers shared by the function families: evaluate an argument as the kind the
// function's signature says it is.
import type { Expr } from "../ast.ts";
import type { Ctx } from "../engine/context.ts";
import { execError } from "../engine/context.ts";
import { matrixInput, subqueryInput } from "../engine/selectors.ts";
import type { StepSeries } from "../engine/series.ts";
import type { EvalValue, RangeInput } from "../engine/values.ts";

export type Evaluate = (ctx: Ctx, e: Expr) => Promise<EvalValue>;

export function unwrap(e: Expr): Expr {
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

export async function scalarArg(ctx: Ctx, e: Expr, ev: Evaluate): Promise<Float64Array> {
  const v = await ev(ctx, e);
  if (v.kind !== "scalar") throw execError("expected scalar argument");
  return v.vals;
}

export async function stringArg(ctx: Ctx, e: Expr, ev: Evaluate): Promise<string> {
  const v = await ev(ctx, e);
  if (v.kind !== "string") throw execError("expected string argument");
  return v.v;
}

export async function vectorArg(ctx: Ctx, e: Expr, ev: Evaluate): Promise<StepSeries[]> {
  const v = await ev(ctx, e);
  if (v.kind !== "vector") throw execError("expected instant vector argument");
  return v.series;
}

