// Downsampling kernels (Thanos pkg/compact/downsample, thanos-facts §5): one call turns one
// series into per-window aggregates (count, sum, min, max, counter), cut into output chunks
// the way Thanos cuts them, so the compactor writes one AggrChunk per output chunk.
//
// An aggregate series is three arrays: timestamps, values and, per output chunk, the end
// index of that chunk's samples (i32). An aggregate absent from a chunk has an empty range.
// Descriptor tables (u32 pointers, 5 aggregates in the order count, sum, min, max, counter)
// keep the argument lists short.

export const DS_ERR_ARGS: i32 = -1;

const STALE_NAN: u64 = 0x7ff0000000000002;
const RAW_STEP_GUESS: f64 = 60000; // Thanos assumes 1-minute raw samples to size chunks
const SAMPLES_PER_CHUNK: i64 = 140;

const AGGR_COUNT = 0;
const AGGR_SUM = 1;
const AGGR_MIN = 2;
const AGGR_MAX = 3;
const AGGR_COUNTER = 4;

// @ts-ignore: decorator
@inline function f64At(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize>i << 3));
}
// @ts-ignore: decorator
@inline function f64Put(p: usize, i: i32, v: f64): void {
  store<f64>(p + (<usize>i << 3), v);
}
// @ts-ignore: decorator
@inline function i32At(p: usize, i: i32): i32 {
  return load<i32>(p + (<usize>i << 2));
}

// End of the window holding t: the last millisecond of [t - t%r, t - t%r + r).
// Timestamps reaching here are >= 0 (see expand). f64 `%` is a slow software fmod in wasm,
// so integral timestamps (all real ones) take the i64 path; others keep exact f64 math.
function windowEnd(t: f64, r: f64): f64 {
  if (t == Math.floor(t) && t < 9007199254740992) {
    const ti = <i64>t;
    const ri = <i64>r;
    return <f64>(ti - (ti % ri) + ri - 1);
  }
  return t - (t % r) + r - 1;
}

// Resolutions are whole milliseconds, exactly representable (window math goes through i64).
function validResolution(r: f64): bool {
  return r >= 1 && r <= 9007199254740991 && r == Math.floor(r);
}

// Go integer division of non-negative integral f64s, exactly.
// @ts-ignore: decorator
@inline function idiv(a: f64, b: f64): f64 {
  return (a - (a % b)) / b;
}

// How many chunks Thanos cuts a series into: enough for <= 140 expected output samples each
// (targetChunkCount). The Go loop `for x = 1; e/x > 140; x++` ends at x = e/141 + 1. Clamped
// to [1, cap]: above `cap` (the number of items being cut) the batch size no longer changes,
// and the clamp keeps absurd spans from overflowing or dividing by zero.
function targetChunkCount(mint: f64, maxt: f64, inRes: f64, outRes: f64, count: i32, cap: i32): i32 {
  const span = maxt - mint;
  const maxSamples = idiv(span, outRes);
  let fullness = <f64>count / (span / inRes);
  if (fullness > 1) fullness = 1;
  const expected = <i64>(maxSamples * fullness) + 1; // saturating, NaN -> 0
  let x = expected / (SAMPLES_PER_CHUNK + 1) + 1;
  if (x > <i64>cap) x = <i64>cap;
  if (x < 1) x = 1;
  return <i32>x;
}

// --- aggregator rules (Thanos aggregator.add), applied inline in the loops below:
//  count/sum/min/max per window; min/max seeded with ±MaxFloat64 (not ±Inf), so a window of
//  only +Inf reports min MaxFloat64 — kept so blocks match Thanos's byte for byte; the
//  counter runs from the batch's first value, adding v - last, or v after a drop (a reset).

// Thanos expandChunkIterator: drops stale markers and samples that go back in time (the
// first kept sample must be >= 0). Compacts in place and returns the kept count.
function expandInto(ts: usize, vs: usize, from: i32, to: i32, outTs: usize, outVs: usize, w: i32): i32 {
  let lastT: f64 = 0;
  for (let r = from; r < to; r++) {
    const t = f64At(ts, r);
    const bits = load<u64>(vs + (<usize>r << 3));
    if (bits == STALE_NAN || !(t >= lastT)) continue;
    if (outTs != ts || w != r) {
      f64Put(outTs, w, t);
      store<u64>(outVs + (<usize>w << 3), bits);
    }
    w++;
    lastT = t;
  }
  return w;
}

