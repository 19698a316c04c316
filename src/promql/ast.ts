// The PromQL syntax tree, modelled on Prometheus's parser/ast.go. The parser (lezer tree ->
// this AST, with Prometheus's checks and messages) produces it; the engine evaluates it.
// Positions are character offsets into the query text, used for annotation and error
// messages ("(line:col)").
import type { Matcher } from "../labels/matcher.ts";

export interface PosRange {
  start: number;
  end: number;
}

export type ValueType = "scalar" | "vector" | "matrix" | "string";

export type Expr =
  | NumberLiteral
  | StringLiteral
  | VectorSelector
  | MatrixSelector
  | SubqueryExpr
  | Call
  | AggregateExpr
  | BinaryExpr
  | UnaryExpr
  | ParenExpr
  | StepInvariantExpr
  | DurationExpr;

export interface NumberLiteral {
  type: "NumberLiteral";
  val: number;
  duration?: boolean; // written as a duration (`5m`): printed back as one
  pos: PosRange;
}

export interface StringLiteral {
  type: "StringLiteral";
  val: string;
  pos: PosRange;
}

// `@ <ts>`, `@ start()`, `@ end()` and `offset <d>` as written; durations in milliseconds.
// Experimental duration expressions (`offset (1h + step())`) are kept as `*Expr` fields and
// resolved by the engine before evaluation into the numeric fields.
export interface AtOffset {
  offset: number; // ms, may be negative
  offsetExpr?: DurationExpr;
  timestamp: number | null; // ms, from `@ <float seconds>`
  timestampExpr?: DurationExpr;
  startOrEnd: "start" | "end" | null;
}

export interface VectorSelector extends AtOffset {
  type: "VectorSelector";
  name: string; // "" when only matchers are given
  matchers: Matcher[]; // includes the __name__ matcher when a name is given
  anchored: boolean; // experimental extended range selectors
  smoothed: boolean;
  pos: PosRange;
}

export interface MatrixSelector {
  type: "MatrixSelector";
  vectorSelector: VectorSelector;
  range: number; // ms
  rangeExpr?: DurationExpr;
  pos: PosRange; // ends at the closing bracket (offset/@ follow inside vectorSelector)
}

export interface SubqueryExpr extends AtOffset {
  type: "SubqueryExpr";
  expr: Expr;
  range: number; // ms
  rangeExpr?: DurationExpr;
  step: number; // ms; 0 = the engine's default subquery step
  stepExpr?: DurationExpr;
  pos: PosRange;
}

export interface Call {
  type: "Call";
  func: FunctionDef;
  args: Expr[];
  pos: PosRange;
}

export type AggregateOp =
  | "sum"
  | "avg"
  | "count"
  | "min"
  | "max"
  | "group"
  | "stddev"
  | "stdvar"
  | "topk"
  | "bottomk"
  | "count_values"
  | "quantile"
  | "limitk"
  | "limit_ratio";

export interface AggregateExpr {
  type: "AggregateExpr";
  op: AggregateOp;
  expr: Expr;
  param: Expr | null; // topk/bottomk/quantile/count_values/limitk/limit_ratio
  grouping: string[];
  without: boolean;
  pos: PosRange;
}

export type BinaryOp =
  | "+"
  | "-"
  | "*"
  | "/"
  | "%"
  | "^"
  | "atan2"
  | "=="
  | "!="
  | ">"
  | "<"
  | ">="
  | "<="
  | "and"
  | "or"
  | "unless"
  // Native-histogram trim operators (Prometheus 3.x): `h </ x` keeps observations below x,
  // `h >/ x` those above.
  | "</"
  | ">/";

export type Cardinality = "one-to-one" | "many-to-one" | "one-to-many" | "many-to-many";

export interface VectorMatching {
  card: Cardinality;
  matchingLabels: string[];
  on: boolean; // on(...) vs ignoring(...)
  include: string[]; // group_left/group_right extra labels
  // Experimental fill modifiers: fill(v) / fill_left(v) / fill_right(v); null = not given.
  fillLeft: number | null;
  fillRight: number | null;
}

export interface BinaryExpr {
  type: "BinaryExpr";
  op: BinaryOp;
  lhs: Expr;
  rhs: Expr;
  returnBool: boolean;
  matching: VectorMatching | null; // null when either side is a scalar
  pos: PosRange;
}

export interface UnaryExpr {
  type: "UnaryExpr";
  op: "+" | "-";
  expr: Expr;
  pos: PosRange;
}

export interface ParenExpr {
  type: "ParenExpr";
  expr: Expr;
  pos: PosRange;
}

// Inserted by the engine around sub-trees whose value does not change from step to step
// (`@` pinned selectors, literals), so a range query evaluates them once.
export interface StepInvariantExpr {
  type: "StepInvariantExpr";
  expr: Expr;
  pos: PosRange;
}

// Experimental duration expressions: arithmetic on durations/numbers plus step(), range(),
// min_of(), max_of() — used where a duration goes (ranges, offsets, subquery steps, `@`).
export interface DurationExpr {
  type: "DurationExpr";
  op: "+" | "-" | "*" | "/" | "%" | "^" | "step" | "range" | "min_of" | "max_of" | "number" | "neg";
  lhs?: DurationExpr;
  rhs?: DurationExpr;
  val?: number; // for "number": seconds
  wrapped?: boolean; // written in parentheses (kept for printing)
  duration?: boolean; // "number" written as a duration (`5m`), printed back as one
  pos: PosRange;
}

export interface FunctionDef {
  name: string;
  argTypes: ValueType[];
  // Number of trailing optional args (Prometheus's Variadic: 0 = fixed, >0 = up to that many
  // more, -1 = unlimited).
  variadic: number;
  returnType: ValueType;
  experimental: boolean;
}

export function exprType(e: Expr): ValueType {
  switch (e.type) {
    case "NumberLiteral":
      return "scalar";
    case "StringLiteral":
      return "string";
    case "VectorSelector":
      return "vector";
    case "MatrixSelector":
    case "SubqueryExpr":
      return "matrix";
    case "Call":
      return e.func.returnType;
    case "AggregateExpr":
      return "vector";
    case "BinaryExpr":
      return exprType(e.lhs) === "scalar" && exprType(e.rhs) === "scalar" ? "scalar" : "vector";
    case "UnaryExpr":
    case "ParenExpr":
    case "StepInvariantExpr":
      return exprType(e.expr);
    case "DurationExpr":
      return "scalar";
  }
}
