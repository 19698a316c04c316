// Parser: valid queries round-trip through the formatter to Prometheus's String() form;
// invalid ones fail with Prometheus's messages and positions.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parse } from "../../src/promql/parser/index.ts";
import { formatExpr } from "../../src/promql/format/index.ts";
import { allFeatures, defaultFeatures, ParseError, PromQLError } from "../../src/promql/api.ts";
import type { Expr } from "../../src/promql/ast.ts";

const all = { features: allFeatures };

// [query, Prometheus's String() of the parsed query]
const roundTrips: [string, string][] = [
  ["1", "1"],
  ["-1", "-1"],
  ["+1", "1"],
  ["1.5e3", "1500"],
  ["1e6", "1e+06"],
  ["0x1F", "31"],
  [".5", "0.5"],
  ["2.", "2"],
  ["Inf", "+Inf"],
  ["-inf", "-Inf"],
  ["NaN", "NaN"],
  ['"a\\nb"', '"a\\nb"'],
  ["`raw\\n`", '"raw\\\\n"'],
  ["'single'", '"single"'],
  ["foo", "foo"],
  ['foo{a="b"}', 'foo{a="b"}'],
  ['foo{b="1", a=~"x.*", c!="", d!~"y"}', 'foo{a=~"x.*",b="1",c!="",d!~"y"}'],
  ['{__name__="foo"}', '{__name__="foo"}'],
  ['{"foo.bar"}', '{__name__="foo.bar"}'],
  ['{"a.b"="c", x="y"}', '{"a.b"="c",x="y"}'],
  ["foo[5m]", "foo[5m]"],
  ["foo[90s]", "foo[1m30s]"],
  ["foo[300]", "foo[5m]"],
  ["foo[1h30m]", "foo[1h30m]"],
  ["foo[7d]", "foo[1w]"],
  ["foo[365d]", "foo[1y]"],
  ["foo[1500ms]", "foo[1s500ms]"],
  ["foo offset 5m", "foo offset 5m"],
  ["foo offset -7m", "foo offset -7m"],
  ['foo{c="d"}[5m] offset 1m', 'foo{c="d"}[5m] offset 1m'],
  ["foo @ 10", "foo @ 10.000"],
  ["foo @ 1.5", "foo @ 1.500"],
  ["foo[1m] @ 10", "foo[1m] @ 10.000"],
  ["foo @ start()", "foo @ start()"],
  ["foo @ end()", "foo @ end()"],
  ["foo offset 1m @ 100", "foo @ 100.000 offset 1m"],
  ["foo[1h:5m] offset 1m", "foo[1h:5m] offset 1m"],
  ["foo[1h:]", "foo[1h:]"],
  ["rate(foo[5m])[30m:1m]", "rate(foo[5m])[30m:1m]"],
  ["(foo + bar)[5m:]", "(foo + bar)[5m:]"],
  ["sum(foo)", "sum(foo)"],
  ["sum by (job) (foo)", "sum by (job) (foo)"],
  ["sum by() (foo)", "sum(foo)"],
  ["sum(foo) by (job, instance)", "sum by (job, instance) (foo)"],
  ["sum without(instance) (foo)", "sum without (instance) (foo)"],
  ["SUM(foo)", "sum(foo)"],
  ["topk(5, foo)", "topk(5, foo)"],
  ['count_values("value", foo)', 'count_values("value", foo)'],
  ["quantile(0.9, foo)", "quantile(0.9, foo)"],
  ["limitk(2, foo)", "limitk(2, foo)"],
  ["limit_ratio(0.5, foo)", "limit_ratio(0.5, foo)"],
  ['sum by(job)(rate(http_requests_total{job="api"}[5m] offset 1m))', 'sum by (job) (rate(http_requests_total{job="api"}[5m] offset 1m))'],
  ["a - on() c", "a - on () c"],
  ["a - on(b) c", "a - on (b) c"],
  ["a - on(b) group_left(x) c", "a - on (b) group_left (x) c"],
  ["a - on(b) group_left(x, y) c", "a - on (b) group_left (x, y) c"],
  ["a - on(b) group_left c", "a - on (b) group_left () c"],
  ["a - ignoring(b) group_right(x) c", "a - ignoring (b) group_right (x) c"],
  ["a - ignoring() c", "a - c"],
  ["up > bool 0", "up > bool 0"],
  ["1 < bool 2", "1 < bool 2"],
  ["a and on(x) b", "a and on (x) b"],
  ["a unless b", "a unless b"],
  ["a + fill(0) b", "a + fill(0) b"],
  ["a + on(x) fill_left(1) fill_right(2) b", "a + on (x) fill_left(1) fill_right(2) b"],
  ["a atan2 b", "a atan2 b"],
  ["-a", "-a"],
  ["-(1)", "-(1)"],
  ["--a", "--a"],
  ['label_replace(up, "a", "$1", "b", "(.*)")', 'label_replace(up, "a", "$1", "b", "(.*)")'],
  ["histogram_quantile(0.9, rate(b[5m]))", "histogram_quantile(0.9, rate(b[5m]))"],
  ["time()", "time()"],
  ["vector(1)", "vector(1)"],
  ["round(foo)", "round(foo)"],
  ["foo[5m] anchored", "foo[5m] anchored"],
  ["rate(foo[5m] smoothed)", "rate(foo[5m] smoothed)"],
  ["foo smoothed", "foo smoothed"],
  ["foo[5m+1m]", "foo[5m + 1m]"],
  ["foo[step()]", "foo[step()]"],
  ["foo[(step())+1]", "foo[(step()) + 1]"],
  ["foo offset STEP()", "foo offset step()"],
  ["foo offset min_of(step(), 1s)", "foo offset min_of(step(), 1s)"],
  ["foo offset -(min_of(step(), 2s)-5)+8000", "foo offset -(min_of(step(), 2s) - 5) + 8000"],
  ["foo[1h:max_of(step(), 1m)]", "foo[1h:max_of(step(), 1m)]"],
  ["min_of(3, 5)", "min_of(3, 5)"],
  ["integral(foo[5m])", "integral(foo[5m])"],
  ["info(foo)", "info(foo)"],
  ['info(foo, {k=~".+"})', 'info(foo, {k=~".+"})'],
  ['info(foo, {x=""})', 'info(foo, {x=""})'],
  ["foo # comment", "foo"],
  ["foo </ 2", "foo </ 2"],
];