// ---------------------------------------------------------------------------------------
// raw -> aggregates (DownsampleRaw)

// Per-output pointers, set once per call.
let oTs: usize = 0;
let oCount: usize = 0;
let oSum: usize = 0;
let oMin: usize = 0;
let oMax: usize = 0;
let oCtrTs: usize = 0;
let oCtrVs: usize = 0;
let nWin: i32 = 0;
let nCtr: i32 = 0;

// @ts-ignore: decorator
@inline function emitRawWindow(t: f64, count: i32, sum: f64, mn: f64, mx: f64, counter: f64): void {
  f64Put(oTs, nWin, t);
  f64Put(oCount, nWin, <f64>count);
  f64Put(oSum, nWin, sum);
  f64Put(oMin, nWin, mn);
  f64Put(oMax, nWin, mx);
  nWin++;
  f64Put(oCtrTs, nCtr, t);
  f64Put(oCtrVs, nCtr, counter);
  nCtr++;
}

// Downsamples one raw series. The input arrays are overwritten (sanitised in place).
// `out` is a table of u32 pointers: [ts, count, sum, min, max, counterTs, counterVs,
// windowEnds(i32), counterEnds(i32), results(i32 x 3)]. Window arrays need n entries,
// counter arrays 3n (two extra samples per chunk), chunk-end arrays n.
// results = [windows, counter samples, chunks]; returns the number of chunks or < 0.
export function downsampleRaw(ts: usize, vs: usize, n: i32, resolution: f64, out: usize): i32 {
  if (n < 0 || !validResolution(resolution)) return DS_ERR_ARGS;
  oTs = <usize>load<u32>(out);
  oCount = <usize>load<u32>(out + 4);
  oSum = <usize>load<u32>(out + 8);
  oMin = <usize>load<u32>(out + 12);
  oMax = <usize>load<u32>(out + 16);
  oCtrTs = <usize>load<u32>(out + 20);
  oCtrVs = <usize>load<u32>(out + 24);
  const winEnds = <usize>load<u32>(out + 28);
  const ctrEnds = <usize>load<u32>(out + 32);
  const results = <usize>load<u32>(out + 36);
  nWin = 0;
  nCtr = 0;
  let chunks = 0;

  const m = expandInto(ts, vs, 0, n, ts, vs, 0);
  if (m > 0) {
    const numChunks = targetChunkCount(f64At(ts, 0), f64At(ts, m - 1), RAW_STEP_GUESS, resolution, m, m);
    const batchSize = m / numChunks + 1;
    let pos = 0;
    while (pos < m) {
      // A batch of batchSize samples, stretched to the end of the window it stops in.
      let end = pos + min(batchSize, m - pos);
      const curW = windowEnd(f64At(ts, end - 1), resolution);
      while (end < m && f64At(ts, end) <= curW) end++;
      // NaN values (not only stale markers) are left out of the batch.
      let first = pos;
      while (first < end && isNaN(f64At(vs, first))) first++;
      if (first == end) {
        pos = end;
        continue;
      }
      let last = end - 1;
      while (isNaN(f64At(vs, last))) last--;
      const lastT = f64At(ts, last);

      // The counter chunk opens with the first raw sample (ApplyCounterResets reads it).
      f64Put(oCtrTs, nCtr, f64At(ts, first));
      f64Put(oCtrVs, nCtr, f64At(vs, first));
      nCtr++;

      // Aggregator state in locals (rules above).
      let total = 0, count = 0;
      let sum: f64 = 0, mn: f64 = 0, mx: f64 = 0, counter: f64 = 0, prev: f64 = 0;
      let nextT: f64 = -1;
      for (let i = first; i <= last; i++) {
        const v = f64At(vs, i);
        if (isNaN(v)) continue;
        const t = f64At(ts, i);
        if (t > nextT) {
          if (nextT != -1) emitRawWindow(nextT, count, sum, mn, mx, counter);
          count = 0;
          sum = 0;
          mn = f64.MAX_VALUE;
          mx = -f64.MAX_VALUE;
          // Clipped to the batch's last sample so chunks never overlap in time.
          nextT = min(windowEnd(t, resolution), lastT);
        }
        counter = total > 0 ? counter + (v < prev ? v : v - prev) : v;
        prev = v;
        sum += v;
        count++;
        total++;
        if (v < mn) mn = v;
        if (v > mx) mx = v;
      }
      emitRawWindow(nextT, count, sum, mn, mx, counter);

      // ...and closes with the last raw value at a repeated timestamp.
      f64Put(oCtrTs, nCtr, nextT);
      f64Put(oCtrVs, nCtr, f64At(vs, last));
      nCtr++;

      store<i32>(winEnds + (<usize>chunks << 2), nWin);
      store<i32>(ctrEnds + (<usize>chunks << 2), nCtr);
      chunks++;
      pos = end;
    }
  }
  store<i32>(results, nWin);
  store<i32>(results + 4, nCtr);
  store<i32>(results + 8, chunks);
  return chunks;
}

