// Property: for generated queries, printing the parsed tree and parsing that text again gives
// the same text and the same tree shape (operator precedence, postfix modifiers, literals).
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { parse } from "../../src/promql/parser/index.ts";
import { formatExpr } from "../../src/promql/format/index.ts";
import { allFeatures } from "../../src/promql/api.ts";
import type { Expr } from "../../src/promql/ast.ts";

const opts = { features: allFeatures };

const name = fc.constantFrom("up", "http_requests_total", "a", "b:c", "node_cpu");
const label = fc.constantFrom("job", "instance", "le", "a_b");
const value = fc.constantFrom("x", "", "a\\nb", 'q\\"uote', "é");
const matcher = fc.tuple(label, fc.constantFrom("=", "!=", "=~", "!~"), value).map(([l, op, v]) => `${l}${op}"${v}"`);
const duration = fc.constantFrom("5m", "1h30m", "90s", "300", "1d", "2w", "1500ms");
const num = fc.constantFrom("1", "0.5", "1e3", "0x10", "Inf", "NaN", "2.", ".25", "1h");
const selector = fc
  .tuple(name, fc.array(matcher, { maxLength: 2 }), fc.constantFrom("", " offset 5m", " offset -1m", " @ 100", " @ start()", " @ 10 offset 1m"))
  .map(([n, ms, mod]) => (ms.length ? `${n}{${ms.join(", ")}}` : n) + mod);
const rangeSel = fc.tuple(name, duration, fc.constantFrom("", " offset 1m", " @ end()")).map(([n, d, mod]) => `${n}[${d}]${mod}`);
const binop = fc.constantFrom("+", "-", "*", "/", "%", "^", "atan2", "==", "!=", ">", "<", ">=", "<=", "and", "or", "unless");

const { expr } = fc.letrec((tie) => ({
  expr: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    selector,
    num,
    tie("call"),
    tie("agg"),
    tie("bin"),
    tie("paren"),
    tie("unary"),
    tie("sub"),
  ),
  vec: fc.oneof(selector, tie("call"), tie("agg"), tie("paren")),
  call: fc.oneof(
    rangeSel.map((r) => `rate(${r})`),
    fc.tuple(tie("vec"), num).map(([v, n]) => `clamp_min(${v}, ${n})`),
    tie("vec").map((v) => `abs(${v})`),
    fc.tuple(tie("sub")).map(([s]) => `max_over_time(${s})`),
  ),
  agg: fc
    .tuple(fc.constantFrom("sum", "avg", "max", "count", "group"), fc.constantFrom("", " by (job)", " without (instance, le)"), tie("vec"))
    .map(([op, g, v]) => `${op}${g} (${v})`),
  bin: fc
    .tuple(tie("vec"), binop, fc.constantFrom("", " bool", " on (job)", " ignoring (le) group_left (x)", " fill(0)"), tie("vec"))
    .map(([l, op, mod, r]) => `${l} ${op}${mod} ${r}`),
  paren: tie("expr").map((e) => `(${e})`),
  unary: tie("vec").map((e) => `-${e}`),
  sub: fc.tuple(tie("vec"), duration, fc.constantFrom("", "1m")).map(([v, d, s]) => `(${v})[${d}:${s}]`),
}));

function shape(e: Expr): string {
  switch (e.type) {
    case "BinaryExpr":
      return `B(${shape(e.lhs)} ${e.op} ${shape(e.rhs)})`;
    case "UnaryExpr":
      return `U(${e.op}${shape(e.expr)})`;
    case "ParenExpr":
      return `P(${shape(e.expr)})`;
    case "AggregateExpr":
      return `A(${e.op} ${shape(e.expr)})`;
    case "Call":
      return `C(${e.func.name} ${e.args.map(shape).join(",")})`;
    case "SubqueryExpr":
      return `S(${shape(e.expr)})`;
    default:
      return e.type;
  }
}

test("format(parse(q)) is a fixpoint with the same tree shape", () => {
  let parsed = 0;
  fc.assert(
    fc.property(expr as fc.Arbitrary<string>, (q) => {
      let e: Expr;
      try {
        e = parse(q, opts);
      } catch {
        return true; // ill-typed combinations are fine; only accepted queries must round-trip
      }
      parsed++;
      const text = formatExpr(e);
      const again = parse(text, opts);
      assert.equal(formatExpr(again), text, `${q}\n-> ${text}`);
      assert.equal(shape(again), shape(e), `${q}\n-> ${text}`);
      return true;
    }),
    { numRuns: Number(process.env.ROUNDTRIP_RUNS ?? 400), seed: Number(process.env.ROUNDTRIP_SEED ?? 42) },
  );
  assert.ok(parsed > 100, `only ${parsed} generated queries parsed`);
});
