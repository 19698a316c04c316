// Property tests: WASM downsampling equals the TS reference on random series (gaps,
// duplicates, disorder, negative times, NaN/±Inf/stale values, counter resets), and
// implementation-independent checks: window stats by brute force, and the counter
// round trip (downsample -> applyCounterResets reproduces the raw counter's increase).
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { applyCounterResets, downsampleAggr, downsampleRaw, RES_1H, RES_5M } from "../../src/kernels/downsample.ts";
import {
  AGGREGATES,
  type AggrSeries,
  applyCounterResetsRef,
  type DownsampledSeries,
  downsampleAggrRef,
  downsampleRawRef,
  STALE_NAN,
  windowEnd,
} from "../../src/kernels/downsample-ref.ts";

const RUNS = 200;

const norm = (v: number) => (Number.isNaN(v) ? "NaN" : Object.is(v, -0) ? "-0" : v);
function flat(d: DownsampledSeries) {
  const one = (s: AggrSeries) => ({ ts: Array.from(s.ts), vs: Array.from(s.vs, norm), ends: Array.from(s.chunkEnds) });
  return { resolution: d.resolution, chunks: d.chunks, ...Object.fromEntries(AGGREGATES.map((a) => [a, one(d[a])])) };
}

const value = fc.oneof(
  { weight: 12, arbitrary: fc.integer({ min: 0, max: 50 }) },
  { weight: 2, arbitrary: fc.integer({ min: -1000, max: 1000 }).map((x) => x / 8) },
  { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity, STALE_NAN, -0) },
);

interface Raw {
  ts: Float64Array;
  vs: Float64Array;
}

// Mostly increasing timestamps with every kind of irregularity sprinkled in.
function rawSeries(maxLen: number, maxStep: number): fc.Arbitrary<Raw> {
  return fc
    .record({
      start: fc.oneof(fc.integer({ min: 0, max: 4_000_000 }), fc.integer({ min: -100_000, max: 0 })),
      steps: fc.array(
        fc.oneof(
          { weight: 20, arbitrary: fc.integer({ min: 1, max: maxStep }) },
          { weight: 1, arbitrary: fc.constant(0) },
          { weight: 1, arbitrary: fc.integer({ min: -maxStep, max: -1 }) },
          { weight: 1, arbitrary: fc.integer({ min: maxStep, max: 40 * maxStep }) },
        ),
        { maxLength: maxLen },
      ),
    })
    .chain(({ start, steps }) => {
      const ts = [start];
      for (const d of steps) ts.push(ts[ts.length - 1]! + d);
      return fc.array(value, { minLength: ts.length, maxLength: ts.length }).map((vs) => ({ ts: Float64Array.from(ts), vs: Float64Array.from(vs) }));
    });
}

const resolution = fc.oneof(fc.constantFrom(RES_5M, RES_1H), fc.integer({ min: 1, max: 400 }).map((x) => x * 1000));

test("raw: wasm equals reference", () => {
  fc.assert(
    fc.property(rawSeries(400, 90_000), resolution, (r, res) => {
      assert.deepEqual(flat(downsampleRaw(r.ts, r.vs, res)), flat(downsampleRawRef(r.ts, r.vs, res)));
    }),
    { numRuns: RUNS },
  );
});

test("aggr: wasm equals reference on re-aggregated raw data and on arbitrary aggregate input", () => {
  fc.assert(
    fc.property(rawSeries(600, 30_000), fc.integer({ min: 1, max: 60 }), fc.integer({ min: 2, max: 12 }), (r, inSec, factor) => {
      const inRes = inSec * 1000;
      const five = downsampleRaw(r.ts, r.vs, inRes);
      assert.deepEqual(flat(downsampleAggr(five, inRes * factor)), flat(downsampleAggrRef(five, inRes * factor)));
    }),
    { numRuns: RUNS },
  );
  // Aggregate series that no downsampler would write: random samples, random chunk cuts,
  // absent aggregates, explicit mint/maxt.
  const aggrInput = fc.integer({ min: 1, max: 8 }).chain((chunks) =>
    fc
      .tuple(...AGGREGATES.map(() => fc.tuple(rawSeries(80, 400_000), fc.array(fc.nat(), { minLength: chunks, maxLength: chunks }))))
      .map((parts) => {
        const s = {} as Record<(typeof AGGREGATES)[number], AggrSeries>;
        AGGREGATES.forEach((name, a) => {
          const [r, cuts] = parts[a]!;
          const ends = cuts.map((c) => c % (r.ts.length + 1)).sort((x, y) => x - y);
          ends[ends.length - 1] = r.ts.length;
          s[name] = { ts: r.ts, vs: r.vs, chunkEnds: Int32Array.from(ends) };
        });
        return { resolution: RES_5M, chunks, ...s } as DownsampledSeries;
      }),
  );
  fc.assert(
    fc.property(aggrInput, fc.option(fc.tuple(fc.integer({ min: 0, max: 1e7 }), fc.integer({ min: 0, max: 1e9 }))), (input, span) => {
      const opts = span ? { mint: span[0], maxt: span[0] + span[1] } : {};
      assert.deepEqual(flat(downsampleAggr(input, RES_1H, opts)), flat(downsampleAggrRef(input, RES_1H, opts)));
    }),
    { numRuns: RUNS },
  );
});