// ---------------------------------------------------------------------------------------
// read side: counter series with chunk sentinels -> monotonic series

let ctrLastV: f64 = 0;

// Thanos ApplyCounterResetsSeriesIterator over the concatenation of counter chunks:
// NaN skipped; the first sample starts the total; a later timestamp adds the increase (or
// the whole value after a drop); a repeated timestamp is a chunk's "last raw value"
// sentinel and only updates the value the next chunk is compared with; earlier
// timestamps are skipped. Writes (t, total) and returns the count; leaves the last raw
// value seen in ctrLastV.
function counterResets(ts: usize, vs: usize, from: i32, to: i32, outTs: usize, outVs: usize): i32 {
  let started = false;
  let lastT: f64 = 0;
  let total: f64 = 0;
  let lastV: f64 = 0;
  let w = 0;
  for (let i = from; i < to; i++) {
    const v = f64At(vs, i);
    if (isNaN(v)) continue;
    const t = f64At(ts, i);
    if (!started) {
      started = true;
      lastT = t;
      lastV = v;
      total = v;
    } else if (t > lastT) {
      total += v >= lastV ? v - lastV : v;
      lastT = t;
      lastV = v;
    } else {
      if (t == lastT) lastV = v;
      continue;
    }
    f64Put(outTs, w, t);
    f64Put(outVs, w, total);
    w++;
  }
  ctrLastV = lastV;
  return w;
}

export function applyCounterResets(ts: usize, vs: usize, n: i32, outTs: usize, outVs: usize): i32 {
  if (n < 0) return DS_ERR_ARGS;
  return counterResets(ts, vs, 0, n, outTs, outVs);
}

// ---------------------------------------------------------------------------------------
// aggregates -> coarser aggregates (downsampleAggr)

// Windows over already-expanded samples (Thanos downsampleBatch) writing one chosen
// aggregate per window. Returns the new output count; the last window end is in gLastWin.
let gLastWin: f64 = 0;

function windowsOf(ts: usize, vs: usize, n: i32, res: f64, which: i32, outTs: usize, outVs: usize, w: i32): i32 {
  const lastT = f64At(ts, n - 1);
  let nextT: f64 = -1;
  // Only the chosen aggregate is tracked; `acc` is the window's sum, min, max or the
  // running counter, with the aggregator rules and seeds above.
  let acc: f64 = 0;
  let prev: f64 = 0;
  for (let i = 0; i < n; i++) {
    const t = f64At(ts, i);
    const v = f64At(vs, i);
    if (t > nextT) {
      if (nextT != -1) {
        f64Put(outTs, w, nextT);
        f64Put(outVs, w, acc);
        w++;
      }
      if (which == AGGR_MIN) acc = f64.MAX_VALUE;
      else if (which == AGGR_MAX) acc = -f64.MAX_VALUE;
      else if (which != AGGR_COUNTER) acc = 0;
      nextT = min(windowEnd(t, res), lastT);
    }
    if (which == AGGR_MIN) {
      if (v < acc) acc = v;
    } else if (which == AGGR_MAX) {
      if (v > acc) acc = v;
    } else if (which == AGGR_COUNTER) {
      acc = i > 0 ? acc + (v < prev ? v : v - prev) : v; // a drop is a counter reset
      prev = v;
    } else {
      acc += v; // count: the sum of the counts; sum: the sum of the sums
    }
  }
  f64Put(outTs, w, nextT);
  f64Put(outVs, w, acc);
  gLastWin = nextT;
  return w + 1;
}

