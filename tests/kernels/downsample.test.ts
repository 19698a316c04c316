// Hand-computed downsampling cases (from the Thanos rules in thanos-facts §5 and
// pkg/compact/downsample semantics), checked on the WASM kernels and the TS reference.
import assert from "node:assert/strict";
import { test } from "node:test";
import { applyCounterResets, downsampleAggr, downsampleRaw, RES_1H, RES_5M } from "../../src/kernels/downsample.ts";
import {
  applyCounterResetsRef,
  type DownsampledSeries,
  downsampleAggrRef,
  downsampleRawRef,
  STALE_NAN,
} from "../../src/kernels/downsample-ref.ts";

const f = (xs: number[]) => Float64Array.from(xs);
const arr = (x: ArrayLike<number>) => Array.from(x);

type Flat = Record<"count" | "sum" | "min" | "max" | "counter", { ts: number[]; vs: number[]; ends: number[] }> & { chunks: number };
function flat(d: DownsampledSeries): Flat {
  const one = (s: DownsampledSeries["count"]) => ({ ts: arr(s.ts), vs: arr(s.vs), ends: arr(s.chunkEnds) });
  return { chunks: d.chunks, count: one(d.count), sum: one(d.sum), min: one(d.min), max: one(d.max), counter: one(d.counter) };
}

function rawBoth(ts: number[], vs: number[], res: number): Flat {
  const w = flat(downsampleRaw(f(ts), f(vs), res));
  assert.deepEqual(flat(downsampleRawRef(f(ts), f(vs), res)), w, "wasm and reference differ");
  return w;
}

test("raw -> 5m: window stats, window-end stamps, counter with first/last raw values", () => {
  // Windows [0,299999] [300000,599999] [600000,...] the last clipped to the last sample.
  const w = rawBoth([0, 60000, 120000, 300000, 360000, 659999], [1, 2, 3, 1, 5, 6], RES_5M);
  const win = [299999, 599999, 659999];
  assert.equal(w.chunks, 1);
  assert.deepEqual(w.count, { ts: win, vs: [3, 2, 1], ends: [3] });
  assert.deepEqual(w.sum, { ts: win, vs: [6, 6, 6], ends: [3] });
  assert.deepEqual(w.min, { ts: win, vs: [1, 1, 6], ends: [3] });
  assert.deepEqual(w.max, { ts: win, vs: [3, 5, 6], ends: [3] });
  // Running counter 1,2,3 | reset at 1 -> 4, 5 -> 8 | 6 -> 9; then the last raw value 6.
  assert.deepEqual(w.counter, { ts: [0, 299999, 599999, 659999, 659999], vs: [1, 3, 8, 9, 6], ends: [5] });
});

test("raw: stale markers, NaN and out-of-order samples are dropped", () => {
  const clean = rawBoth([0, 60000, 120000, 300000], [1, 2, 3, 4], RES_5M);
  const noisy = rawBoth([0, 30000, 60000, 45000, 90000, 120000, 300000], [1, STALE_NAN, 2, 7, NaN, 3, 4], RES_5M);
  assert.deepEqual(noisy, clean);
  // Negative timestamps never pass Thanos's expand step (it starts from lastT = 0).
  assert.deepEqual(rawBoth([-5, 0, 60000, 120000, 300000], [9, 1, 2, 3, 4], RES_5M), clean);
});

test("raw: one sample, ±Inf, min/max seeded with ±MaxFloat64", () => {
  const one = rawBoth([1000], [5], RES_5M);
  assert.deepEqual(one.count, { ts: [1000], vs: [1], ends: [1] });
  assert.deepEqual(one.counter, { ts: [1000, 1000, 1000], vs: [5, 5, 5], ends: [3] });
  const inf = rawBoth([0, 1000, 400000], [Infinity, Infinity, -Infinity], RES_5M);
  assert.deepEqual(inf.min.vs, [Number.MAX_VALUE, -Infinity]);
  assert.deepEqual(inf.max.vs, [Infinity, -Number.MAX_VALUE]);
  assert.deepEqual(inf.sum.vs, [Infinity, -Infinity]);
  assert.deepEqual(rawBoth([], [], RES_5M).chunks, 0);
  assert.deepEqual(rawBoth([1, 2], [STALE_NAN, NaN], RES_5M).chunks, 0);
});

// 2000 samples, one per minute from t=0, value = index.
const N = 2000;
const minuteTs = Array.from({ length: N }, (_, i) => i * 60000);
const minuteVs = Array.from({ length: N }, (_, i) => i);

test("raw: chunks cut as Thanos does (<=140 expected samples each, stretched to window end)", () => {
  // span 1999 min: 399 whole 5m windows * fullness 1 + 1 = 400 expected -> 400/141+1 = 3
  // chunks; batch = 2000/3+1 = 667 samples, stretched to the end of the window holding
  // sample 666 (t=39960000 -> window end 40199999, sample 669): chunks of 670, 670, 660.
  const w = rawBoth(minuteTs, minuteVs, RES_5M);
  assert.equal(w.chunks, 3);
  assert.deepEqual(w.count.ends, [134, 268, 400]);
  assert.deepEqual(w.counter.ends, [136, 272, 406]);
  assert.ok(w.count.vs.every((c) => c === 5));
  // Each counter chunk opens with its first raw sample and closes with its last raw value.
  assert.deepEqual([w.counter.ts[136], w.counter.vs[136]], [670 * 60000, 670]);
  // Every chunk's last window is clipped to its last sample (1339 at 80340000).
  assert.deepEqual([w.counter.ts[270], w.counter.ts[271], w.counter.vs[271]], [80340000, 80340000, 1339]);
  // The last window is clipped to the last sample (119940000), not 119999999.
  assert.equal(w.count.ts[399], 119940000);
  assert.deepEqual(w.counter.ts.slice(-2), [119940000, 119940000]);
});

