// Resolves offsets, ranges, subquery steps and `@` times, including the experimental
// duration expressions (`[step()*2]`, `offset min_of(range(), 8s)`).
import type { AtOffset, DurationExpr } from "../ast.ts";
import type { Ctx } from "./context.ts";
import { execError } from "./context.ts";

// Value in seconds, as Prometheus evaluates duration expressions.
export function durationSeconds(ctx: Ctx, d: DurationExpr): number {
  switch (d.op) {
    case "number":
      return d.val ?? 0;
    case "step":
      return ctx.st.queryStep / 1000;
    case "range":
      return (ctx.st.queryEnd - ctx.st.queryStart) / 1000;
    case "neg":
      return -durationSeconds(ctx, (d.lhs ?? d.rhs)!);
    case "min_of":
      return Math.min(durationSeconds(ctx, d.lhs!), durationSeconds(ctx, d.rhs!));
    case "max_of":
      return Math.max(durationSeconds(ctx, d.lhs!), durationSeconds(ctx, d.rhs!));
  }
  const a = d.lhs ? durationSeconds(ctx, d.lhs) : 0;
  const b = durationSeconds(ctx, d.rhs!);
  switch (d.op) {
    case "+":
      return a + b;
    case "-":
      return a - b;
    case "*":
      return a * b;
    case "/":
      if (b === 0) throw execError("division by zero");
      return a / b;
    case "%":
      if (b === 0) throw execError("modulo by zero");
      return a % b;
    case "^":
      return Math.pow(a, b);
  }
  return NaN;
}

export function durationMs(ctx: Ctx, d: DurationExpr): number {
  return Math.round(durationSeconds(ctx, d) * 1000);
}

export function offsetMs(ctx: Ctx, n: AtOffset): number {
  return n.offsetExpr ? durationMs(ctx, n.offsetExpr) : n.offset;
}

// The pinned evaluation time of `@`, or null when the node follows the step time.
export function atMs(ctx: Ctx, n: AtOffset): number | null {
  if (n.startOrEnd === "start") return ctx.st.queryStart;
  if (n.startOrEnd === "end") return ctx.st.queryEnd;
  if (n.timestampExpr) return durationMs(ctx, n.timestampExpr);
  return n.timestamp;
}

// Per step of ctx: the reference time a selector/subquery reads at.
export function refTimes(ctx: Ctx, n: AtOffset): Float64Array {
  const off = offsetMs(ctx, n);
  const at = atMs(ctx, n);
  const out = new Float64Array(ctx.n);
  for (let i = 0; i < ctx.n; i++) out[i] = (at ?? ctx.times[i]) - off;
  return out;
}