test("valid queries print back as Prometheus's String()", () => {
  for (const [q, want] of roundTrips) {
    let got: string;
    try {
      got = formatExpr(parse(q, all));
    } catch (e) {
      assert.fail(`${q}: ${(e as Error).message}`);
    }
    assert.equal(got, want, q);
    // The printed form parses to the same printed form again.
    assert.equal(formatExpr(parse(got, all)), want, `re-parse of ${got}`);
  }
});

// Shows the tree shape: binary nodes in (), parens in [].
function shape(e: Expr): string {
  switch (e.type) {
    case "BinaryExpr":
      return `(${shape(e.lhs)} ${e.op} ${shape(e.rhs)})`;
    case "UnaryExpr":
      return `(${e.op}${shape(e.expr)})`;
    case "ParenExpr":
      return `[${shape(e.expr)}]`;
    default:
      return formatExpr(e);
  }
}

test("operator precedence and postfix modifiers bind like Prometheus", () => {
  const cases: [string, string][] = [
    ["a + b * c", "(a + (b * c))"],
    ["a * b + c", "((a * b) + c)"],
    ["a - b - c", "((a - b) - c)"],
    ["a ^ b ^ c", "(a ^ (b ^ c))"],
    ["2 * 3 ^ 2", "(2 * (3 ^ 2))"],
    ["-a ^ b", "(-(a ^ b))"],
    ["-a * b", "((-a) * b)"],
    ["a or b and c", "(a or (b and c))"],
    ["a unless b or c", "((a unless b) or c)"],
    ["a == bool b + 1", "(a == (b + 1))"],
    ["a + b offset 5m", "(a + b offset 5m)"],
    ["a + b offset 5m * c", "(a + (b offset 5m * c))"],
    ["a @ 60 + on(x) group_left(y) b @ 60 * 0", "(a @ 60.000 + (b @ 60.000 * 0))"],
    ["x offset 100 + 2", "(x offset 1m40s + 2)"],
    ["x offset -2 * 2", "(x offset -2s * 2)"],
    ["-x offset 5m", "(-x offset 5m)"],
    ["-metric @ 100", "(-metric @ 100.000)"],
    ["a - -b offset 1m * c", "(a - ((-b offset 1m) * c))"],
    ["a + b @ 3 offset 1m", "(a + b @ 3.000 offset 1m)"],
    ["(a + b) * c", "([(a + b)] * c)"],
  ];
  for (const [q, want] of cases) assert.equal(shape(parse(q, all)), want, q);
});

