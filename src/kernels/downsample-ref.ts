// Reference downsampling in plain TypeScript (Thanos pkg/compact/downsample, thanos-facts §5):
// the yardstick for assembly/downsample.ts and the readable statement of the semantics.
//
// A downsampled series is five aggregate series (count, sum, min, max, counter), each cut
// into the same number of chunks; `chunkEnds[c]` is the end index of chunk c's samples
// (an aggregate absent from a chunk has an empty range). Counter chunks follow Thanos's
// convention: first sample = first raw value at its raw timestamp, then one running-counter
// sample per window, then the last raw value again at the last window's timestamp.

export const RES_RAW = 0;
export const RES_5M = 300_000;
export const RES_1H = 3_600_000;

export interface AggrSeries {
  ts: Float64Array;
  vs: Float64Array;
  chunkEnds: Int32Array;
}

export interface DownsampledSeries {
  resolution: number;
  chunks: number;
  count: AggrSeries;
  sum: AggrSeries;
  min: AggrSeries;
  max: AggrSeries;
  counter: AggrSeries;
}

export const AGGREGATES = ["count", "sum", "min", "max", "counter"] as const;
export type AggregateName = (typeof AGGREGATES)[number];

const RAW_STEP_GUESS = 60_000;
const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);

// The stale marker is one NaN bit pattern; read the bits from the array itself (a
// little-endian (lo, hi) word pair per value in `words`).
function isStale(words: Uint32Array, i: number): boolean {
  return words[2 * i] === 2 && words[2 * i + 1] === 0x7ff00000;
}
export function isStaleAt(vs: Float64Array, i: number): boolean {
  return isStale(new Uint32Array(vs.buffer, vs.byteOffset, vs.length * 2), i);
}
export const STALE_NAN: number = (() => {
  U32[0] = 2;
  U32[1] = 0x7ff00000;
  return F64[0]!;
})();

export function windowEnd(t: number, r: number): number {
  return t - (t % r) + r - 1;
}

function idiv(a: number, b: number): number {
  return (a - (a % b)) / b;
}

// Thanos targetChunkCount: chunks so that each holds <= 140 expected output samples. Its Go
// loop `for x = 1; e/x > 140; x++` ends at x = e/141 + 1; clamped to [1, cap] (cap = items
// being cut; beyond it the batch size no longer changes) so absurd spans stay cheap.
export function targetChunkCount(mint: number, maxt: number, inRes: number, outRes: number, count: number, cap: number): number {
  const span = maxt - mint;
  const maxSamples = idiv(span, outRes);
  let fullness = count / (span / inRes);
  if (fullness > 1) fullness = 1;
  const product = maxSamples * fullness;
  const expected = Number.isNaN(product) ? 1 : Math.trunc(product) + 1;
  const x = Math.trunc(expected / 141) + 1;
  return Math.max(1, Math.min(x, cap));
}

// Thanos expandChunkIterator: drop stale markers and samples going back in time (from 0).
function expand(ts: Float64Array, vs: Float64Array, from: number, to: number, outT: number[], outV: number[]): void {
  const words = new Uint32Array(vs.buffer, vs.byteOffset, vs.length * 2);
  let lastT = 0;
  for (let i = from; i < to; i++) {
    const t = ts[i]!;
    if (isStale(words, i) || !(t >= lastT)) continue;
    outT.push(t);
    outV.push(vs[i]!);
    lastT = t;
  }
}

class Aggregator {
  total = 0;
  count = 0;
  sum = 0;
  min = 0;
  max = 0;
  counter = 0;
  last = 0;
  resetWindow(): void {
    this.count = 0;
    this.sum = 0;
    this.min = Number.MAX_VALUE;
    this.max = -Number.MAX_VALUE;
  }
  add(v: number): void {
    if (this.total > 0) this.counter += v < this.last ? v : v - this.last;
    else this.counter = v;
    this.last = v;
    this.sum += v;
    this.count++;
    this.total++;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
  }
}

// Thanos downsampleBatch: windows over a batch, the last window clipped to the batch's
// last timestamp. Calls emit(windowEnd, aggregator) per window; returns the last end.
function windows(ts: readonly number[], vs: readonly number[], res: number, emit: (t: number, a: Aggregator) => void): number {
  const a = new Aggregator();
  const lastT = ts[ts.length - 1]!;
  let nextT = -1;
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i]!;
    if (t > nextT) {
      if (nextT !== -1) emit(nextT, a);
      a.resetWindow();
      nextT = Math.min(windowEnd(t, res), lastT);
    }
    a.add(vs[i]!);
  }
  emit(nextT, a);
  return nextT;
}

class SeriesBuilder {
  ts: number[] = [];
  vs: number[] = [];
  ends: number[] = [];
  put(t: number, v: number): void {
    this.ts.push(t);
    this.vs.push(v);
  }
  endChunk(): void {
    this.ends.push(this.ts.length);
  }
  build(): AggrSeries {
    return { ts: Float64Array.from(this.ts), vs: Float64Array.from(this.vs), chunkEnds: Int32Array.from(this.ends) };
  }
}

