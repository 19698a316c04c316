// Self-check of the downsampling kernels: a hand-worked raw -> 5m case (windows, clipped last
// window, counter with reset and the first/last raw values) must come out exactly, and the
// built-in series downsampled raw -> 5m -> 1h (and read back through applyCounterResets)
// must match the TS reference exactly.
import { applyCounterResets, downsampleAggr, downsampleRaw, RES_1H, RES_5M } from "./downsample.ts";
import { AGGREGATES, applyCounterResetsRef, type DownsampledSeries, downsampleAggrRef, downsampleRawRef } from "./downsample-ref.ts";
import type { SelfCheck } from "./selfcheck.ts";
import { builtinSeries } from "./selfcheck-data.ts";

const same = (a: ArrayLike<number>, b: ArrayLike<number>) => a.length === b.length && Array.from(a).every((x, i) => Object.is(x, b[i]));

function differs(a: DownsampledSeries, b: DownsampledSeries): string | undefined {
  if (a.chunks !== b.chunks) return `chunk count ${a.chunks} vs ${b.chunks}`;
  for (const name of AGGREGATES) {
    const x = a[name];
    const y = b[name];
    if (!same(x.ts, y.ts) || !same(x.vs, y.vs) || !same(x.chunkEnds, y.chunkEnds)) return `${name} differs`;
  }
  return undefined;
}

export const downsampleSelfCheck: SelfCheck = {
  name: "downsample",
  run() {
    const ts = Float64Array.from([0, 60000, 120000, 300000, 360000, 659999]);
    const vs = Float64Array.from([1, 2, 3, 1, 5, 6]);
    for (const [impl, d] of [["wasm", downsampleRaw(ts, vs, RES_5M)], ["reference", downsampleRawRef(ts, vs, RES_5M)]] as const) {
      const ok =
        same(d.count.ts, [299999, 599999, 659999]) &&
        same(d.count.vs, [3, 2, 1]) &&
        same(d.min.vs, [1, 1, 6]) &&
        same(d.max.vs, [3, 5, 6]) &&
        same(d.sum.vs, [6, 6, 6]) &&
        same(d.counter.ts, [0, 299999, 599999, 659999, 659999]) &&
        same(d.counter.vs, [1, 3, 8, 9, 6]);
      if (!ok) return `${impl} raw downsampling differs from the worked example`;
    }
    let samples = 0;
    for (const [i, s] of builtinSeries(16, 3000, 0xd05).entries()) {
      samples += s.ts.length;
      const five = downsampleRaw(s.ts, s.vs, RES_5M);
      const bad5 = differs(five, downsampleRawRef(s.ts, s.vs, RES_5M));
      if (bad5) return `series ${i} raw -> 5m: ${bad5}`;
      const hour = downsampleAggr(five, RES_1H);
      const bad1 = differs(hour, downsampleAggrRef(five, RES_1H));
      if (bad1) return `series ${i} 5m -> 1h: ${bad1}`;
      const w = applyCounterResets(hour.counter.ts, hour.counter.vs);
      const r = applyCounterResetsRef(hour.counter.ts, hour.counter.vs);
      if (!same(w.ts, r.ts) || !same(w.vs, r.vs)) return `series ${i}: applyCounterResets differs`;
    }
    return { detail: `worked example + ${samples} raw samples downsampled to 5m and 1h identically` };
  },
};
