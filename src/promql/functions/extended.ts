// Experimental `anchored` and `smoothed` range selectors (Prometheus's extended range
// selectors). Neither extrapolates:
//  - anchored: the window's samples plus the last sample at or before the window start (within
//    the lookback delta) as the anchor; rate/increase/delta/changes/resets run on that sequence.
//  - smoothed: the values at the window start and end are interpolated between the samples
//    around each boundary (for counters, across a reset the counter restarts from zero); the
//    result is taken from start value, inner samples and end value.
import type { VectorSelector } from "../ast.ts";
import { execError } from "../engine/context.ts";
import type { RangeSeries } from "../engine/values.ts";
import { isStaleAt } from "../value.ts";

const ANCHORED = ["changes", "delta", "increase", "rate", "resets"];
const SMOOTHED = ["delta", "increase", "rate"];

export function checkExtended(sel: VectorSelector, func: string): void {
  if (sel.anchored && !ANCHORED.includes(func)) {
    throw execError(`anchored modifier can only be used with: ${ANCHORED.join(", ")} - not with ${func}`);
  }
  if (sel.smoothed && !SMOOTHED.includes(func)) {
    throw execError(`smoothed modifier can only be used with: ${SMOOTHED.join(", ")} - not with ${func}`);
  }
}

// Value at time t between samples p and n (p.t <= t < n.t).
function interpolate(s: RangeSeries, p: number, n: number, t: number, counter: boolean): number {
  const frac = (t - s.ts[p]) / (s.ts[n] - s.ts[p]);
  if (counter && s.vs[n] < s.vs[p]) return s.vs[n] * frac;
  return s.vs[p] + (s.vs[n] - s.vs[p]) * frac;
}

const seq: number[] = [];

function finish(func: string, range: number): number {
  const first = seq[0];
  const last = seq[seq.length - 1];
  switch (func) {
    case "changes": {
      let c = 0;
      for (let i = 1; i < seq.length; i++) {
        const a = seq[i - 1];
        const b = seq[i];
        if (a !== b && !(a !== a && b !== b)) c++;
      }
      return c;
    }
    case "resets": {
      let c = 0;
      for (let i = 1; i < seq.length; i++) if (seq[i] < seq[i - 1]) c++;
      return c;
    }
    case "delta":
      return last - first;
  }
  let inc = last - first;
  for (let i = 1; i < seq.length; i++) if (seq[i] < seq[i - 1]) inc += seq[i - 1];
  return func === "rate" ? inc / (range / 1000) : inc;
}

// lo/hi: indices of the samples in (start, end].
export function extendedValue(
  s: RangeSeries,
  lo: number,
  hi: number,
  start: number,
  end: number,
  range: number,
  lookback: number,
  sel: VectorSelector,
  func: string,
): number | undefined {
  const { ts, vs } = s;
  const anchor = lo > 0 && ts[lo - 1] > start - lookback ? lo - 1 : -1;
  seq.length = 0;
  if (sel.anchored) {
    if (hi <= lo) return undefined;
    if (anchor >= 0) seq.push(vs[anchor]);
    for (let i = lo; i < hi; i++) seq.push(vs[i]);
    return finish(func, range);
  }
  const counter = func !== "delta";
  let innerFrom = lo;
  if (anchor >= 0) {
    if (lo >= ts.length || ts[lo] > end + lookback) return undefined; // data only before
    seq.push(ts[anchor] === start ? vs[anchor] : interpolate(s, anchor, lo, start, counter));
  } else {
    if (hi <= lo) return undefined; // data only after the window
    seq.push(vs[lo]);
    innerFrom = lo + 1;
  }
  for (let i = innerFrom; i < hi; i++) seq.push(vs[i]);
  const last = hi - 1;
  if (last >= 0 && ts[last] < end && hi < ts.length && ts[hi] <= end + lookback) {
    seq.push(interpolate(s, last, hi, end, counter));
  } else if (hi <= lo && anchor >= 0 && ts[anchor] < end) {
    // No sample inside the window and none after it: nothing to carry forward from.
    return undefined;
  }
  if (seq.length === 1) seq.push(seq[0]);
  return finish(func, range);
}

// `metric smoothed` as an instant vector selector: linear interpolation at the reference time
// between the last sample at or before it and the next one; carried forward at the end.
export function smoothedAt(ts: Float64Array, vs: Float64Array, j: number, ref: number, lookback: number): number {
  if (ts[j] === ref || j + 1 >= ts.length || ts[j + 1] > ref + lookback || isStaleAt(vs, j + 1)) return vs[j];
  const frac = (ref - ts[j]) / (ts[j + 1] - ts[j]);
  return vs[j] + (vs[j + 1] - vs[j]) * frac;
}