test("AST details: selectors, literals, matching, durations", () => {
  const vs = parse('foo{a="b"} offset 1m', all);
  assert.equal(vs.type, "VectorSelector");
  if (vs.type !== "VectorSelector") return;
  assert.equal(vs.name, "foo");
  assert.equal(vs.offset, 60_000);
  assert.deepEqual(vs.matchers.map(String), ['a="b"', '__name__="foo"']);
  assert.deepEqual(vs.pos, { start: 0, end: 20 });

  const neg = parse("-1", all);
  assert.deepEqual(neg, { type: "NumberLiteral", val: -1, pos: { start: 0, end: 2 } });

  const b = parse("a + on(x) group_left(y) b", all);
  assert.ok(b.type === "BinaryExpr" && b.matching);
  if (b.type === "BinaryExpr") assert.deepEqual(b.matching, { card: "many-to-one", matchingLabels: ["x"], on: true, include: ["y"], fillLeft: null, fillRight: null });
  const set = parse("a or b", all);
  if (set.type === "BinaryExpr") assert.equal(set.matching?.card, "many-to-many");
  const sc = parse("1 + a", all);
  if (sc.type === "BinaryExpr") assert.equal(sc.matching, null);

  const sq = parse("rate(x[5m])[1h:1m] @ end()", all);
  assert.ok(sq.type === "SubqueryExpr");
  if (sq.type === "SubqueryExpr") {
    assert.equal(sq.range, 3_600_000);
    assert.equal(sq.step, 60_000);
    assert.equal(sq.startOrEnd, "end");
  }
  const de = parse("x[step() + 1m]", all);
  assert.ok(de.type === "MatrixSelector" && de.rangeExpr?.op === "+");
  const folded = parse("x[26m+4m]", all);
  if (folded.type === "MatrixSelector") assert.equal(folded.range, 30 * 60_000);

  // Go string escapes, including raw bytes that are not UTF-8.
  const s = parse('"\\x41\\u00e9\\101\\t"', all);
  assert.deepEqual(s.type === "StringLiteral" && s.val, "Aé\u0041\t".replace("\u0041\t", "A\t"));
  const bad = parse('"a\\xc5z"', all);
  assert.equal(bad.type === "StringLiteral" && formatExpr(bad), '"a\\xc5z"');
});