// `desc` (u32 each): for aggregate a in 0..4 at desc + 12a: [ts, vs, chunkEnds(i32)] of the
// input; at desc + 60 + 12a the same for the output; desc + 120: results (i32 x 6: output
// chunks, then the sample count of each output aggregate); desc + 124, +128: scratch ts/vs
// with room for the longest input aggregate. Output aggregates need room for their input
// length plus 2 per input chunk; output chunk ends one entry per input chunk.
// mint/maxt are the first chunk's MinTime and the last chunk's MaxTime (Thanos sizes output
// chunks from them). Returns the number of output chunks or < 0.
export function downsampleAggr(desc: usize, inChunks: i32, mint: f64, maxt: f64, inRes: f64, outRes: f64): i32 {
  if (inChunks < 0 || !validResolution(inRes) || !validResolution(outRes) || !(outRes > inRes)) return DS_ERR_ARGS;
  const results = <usize>load<u32>(desc + 120);
  const bufTs = <usize>load<u32>(desc + 124);
  const bufVs = <usize>load<u32>(desc + 128);
  let n0 = 0, n1 = 0, n2 = 0, n3 = 0, n4 = 0;
  let outChunks = 0;
  if (inChunks > 0) {
    const countEnds = <usize>load<u32>(desc + 8);
    const numSamples = i32At(countEnds, inChunks - 1);
    const numChunks = targetChunkCount(mint, maxt, inRes, outRes, numSamples, inChunks);
    // Thanos divides without a floor of 1 (and would loop forever on 0); we floor at 1.
    let batchSize = inChunks / numChunks;
    if (batchSize < 1) batchSize = 1;
    let c = 0;
    while (c < inChunks) {
      const cEnd = c + min(batchSize, inChunks - c);
      for (let a = 0; a < 5; a++) {
        const inTs = <usize>load<u32>(desc + 12 * a);
        const inVs = <usize>load<u32>(desc + 12 * a + 4);
        const inEnds = <usize>load<u32>(desc + 12 * a + 8);
        const outTs = <usize>load<u32>(desc + 60 + 12 * a);
        const outVs = <usize>load<u32>(desc + 60 + 12 * a + 4);
        const outEnds = <usize>load<u32>(desc + 60 + 12 * a + 8);
        let w = a == 0 ? n0 : a == 1 ? n1 : a == 2 ? n2 : a == 3 ? n3 : n4;
        const from = c == 0 ? 0 : i32At(inEnds, c - 1);
        const to = i32At(inEnds, cEnd - 1);
        if (a != AGGR_COUNTER) {
          // Each input chunk is expanded on its own (its own going-back-in-time check).
          let nb = 0;
          for (let k = c; k < cEnd; k++) {
            nb = expandInto(inTs, inVs, k == 0 ? 0 : i32At(inEnds, k - 1), i32At(inEnds, k), bufTs, bufVs, nb);
          }
          if (nb > 0) w = windowsOf(bufTs, bufVs, nb, outRes, a, outTs, outVs, w);
        } else {
          // Counters: undo the chunk-level resets first, then re-aggregate the monotonic
          // series, and keep the first and last raw values around the windows again.
          let nb = counterResets(inTs, inVs, from, to, bufTs, bufVs);
          const lastRaw = ctrLastV;
          nb = expandInto(bufTs, bufVs, 0, nb, bufTs, bufVs, 0);
          if (nb > 0) {
            f64Put(outTs, w, f64At(bufTs, 0));
            f64Put(outVs, w, f64At(bufVs, 0));
            w++;
            w = windowsOf(bufTs, bufVs, nb, outRes, AGGR_COUNTER, outTs, outVs, w);
            f64Put(outTs, w, gLastWin);
            f64Put(outVs, w, lastRaw);
            w++;
          }
        }
        store<i32>(outEnds + (<usize>outChunks << 2), w);
        if (a == 0) n0 = w;
        else if (a == 1) n1 = w;
        else if (a == 2) n2 = w;
        else if (a == 3) n3 = w;
        else n4 = w;
      }
      outChunks++;
      c = cEnd;
    }
  }
  store<i32>(results, outChunks);
  store<i32>(results + 4, n0);
  store<i32>(results + 8, n1);
  store<i32>(results + 12, n2);
  store<i32>(results + 16, n3);
  store<i32>(results + 20, n4);
  return outChunks;
}
