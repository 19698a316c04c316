// AST -> PromQL text in Prometheus's canonical String() form (what /api/v1/format_query
// returns in its plain form and what messages quote).
import type { AggregateExpr, DurationExpr, Expr, MatrixSelector, SubqueryExpr, VectorMatching, VectorSelector } from "../ast.ts";
import { isLegacyLabelName, isLegacyMetricName } from "../../labels/labels.ts";
import type { Matcher } from "../../labels/matcher.ts";
import { formatGoFloat } from "./numbers.ts";
import { formatDuration } from "../../duration/index.ts";

export function formatExpr(e: Expr): string {
  switch (e.type) {
    case "NumberLiteral":
      return e.duration && Number.isFinite(e.val) && e.val > 0 ? formatDuration(e.val * 1000) : formatGoFloat(e.val);
    case "StringLiteral":
      return goQuoteString(e.val);
    case "ParenExpr":
      return `(${formatExpr(e.expr)})`;
    case "UnaryExpr":
      return `${e.op}${formatExpr(e.expr)}`;
    case "StepInvariantExpr":
      return formatExpr(e.expr);
    case "DurationExpr":
      return formatDurationExpr(e);
    case "Call":
      return `${e.func.name}(${e.args.map(formatExpr).join(", ")})`;
    case "AggregateExpr":
      return `${aggregateOpString(e)}(${e.param ? formatExpr(e.param) + ", " : ""}${formatExpr(e.expr)})`;
    case "BinaryExpr":
      return `${formatExpr(e.lhs)} ${e.op}${e.returnBool ? " bool" : ""}${matchingString(e.matching)} ${formatExpr(e.rhs)}`;
    case "VectorSelector":
      return selectorString(e) + extendedString(e) + atOffsetString(e);
    case "MatrixSelector":
      return matrixString(e);
    case "SubqueryExpr":
      return subqueryString(e);
  }
}

// `sum by (job) ` / `sum without (a) ` / `sum`: the part before the parentheses.
export function aggregateOpString(e: AggregateExpr): string {
  if (e.without) return `${e.op} without (${e.grouping.map(labelName).join(", ")}) `;
  if (e.grouping.length > 0) return `${e.op} by (${e.grouping.map(labelName).join(", ")}) `;
  return e.op;
}

export function matchingString(vm: VectorMatching | null): string {
  if (!vm) return "";
  let s = "";
  if (vm.matchingLabels.length > 0 || vm.on) {
    s = ` ${vm.on ? "on" : "ignoring"} (${vm.matchingLabels.map(labelName).join(", ")})`;
    if (vm.card === "many-to-one" || vm.card === "one-to-many") {
      s += ` group_${vm.card === "many-to-one" ? "left" : "right"} (${vm.include.map(labelName).join(", ")})`;
    }
  }
  if (vm.fillLeft !== null && vm.fillLeft === vm.fillRight) s += ` fill(${formatGoFloat(vm.fillLeft)})`;
  else {
    if (vm.fillLeft !== null) s += ` fill_left(${formatGoFloat(vm.fillLeft)})`;
    if (vm.fillRight !== null) s += ` fill_right(${formatGoFloat(vm.fillRight)})`;
  }
  return s;
}

// name{matchers} without modifiers; the __name__="name" matcher is implied by the name.
function selectorString(vs: VectorSelector): string {
  const parts: string[] = [];
  for (const m of vs.matchers) {
    if (m.name === "__name__" && m.type === "=" && m.value === vs.name && m.value !== "") continue;
    parts.push(matcherString(m));
  }
  const name = vs.name === "" || isLegacyMetricName(vs.name) ? vs.name : "";
  if (name !== vs.name) parts.unshift(goQuoteString(vs.name));
  if (parts.length === 0) return vs.name;
  if (name === vs.name) parts.sort();
  return `${name}{${parts.join(",")}}`;
}

export function matcherString(m: Matcher): string {
  return `${labelName(m.name)}${m.type}${goQuoteString(m.value)}`;
}

function labelName(n: string): string {
  return isLegacyLabelName(n) ? n : goQuoteString(n);
}

function extendedString(vs: VectorSelector): string {
  return vs.anchored ? " anchored" : vs.smoothed ? " smoothed" : "";
}

function atOffsetString(x: VectorSelector | SubqueryExpr): string {
  let s = "";
  if (x.timestamp !== null) s += ` @ ${(x.timestamp / 1000).toFixed(3)}`;
  else if (x.startOrEnd) s += ` @ ${x.startOrEnd}()`;
  if (x.offsetExpr) s += ` offset ${formatDurationExpr(x.offsetExpr)}`;
  else if (x.offset > 0) s += ` offset ${formatDuration(x.offset)}`;
  else if (x.offset < 0) s += ` offset -${formatDuration(-x.offset)}`;
  return s;
}

function matrixString(m: MatrixSelector): string {
  const vs = m.vectorSelector;
  const range = m.rangeExpr ? formatDurationExpr(m.rangeExpr) : formatDuration(m.range);
  return `${selectorString(vs)}[${range}]${extendedString(vs)}${atOffsetString(vs)}`;
}

function subqueryString(s: SubqueryExpr): string {
  return `${formatExpr(s.expr)}${subquerySuffix(s)}`;
}

// `[<range>:<step>] @ … offset …` of a subquery.
export function subquerySuffix(s: SubqueryExpr): string {
  const range = s.rangeExpr ? formatDurationExpr(s.rangeExpr) : formatDuration(s.range);
  const step = s.stepExpr ? formatDurationExpr(s.stepExpr) : s.step !== 0 ? formatDuration(s.step) : "";
  return `[${range}:${step}]${atOffsetString(s)}`;
}

export function formatDurationExpr(d: DurationExpr): string {
  let s: string;
  switch (d.op) {
    case "number":
      s = d.duration && d.val! > 0 ? formatDuration(d.val! * 1000) : formatGoFloat(d.val!);
      break;
    case "step":
    case "range":
      s = `${d.op}()`;
      break;
    case "neg":
      s = `-${formatDurationExpr(d.lhs!)}`;
      break;
    case "min_of":
    case "max_of":
      s = `${d.op}(${formatDurationExpr(d.lhs!)}, ${formatDurationExpr(d.rhs!)})`;
      break;
    default:
      s = `${formatDurationExpr(d.lhs!)} ${d.op} ${formatDurationExpr(d.rhs!)}`;
  }
  return d.wrapped ? `(${s})` : s;
}

// Go's strconv.Quote: printable characters as-is, the usual escapes, \xNN for invalid UTF-8
// bytes (kept by the parser as lone surrogates U+DC80..U+DCFF), \u/\U for other non-printables.
export function goQuoteString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ch = s[i];
    if (c >= 0xdc80 && c <= 0xdcff) out += "\\x" + (c - 0xdc00).toString(16).padStart(2, "0");
    else if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\r") out += "\\r";
    else if (c === 7) out += "\\a";
    else if (c === 8) out += "\\b";
    else if (c === 12) out += "\\f";
    else if (c === 11) out += "\\v";
    else if (c < 0x20 || c === 0x7f) out += "\\x" + c.toString(16).padStart(2, "0");
    else if (c >= 0x80 && c <= 0x9f) out += "\\u00" + c.toString(16).padStart(2, "0");
    else out += ch;
  }
  return out + '"';
}
