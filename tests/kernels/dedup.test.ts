// Hand-computed merge-dedup cases (worked out from the Thanos/Prometheus rules in
// thanos-facts §4, not from the implementation), each checked on the WASM kernel and the TS
// reference.
import assert from "node:assert/strict";
import { test } from "node:test";
import { dedupPenalty, mergeChain, overlapSplit, type Samples } from "../../src/kernels/dedup.ts";
import { dedupPenaltyRef, mergeChainRef } from "../../src/kernels/dedup-ref.ts";

const s = (ts: number[], vs: number[]): Samples => ({ ts: Float64Array.from(ts), vs: Float64Array.from(vs) });
const plain = (x: Samples) => ({ ts: Array.from(x.ts), vs: Array.from(x.vs) });

function both(name: string, wasm: () => Samples, ref: () => Samples, want: { ts: number[]; vs: number[] }): void {
  assert.deepEqual(plain(wasm()), want, `${name} (wasm)`);
  assert.deepEqual(plain(ref()), want, `${name} (ref)`);
}

test("chain: k-way merge, equal timestamps collapse to the first input", () => {
  const a = s([1, 3, 5], [10, 30, 50]);
  const b = s([2, 3, 6], [20, 31, 60]);
  both("2 inputs", () => mergeChain([a, b]), () => mergeChainRef([a, b]), { ts: [1, 2, 3, 5, 6], vs: [10, 20, 30, 50, 60] });
  both("order matters for ties", () => mergeChain([b, a]), () => mergeChainRef([b, a]), { ts: [1, 2, 3, 5, 6], vs: [10, 20, 31, 50, 60] });
  const c = s([0, 3, 7, 7], [1, 32, 70, 71]);
  const empty = s([], []);
  both("3 inputs + empty, duplicates inside one input", () => mergeChain([a, empty, b, c]), () => mergeChainRef([a, empty, b, c]), {
    ts: [0, 1, 2, 3, 5, 6, 7],
    vs: [1, 10, 20, 30, 50, 60, 70],
  });
  both("one input drops its own duplicates", () => mergeChain([s([1, 1, 2], [5, 6, 7])]), () => mergeChainRef([s([1, 1, 2], [5, 6, 7])]), {
    ts: [1, 2],
    vs: [5, 7],
  });
  both("nothing", () => mergeChain([empty, empty]), () => mergeChainRef([empty, empty]), { ts: [], vs: [] });
});

test("penalty: stays on replica A, initial 5 s penalty on the other", () => {
  // A every 15 s from 0, B every 15 s from 5 s: A (t=0) first, B pays 5000 then 2x15 s.
  const a = s([0, 15000, 30000, 45000], [1, 2, 3, 4]);
  const b = s([5000, 20000, 35000, 50000], [10, 20, 30, 40]);
  both("no gaps", () => dedupPenalty([a, b]), () => dedupPenaltyRef([a, b]), { ts: [0, 15000, 30000, 45000], vs: [1, 2, 3, 4] });
  // B earlier: B is chosen and A pays the penalty from then on.
  const late = s([20000, 35000, 50000], [1, 2, 3]);
  const early = s([0, 15000, 30000, 45000, 60000], [10, 20, 30, 40, 50]);
  both("B first", () => dedupPenalty([late, early]), () => dedupPenaltyRef([late, early]), {
    ts: [0, 15000, 30000, 45000, 60000],
    vs: [10, 20, 30, 40, 50],
  });
});

test("penalty: switches across a gap and pays 2x the step back", () => {
  // A: 0,15,30 | gap | 120,135 ; B: 5,20,...,140 (s). Worked by hand:
  //  0 A (penB 5000) -> 15 A (B seeks 5001 -> 20; 15 < 20) penB=30000 -> 30 A (B seeks 45001
  //  -> 50) -> A seeks 30001 -> 120, B seeks 60001 -> 65: B wins, penA = 2*(65-30) = 70 s
  //  -> A seeks 135001: exhausted -> rest of B from 80.
  const a = s([0, 15000, 30000, 120000, 135000], [1, 2, 3, 12, 13]);
  const b = s([5000, 20000, 35000, 50000, 65000, 80000, 95000, 110000, 125000, 140000], [0.5, 2, 3.5, 5, 6.5, 8, 9.5, 11, 12.5, 14]);
  both("gap", () => dedupPenalty([a, b]), () => dedupPenaltyRef([a, b]), {
    ts: [0, 15000, 30000, 65000, 80000, 95000, 110000, 125000, 140000],
    vs: [1, 2, 3, 6.5, 8, 9.5, 11, 12.5, 14],
  });
});

