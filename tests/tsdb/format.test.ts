import assert from "node:assert/strict";
import { test } from "node:test";
import { formatGoFloat, formatGoQuote, formatLabelsGo } from "../../src/tsdb/format/index.ts";

test("formatGoFloat matches Go's strconv.FormatFloat(v, 'g', -1, 64)", () => {
  // Expected strings are what Go prints (also checked against promtool output in promtool.test.ts).
  const cases: [number, string][] = [
    [0, "0"],
    [-0, "-0"],
    [1, "1"],
    [-1, "-1"],
    [115428, "115428"],
    [999999, "999999"],
    [1e6, "1e+06"],
    [2700461893, "2.700461893e+09"],
    [4154567899, "4.154567899e+09"],
    [10003.19, "10003.19"],
    [0.1, "0.1"],
    [0.0001, "0.0001"],
    [0.00001, "1e-05"],
    [1.5e-7, "1.5e-07"],
    [123456.7, "123456.7"],
    [1234567.8, "1.2345678e+06"],
    [1e21, "1e+21"],
    [1e100, "1e+100"],
    [5e-324, "5e-324"],
    [1.7976931348623157e308, "1.7976931348623157e+308"],
    [0.30000000000000004, "0.30000000000000004"],
    [-2.5e-5, "-2.5e-05"],
    [NaN, "NaN"],
    [Infinity, "+Inf"],
    [-Infinity, "-Inf"],
  ];
  for (const [v, want] of cases) assert.equal(formatGoFloat(v), want, `value ${v}`);
});

test("formatGoQuote matches strconv.Quote", () => {
  assert.equal(formatGoQuote("plain"), '"plain"');
  assert.equal(formatGoQuote('a"b\\c'), '"a\\"b\\\\c"');
  assert.equal(formatGoQuote("\n\t\r\x07\x08\x0c\x0b"), '"\\n\\t\\r\\a\\b\\f\\v"');
  assert.equal(formatGoQuote("\x01\x7f"), '"\\x01\\x7f"');
  assert.equal(formatGoQuote("héllo ✓ 日本"), '"héllo ✓ 日本"');
  assert.equal(formatGoQuote("a\u00a0b\u200bc"), '"a\\u00a0b\\u200bc"');
  assert.equal(formatGoQuote("\u{e0001}"), '"\\U000e0001"');
  assert.equal(formatLabelsGo([{ name: "__name__", value: "m" }, { name: "a", value: "b" }]), '{__name__="m", a="b"}');
});
