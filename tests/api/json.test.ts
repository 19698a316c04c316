import { test } from "node:test";
import assert from "node:assert/strict";
import { formatTimestamp, formatValue, resultJson } from "../../src/api/json.ts";

test("sample values are formatted as Prometheus's JSON does", () => {
  const cases: [number, string][] = [
    [1, "1"],
    [1.5, "1.5"],
    [-0.25, "-0.25"],
    [1e6, "1000000"],
    [123456789012, "123456789012"],
    [1e21, "1e+21"],
    [1.5e-7, "1.5e-07"],
    [0.000001, "0.000001"],
    [NaN, "NaN"],
    [Infinity, "+Inf"],
    [-Infinity, "-Inf"],
    [0.1 + 0.2, "0.30000000000000004"],
  ];
  for (const [v, want] of cases) assert.equal(formatValue(v), want, `value ${v}`);
});

test("timestamps are seconds with the millisecond fraction written out", () => {
  assert.equal(formatTimestamp(1435781451781), "1435781451.781");
  assert.equal(formatTimestamp(1000), "1");
  assert.equal(formatTimestamp(1500), "1.500");
  assert.equal(formatTimestamp(1005), "1.005");
  assert.equal(formatTimestamp(-1500), "-1.500");
  assert.equal(formatTimestamp(0), "0");
});

test("result JSON shapes follow the Prometheus API", () => {
  const vec = resultJson({ type: "vector", samples: [{ metric: [{ name: "a", value: "x\"y" }], t: 2000, v: 3 }] });
  assert.deepEqual(JSON.parse(vec), { resultType: "vector", result: [{ metric: { a: 'x"y' }, value: [2, "3"] }] });
  const mat = resultJson({
    type: "matrix",
    series: [{ metric: [], ts: new Float64Array([1000, 2000]), vs: new Float64Array([1, NaN]) }],
  });
  assert.deepEqual(JSON.parse(mat), { resultType: "matrix", result: [{ metric: {}, values: [[1, "1"], [2, "NaN"]] }] });
  assert.deepEqual(JSON.parse(resultJson({ type: "scalar", t: 1000, v: 2 })), { resultType: "scalar", result: [1, "2"] });
  assert.deepEqual(JSON.parse(resultJson({ type: "string", t: 1000, v: "hi" })), { resultType: "string", result: [1, "hi"] });
});
