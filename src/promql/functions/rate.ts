// rate / increase / delta with Prometheus's extrapolation, and irate / idelta.
import { stKnown, stOverlaps, stReset, type Win } from "./window.ts";

function extrapolated(w: Win, isCounter: boolean, isRate: boolean): number | undefined {
  const { ts, vs, lo, hi } = w;
  const sts = isCounter ? w.sts : null;
  let count = hi - lo;
  let firstT = ts[lo];
  let firstV = vs[lo];
  // Start timestamps: a first sample whose run started inside the window stands for a zero
  // at its start time, which replaces extrapolation towards the window start.
  if (sts && stKnown(sts[lo], ts[lo]) && sts[lo] > w.start) {
    firstT = sts[lo];
    firstV = 0;
    count++;
  }
  if (count < 2) return undefined;
  const last = hi - 1;
  let result = vs[last] - firstV;
  if (sts) {
    for (let i = lo + 1; i < hi; i++) {
      if (vs[i] < vs[i - 1] || stReset(w, i)) result += vs[i - 1];
      if (stOverlaps(w, i)) w.stOverlap = true;
    }
  } else if (isCounter && w.resetsUpTo[last] !== w.resetsUpTo[lo]) {
    let prev = vs[lo];
    for (let i = lo + 1; i < hi; i++) {
      const cur = vs[i];
      if (cur < prev) result += prev;
      prev = cur;
    }
  }
  const lastT = ts[last];
  let durationToStart = (firstT - w.start) / 1000;
  let durationToEnd = (w.end - lastT) / 1000;
  const sampled = (lastT - firstT) / 1000;
  const avgStep = sampled / (count - 1);
  const threshold = avgStep * 1.1;
  if (durationToStart >= threshold) durationToStart = avgStep / 2;
  if (isCounter) {
    // A counter cannot go below zero: do not extrapolate past the point where it would.
    let durationToZero = durationToStart;
    if (result > 0 && firstV >= 0) durationToZero = sampled * (firstV / result);
    if (durationToZero < durationToStart) durationToStart = durationToZero;
  }
  if (durationToEnd >= threshold) durationToEnd = avgStep / 2;
  let factor = (sampled + durationToStart + durationToEnd) / sampled;
  if (isRate) factor /= w.range / 1000;
  return result * factor;
}

export const rate = (w: Win) => extrapolated(w, true, true);
export const increase = (w: Win) => extrapolated(w, true, false);
export const delta = (w: Win) => extrapolated(w, false, false);

function instant(w: Win, isRate: boolean): number | undefined {
  const { ts, vs, lo, hi } = w;
  if (hi - lo < 2) return undefined;
  const last = vs[hi - 1];
  const prev = vs[hi - 2];
  let result: number;
  if (isRate && (last < prev || (w.sts !== null && stReset(w, hi - 1)))) result = last; // counter reset
  else result = last - prev;
  const interval = ts[hi - 1] - ts[hi - 2];
  if (interval === 0) return undefined;
  if (isRate) result /= interval / 1000;
  return result;
}

export const irate = (w: Win) => instant(w, true);
export const idelta = (w: Win) => instant(w, false);