// [query, Prometheus's error message, features (default: all on)]
const failures: [string, string, boolean?][] = [
  ["", "1:1: parse error: no expression found in input"],
  ["(", "1:2: parse error: unclosed left parenthesis"],
  [")", "1:2: parse error: unexpected right parenthesis ')'"],
  ["rate(x[5m]", "1:11: parse error: unclosed left parenthesis"],
  ["x{", "1:3: parse error: unexpected end of input inside braces"],
  ["x[5m", "1:5: parse error: unclosed left bracket"],
  ['"abc', "1:1: parse error: unterminated quoted string"],
  ["1 +", "1:4: parse error: unexpected end of input"],
  ["foo bar", '1:5: parse error: unexpected identifier "bar"'],
  ["1 == 1", "1:3: parse error: comparisons between scalars must use BOOL modifier"],
  ["1 and 1", '1:1: parse error: set operator "and" not allowed in binary scalar expression'],
  ["foo and 1", '1:1: parse error: set operator "and" not allowed in binary scalar expression'],
  ["foo + bool bar", "1:5: parse error: bool modifier can only be used on comparison operators"],
  ["foo == on(bar) 10", "1:1: parse error: vector matching only allowed between instant vectors"],
  ["foo and on(bar) group_left(baz) bar", '1:1: parse error: no grouping allowed for "and" operation'],
  ["foo + on(bar) group_left(bar) baz", '1:5: parse error: label "bar" must not occur in ON and GROUP clause at once'],
  ["1 + fill(0) foo", "1:1: parse error: filling in missing series only allowed between instant vectors"],
  ["foo or fill(0) bar", "1:1: parse error: filling in missing series not allowed for set operators"],
  ["sum(1)", "1:5: parse error: expected type instant vector in aggregation expression, got scalar"],
  ["topk(foo, bar)", "1:6: parse error: expected type scalar in aggregation parameter, got instant vector"],
  ["count_values(1, foo)", "1:14: parse error: expected type string in aggregation parameter, got scalar"],
  ["topk(1)", "1:1: parse error: wrong number of arguments for aggregate expression provided, expected 2, got 1"],
  ["sum()", "1:1: parse error: no arguments for aggregate expression provided"],
  ["sum(a, b)", "1:1: parse error: wrong number of arguments for aggregate expression provided, expected 1, got 2"],
  ["rate(foo)", '1:6: parse error: expected type range vector in call to function "rate", got instant vector'],
  ["abs(foo[5m])", '1:5: parse error: expected type instant vector in call to function "abs", got range vector'],
  ["time(1)", '1:1: parse error: expected 0 argument(s) in call to "time", got 1'],
  ["round(foo, 1, 2)", '1:1: parse error: expected at most 2 argument(s) in call to "round", got 3'],
  ["label_join(foo)", '1:1: parse error: expected at least 3 argument(s) in call to "label_join", got 1'],
  ['label_join(foo, "a", ",", "b", 1)', '1:32: parse error: expected type string in call to function "label_join", got scalar'],
  ["non_existent_function_far_bar()", '1:1: parse error: unknown function with name "non_existent_function_far_bar"'],
  ["foo[5m] + 1", "1:1: parse error: binary expression must contain only scalar and instant vector types"],
  ['1 + "a"', "1:5: parse error: binary expression must contain only scalar and instant vector types"],
  ["-foo[5m]", '1:1: parse error: unary expression only allowed on expressions of type scalar or instant vector, got "range vector"'],
  ["foo[5m][5m:]", "1:1: parse error: subquery is only allowed on instant vector, got matrix instead"],
  ["{}", "1:1: parse error: vector selector must contain at least one non-empty matcher"],
  ['{x=""}', "1:1: parse error: vector selector must contain at least one non-empty matcher"],
  ['{x=~".*"}', "1:1: parse error: vector selector must contain at least one non-empty matcher"],
  ['foo{__name__="bar"}', '1:1: parse error: metric name must not be set twice: "foo" or "bar"'],
  ["sum(foo) offset 1m", "1:1: parse error: offset modifier must be preceded by an instant vector selector or range vector selector or a subquery"],
  ["sum(foo) @ 1", "1:1: parse error: @ modifier must be preceded by an instant vector selector or range vector selector or a subquery"],
  ["foo offset 1m offset 2m", "1:1: parse error: offset may not be set multiple times"],
  ["foo @ 1 @ 2", "1:1: parse error: @ <timestamp> may not be set multiple times"],
  ["foo offset 1m[5m]", "1:14: parse error: no offset modifiers allowed before range"],
  ["foo @ 1 [5m]", "1:9: parse error: no @ modifiers allowed before range"],
  ["(foo)[5m]", "1:6: parse error: ranges only allowed for vector selectors"],
  ['foo{a=~"("}', "1:5: parse error: error parsing regexp: missing closing ): `^(?s:()$`"],
  ["x[0s]", "1:3: parse error: duration must be greater than 0"],
  ['x{a="b" c="d"}', '1:9: parse error: unexpected identifier "c" in label matching, expected "," or "}"'],
  ["sum by (1) (x)", '1:9: parse error: unexpected number "1" in grouping opts, expected label'],
  ["sum(x,)", "1:6: parse error: trailing commas not allowed in function call args"],
  ["foo @ bar()", '1:7: parse error: unexpected identifier "bar" in @, expected timestamp'],
  ["foo @ Inf", "1:1: parse error: timestamp out of bounds for @ modifier: +Inf"],
  ['info(foo, bar)', "1:11: parse error: expected label selectors only, got vector selector instead"],
  ["foo[5m] anchored smoothed", "1:1: parse error: anchored and smoothed modifiers cannot be used together"],
  ["foo[5m:] anchored", "1:1: parse error: anchored modifier is not supported for subqueries"],
  // Experimental features, all off.
  ["mad_over_time(foo[5m])", '1:1: parse error: function "mad_over_time" is not enabled', false],
  ["limitk(1, foo)", "1:1: parse error: limitk() is experimental and must be enabled with --enable-feature=promql-experimental-functions", false],
  ["foo[5m] anchored", "1:1: parse error: anchored modifier is experimental and not enabled", false],
  ["foo smoothed", "1:1: parse error: smoothed modifier is experimental and not enabled", false],
  ["a + fill(0) b", "1:1: parse error: binop fill modifiers are experimental and not enabled", false],
  ["foo[5m+1m]", "1:5: parse error: experimental duration expression is not enabled", false],
  ["foo offset step()", "1:12: parse error: experimental duration expression is not enabled", false],
];