test("applyCounterResets: wasm equals reference", () => {
  fc.assert(
    fc.property(rawSeries(300, 60_000), (r) => {
      const w = applyCounterResets(r.ts, r.vs);
      const ref = applyCounterResetsRef(r.ts, r.vs);
      assert.deepEqual({ ts: Array.from(w.ts), vs: Array.from(w.vs, norm) }, { ts: Array.from(ref.ts), vs: Array.from(ref.vs, norm) });
    }),
    { numRuns: RUNS },
  );
});

// Clean series: strictly increasing non-negative times, small integer values (exact sums).
const clean = fc
  .record({
    start: fc.integer({ min: 0, max: 10_000_000 }),
    steps: fc.array(fc.oneof({ weight: 10, arbitrary: fc.integer({ min: 1, max: 60_000 }) }, { weight: 1, arbitrary: fc.integer({ min: 60_000, max: 3_000_000 }) }), { minLength: 0, maxLength: 1500 }),
  })
  .chain(({ start, steps }) => {
    const ts = [start];
    for (const d of steps) ts.push(ts[ts.length - 1]! + d);
    // A counter: mostly increments, sometimes a reset to a small value.
    return fc.array(fc.oneof({ weight: 30, arbitrary: fc.integer({ min: 0, max: 9 }) }, { weight: 1, arbitrary: fc.constant(-1) }), { minLength: ts.length, maxLength: ts.length }).map((incs) => {
      let v = 0;
      const vs = incs.map((d) => (d < 0 ? (v = 3) : (v += d)));
      return { ts: Float64Array.from(ts), vs: Float64Array.from(vs) };
    });
  });

test("raw windows match a brute-force grouping by window", () => {
  fc.assert(
    fc.property(clean, resolution, (r, res) => {
      const d = downsampleRaw(r.ts, r.vs, res);
      const groups = new Map<number, number[]>();
      r.ts.forEach((t, i) => {
        const w = Math.floor(t / res);
        if (!groups.has(w)) groups.set(w, []);
        groups.get(w)!.push(i);
      });
      const keys = [...groups.keys()].sort((a, b) => a - b);
      assert.equal(d.count.ts.length, keys.length);
      keys.forEach((key, k) => {
        const idx = groups.get(key)!;
        const vals = idx.map((i) => r.vs[i]!);
        assert.equal(d.count.vs[k], vals.length);
        assert.equal(d.sum.vs[k], vals.reduce((a, b) => a + b, 0));
        assert.equal(d.min.vs[k], Math.min(...vals));
        assert.equal(d.max.vs[k], Math.max(...vals));
        const lastT = r.ts[idx[idx.length - 1]!]!;
        assert.ok(d.count.ts[k]! >= lastT && d.count.ts[k]! <= windowEnd(lastT, res), "window stamp outside its window");
      });
    }),
    { numRuns: RUNS },
  );
});

// R(t): the raw counter with resets folded in, at the last raw sample at or before t.
function rawIncreaseAt(r: Raw): (t: number) => number {
  const mono = applyCounterResetsRef(r.ts, r.vs);
  return (t) => {
    let lo = 0;
    let hi = mono.ts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (mono.ts[mid]! <= t) lo = mid;
      else hi = mid - 1;
    }
    return mono.vs[lo]!;
  };
}

test("counter round trip: raw -> 5m -> 1h, read back with resets applied, equals the raw counter", () => {
  fc.assert(
    fc.property(clean, (r) => {
      const R = rawIncreaseAt(r);
      const five = downsampleRaw(r.ts, r.vs, RES_5M);
      const m5 = applyCounterResets(five.counter.ts, five.counter.vs);
      m5.ts.forEach((t, i) => assert.equal(m5.vs[i], R(t), `5m at ${t}`));
      const hour = downsampleAggr(five, RES_1H);
      const m1 = applyCounterResets(hour.counter.ts, hour.counter.vs);
      m1.ts.forEach((t, i) => assert.equal(m1.vs[i], R(t), `1h at ${t}`));
      // Count and sum survive re-aggregation in total.
      const total = (s: AggrSeries) => s.vs.reduce((a, b) => a + b, 0);
      assert.equal(total(hour.count), r.ts.length);
      assert.equal(total(hour.sum), total(five.sum));
    }),
    { numRuns: RUNS },
  );
});
