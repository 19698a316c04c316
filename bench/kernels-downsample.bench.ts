// Downsampling: WASM kernels vs the TypeScript reference, same data, same run.
// Data: one series of 1M raw samples, 15 s scrape with ±50 ms jitter, a counter with a reset
// every ~100k samples and a stale marker every 200k (a week and a half of one series, or
// the raw samples of ~400 series' 2h blocks). Throughput counts INPUT samples per second:
// raw samples for raw -> 5m/1h; for 5m -> 1h the input aggregate samples (count + sum + min +
// max + counter series, i.e. ~5 per 5m window); counter samples for applyCounterResets.
// Run: npm run bench -- downsample   (or: node --import tsx bench/run.ts downsample)
import { bench, do_not_optimize, group, summary } from "mitata";
import { putF64, putI32, putU32 } from "../src/kernels/arena-copy.ts";
import { applyCounterResets, downsampleAggr, downsampleRaw, RES_1H, RES_5M } from "../src/kernels/downsample.ts";
import { AGGREGATES, applyCounterResetsRef, downsampleAggrRef, downsampleRawRef, STALE_NAN } from "../src/kernels/downsample-ref.ts";
import { kernels } from "../src/kernels/instance.ts";
import { seededRandom } from "../src/kernels/selfcheck-data.ts";

const N = 1_000_000;
const rnd = seededRandom(7);
const ts = new Float64Array(N);
const vs = new Float64Array(N);
let v = 0;
for (let i = 0; i < N; i++) {
  ts[i] = 1_700_000_000_000 + i * 15_000 + Math.round((rnd() - 0.5) * 100);
  v = i % 100_000 === 99_999 ? 0 : v + Math.floor(rnd() * 100);
  vs[i] = i % 200_000 === 150_000 ? STALE_NAN : v;
}
const five = downsampleRaw(ts, vs, RES_5M);
const counter5m = five.counter.ts.length;
const aggr5m = AGGREGATES.reduce((n, a) => n + five[a].ts.length, 0);

// Kernel-only raw: the series already in linear memory, outputs reserved once. The kernel
// sanitises its input in place, so this copy has no stale marker (nothing to compact) and
// stays valid across iterations.
const k = kernels();
type RawFn = (ts: number, vs: number, n: number, resolution: number, out: number) => number;
const rawKernel = k.fn<RawFn>("downsampleRaw");
const cleanVs = vs.map((x) => (Number.isNaN(x) ? 0 : x));
const inTs = putF64(k, ts);
const inVs = putF64(k, cleanVs);
const outs = [N, N, N, N, N, 3 * N, 3 * N].map((n) => k.reserve(n * 8));
const rawDesc = putU32(k, [...outs, k.reserve(N * 4), k.reserve(N * 4), k.reserve(12)]);

// Kernel-only 5m -> 1h: the 5m aggregate series staged once (the kernel does not modify them).
type AggrFn = (desc: number, inChunks: number, mint: number, maxt: number, inRes: number, outRes: number) => number;
const aggrKernel = k.fn<AggrFn>("downsampleAggr");
const aggrTable: number[] = [];
let longest = 0;
for (const a of AGGREGATES) {
  aggrTable.push(putF64(k, five[a].ts), putF64(k, five[a].vs), putI32(k, five[a].chunkEnds));
  longest = Math.max(longest, five[a].ts.length);
}
for (const a of AGGREGATES) {
  const cap = five[a].ts.length + 2 * five.chunks;
  aggrTable.push(k.reserve(cap * 8), k.reserve(cap * 8), k.reserve(five.chunks * 4));
}
aggrTable.push(k.reserve(24), k.reserve(longest * 8), k.reserve(longest * 8));
const aggrDesc = putU32(k, aggrTable);
const mint = five.count.ts[0]!;
const maxt = five.count.ts[five.count.ts.length - 1]!;

export const itemsPerIteration: Record<string, number> = {
  "raw -> 5m: TS reference": N,
  "raw -> 5m: WASM": N,
  "raw -> 5m: WASM kernel only": N,
  "raw -> 1h: TS reference": N,
  "raw -> 1h: WASM": N,
  "5m -> 1h: TS reference": aggr5m,
  "5m -> 1h: WASM": aggr5m,
  "5m -> 1h: WASM kernel only": aggr5m,
  "applyCounterResets 5m: TS reference": counter5m,
  "applyCounterResets 5m: WASM": counter5m,
};

group("downsample raw -> 5m, 1M samples", () => {
  summary(() => {
    bench("raw -> 5m: TS reference", () => do_not_optimize(downsampleRawRef(ts, vs, RES_5M))).baseline(true);
    bench("raw -> 5m: WASM", () => do_not_optimize(downsampleRaw(ts, vs, RES_5M)));
    bench("raw -> 5m: WASM kernel only", () => do_not_optimize(rawKernel(inTs, inVs, N, RES_5M, rawDesc)));
  });
});

group("downsample raw -> 1h, 1M samples", () => {
  summary(() => {
    bench("raw -> 1h: TS reference", () => do_not_optimize(downsampleRawRef(ts, vs, RES_1H))).baseline(true);
    bench("raw -> 1h: WASM", () => do_not_optimize(downsampleRaw(ts, vs, RES_1H)));
  });
});

group(`downsample 5m -> 1h, ${five.count.ts.length} windows / ${aggr5m} aggregate samples`, () => {
  summary(() => {
    bench("5m -> 1h: TS reference", () => do_not_optimize(downsampleAggrRef(five, RES_1H))).baseline(true);
    bench("5m -> 1h: WASM", () => do_not_optimize(downsampleAggr(five, RES_1H)));
    bench("5m -> 1h: WASM kernel only", () => do_not_optimize(aggrKernel(aggrDesc, five.chunks, mint, maxt, RES_5M, RES_1H)));
  });
});

group(`applyCounterResets, ${counter5m} 5m counter samples`, () => {
  summary(() => {
    bench("applyCounterResets 5m: TS reference", () => do_not_optimize(applyCounterResetsRef(five.counter.ts, five.counter.vs))).baseline(true);
    bench("applyCounterResets 5m: WASM", () => do_not_optimize(applyCounterResets(five.counter.ts, five.counter.vs)));
  });
});

// Sanity: the kernel-only call produces what the wrapper produces on the clean series.
const chunks = rawKernel(inTs, inVs, N, RES_5M, rawDesc);
if (chunks !== downsampleRaw(ts, cleanVs, RES_5M).chunks) throw new Error("bench setup: kernel-only raw downsample disagrees");
if (aggrKernel(aggrDesc, five.chunks, mint, maxt, RES_5M, RES_1H) !== downsampleAggr(five, RES_1H).chunks) {
  throw new Error("bench setup: kernel-only 5m -> 1h disagrees");
}
