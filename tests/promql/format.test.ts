// Formatter: Go's number and duration text, string quoting, and the parse_query JSON tree.
import { test } from "node:test";
import assert from "node:assert/strict";
import { exprToTree, formatDuration, formatExpr, formatGoFloat, goQuoteString, prettyExpr } from "../../src/promql/format/index.ts";
import { parse } from "../../src/promql/parser/index.ts";
import { allFeatures } from "../../src/promql/api.ts";

test("numbers print like Go's fmt %v", () => {
  const cases: [number, string][] = [
    [0, "0"], [1, "1"], [-1, "-1"], [0.5, "0.5"], [100000, "100000"], [1e6, "1e+06"], [1234567, "1.234567e+06"],
    [123456.7, "123456.7"], [0.0001, "0.0001"], [0.00001, "1e-05"], [1.5e-7, "1.5e-07"], [1e21, "1e+21"], [1e100, "1e+100"],
    [Infinity, "+Inf"], [-Infinity, "-Inf"], [NaN, "NaN"], [0.1 + 0.2, "0.30000000000000004"], [-2.5e-5, "-2.5e-05"],
  ];
  for (const [v, want] of cases) assert.equal(formatGoFloat(v), want, String(v));
});

test("durations print like Prometheus's model.Duration", () => {
  const cases: [number, string][] = [
    [0, "0s"], [1, "1ms"], [1500, "1s500ms"], [60_000, "1m"], [90_000, "1m30s"], [3_600_000, "1h"], [5_400_000, "1h30m"],
    [86_400_000, "1d"], [7 * 86_400_000, "1w"], [8 * 86_400_000, "8d"], [90 * 86_400_000, "90d"], [365 * 86_400_000, "1y"],
    [14 * 86_400_000, "2w"], [-60_000, "-1m"],
  ];
  for (const [ms, want] of cases) assert.equal(formatDuration(ms), want, String(ms));
});

test("strings are quoted like Go's strconv.Quote", () => {
  assert.equal(goQuoteString('a"b\\c'), '"a\\"b\\\\c"');
  assert.equal(goQuoteString("tab\tnl\n"), '"tab\\tnl\\n"');
  assert.equal(goQuoteString("\x07\x00"), '"\\a\\x00"');
  assert.equal(goQuoteString("é✓"), '"é✓"');
  assert.equal(goQuoteString("a\udcc5z"), '"a\\xc5z"'); // a raw byte kept by the parser
});

test("formatting is stable: format(parse(format(parse(q)))) == format(parse(q))", () => {
  const qs = [
    'sum by (job) (rate(http_requests_total{job="api",code=~"5.."}[5m] offset 1m)) / ignoring(code) group_left sum by (job) (rate(http_requests_total[5m]))',
    "histogram_quantile(0.99, sum by (le) (rate(x_bucket[5m] @ end())))",
    "max_over_time(deriv(rate(x[5m])[30m:1m])[1h:])",
    "topk(3, count_values(\"v\", x)) or on() vector(0)",
    "x offset -(min_of(step(), 2s) - 5) + 8000",
    "-(-x)",
    "a + on(b) fill_left(1) c",
  ];
  for (const q of qs) {
    const once = formatExpr(parse(q, { features: allFeatures }));
    assert.equal(formatExpr(parse(once, { features: allFeatures })), once, q);
  }
});

test("parse_query JSON tree", () => {
  const tree = exprToTree(parse('sum by (job) (rate(x{a="b"}[5m]))', { features: allFeatures }));
  assert.deepEqual(tree, {
    type: "aggregation",
    op: "sum",
    expr: {
      type: "call",
      func: { name: "rate", argTypes: ["matrix"], variadic: 0, returnType: "vector" },
      args: [
        {
          type: "matrixSelector",
          name: "x",
          range: 300000,
          offset: 0,
          matchers: [
            { type: "=", name: "a", value: "b" },
            { type: "=", name: "__name__", value: "x" },
          ],
          timestamp: null,
          startOrEnd: null,
          anchored: false,
          smoothed: false,
        },
      ],
    },
    param: null,
    grouping: ["job"],
    without: false,
  });
  assert.deepEqual(exprToTree(parse("1 + 2 * -x")), {
    type: "binaryExpr",
    op: "+",
    lhs: { type: "numberLiteral", val: "1" },
    rhs: {
      type: "binaryExpr",
      op: "*",
      lhs: { type: "numberLiteral", val: "2" },
      rhs: {
        type: "unaryExpr",
        op: "-",
        expr: { type: "vectorSelector", name: "x", offset: 0, matchers: [{ type: "=", name: "__name__", value: "x" }], timestamp: null, startOrEnd: null, anchored: false, smoothed: false },
      },
      matching: null,
      bool: false,
    },
    matching: null,
    bool: false,
  });
  const bin = exprToTree(parse("a + on(x) fill_left(1) b @ 5", { features: allFeatures })) as { matching: unknown; rhs: { timestamp: number } };
  assert.deepEqual(bin.matching, { card: "one-to-one", labels: ["x"], on: true, include: [], fillValues: { lhs: 1, rhs: null } });
  assert.equal(bin.rhs.timestamp, 5000);
  assert.deepEqual(exprToTree(parse("1e6 + 1e-5")), {
    type: "binaryExpr", op: "+", lhs: { type: "numberLiteral", val: "1000000" }, rhs: { type: "numberLiteral", val: "0.00001" }, matching: null, bool: false,
  });
});

test("prettified form (format_query): split only nodes longer than 100 bytes", () => {
  const p = (q: string) => prettyExpr(parse(q, { features: allFeatures }));
  assert.equal(p("sum by(job)(rate(x[5m]))"), "sum by (job) (rate(x[5m]))");
  assert.equal(
    p('sum by (job) (rate(http_requests_total{job="api-server",handler="/api/v1/query_range",method="GET"}[5m])) / on (job) group_left sum by (job) (rate(http_requests_total[5m]))'),
    [
      "  sum by (job) (",
      '    rate(http_requests_total{handler="/api/v1/query_range",job="api-server",method="GET"}[5m])',
      "  )",
      "/ on (job) group_left ()",
      "  sum by (job) (rate(http_requests_total[5m]))",
    ].join("\n"),
  );
  assert.equal(
    p('histogram_quantile(0.9, sum by (le) (rate(apiserver_request_duration_seconds_bucket{verb!~"LIST|WATCH",subresource!="log"}[5m])))'),
    [
      "histogram_quantile(",
      "  0.9,",
      "  sum by (le) (",
      '    rate(apiserver_request_duration_seconds_bucket{subresource!="log",verb!~"LIST|WATCH"}[5m])',
      "  )",
      ")",
    ].join("\n"),
  );
  assert.equal(
    p("topk(5, (very_long_metric_name_number_one_for_testing + very_long_metric_name_number_two_for_testing_purposes))"),
    [
      "topk(",
      "  5,",
      "  (",
      // 100 bytes exactly: not split.
      "    very_long_metric_name_number_one_for_testing + very_long_metric_name_number_two_for_testing_purposes",
      "  )",
      ")",
    ].join("\n"),
  );
  // Whatever the layout, the text parses back to the same query.
  const q = "max_over_time(sum by (instance) (rate(node_network_receive_bytes_total{device!~\"lo|veth.*\",job=\"node\"}[5m]))[1h:1m])";
  assert.equal(formatExpr(parse(p(q))), formatExpr(parse(q)));
});