export function downsampleRawRef(ts: Float64Array, vs: Float64Array, resolution: number): DownsampledSeries {
  const st: number[] = [];
  const sv: number[] = [];
  expand(ts, vs, 0, ts.length, st, sv);
  const b = { count: new SeriesBuilder(), sum: new SeriesBuilder(), min: new SeriesBuilder(), max: new SeriesBuilder(), counter: new SeriesBuilder() };
  let chunks = 0;
  const m = st.length;
  if (m > 0) {
    const batchSize = Math.trunc(m / targetChunkCount(st[0]!, st[m - 1]!, RAW_STEP_GUESS, resolution, m, m)) + 1;
    let pos = 0;
    while (pos < m) {
      let end = pos + Math.min(batchSize, m - pos);
      const curW = windowEnd(st[end - 1]!, resolution);
      while (end < m && st[end]! <= curW) end++;
      const bt: number[] = [];
      const bv: number[] = [];
      for (let i = pos; i < end; i++) {
        if (Number.isNaN(sv[i]!)) continue;
        bt.push(st[i]!);
        bv.push(sv[i]!);
      }
      pos = end;
      if (bt.length === 0) continue;
      b.counter.put(bt[0]!, bv[0]!);
      const lastWin = windows(bt, bv, resolution, (t, a) => {
        b.count.put(t, a.count);
        b.sum.put(t, a.sum);
        b.min.put(t, a.min);
        b.max.put(t, a.max);
        b.counter.put(t, a.counter);
      });
      b.counter.put(lastWin, bv[bv.length - 1]!);
      for (const x of Object.values(b)) x.endChunk();
      chunks++;
    }
  }
  return {
    resolution,
    chunks,
    count: b.count.build(),
    sum: b.sum.build(),
    min: b.min.build(),
    max: b.max.build(),
    counter: b.counter.build(),
  };
}

// Thanos ApplyCounterResetsSeriesIterator over concatenated counter chunks: a monotonic
// series; a repeated timestamp is a chunk's last-raw-value sentinel, not a sample.
export function applyCounterResetsRef(ts: Float64Array, vs: Float64Array, from = 0, to = ts.length): { ts: Float64Array; vs: Float64Array; lastRaw: number } {
  const outT: number[] = [];
  const outV: number[] = [];
  let started = false;
  let lastT = 0;
  let lastV = 0;
  let total = 0;
  for (let i = from; i < to; i++) {
    const v = vs[i]!;
    if (Number.isNaN(v)) continue;
    const t = ts[i]!;
    if (!started) {
      started = true;
      total = v;
    } else if (t > lastT) {
      total += v >= lastV ? v - lastV : v;
    } else {
      if (t === lastT) lastV = v;
      continue;
    }
    lastT = t;
    lastV = v;
    outT.push(t);
    outV.push(total);
  }
  return { ts: Float64Array.from(outT), vs: Float64Array.from(outV), lastRaw: lastV };
}

export interface AggrOptions {
  // MinTime of the first input chunk and MaxTime of the last (from the block index); by
  // default the first and last count timestamps, which is what Thanos records for them.
  mint?: number;
  maxt?: number;
}

export function defaultAggrSpan(input: DownsampledSeries): { mint: number; maxt: number } {
  const c = input.count.ts;
  return { mint: c.length ? c[0]! : 0, maxt: c.length ? c[c.length - 1]! : 0 };
}

function chunkRange(s: AggrSeries, c: number): [number, number] {
  return [c === 0 ? 0 : s.chunkEnds[c - 1]!, s.chunkEnds[c]!];
}

export function downsampleAggrRef(input: DownsampledSeries, resolution: number, opts: AggrOptions = {}): DownsampledSeries {
  const span = defaultAggrSpan(input);
  const mint = opts.mint ?? span.mint;
  const maxt = opts.maxt ?? span.maxt;
  const b = { count: new SeriesBuilder(), sum: new SeriesBuilder(), min: new SeriesBuilder(), max: new SeriesBuilder(), counter: new SeriesBuilder() };
  const inChunks = input.chunks;
  let outChunks = 0;
  if (inChunks > 0) {
    const numSamples = input.count.chunkEnds[inChunks - 1]!;
    const numChunks = targetChunkCount(mint, maxt, input.resolution, resolution, numSamples, inChunks);
    // Thanos divides without a floor (0 would loop forever there); floor at 1.
    const batchSize = Math.max(1, Math.trunc(inChunks / numChunks));
    for (let c = 0; c < inChunks; c += batchSize) {
      const cEnd = Math.min(c + batchSize, inChunks);
      const pick: Record<Exclude<AggregateName, "counter">, (a: Aggregator) => number> = {
        count: (a) => a.sum,
        sum: (a) => a.sum,
        min: (a) => a.min,
        max: (a) => a.max,
      };
      for (const name of ["count", "sum", "min", "max"] as const) {
        const src = input[name];
        const bt: number[] = [];
        const bv: number[] = [];
        for (let k = c; k < cEnd; k++) expand(src.ts, src.vs, ...chunkRange(src, k), bt, bv);
        if (bt.length > 0) windows(bt, bv, resolution, (t, a) => b[name].put(t, pick[name](a)));
        b[name].endChunk();
      }
      const from = chunkRange(input.counter, c)[0];
      const to = chunkRange(input.counter, cEnd - 1)[1];
      const mono = applyCounterResetsRef(input.counter.ts, input.counter.vs, from, to);
      const bt: number[] = [];
      const bv: number[] = [];
      expand(mono.ts, mono.vs, 0, mono.ts.length, bt, bv);
      if (bt.length > 0) {
        b.counter.put(bt[0]!, bv[0]!);
        const lastWin = windows(bt, bv, resolution, (t, a) => b.counter.put(t, a.counter));
        b.counter.put(lastWin, mono.lastRaw);
      }
      b.counter.endChunk();
      outChunks++;
    }
  }
  return {
    resolution,
    chunks: outChunks,
    count: b.count.build(),
    sum: b.sum.build(),
    min: b.min.build(),
    max: b.max.build(),
    counter: b.counter.build(),
  };
}
