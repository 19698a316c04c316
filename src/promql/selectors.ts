// The series selectors of a PromQL expression, each as its matcher set (Prometheus's
// parser.ExtractSelectors): what the exemplars APIs select by, whatever the query computes.
import type { Expr } from "./ast.ts";
import { goQuote, type Matcher } from "../labels/index.ts";

export function extractSelectors(e: Expr): Matcher[][] {
  const out: Matcher[][] = [];
  const walk = (x: Expr | null | undefined): void => {
    if (!x) return;
    switch (x.type) {
      case "VectorSelector":
        out.push(x.matchers);
        return;
      case "MatrixSelector":
        out.push(x.vectorSelector.matchers);
        return;
      case "SubqueryExpr":
      case "UnaryExpr":
      case "ParenExpr":
      case "StepInvariantExpr":
        return walk(x.expr);
      case "AggregateExpr":
        walk(x.param);
        return walk(x.expr);
      case "BinaryExpr":
        walk(x.lhs);
        return walk(x.rhs);
      case "Call":
        for (const a of x.args) walk(a);
        return;
      default:
        return; // literals and durations select nothing
    }
  };
  walk(e);
  return out;
}

// A matcher set as PromQL selector text. Prometheus refuses selectors whose every matcher matches
// the empty string (e.g. a set that only held external-label matchers), so such sets get
// `__name__=~".+"`, which every stored series satisfies.
export function selectorText(ms: readonly Matcher[]): string {
  const parts = ms.map((m) => `${m.name}${m.type}${goQuote(m.value)}`);
  if (!ms.some((m) => !m.matches(""))) parts.push(`__name__=~".+"`);
  return `{${parts.join(",")}}`;
}
