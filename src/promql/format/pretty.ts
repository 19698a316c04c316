// AST -> Prometheus's prettified text (what /api/v1/format_query returns): a node whose
// one-line form is longer than 100 bytes is split over lines, its children indented two
// spaces per level; shorter nodes stay on one line.
import type { Expr } from "../ast.ts";
import { aggregateOpString, formatExpr, matchingString, subquerySuffix } from "./string.ts";

const MAX_LINE = 100;
const enc = new TextEncoder();

const indent = (level: number) => "  ".repeat(level);
const needsSplit = (e: Expr) => enc.encode(formatExpr(e)).length > MAX_LINE;

export function prettyExpr(e: Expr, level = 0): string {
  switch (e.type) {
    case "AggregateExpr": {
      if (!needsSplit(e)) return indent(level) + formatExpr(e);
      let s = `${indent(level)}${aggregateOpString(e)}(\n`;
      if (e.param) s += `${prettyExpr(e.param, level + 1)},\n`;
      return `${s}${prettyExpr(e.expr, level + 1)}\n${indent(level)})`;
    }
    case "BinaryExpr": {
      if (!needsSplit(e)) return indent(level) + formatExpr(e);
      const op = `${e.op}${e.returnBool ? " bool" : ""}${matchingString(e.matching)}`;
      return `${prettyExpr(e.lhs, level + 1)}\n${indent(level)}${op}\n${prettyExpr(e.rhs, level + 1)}`;
    }
    case "Call":
      if (!needsSplit(e)) return indent(level) + formatExpr(e);
      return `${indent(level)}${e.func.name}(\n${e.args.map((a) => prettyExpr(a, level + 1)).join(",\n")}\n${indent(level)})`;
    case "ParenExpr":
      if (!needsSplit(e)) return indent(level) + formatExpr(e);
      return `${indent(level)}(\n${prettyExpr(e.expr, level + 1)}\n${indent(level)})`;
    case "StepInvariantExpr":
      return prettyExpr(e.expr, level);
    case "SubqueryExpr":
      // As in Prometheus, an unsplit subquery carries no indentation of its own.
      if (!needsSplit(e)) return formatExpr(e);
      return prettyExpr(e.expr, level) + subquerySuffix(e);
    case "UnaryExpr":
      return `${indent(level)}${e.op}${prettyExpr(e.expr, level).trim()}`;
    default:
      return indent(level) + formatExpr(e);
  }
}
