// The API's view of the PromQL parser: queries, `match[]` selectors, format_query and
// parse_query. The querier's feature flags decide which experimental syntax parses.
import { defaultFeatures, ParseError, type FeatureFlags } from "../promql/api.ts";
import type { Expr } from "../promql/ast.ts";
import { parse } from "../promql/parser/index.ts";
import { exprToTree, formatExpr } from "../promql/format/index.ts";
import type { Matcher } from "../labels/matcher.ts";

export function parseQuery(q: string, features: FeatureFlags = defaultFeatures): Expr {
  return parse(q, { features });
}

// A `match[]` value must be a plain series selector (Prometheus's ParseMetricSelector).
export function parseSelector(s: string, features: FeatureFlags = defaultFeatures): Matcher[] {
  const e = parse(s, { features });
  if (e.type !== "VectorSelector") throw new ParseError(`1:1: parse error: unexpected expression, expected a series selector`);
  return e.matchers;
}

export function formatQuery(q: string, features: FeatureFlags = defaultFeatures): string {
  return formatExpr(parseQuery(q, features));
}

export function parseTreeJson(q: string, features: FeatureFlags = defaultFeatures): unknown {
  return exprToTree(parseQuery(q, features));
}
