// Stale markers (float64 bits 0x7ff0000000000002) through the TSDB's value-carrying pieces as
// raw bits: WAL sample records, the head's append rules and chunk building, selectSamples.
// (tests/runtime/bun-stale-markers.test.ts runs the same paths under Bun, where any hop through
// a JS number loses the payload.)
import assert from "node:assert/strict";
import { test } from "node:test";
import { decodeSamples, encodeSamples, newSampleBatch, pushSample, pushSampleBits } from "../../src/tsdb/wal/index.ts";
import { APPEND_DUPLICATE_IGNORED, APPEND_DUPLICATE_TS, APPEND_OK, Head } from "../../src/tsdb/head/index.ts";
import { F64_HI, F64_LO, f64Words, xorDecode } from "../../src/kernels/index.ts";
import { newMatcher } from "../../src/labels/index.ts";

const [SH, SL] = [0x7ff00000, 0x00000002];

function wordsAt(vs: Float64Array, i: number): [number, number] {
  const w = f64Words(vs);
  return [w[2 * i + F64_HI], w[2 * i + F64_LO]];
}

test("WAL sample records carry value bits (big-endian) and decode them as bits", () => {
  const b = newSampleBatch(2); // grows twice below: growth must keep the bits too
  pushSample(b, 1, 1000, 1.5);
  pushSampleBits(b, 1, 2000, SH, SL);
  pushSampleBits(b, 2, 2000, 0x7ff80000, 0);
  pushSample(b, 2, 3000, -0);
  pushSampleBits(b, 2, 4000, SH, SL);
  const rec = encodeSamples(b).slice();
  // Record layout: type, ref0, t0 (8 bytes each), then per sample varint ref delta, varint
  // t delta, 8 value bytes. Sample 1 (ref delta 0, t delta 1000) starts after sample 0.
  const s1 = 1 + 16 + (1 + 1 + 8) + 1 + 2;
  assert.deepEqual([...rec.subarray(s1, s1 + 8)], [0x7f, 0xf0, 0, 0, 0, 0, 0, 2]);
  const d = decodeSamples(rec);
  assert.equal(d.n, 5);
  assert.deepEqual([...d.ts.subarray(0, 5)], [1000, 2000, 2000, 3000, 4000]);
  assert.deepEqual(wordsAt(d.vs, 0), [0x3ff80000, 0]);
  assert.deepEqual(wordsAt(d.vs, 1), [SH, SL]);
  assert.deepEqual(wordsAt(d.vs, 2), [0x7ff80000, 0]);
  assert.deepEqual(wordsAt(d.vs, 3), [0x80000000, 0]);
  assert.deepEqual(wordsAt(d.vs, 4), [SH, SL]);
  // After growth vbits views the new vs.
  assert.equal(b.vbits.buffer, b.vs.buffer);
  assert.equal(b.vs.length, 8);
});

test("head append rules compare bits: same stale marker is a no-op, NaN over it a conflict", () => {
  const h = new Head();
  const { series: s } = h.getOrCreate([{ name: "__name__", value: "x" }]);
  assert.equal(h.append(s, 1000, 42, -Infinity), APPEND_OK);
  assert.equal(h.appendBits(s, 2000, SH, SL, -Infinity), APPEND_OK);
  assert.equal(h.appendBits(s, 2000, SH, SL, -Infinity), APPEND_DUPLICATE_IGNORED);
  assert.equal(h.appendBits(s, 2000, 0x7ff80000, 0, -Infinity), APPEND_DUPLICATE_TS);
  assert.equal(h.append(s, 2000, NaN, -Infinity), APPEND_DUPLICATE_TS);
  assert.equal(h.append(s, 3000, 7, -Infinity), APPEND_OK);

  const chunk = h.select([newMatcher("=", "__name__", "x")], 0, Infinity)[0].chunks[0].data;
  const d = xorDecode(chunk);
  assert.deepEqual(wordsAt(d.vs, 1), [SH, SL]);

  // selectSamples filters by time and tombstones with bit copies.
  h.deleteRange(s.ref, 1000, 1000);
  const got = h.selectSamples([newMatcher("=", "__name__", "x")], 0, Infinity)[0];
  assert.deepEqual([...got.ts], [2000, 3000]);
  assert.deepEqual(wordsAt(got.vs, 0), [SH, SL]);
  assert.equal(got.vs[1], 7);
});
