// Typed wrappers for the downsampling kernels (assembly/downsample.ts). The compactor calls
// them once per series:
//   downsampleRaw(ts, vs, RES_5M)           raw samples      -> 5m aggregate chunks
//   downsampleAggr(fiveMinute, RES_1H, ...)  5m aggregates    -> 1h aggregate chunks
// and writes one AggrChunk per output chunk c: for each aggregate, the samples in
// [chunkEnds[c-1], chunkEnds[c]) (empty = aggregate absent). The chunk's MinTime/MaxTime are
// the first/last window timestamps (the count series), as Thanos records them. A chunk
// whose five ranges are all empty should be skipped by the writer.
// The querier calls applyCounterResets on the counter samples of a series' chunks
// (concatenated in time order) before rate()/increase().
import { getF64, getI32, putF64, putI32, putU32 } from "./arena-copy.ts";
import {
  AGGREGATES,
  type AggrOptions,
  type AggrSeries,
  defaultAggrSpan,
  type DownsampledSeries,
} from "./downsample-ref.ts";
import { kernels } from "./instance.ts";

export { RES_1H, RES_5M, RES_RAW } from "./downsample-ref.ts";
export type { AggregateName, AggrOptions, AggrSeries, DownsampledSeries } from "./downsample-ref.ts";

type RawFn = (ts: number, vs: number, n: number, resolution: number, out: number) => number;
type AggrFn = (desc: number, inChunks: number, mint: number, maxt: number, inRes: number, outRes: number) => number;
type ResetsFn = (ts: number, vs: number, n: number, outTs: number, outVs: number) => number;

export class DownsampleKernelError extends Error {
  constructor(
    readonly kernel: string,
    readonly code: number,
  ) {
    super(`${kernel} kernel failed with code ${code}`);
  }
}

function checkResolution(r: number): void {
  if (!Number.isSafeInteger(r) || r < 1) throw new RangeError(`bad resolution ${r}`);
}

export function downsampleRaw(ts: Float64Array, vs: Float64Array, resolution: number): DownsampledSeries {
  if (ts.length !== vs.length) throw new RangeError("timestamps and values differ in length");
  checkResolution(resolution);
  const k = kernels();
  const mark = k.mark();
  try {
    const n = ts.length;
    const tsPtr = putF64(k, ts);
    const vsPtr = putF64(k, vs);
    const ptrs = [
      k.reserve(n * 8), // window ts
      k.reserve(n * 8), // count
      k.reserve(n * 8), // sum
      k.reserve(n * 8), // min
      k.reserve(n * 8), // max
      k.reserve(n * 24), // counter ts (windows + 2 per chunk)
      k.reserve(n * 24), // counter vs
      k.reserve(n * 4), // window chunk ends
      k.reserve(n * 4), // counter chunk ends
      k.reserve(12), // results
    ];
    const desc = putU32(k, ptrs);
    const chunks = k.fn<RawFn>("downsampleRaw")(tsPtr, vsPtr, n, resolution, desc);
    if (chunks < 0) throw new DownsampleKernelError("downsampleRaw", chunks);
    const [windows, counterN] = getI32(k, ptrs[9]!, 2) as unknown as [number, number];
    const winTs = getF64(k, ptrs[0]!, windows);
    const winEnds = getI32(k, ptrs[7]!, chunks);
    const series = (p: number): AggrSeries => ({ ts: winTs, vs: getF64(k, p, windows), chunkEnds: winEnds });
    return {
      resolution,
      chunks,
      count: series(ptrs[1]!),
      sum: series(ptrs[2]!),
      min: series(ptrs[3]!),
      max: series(ptrs[4]!),
      counter: { ts: getF64(k, ptrs[5]!, counterN), vs: getF64(k, ptrs[6]!, counterN), chunkEnds: getI32(k, ptrs[8]!, chunks) },
    };
  } finally {
    k.release(mark);
  }
}

function checkAggrInput(input: DownsampledSeries): void {
  for (const name of AGGREGATES) {
    const s = input[name];
    if (s.ts.length !== s.vs.length) throw new RangeError(`${name}: timestamps and values differ in length`);
    if (s.chunkEnds.length !== input.chunks) throw new RangeError(`${name}: ${s.chunkEnds.length} chunk ends for ${input.chunks} chunks`);
    let prev = 0;
    for (const e of s.chunkEnds) {
      if (e < prev || e > s.ts.length) throw new RangeError(`${name}: chunk ends out of order or range`);
      prev = e;
    }
  }
}

// Re-aggregates a downsampled series to a coarser resolution (5m -> 1h), along the input's
// chunk boundaries as Thanos does (counter chunks must keep their raw first/last values).
export function downsampleAggr(input: DownsampledSeries, resolution: number, opts: AggrOptions = {}): DownsampledSeries {
  checkAggrInput(input);
  checkResolution(resolution);
  checkResolution(input.resolution);
  if (resolution <= input.resolution) throw new RangeError("target resolution not lower than existing one");
  const span = defaultAggrSpan(input);
  const k = kernels();
  const mark = k.mark();
  try {
    const inChunks = input.chunks;
    const table: number[] = [];
    let longest = 0;
    for (const name of AGGREGATES) {
      const s = input[name];
      table.push(putF64(k, s.ts), putF64(k, s.vs), putI32(k, s.chunkEnds));
      longest = Math.max(longest, s.ts.length);
    }
    const caps: number[] = [];
    for (const name of AGGREGATES) {
      const cap = input[name].ts.length + 2 * inChunks;
      caps.push(cap);
      table.push(k.reserve(cap * 8), k.reserve(cap * 8), k.reserve(inChunks * 4));
    }
    const results = k.reserve(24);
    table.push(results, k.reserve(longest * 8), k.reserve(longest * 8));
    const desc = putU32(k, table);
    const outChunks = k.fn<AggrFn>("downsampleAggr")(desc, inChunks, opts.mint ?? span.mint, opts.maxt ?? span.maxt, input.resolution, resolution);
    if (outChunks < 0) throw new DownsampleKernelError("downsampleAggr", outChunks);
    const counts = getI32(k, results + 4, 5);
    const out = {} as Record<(typeof AGGREGATES)[number], AggrSeries>;
    AGGREGATES.forEach((name, a) => {
      const base = 15 + 3 * a;
      out[name] = {
        ts: getF64(k, table[base]!, counts[a]!),
        vs: getF64(k, table[base + 1]!, counts[a]!),
        chunkEnds: getI32(k, table[base + 2]!, outChunks),
      };
    });
    return { resolution, chunks: outChunks, ...out };
  } finally {
    k.release(mark);
  }
}

// Read side: a counter series from downsampled chunks (with their sentinels) -> monotonic
// series for rate()/increase(). Works on raw counter samples too (resets folded in).
export function applyCounterResets(ts: Float64Array, vs: Float64Array): { ts: Float64Array; vs: Float64Array } {
  if (ts.length !== vs.length) throw new RangeError("timestamps and values differ in length");
  const k = kernels();
  const mark = k.mark();
  try {
    const n = ts.length;
    const inTs = putF64(k, ts);
    const inVs = putF64(k, vs);
    const outTs = k.reserve(n * 8);
    const outVs = k.reserve(n * 8);
    const m = k.fn<ResetsFn>("applyCounterResets")(inTs, inVs, n, outTs, outVs);
    if (m < 0) throw new DownsampleKernelError("applyCounterResets", m);
    return { ts: getF64(k, outTs, m), vs: getF64(k, outVs, m) };
  } finally {
    k.release(mark);
  }
}