test("invalid queries fail with Prometheus's messages", () => {
  for (const [q, msg, on = true] of failures) {
    assert.throws(
      () => parse(q, { features: on ? allFeatures : defaultFeatures }),
      (e: unknown) => {
        assert.ok(e instanceof ParseError, `${q}: not a ParseError: ${e}`);
        assert.equal((e as Error).message, msg, q);
        assert.equal((e as ParseError).kind, "bad_data");
        return true;
      },
      q,
    );
  }
});

test("positions count lines and columns", () => {
  assert.throws(() => parse("sum(\n  foo\n) + bool 1", all), { message: "3:3: parse error: bool modifier can only be used on comparison operators" });
});

test("extended range selectors only with the functions that define them", () => {
  assert.throws(() => parse("changes(foo[3m] smoothed)", all), (e: unknown) => {
    assert.ok(e instanceof PromQLError);
    assert.equal((e as Error).message, "smoothed modifier can only be used with: delta, increase, rate - not with changes");
    return true;
  });
  assert.throws(() => parse("deriv(foo[3m] anchored)", all), { message: "anchored modifier can only be used with: changes, delta, increase, rate, resets - not with deriv" });
  parse("resets(foo[3m] anchored)", all);
  parse("increase(foo[3m] smoothed)", all);
});

test("disabled features parse when the default features are off only for plain syntax", () => {
  assert.equal(formatExpr(parse("rate(foo[5m] offset -1m)")), "rate(foo[5m] offset -1m)");
  assert.equal(formatExpr(parse("foo[300]")), "foo[5m]");
});
