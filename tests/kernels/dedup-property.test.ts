// Property tests: the WASM merge-dedup kernels equal the TS reference on random replicas
// (sorted, duplicated, unsorted, NaN/±Inf/stale values), plus semantic properties that do
// not depend on either implementation.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { dedupPenalty, mergeChain, type Samples } from "../../src/kernels/dedup.ts";
import { dedupPenaltyRef, mergeChainRef } from "../../src/kernels/dedup-ref.ts";
import { STALE_NAN } from "../../src/kernels/downsample-ref.ts";

const RUNS = 300;

const value = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: -40, max: 40 }).map((x) => x / 4) },
  { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity, -0, STALE_NAN) },
);

// Replica samples: mostly sorted with repeats and gaps; sometimes left unsorted.
const replica = fc
  .record({
    // A coarse grid (whole seconds) makes ties between replicas common.
    steps: fc.array(
      fc.oneof(
        { weight: 6, arbitrary: fc.integer({ min: 1, max: 20 }).map((x) => x * 1000) },
        { weight: 2, arbitrary: fc.integer({ min: 1, max: 20000 }) },
        { weight: 1, arbitrary: fc.constant(0) },
        { weight: 1, arbitrary: fc.integer({ min: 20001, max: 200000 }) },
      ),
      { maxLength: 60 },
    ),
    start: fc.integer({ min: 0, max: 30 }).map((x) => x * 1000),
    shuffle: fc.boolean(),
    shuffleOdds: fc.integer({ min: 0, max: 9 }),
  })
  .chain(({ steps, start, shuffle, shuffleOdds }) => {
    const ts: number[] = [];
    let t = start;
    for (const d of steps) ts.push((t += d));
    if (shuffle && shuffleOdds === 0 && ts.length > 1) ts.reverse();
    return fc.array(value, { minLength: ts.length, maxLength: ts.length }).map((vs) => ({ ts: Float64Array.from(ts), vs: Float64Array.from(vs) }));
  });

// Values as bit patterns, so NaN payloads must match exactly.
function bits(x: Samples): { ts: number[]; vs: string } {
  return { ts: Array.from(x.ts), vs: Buffer.from(x.vs.buffer, x.vs.byteOffset, x.vs.byteLength).toString("hex") };
}
// Counter mode adds offsets (v + 0 can requiet a NaN); compare NaN as NaN there.
function loose(x: Samples): { ts: number[]; vs: (number | string)[] } {
  return { ts: Array.from(x.ts), vs: Array.from(x.vs, (v) => (Number.isNaN(v) ? "NaN" : Object.is(v, -0) ? "-0" : v)) };
}

test("chain: wasm equals reference", () => {
  fc.assert(
    fc.property(fc.array(replica, { minLength: 1, maxLength: 5 }), (reps) => {
      assert.deepEqual(bits(mergeChain(reps)), bits(mergeChainRef(reps)));
    }),
    { numRuns: RUNS },
  );
});

test("chain: output is the strictly increasing union of sorted inputs, first input wins", () => {
  const sorted = replica.map((r) => {
    const ts = Array.from(new Set(Array.from(r.ts))).sort((a, b) => a - b);
    return { ts: Float64Array.from(ts), vs: Float64Array.from(ts, (t) => t / 1000) };
  });
  fc.assert(
    fc.property(fc.array(fc.tuple(sorted, fc.integer({ min: 0, max: 9 })), { minLength: 1, maxLength: 4 }), (items) => {
      // Tag each input's values so the winner is visible.
      const reps = items.map(([r], i) => ({ ts: r.ts, vs: Float64Array.from(r.ts, () => i) }));
      const out = mergeChain(reps);
      const want = new Map<number, number>();
      reps.forEach((r, i) => r.ts.forEach((t) => (want.has(t) ? undefined : want.set(t, i))));
      const keys = [...want.keys()].sort((a, b) => a - b);
      assert.deepEqual(Array.from(out.ts), keys);
      assert.deepEqual(Array.from(out.vs), keys.map((t) => want.get(t)));
    }),
    { numRuns: RUNS },
  );
});

