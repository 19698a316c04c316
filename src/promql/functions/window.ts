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
}

// A kernel returns the value for the window, or undefined for "no output at this step".
export type RangeKernel = (w: Win) => number | undefined;