test("penalty counter mode: no fake reset when switching to a replica that is behind", () => {
  const a = s([0, 15000, 30000], [10, 20, 30]);
  const b = s([5000, 20000, 35000, 50000, 65000, 80000], [1, 2, 3, 4, 5, 6]);
  both("plain", () => dedupPenalty([a, b]), () => dedupPenaltyRef([a, b]), { ts: [0, 15000, 30000, 65000, 80000], vs: [10, 20, 30, 5, 6] });
  // Switch at 65 s: last emitted 30 at 30 s. B's value at 30 s, interpolated between 2 (20 s)
  // and 3 (35 s), is 2.67, so B carries 30 - 2.67 and keeps its own increase across the
  // switch (5 - 2.67). (Thanos lifts B's 5 to 30, losing that increase: 30, 31.)
  const off = 30 - (2 + (3 - 2) * ((30000 - 20000) / (35000 - 20000)));
  both("counter", () => dedupPenalty([a, b], { counter: true }), () => dedupPenaltyRef([a, b], true), {
    ts: [0, 15000, 30000, 65000, 80000],
    vs: [10, 20, 30, 5 + off, 6 + off],
  });
});

test("penalty with three replicas merges pairwise (A,B) then C", () => {
  const a = s([0, 15000, 30000], [1, 2, 3]);
  const b = s([5000, 20000, 35000, 50000, 65000, 80000, 95000], [10, 20, 30, 40, 50, 60, 70]);
  const c = s([1000, 2000, 200000], [7, 8, 9]);
  // (A,B) yields 0,15,30, then B from 65 s (penalty 2x35 s skips 50): 65,80,95. Against C:
  // 0 beats C's 1000 (C pays 5 s, skipping 1000 and 2000); C's 200000 stays after 95000's
  // penalty window (2x15 s), so it comes last.
  both("three", () => dedupPenalty([a, b, c]), () => dedupPenaltyRef([a, b, c]), {
    ts: [0, 15000, 30000, 65000, 80000, 95000, 200000],
    vs: [1, 2, 3, 50, 60, 70, 9],
  });
});

test("penalty with one replica passes it through unchanged (Thanos returns a lone replica)", () => {
  const a = s([5, 1, 1, 9], [1, 2, 3, 4]);
  both("one", () => dedupPenalty([a]), () => dedupPenaltyRef([a]), { ts: [5, 1, 1, 9], vs: [1, 2, 3, 4] });
});

test("stale markers and NaN payloads survive merge bit for bit", () => {
  const vs = new Float64Array(2);
  const words = new Uint32Array(vs.buffer);
  words[0] = 2;
  words[1] = 0x7ff00000; // stale marker
  vs[1] = -Infinity;
  const a = { ts: Float64Array.from([1000, 2000]), vs };
  const out = mergeChain([a, s([1500], [NaN])]);
  const w = new Uint32Array(out.vs.buffer);
  assert.deepEqual([w[0], w[1]], [2, 0x7ff00000]);
  assert.ok(Number.isNaN(out.vs[1]!));
  assert.equal(out.vs[2], -Infinity);
  const p = dedupPenalty([a, s([], [])]);
  assert.deepEqual(Array.from(new Uint32Array(p.vs.buffer).subarray(0, 2)), [2, 0x7ff00000]);
});

test("overlap split puts overlapping chunks into separate fake replicas", () => {
  // [0,10] [5,15] [11,20] [16,30] [40,50]
  const groups = overlapSplit([0, 5, 11, 16, 40], [10, 15, 20, 30, 50]);
  assert.deepEqual(Array.from(groups), [0, 1, 0, 1, 0]);
  // Touching chunks (MaxTime == next MinTime) overlap.
  assert.deepEqual(Array.from(overlapSplit([0, 10], [10, 20])), [0, 1]);
  assert.deepEqual(Array.from(overlapSplit([], [])), []);
});
