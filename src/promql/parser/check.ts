// Type checks after a successful parse, mirroring Prometheus's checkAST: operand and argument
// types, argument counts, bool/set-operator/grouping rules, non-empty selectors. The first
// problem found (depth-first, left to right) is thrown.
import { PromQLError } from "../api.ts";
import { exprType, type Expr, type ValueType } from "../ast.ts";
import { parseError } from "./errors.ts";

// Prometheus's DocumentedType names.
function documented(t: ValueType | "none"): string {
  switch (t) {
    case "vector": return "instant vector";
    case "matrix": return "range vector";
    case "scalar": return "scalar";
    case "string": return "string";
    default: return t;
  }
}

const COMPARISONS = new Set(["==", "!=", ">", "<", ">=", "<="]);
const SET_OPS = new Set(["and", "or", "unless"]);
// Functions the extended range selectors are defined for (Prometheus's lists).
const ANCHORED_FUNCS = ["changes", "delta", "increase", "rate", "resets"];
const SMOOTHED_FUNCS = ["delta", "increase", "rate"];

export function checkExpr(src: string, e: Expr): void {
  const fail = (start: number, end: number, msg: string): never => {
    throw parseError(src, start, end, msg);
  };
  const opRange = (lhsEnd: number, rhsStart: number) => {
    let s = lhsEnd;
    while (s < src.length && /\s/.test(src[s])) s++;
    let t = rhsStart - 1;
    while (t > s && /\s/.test(src[t])) t--;
    return [s, t] as const;
  };
  const expect = (x: Expr, want: ValueType, context: string) => {
    const t = visit(x);
    if (t !== want) fail(x.pos.start, x.pos.end, `expected type ${documented(want)} in ${context}, got ${documented(t)}`);
  };

  const visit = (n: Expr): ValueType => {
    switch (n.type) {
      case "AggregateExpr":
        expect(n.expr, "vector", "aggregation expression");
        if (n.param) {
          if (n.op === "count_values") expect(n.param, "string", "aggregation parameter");
          else expect(n.param, "scalar", "aggregation parameter");
        }
        break;
      case "BinaryExpr": {
        const lt = visit(n.lhs);
        const rt = visit(n.rhs);
        if (n.returnBool && !COMPARISONS.has(n.op)) {
          const [s, t] = opRange(n.lhs.pos.end, n.rhs.pos.start);
          fail(s, t, "bool modifier can only be used on comparison operators");
        }
        if (COMPARISONS.has(n.op) && !n.returnBool && lt === "scalar" && rt === "scalar") {
          const [s, t] = opRange(n.lhs.pos.end, n.rhs.pos.start);
          fail(s, t, "comparisons between scalars must use BOOL modifier");
        }
        const vm = n.matching;
        if (vm && SET_OPS.has(n.op) && vm.card === "one-to-one") vm.card = "many-to-many";
        if (vm && vm.on) {
          for (const l of vm.matchingLabels) {
            if (vm.include.includes(l)) {
              const [s, t] = opRange(n.lhs.pos.end, n.rhs.pos.start);
              fail(s, t, `label ${JSON.stringify(l)} must not occur in ON and GROUP clause at once`);
            }
          }
        }
        if (lt !== "scalar" && lt !== "vector") fail(n.lhs.pos.start, n.lhs.pos.end, "binary expression must contain only scalar and instant vector types");
        if (rt !== "scalar" && rt !== "vector") fail(n.rhs.pos.start, n.rhs.pos.end, "binary expression must contain only scalar and instant vector types");
        if ((lt !== "vector" || rt !== "vector") && vm) {
          if (vm.matchingLabels.length > 0) fail(n.pos.start, n.pos.end, "vector matching only allowed between instant vectors");
          if (vm.fillLeft !== null || vm.fillRight !== null) fail(n.pos.start, n.pos.end, "filling in missing series only allowed between instant vectors");
          n.matching = null;
        } else if (vm && SET_OPS.has(n.op)) {
          if (vm.card === "one-to-many" || vm.card === "many-to-one") fail(n.pos.start, n.pos.end, `no grouping allowed for ${JSON.stringify(n.op)} operation`);
          if (vm.card !== "many-to-many") fail(n.pos.start, n.pos.end, "set operations must always be many-to-many");
          if (vm.fillLeft !== null || vm.fillRight !== null) fail(n.pos.start, n.pos.end, "filling in missing series not allowed for set operators");
        }
        if ((lt === "scalar" || rt === "scalar") && SET_OPS.has(n.op)) fail(n.pos.start, n.pos.end, `set operator ${JSON.stringify(n.op)} not allowed in binary scalar expression`);
        break;
      }
      case "Call": {
        const f = n.func;
        const nargs = f.argTypes.length;
        if (f.variadic === 0) {
          if (nargs !== n.args.length) fail(n.pos.start, n.pos.end, `expected ${nargs} argument(s) in call to ${JSON.stringify(f.name)}, got ${n.args.length}`);
        } else {
          const na = nargs - 1;
          if (na > n.args.length) fail(n.pos.start, n.pos.end, `expected at least ${na} argument(s) in call to ${JSON.stringify(f.name)}, got ${n.args.length}`);
          else if (f.variadic > 0 && na + f.variadic < n.args.length) {
            fail(n.pos.start, n.pos.end, `expected at most ${na + f.variadic} argument(s) in call to ${JSON.stringify(f.name)}, got ${n.args.length}`);
          }
        }
        if (f.name === "info" && n.args.length > 1) {
          const a = n.args[1];
          if (exprType(a) !== "vector") fail(n.pos.start, n.pos.end, `expected type instant vector in call to function "info", got ${documented(exprType(a))}`);
          if (a.type === "VectorSelector" && a.name !== "") fail(a.pos.start, a.pos.end, "expected label selectors only, got vector selector instead");
          if (a.type !== "VectorSelector") fail(a.pos.start, a.pos.end, "expected label selectors only");
        }
        n.args.forEach((arg, i) => {
          if (i >= nargs) {
            if (f.variadic === 0) return;
            i = nargs - 1;
          }
          // info()'s second argument is a label filter: it may match the empty string.
          const t = f.name === "info" && i === 1 && arg.type === "VectorSelector" ? "vector" : visit(arg);
          if (t !== f.argTypes[i]) fail(arg.pos.start, arg.pos.end, `expected type ${documented(f.argTypes[i])} in call to function ${JSON.stringify(f.name)}, got ${documented(t)}`);
        });
        checkExtendedSelectorUse(n.func.name, n.args);
        break;
      }
      case "ParenExpr":
      case "StepInvariantExpr":
        visit(n.expr);
        break;
      case "UnaryExpr": {
        const t = visit(n.expr);
        if (t !== "scalar" && t !== "vector") fail(n.pos.start, n.pos.end, `unary expression only allowed on expressions of type scalar or instant vector, got ${JSON.stringify(documented(t))}`);
        break;
      }
      case "SubqueryExpr": {
        const t = visit(n.expr);
        if (t !== "vector") fail(n.pos.start, n.pos.end, `subquery is only allowed on instant vector, got ${t} instead`);
        break;
      }
      case "MatrixSelector":
        visit(n.vectorSelector);
        break;
      case "VectorSelector":
        checkSelector(n, false);
        break;
      default:
        break;
    }
    return exprType(n);
  };

  const checkSelector = (n: Expr & { type: "VectorSelector" }, bypassEmpty: boolean) => {
    if (n.name !== "") {
      for (const m of n.matchers.slice(0, -1)) {
        if (m.name === "__name__") fail(n.pos.start, n.pos.end, `metric name must not be set twice: ${JSON.stringify(n.name)} or ${JSON.stringify(m.value)}`);
      }
      return;
    }
    if (!bypassEmpty && !n.matchers.some((m) => !m.matches(""))) fail(n.pos.start, n.pos.end, "vector selector must contain at least one non-empty matcher");
  };

  visit(e);
}

// anchored/smoothed range selectors are only defined for a few functions; Prometheus rejects
// the rest before evaluation with these (position-less) messages.
function checkExtendedSelectorUse(fn: string, args: Expr[]): void {
  for (const a of args) {
    if (a.type !== "MatrixSelector") continue;
    const vs = a.vectorSelector;
    if (vs.smoothed && !SMOOTHED_FUNCS.includes(fn)) {
      throw new PromQLError("bad_data", `smoothed modifier can only be used with: ${SMOOTHED_FUNCS.join(", ")} - not with ${fn}`);
    }
    if (vs.anchored && !ANCHORED_FUNCS.includes(fn)) {
      throw new PromQLError("bad_data", `anchored modifier can only be used with: ${ANCHORED_FUNCS.join(", ")} - not with ${fn}`);
    }
  }
}
