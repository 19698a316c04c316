// The *_over_time family, changes and resets: aggregations over one series' window.
import { kahanInc, kahan, MeanAcc, quantile } from "./kahan.ts";
import { stReset, type Win } from "./window.ts";

const mean = new MeanAcc();

export function avgOverTime(w: Win): number {
  mean.reset();
  for (let i = w.lo; i < w.hi; i++) mean.add(w.vs[i]);
  return mean.value();
}

export function sumOverTime(w: Win): number {
  let sum = 0;
  let c = 0;
  for (let i = w.lo; i < w.hi; i++) {
    sum = kahanInc(w.vs[i], sum, c);
    c = kahan.c;
  }
  return sum + c;
}

export const countOverTime = (w: Win) => w.hi - w.lo;
export const presentOverTime = () => 1;
export const lastOverTime = (w: Win) => w.vs[w.hi - 1];
export const firstOverTime = (w: Win) => w.vs[w.lo];
export const tsOfLastOverTime = (w: Win) => w.ts[w.hi - 1] / 1000;
export const tsOfFirstOverTime = (w: Win) => w.ts[w.lo] / 1000;

function extremeIndex(w: Win, isMax: boolean, preferLast: boolean): number {
  let best = w.lo;
  let bv = w.vs[w.lo];
  for (let i = w.lo + 1; i < w.hi; i++) {
    const v = w.vs[i];
    const better = isMax ? v > bv : v < bv;
    if (better || (bv !== bv && v === v) || (preferLast && v === bv)) {
      best = i;
      bv = v;
    }
  }
  return best;
}
export const maxOverTime = (w: Win) => w.vs[extremeIndex(w, true, false)];
export const minOverTime = (w: Win) => w.vs[extremeIndex(w, false, false)];
export const tsOfMaxOverTime = (w: Win) => w.ts[extremeIndex(w, true, true)] / 1000;
export const tsOfMinOverTime = (w: Win) => w.ts[extremeIndex(w, false, true)] / 1000;

function variance(w: Win): number {
  let count = 0;
  let m = 0;
  let cm = 0;
  let aux = 0;
  let ca = 0;
  for (let i = w.lo; i < w.hi; i++) {
    const f = w.vs[i];
    count++;
    const delta = f - (m + cm);
    m = kahanInc(delta / count, m, cm);
    cm = kahan.c;
    aux = kahanInc(delta * (f - (m + cm)), aux, ca);
    ca = kahan.c;
  }
  return (aux + ca) / count;
}
export const stdvarOverTime = (w: Win) => variance(w);
export const stddevOverTime = (w: Win) => Math.sqrt(variance(w));

export const quantileOverTime = (w: Win) => quantile(w.args[0], w.vs.slice(w.lo, w.hi));

export function madOverTime(w: Win): number {
  const vals = w.vs.slice(w.lo, w.hi);
  for (const v of vals) if (v !== v) return NaN;
  const median = quantile(0.5, vals);
  const dev = vals.map((v) => Math.abs(v - median));
  return quantile(0.5, dev);
}

export function changes(w: Win): number {
  let c = 0;
  let prev = w.vs[w.lo];
  for (let i = w.lo + 1; i < w.hi; i++) {
    const cur = w.vs[i];
    if (cur !== prev && !(cur !== cur && prev !== prev)) c++;
    prev = cur;
  }
  return c;
}

export function resets(w: Win): number {
  let c = 0;
  if (w.sts) {
    for (let i = w.lo + 1; i < w.hi; i++) if (w.vs[i] < w.vs[i - 1] || stReset(w, i)) c++;
    return c;
  }
  let prev = w.vs[w.lo];
  for (let i = w.lo + 1; i < w.hi; i++) {
    const cur = w.vs[i];
    if (cur < prev) c++;
    prev = cur;
  }
  return c;
}