test("penalty: wasm equals reference, plain and counter mode, 1..5 replicas", () => {
  fc.assert(
    fc.property(fc.array(replica, { minLength: 1, maxLength: 5 }), fc.boolean(), (reps, counter) => {
      const w = dedupPenalty(reps, { counter });
      const r = dedupPenaltyRef(reps, counter);
      if (counter) assert.deepEqual(loose(w), loose(r));
      else assert.deepEqual(bits(w), bits(r));
    }),
    { numRuns: RUNS * 2 },
  );
});

// Two scrapers of the same target, 15 s interval, offsets within 5 s of each other, each with
// outages that never overlap the other's (and start/end with both present).
const SCRAPE = 15000;
const haPair = fc
  .record({
    slots: fc.integer({ min: 12, max: 200 }),
    offA: fc.integer({ min: 0, max: 4999 }),
    offB: fc.integer({ min: 0, max: 4999 }),
    gaps: fc.array(fc.record({ len: fc.integer({ min: 1, max: 10 }), after: fc.integer({ min: 4, max: 15 }), onA: fc.boolean() }), { maxLength: 12 }),
  })
  .map(({ slots, offA, offB, gaps }) => {
    const missingA = new Set<number>();
    const missingB = new Set<number>();
    let slot = 2;
    for (const g of gaps) {
      slot += g.after;
      if (slot + g.len + 4 > slots) break;
      for (let i = 0; i < g.len; i++) (g.onA ? missingA : missingB).add(slot + i);
      slot += g.len;
    }
    const make = (off: number, missing: Set<number>, base: number): Samples => {
      const ts: number[] = [];
      const vs: number[] = [];
      for (let i = 0; i < slots; i++) {
        if (missing.has(i)) continue;
        ts.push(i * SCRAPE + off);
        vs.push(base + i); // counters, B behind A by its base
      }
      return { ts: Float64Array.from(ts), vs: Float64Array.from(vs) };
    };
    return { slots, a: make(offA, missingA, 100), b: make(offB, missingB, 0) };
  });

test("penalty on an HA pair with outages: no doubled samples, no long gap, monotonic counters", () => {
  fc.assert(
    fc.property(haPair, ({ slots, a, b }) => {
      for (const counter of [false, true]) {
        const out = dedupPenalty([a, b], { counter });
        assert.deepEqual(loose(out), loose(dedupPenaltyRef([a, b], counter)));
        assert.ok(out.ts.length <= slots, "more samples than scrape slots: replicas interleaved");
        for (let i = 1; i < out.ts.length; i++) {
          const d = out.ts[i]! - out.ts[i - 1]!;
          assert.ok(d >= SCRAPE - 5000, `doubled sample: step ${d} at ${out.ts[i]}`);
          assert.ok(d <= 3 * SCRAPE + 5000, `gap ${d} at ${out.ts[i]}, though one replica had data`);
        }
        assert.ok(out.ts[0]! < 5000 && out.ts[out.ts.length - 1]! >= (slots - 1) * SCRAPE, "covers the whole range");
        if (counter) {
          for (let i = 1; i < out.vs.length; i++) assert.ok(out.vs[i]! >= out.vs[i - 1]!, `counter went down at ${out.ts[i]}`);
        }
      }
    }),
    { numRuns: RUNS },
  );
});

test("penalty counter mode: non-decreasing replicas give a non-decreasing result (3 replicas)", () => {
  const mono = replica.map((r) => {
    const ts = Array.from(new Set(Array.from(r.ts))).sort((x, y) => x - y);
    let v = 0;
    return { ts: Float64Array.from(ts), vs: Float64Array.from(ts, (t) => (v += (t % 7) + (t % 3 === 0 ? 0 : 1))) };
  });
  fc.assert(
    fc.property(fc.array(mono, { minLength: 2, maxLength: 4 }), (reps) => {
      const out = dedupPenalty(reps, { counter: true });
      for (let i = 1; i < out.vs.length; i++) assert.ok(out.vs[i]! >= out.vs[i - 1]!);
      for (let i = 1; i < out.ts.length; i++) assert.ok(out.ts[i]! > out.ts[i - 1]!);
    }),
    { numRuns: RUNS },
  );
});
