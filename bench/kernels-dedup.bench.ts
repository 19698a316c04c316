// Merge-dedup: WASM kernels vs the TypeScript reference, same data, same run.
// Data: an HA pair of 15 s scrapers of one counter (offset 4.2 s, ±50 ms jitter, each with
// a few outages), 500k samples per replica; and a Receive-style pair of identical replicas
// for `chain`. Throughput counts INPUT samples (all replicas) per second.
// Run: npm run bench -- dedup   (or: node --import tsx bench/run.ts dedup)
import { bench, do_not_optimize, group, summary } from "mitata";
import { putF64, putU32 } from "../src/kernels/arena-copy.ts";
import { dedupPenalty, mergeChain, type Samples } from "../src/kernels/dedup.ts";
import { dedupPenaltyRef, mergeChainRef } from "../src/kernels/dedup-ref.ts";
import { kernels } from "../src/kernels/instance.ts";
import { seededRandom } from "../src/kernels/selfcheck-data.ts";

const N = 500_000;

function scraper(offset: number, seed: number): Samples {
  const rnd = seededRandom(seed);
  const ts: number[] = [];
  const vs: number[] = [];
  let v = 1000 * seed;
  for (let i = 0; i < N; i++) {
    v += Math.floor(rnd() * 10);
    if (i % 50_000 > 49_900) continue; // an outage of 100 scrapes every 50k
    ts.push(1_700_000_000_000 + i * 15_000 + offset + Math.round((rnd() - 0.5) * 100));
    vs.push(v);
  }
  return { ts: Float64Array.from(ts), vs: Float64Array.from(vs) };
}

const a = scraper(0, 1);
const b = scraper(4200, 2);
const c = scraper(9100, 3);
// Receive replication: both replicas hold the same samples; one lost a stretch.
const same = scraper(0, 4);
const sameCut = { ts: same.ts.slice(0, N / 2), vs: same.vs.slice(0, N / 2) };
const pair = a.ts.length + b.ts.length;
const triple = pair + c.ts.length;
const chainPair = same.ts.length + sameCut.ts.length;

// Kernel-only: replicas already in linear memory, output reserved once.
const k = kernels();
type PenaltyFn = (k: number, desc: number, outTs: number, outVs: number, counter: number, state: number) => number;
type ChainFn = (k: number, desc: number, outTs: number, outVs: number, cursor: number) => number;
const penalty = k.fn<PenaltyFn>("dedupPenalty");
const chain = k.fn<ChainFn>("mergeChain");
function stage(reps: Samples[]): { desc: number; outTs: number; outVs: number; scratch: number } {
  const d: number[] = [];
  let total = 0;
  for (const r of reps) {
    d.push(putF64(k, r.ts), putF64(k, r.vs), r.ts.length);
    total += r.ts.length;
  }
  return { desc: putU32(k, d), outTs: k.reserve(total * 8), outVs: k.reserve(total * 8), scratch: k.reserve(Math.max(reps.length * 48, total * 16)) };
}
const stAB = stage([a, b]);
const stABC = stage([a, b, c]);
const stSame = stage([same, sameCut]);

export const itemsPerIteration: Record<string, number> = {
  "penalty 2 replicas: TS reference": pair,
  "penalty 2 replicas: WASM": pair,
  "penalty 2 replicas: WASM kernel only": pair,
  "penalty 2 replicas counter: TS reference": pair,
  "penalty 2 replicas counter: WASM kernel only": pair,
  "penalty 3 replicas: TS reference": triple,
  "penalty 3 replicas: WASM kernel only": triple,
  "chain 2 identical replicas: TS reference": chainPair,
  "chain 2 identical replicas: WASM": chainPair,
  "chain 2 identical replicas: WASM kernel only": chainPair,
  "chain 3 replicas: TS reference": triple,
  "chain 3 replicas: WASM kernel only": triple,
};

group("penalty dedup, HA pair", () => {
  summary(() => {
    bench("penalty 2 replicas: TS reference", () => do_not_optimize(dedupPenaltyRef([a, b]))).baseline(true);
    bench("penalty 2 replicas: WASM", () => do_not_optimize(dedupPenalty([a, b])));
    bench("penalty 2 replicas: WASM kernel only", () => do_not_optimize(penalty(2, stAB.desc, stAB.outTs, stAB.outVs, 0, stAB.scratch)));
  });
});

group("penalty dedup, HA pair, counter mode", () => {
  summary(() => {
    bench("penalty 2 replicas counter: TS reference", () => do_not_optimize(dedupPenaltyRef([a, b], true))).baseline(true);
    bench("penalty 2 replicas counter: WASM kernel only", () => do_not_optimize(penalty(2, stAB.desc, stAB.outTs, stAB.outVs, 1, stAB.scratch)));
  });
});

group("penalty dedup, 3 replicas", () => {
  summary(() => {
    bench("penalty 3 replicas: TS reference", () => do_not_optimize(dedupPenaltyRef([a, b, c]))).baseline(true);
    bench("penalty 3 replicas: WASM kernel only", () => do_not_optimize(penalty(3, stABC.desc, stABC.outTs, stABC.outVs, 0, stABC.scratch)));
  });
});

group("chain merge, identical replicas", () => {
  summary(() => {
    bench("chain 2 identical replicas: TS reference", () => do_not_optimize(mergeChainRef([same, sameCut]))).baseline(true);
    bench("chain 2 identical replicas: WASM", () => do_not_optimize(mergeChain([same, sameCut])));
    bench("chain 2 identical replicas: WASM kernel only", () => do_not_optimize(chain(2, stSame.desc, stSame.outTs, stSame.outVs, stSame.scratch)));
  });
});

group("chain merge, 3 replicas", () => {
  summary(() => {
    bench("chain 3 replicas: TS reference", () => do_not_optimize(mergeChainRef([a, b, c]))).baseline(true);
    bench("chain 3 replicas: WASM kernel only", () => do_not_optimize(chain(3, stABC.desc, stABC.outTs, stABC.outVs, stABC.scratch)));
  });
});

// Sanity: the kernel-only calls compute what the reference computes.
const check = (name: string, got: number, want: number) => {
  if (got !== want) throw new Error(`bench setup: ${name} gave ${got} samples, reference ${want}`);
};
check("penalty", penalty(2, stAB.desc, stAB.outTs, stAB.outVs, 0, stAB.scratch), dedupPenaltyRef([a, b]).ts.length);
check("penalty3", penalty(3, stABC.desc, stABC.outTs, stABC.outVs, 0, stABC.scratch), dedupPenaltyRef([a, b, c]).ts.length);
check("chain", chain(2, stSame.desc, stSame.outTs, stSame.outVs, stSame.scratch), mergeChainRef([same, sameCut]).ts.length);
