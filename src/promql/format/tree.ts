// AST -> the JSON tree /api/v1/parse_query returns (the shape of Prometheus's translateAST,
// which the UI's tree view reads).
import type { Expr, VectorSelector } from "../ast.ts";
import { formatPlainFloat } from "./numbers.ts";

export type JsonTree = { [k: string]: unknown } | null;

function matchers(vs: VectorSelector) {
  return vs.matchers.map((m) => ({ type: m.type, name: m.name, value: m.value }));
}

export function exprToTree(e: Expr): JsonTree {
  switch (e.type) {
    case "AggregateExpr":
      return { type: "aggregation", op: e.op, expr: exprToTree(e.expr), param: e.param ? exprToTree(e.param) : null, grouping: e.grouping, without: e.without };
    case "BinaryExpr":
      return {
        type: "binaryExpr",
        op: e.op,
        lhs: exprToTree(e.lhs),
        rhs: exprToTree(e.rhs),
        matching: e.matching
          ? {
              card: e.matching.card,
              labels: e.matching.matchingLabels,
              on: e.matching.on,
              include: e.matching.include,
              fillValues: { lhs: e.matching.fillLeft, rhs: e.matching.fillRight },
            }
          : null,
        bool: e.returnBool,
      };
    case "Call":
      return {
        type: "call",
        func: { name: e.func.name, argTypes: e.func.argTypes, variadic: e.func.variadic, returnType: e.func.returnType },
        args: e.args.map(exprToTree),
      };
    case "MatrixSelector": {
      const vs = e.vectorSelector;
      return {
        type: "matrixSelector", name: vs.name, range: e.range, offset: vs.offset, matchers: matchers(vs), timestamp: vs.timestamp,
        startOrEnd: vs.startOrEnd, anchored: vs.anchored, smoothed: vs.smoothed,
      };
    }
    case "SubqueryExpr":
      return {
        type: "subquery", expr: exprToTree(e.expr), range: e.range, offset: e.offset, step: e.step, timestamp: e.timestamp,
        startOrEnd: e.startOrEnd, alignEvalTime: false,
      };
    case "NumberLiteral":
      return { type: "numberLiteral", val: formatPlainFloat(e.val) };
    case "ParenExpr":
      return { type: "parenExpr", expr: exprToTree(e.expr) };
    case "StringLiteral":
      return { type: "stringLiteral", val: e.val };
    case "UnaryExpr":
      return { type: "unaryExpr", op: e.op, expr: exprToTree(e.expr) };
    case "VectorSelector":
      return {
        type: "vectorSelector", name: e.name, offset: e.offset, matchers: matchers(e), timestamp: e.timestamp, startOrEnd: e.startOrEnd,
        anchored: e.anchored, smoothed: e.smoothed,
      };
    case "StepInvariantExpr":
      return exprToTree(e.expr);
    case "DurationExpr":
      return { type: "durationExpr", op: e.op };
  }
}
