// Raw-bit helpers for float64 sample values (src/kernels/f64-bits.ts).
import assert from "node:assert/strict";
import { test } from "node:test";
import { compactSamples, F64_HI, F64_LO, f64Words, hiWordOf, isStaleMarkerAt, isStaleMarkerWords, loWordOf } from "../../src/kernels/index.ts";
import { isStaleAt } from "../../src/promql/value.ts";

function withStaleAt(n: number, at: number[]): Float64Array {
  const vs = new Float64Array(n);
  for (let i = 0; i < n; i++) vs[i] = i;
  const w = f64Words(vs);
  for (const i of at) {
    w[2 * i + F64_HI] = 0x7ff00000;
    w[2 * i + F64_LO] = 2;
  }
  return vs;
}

test("stale marker checks read bits; other NaNs and numbers are not stale", () => {
  const vs = withStaleAt(4, [2]);
  vs[3] = NaN;
  assert.deepEqual([0, 1, 2, 3].map((i) => isStaleMarkerAt(vs, i)), [false, false, true, false]);
  assert.deepEqual([0, 1, 2, 3].map((i) => isStaleAt(vs, i)), [false, false, true, false]);
  // On a subarray (non-zero byteOffset) too.
  assert.equal(isStaleMarkerAt(vs.subarray(1), 1), true);
  assert.equal(isStaleMarkerWords(0x7ff00000, 2), true);
  assert.equal(isStaleMarkerWords(0x7ff80000, 0), false);
  assert.deepEqual([hiWordOf(1.5), loWordOf(1.5)], [0x3ff80000, 0]);
  assert.deepEqual([hiWordOf(-0), loWordOf(-0)], [0x80000000, 0]);
});

test("compactSamples keeps the chosen samples in order, values moved as bits", () => {
  const ts = Float64Array.from([10, 20, 30, 40, 50]);
  const vs = withStaleAt(5, [1, 3]);
  const n = compactSamples(ts, vs, (t, i) => t !== 10 && i !== 2);
  assert.equal(n, 3);
  assert.deepEqual([...ts.subarray(0, n)], [20, 40, 50]);
  assert.deepEqual([0, 1, 2].map((i) => isStaleMarkerAt(vs, i)), [true, true, false]);
  assert.equal(vs[2], 4);
  assert.equal(compactSamples(ts.subarray(0, 0), vs.subarray(0, 0), () => true), 0);
});