test("raw: 140 expected output samples fit one chunk, 141 need two", () => {
  // 1-minute samples over 139 (140) whole 5m windows: expected = 139+1 (140+1).
  const series = (minutes: number) => Array.from({ length: minutes + 1 }, (_, i) => i * 60000);
  const ones = (n: number) => Array.from({ length: n + 1 }, () => 1);
  assert.equal(rawBoth(series(695), ones(695), RES_5M).chunks, 1);
  assert.equal(rawBoth(series(700), ones(700), RES_5M).chunks, 2);
});

test("5m -> 1h: sums of counts and sums, min of mins, max of maxes, counter across chunks", () => {
  const five = downsampleRaw(f(minuteTs), f(minuteVs), RES_5M);
  const h = flat(downsampleAggr(five, RES_1H));
  assert.deepEqual(flat(downsampleAggrRef(five, RES_1H)), h);
  // 400 5m samples span 33 whole hours -> 34 expected -> one output chunk.
  assert.equal(h.chunks, 1);
  const hours = Array.from({ length: 34 }, (_, k) => (k === 33 ? 119940000 : (k + 1) * 3600000 - 1));
  const counts = hours.map((_, k) => (k === 33 ? 20 : 60));
  const first = hours.map((_, k) => 60 * k);
  const last = hours.map((_, k) => (k === 33 ? 1999 : 60 * k + 59));
  assert.deepEqual(h.count, { ts: hours, vs: counts, ends: [34] });
  assert.deepEqual(h.min.vs, first);
  assert.deepEqual(h.max.vs, last);
  assert.deepEqual(h.sum.vs, hours.map((_, k) => ((first[k]! + last[k]!) * counts[k]!) / 2));
  assert.deepEqual(h.counter, { ts: [0, ...hours, 119940000], vs: [0, ...last, 1999], ends: [36] });
});

test("5m -> 1h: a counter reset exactly at a chunk boundary is kept", () => {
  // Values climb to 669 in the first 5m chunk, restart from 0 with the second.
  const vs = minuteVs.map((i) => (i < 670 ? i : i - 670));
  const five = downsampleRaw(f(minuteTs), f(vs), RES_5M);
  const h = downsampleAggr(five, RES_1H);
  assert.deepEqual(flat(downsampleAggrRef(five, RES_1H)), flat(h));
  // After resets are applied the 1h counter is the raw count of increases: value at the
  // last sample of each hour, plus 669 + the restart (0 counts as an increase of 0).
  const mono = applyCounterResets(h.counter.ts, h.counter.vs);
  const want = (i: number) => (i < 670 ? i : 669 + (i - 670));
  assert.equal(mono.vs[mono.vs.length - 1], want(1999));
  assert.equal(mono.vs[12], want(12 * 60 - 1)); // hour 11 ends at sample 719
});

test("applyCounterResets: sentinel samples carry the last raw value between chunks", () => {
  // chunk 1: raw 5 at t=0, counter 9 at 299, last raw 9 (sentinel); chunk 2: raw 2 at 300
  // (reset: +2), counter 6 at 599 (+4), sentinel 6.
  const ts = f([0, 299, 299, 300, 599, 599]);
  const vs = f([5, 9, 9, 2, 6, 6]);
  const want = { ts: [0, 299, 300, 599], vs: [5, 9, 11, 15] };
  const w = applyCounterResets(ts, vs);
  const r = applyCounterResetsRef(ts, vs);
  assert.deepEqual({ ts: arr(w.ts), vs: arr(w.vs) }, want);
  assert.deepEqual({ ts: arr(r.ts), vs: arr(r.vs) }, want);
  assert.equal(r.lastRaw, 6);
  // NaN skipped, earlier timestamps skipped.
  const w2 = applyCounterResets(f([0, 10, 5, 20, 30]), f([1, 2, 7, 3, NaN]));
  assert.deepEqual({ ts: arr(w2.ts), vs: arr(w2.vs) }, { ts: [0, 10, 20], vs: [1, 2, 3] });
});

test("absurd spans and resolutions neither trap nor hang", () => {
  // 2^52 ms span at 1 ms resolution: ~3e13 expected windows would mean ~2e11 chunks.
  const w = rawBoth([0, 2 ** 52, 2 ** 52 + 1], [1, 2, 3], 1);
  assert.equal(w.count.ts.length, 3);
  const big = rawBoth([0, 1], [1, 2], Number.MAX_SAFE_INTEGER);
  assert.deepEqual(big.count.vs, [2]);
  const five = downsampleRaw(f(minuteTs), f(minuteVs), RES_5M);
  const opts = { mint: -1e300, maxt: 1e300 };
  assert.deepEqual(flat(downsampleAggr(five, RES_1H, opts)), flat(downsampleAggrRef(five, RES_1H, opts)));
});

test("bad arguments are errors, not traps", () => {
  assert.throws(() => downsampleRaw(f([1]), f([1]), 0), RangeError);
  assert.throws(() => downsampleRaw(f([1]), f([1]), 2 ** 60), RangeError);
  assert.throws(() => downsampleRaw(f([1]), f([]), RES_5M), RangeError);
  const five = downsampleRaw(f(minuteTs), f(minuteVs), RES_5M);
  assert.throws(() => downsampleAggr(five, RES_5M), RangeError);
  assert.throws(() => downsampleAggr({ ...five, chunks: 5 }, RES_1H), RangeError);
});
