// Every function Prometheus 3.x knows (its parser's function table), with argument and return
// types. `variadic` follows Prometheus: 0 = exactly argTypes.length arguments; n > 0 = between
// argTypes.length-1 and argTypes.length-1+n arguments; -1 = argTypes.length-1 or more. Extra
// arguments take the type of the last entry of argTypes.
import type { FunctionDef, ValueType } from "../ast.ts";

const V: ValueType = "vector";
const M: ValueType = "matrix";
const S: ValueType = "scalar";
const STR: ValueType = "string";

function fn(name: string, argTypes: ValueType[], returnType: ValueType, variadic = 0, experimental = false): FunctionDef {
  return { name, argTypes, variadic, returnType, experimental };
}

const list: FunctionDef[] = [
  // Instant-vector math, one argument.
  ...["abs", "acos", "acosh", "asin", "asinh", "atan", "atanh", "ceil", "cos", "cosh", "deg", "exp", "floor", "ln", "log10", "log2", "rad", "sgn", "sin", "sinh", "sqrt", "tan", "tanh"].map((n) => fn(n, [V], V)),
  fn("absent", [V], V),
  fn("timestamp", [V], V),
  fn("sort", [V], V),
  fn("sort_desc", [V], V),
  fn("scalar", [V], S),
  fn("vector", [S], V),
  fn("time", [], S),
  fn("pi", [], S),
  fn("clamp", [V, S, S], V),
  fn("clamp_max", [V, S], V),
  fn("clamp_min", [V, S], V),
  fn("round", [V, S], V, 1),
  // Date functions take an optional vector (default: vector(time())).
  ...["days_in_month", "day_of_month", "day_of_week", "day_of_year", "hour", "minute", "month", "year"].map((n) => fn(n, [V], V, 1)),
  // Range-vector functions.
  ...["absent_over_time", "avg_over_time", "changes", "count_over_time", "delta", "deriv", "idelta", "increase", "irate", "last_over_time", "max_over_time", "min_over_time", "present_over_time", "rate", "resets", "stddev_over_time", "stdvar_over_time", "sum_over_time"].map((n) => fn(n, [M], V)),
  fn("predict_linear", [M, S], V),
  fn("quantile_over_time", [S, M], V),
  // Histograms.
  ...["histogram_avg", "histogram_count", "histogram_sum", "histogram_stddev", "histogram_stdvar"].map((n) => fn(n, [V], V)),
  fn("histogram_fraction", [S, S, V], V),
  fn("histogram_quantile", [S, V], V),
  fn("histogram_quantiles", [V, STR, S, S], V, 9, true),
  // Labels.
  fn("label_replace", [V, STR, STR, STR, STR], V),
  fn("label_join", [V, STR, STR, STR], V, -1),
  // Experimental (--enable-feature=promql-experimental-functions).
  fn("double_exponential_smoothing", [M, S, S], V, 0, true),
  fn("first_over_time", [M], V, 0, true),
  fn("mad_over_time", [M], V, 0, true),
  fn("ts_of_first_over_time", [M], V, 0, true),
  fn("ts_of_last_over_time", [M], V, 0, true),
  fn("ts_of_max_over_time", [M], V, 0, true),
  fn("ts_of_min_over_time", [M], V, 0, true),
  fn("sort_by_label", [V, STR], V, -1, true),
  fn("sort_by_label_desc", [V, STR], V, -1, true),
  fn("info", [V, V], V, 1, true),
  fn("integral", [M, S], V, 1, true),
  fn("start_timestamp", [V], V, 0, true),
  // Query-parameter functions (duration-expression feature family).
  fn("start", [], S, 0, true),
  fn("end", [], S, 0, true),
  fn("step", [], S, 0, true),
  fn("range", [], S, 0, true),
  // Scalar min/max (also usable inside duration expressions).
  fn("min_of", [S, S], S, 0, true),
  fn("max_of", [S, S], S, 0, true),
];

export const functions: ReadonlyMap<string, FunctionDef> = new Map(list.map((f) => [f.name, f]));

export function getFunction(name: string): FunctionDef | undefined {
  return functions.get(name);
}
