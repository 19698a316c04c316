// The view a range-vector function gets of one series at one step: samples [lo, hi) of the
// series' typed arrays, the window bounds, the step time and the step's scalar arguments.
// One object is reused for every call, so kernels allocate nothing per step.
import type { Labels } from "../../labels/labels.ts";

export interface Win {
  ts: Float64Array;
  vs: Float64Array;
  lo: number;
  hi: number;
  start: number; // window start (exclusive), ms
  end: number; // window end (inclusive), ms
  range: number; // ms
  t: number; // evaluation (step) time, ms
  args: number[]; // the call's scalar arguments at this step, in argument order
  metric: Labels;
  // resetsUpTo[i] = number of j in 1..i with vs[j] < vs[j-1] (counter resets), filled per
  // series for counter functions so a window without resets skips the reset scan.
  resetsUpTo: Int32Array;
  // Start timestamps (ms, NaN = unknown) when the series has them and the feature is on.
  sts: Float64Array | null;
  stOverlap: boolean; // set by kernels when a start time overlaps the previous sample
}

const EMPTY = new Float64Array(0);
export function newWin(range: number, args: number[]): Win {
  return { ts: EMPTY, vs: EMPTY, lo: 0, hi: 0, start: 0, end: 0, range, t: 0, args, metric: [], resetsUpTo: new Int32Array(0), sts: null, stOverlap: false };
}

export function countResets(vs: Float64Array, into: Int32Array): Int32Array {
  const out = into.length >= vs.length ? into : new Int32Array(Math.max(vs.length, into.length * 2));
  let c = 0;
  if (vs.length > 0) out[0] = 0;
  for (let i = 1; i < vs.length; i++) {
    if (vs[i] < vs[i - 1]) c++;
    out[i] = c;
  }
  return out;
}

// A kernel returns the value for the window, or undefined for "no output at this step".
export type RangeKernel = (w: Win) => number | undefined;

// A start timestamp is usable when set (Prometheus uses 0 for "none") and before the sample.
export function stKnown(st: number, t: number): boolean {
  return st === st && st !== 0 && st < t;
}

// Sample i restarted the counter according to its start timestamp: the run began after the
// previous sample, or exactly at it when the previous sample had a start time of its own
// (a delta-style series), as opposed to a cumulative series with an unknown start.
export function stReset(w: Win, i: number): boolean {
  const sts = w.sts!;
  const st = sts[i];
  if (!stKnown(st, w.ts[i])) return false;
  const prevT = w.ts[i - 1];
  return st > prevT || (st === prevT && stKnown(sts[i - 1], prevT));
}

// Prometheus's overlap check: a start time before the previous sample that is not the same
// run (same start time) as the previous sample.
export function stOverlaps(w: Win, i: number): boolean {
  const sts = w.sts!;
  const cur = sts[i] === sts[i] ? sts[i] : 0;
  const prev = sts[i - 1] === sts[i - 1] ? sts[i - 1] : 0;
  return cur !== 0 && cur < w.ts[i - 1] && cur !== prev;
}
