// The harness's `@` re-runs of an instant eval: every selector and subquery outside an
// already pinned subquery gets `@ <eval time>`, and the rewritten query is evaluated at other
// times; the result must not change. Queries with functions that depend on the evaluation
// time itself are not step-invariant and get no such re-runs.
import type { Expr } from "../ast.ts";

const AT_UNSAFE = new Set([
  "days_in_month", "day_of_month", "day_of_week", "day_of_year", "hour", "minute", "month", "year",
  "predict_linear", "time", "timestamp", "start", "end", "step", "range",
]);

export function pinToTime(e: Expr, t: number): Expr | null {
  let unsafe = false;
  const visit = (n: Expr): Expr => {
    switch (n.type) {
      case "VectorSelector":
        return n.timestamp === null ? { ...n, timestamp: t, startOrEnd: null } : n;
      case "MatrixSelector":
        return n.vectorSelector.timestamp === null ? { ...n, vectorSelector: { ...n.vectorSelector, timestamp: t, startOrEnd: null } } : n;
      case "SubqueryExpr":
        // Inside a pinned subquery nothing changes any more.
        return n.timestamp === null ? { ...n, timestamp: t, startOrEnd: null } : n;
      case "Call":
        if (AT_UNSAFE.has(n.func.name)) unsafe = true;
        return { ...n, args: n.args.map(visit) };
      case "AggregateExpr":
        return { ...n, expr: visit(n.expr), param: n.param ? visit(n.param) : null };
      case "BinaryExpr":
        return { ...n, lhs: visit(n.lhs), rhs: visit(n.rhs) };
      case "ParenExpr":
      case "UnaryExpr":
      case "StepInvariantExpr":
        return { ...n, expr: visit(n.expr) } as Expr;
      default:
        return n;
    }
  };
  const out = visit(e);
  return unsafe ? null : out;
}

export function atEvalTimes(t: number): number[] {
  return t === 0 ? [-1000, 0, 1000] : [-10 * t, 0, Math.trunc(t / 5), t, 10 * t];
}

// Functions whose instant result cannot be compared with the middle step of a range query.
export function usesQueryParamFunctions(e: Expr): boolean {
  let found = false;
  const visit = (n: Expr): void => {
    if (found) return;
    switch (n.type) {
      case "Call":
        if (["start", "end", "step", "range"].includes(n.func.name)) found = true;
        n.args.forEach(visit);
        return;
      case "VectorSelector":
        if (n.startOrEnd || hasQueryParamDuration(n.offsetExpr)) found = true;
        return;
      case "MatrixSelector":
        if (n.vectorSelector.startOrEnd || hasQueryParamDuration(n.rangeExpr) || hasQueryParamDuration(n.vectorSelector.offsetExpr)) found = true;
        return;
      case "SubqueryExpr":
        if (n.startOrEnd || hasQueryParamDuration(n.rangeExpr) || hasQueryParamDuration(n.stepExpr) || hasQueryParamDuration(n.offsetExpr)) found = true;
        visit(n.expr);
        return;
      case "AggregateExpr":
        visit(n.expr);
        if (n.param) visit(n.param);
        return;
      case "BinaryExpr":
        visit(n.lhs);
        visit(n.rhs);
        return;
      case "ParenExpr":
      case "UnaryExpr":
      case "StepInvariantExpr":
        visit(n.expr);
        return;
    }
  };
  visit(e);
  return found;
}

function hasQueryParamDuration(d: Expr | undefined): boolean {
  if (!d || d.type !== "DurationExpr") return false;
  if (d.op === "step" || d.op === "range") return true;
  return hasQueryParamDuration(d.lhs) || hasQueryParamDuration(d.rhs);
}
