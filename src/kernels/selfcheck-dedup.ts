// Self-check of the merge-dedup kernels: a hand-worked Thanos penalty case (switch across a
// gap, 2x-step penalty, counter offset) must come out exactly, and on replicas built from the
// built-in series (offset copies with outages) the WASM kernels must match the TS reference
// bit for bit, for chain, penalty and counter-mode penalty with 2 and 3 replicas.
import { dedupPenalty, mergeChain, type Samples } from "./dedup.ts";
import { dedupPenaltyRef, mergeChainRef } from "./dedup-ref.ts";
import type { SelfCheck } from "./selfcheck.ts";
import { builtinSeries, seededRandom } from "./selfcheck-data.ts";

function sameBits(a: Samples, b: Samples): boolean {
  if (a.ts.length !== b.ts.length) return false;
  for (let i = 0; i < a.ts.length; i++) if (a.ts[i] !== b.ts[i]) return false;
  const x = new Uint8Array(a.vs.buffer, a.vs.byteOffset, a.vs.byteLength);
  const y = new Uint8Array(b.vs.buffer, b.vs.byteOffset, b.vs.byteLength);
  return x.every((v, i) => v === y[i]);
}

// A replica of `s`: shifted by `shift` ms, with outages of 5-30 scrapes at random.
function replicaOf(s: Samples, shift: number, seed: number): Samples {
  const rnd = seededRandom(seed);
  const ts: number[] = [];
  const vs: number[] = [];
  for (let i = 0; i < s.ts.length; i++) {
    if (rnd() < 0.01) i += 5 + Math.floor(rnd() * 25);
    if (i >= s.ts.length) break;
    ts.push(s.ts[i]! + shift);
    vs.push(s.vs[i]!);
  }
  return { ts: Float64Array.from(ts), vs: Float64Array.from(vs) };
}

export const dedupSelfCheck: SelfCheck = {
  name: "dedup",
  run() {
    const a = { ts: Float64Array.from([0, 15000, 30000]), vs: Float64Array.from([10, 20, 30]) };
    const b = { ts: Float64Array.from([5000, 20000, 35000, 50000, 65000, 80000]), vs: Float64Array.from([1, 2, 3, 4, 5, 6]) };
    // Thanos's example (switch at 65 s), with B lined up at its value at 30 s, interpolated
    // between 2 (20 s) and 3 (35 s).
    const off = 30 - (2 + (3 - 2) * ((30000 - 20000) / (35000 - 20000)));
    const want = { ts: Float64Array.from([0, 15000, 30000, 65000, 80000]), vs: Float64Array.from([10, 20, 30, 5 + off, 6 + off]) };
    if (!sameBits(dedupPenalty([a, b], { counter: true }), want)) return "wasm penalty dedup differs from the worked example";
    if (!sameBits(dedupPenaltyRef([a, b], true), want)) return "reference penalty dedup differs from the worked example";

    let cases = 0;
    let samples = 0;
    const series = builtinSeries(12, 800, 0xdd0);
    for (const [i, s] of series.entries()) {
      const reps = [replicaOf(s, 0, i * 3 + 1), replicaOf(s, 3700, i * 3 + 2), replicaOf(s, 9100, i * 3 + 3)];
      for (const k of [2, 3]) {
        const use = reps.slice(0, k);
        samples += use.reduce((n, r) => n + r.ts.length, 0);
        if (!sameBits(mergeChain(use), mergeChainRef(use))) return `series ${i}, ${k} replicas: chain differs`;
        if (!sameBits(dedupPenalty(use), dedupPenaltyRef(use))) return `series ${i}, ${k} replicas: penalty differs`;
        // Counter mode: offsets are sums; compare as numbers (NaN equal to NaN).
        const w = dedupPenalty(use, { counter: true });
        const r = dedupPenaltyRef(use, true);
        if (w.ts.length !== r.ts.length || w.ts.some((t, j) => t !== r.ts[j] || !Object.is(w.vs[j], r.vs[j]))) {
          return `series ${i}, ${k} replicas: counter-mode penalty differs`;
        }
        cases += 3;
      }
    }
    return { detail: `worked example + ${cases} merges over ${samples} replica samples identical to the reference` };
  },
};
