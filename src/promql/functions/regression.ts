// deriv, predict_linear (least squares with compensated sums) and double exponential smoothing.
import { execError } from "../engine/context.ts";
import { kahanInc, kahan } from "./kahan.ts";
import type { Win } from "./window.ts";

let intercept = 0;
// Returns the slope; the intercept at interceptTime is left in `intercept`.
function linearRegression(w: Win, interceptTime: number): number {
  let n = 0;
  let sumX = 0, cX = 0, sumY = 0, cY = 0, sumXY = 0, cXY = 0, sumX2 = 0, cX2 = 0;
  const initY = w.vs[w.lo];
  let constY = true;
  for (let i = w.lo; i < w.hi; i++) {
    const y = w.vs[i];
    if (constY && i > w.lo && y !== initY) constY = false;
    n++;
    const x = (w.ts[i] - interceptTime) / 1000;
    sumX = kahanInc(x, sumX, cX);
    cX = kahan.c;
    sumY = kahanInc(y, sumY, cY);
    cY = kahan.c;
    sumXY = kahanInc(x * y, sumXY, cXY);
    cXY = kahan.c;
    sumX2 = kahanInc(x * x, sumX2, cX2);
    cX2 = kahan.c;
  }
  if (constY) {
    if (initY === Infinity || initY === -Infinity) {
      intercept = NaN;
      return NaN;
    }
    intercept = initY;
    return 0;
  }
  sumX += cX;
  sumY += cY;
  sumXY += cXY;
  sumX2 += cX2;
  const covXY = sumXY - (sumX * sumY) / n;
  const varX = sumX2 - (sumX * sumX) / n;
  const slope = covXY / varX;
  intercept = sumY / n - (slope * sumX) / n;
  return slope;
}

export function deriv(w: Win): number | undefined {
  if (w.hi - w.lo < 2) return undefined;
  return linearRegression(w, w.ts[w.lo]);
}

export function predictLinear(w: Win): number | undefined {
  if (w.hi - w.lo < 2) return undefined;
  const slope = linearRegression(w, w.t);
  return slope * w.args[0] + intercept;
}

export function doubleExponentialSmoothing(w: Win): number | undefined {
  const sf = w.args[0];
  const tf = w.args[1];
  if (!(sf > 0 && sf < 1)) throw execError(`invalid smoothing factor. Expected: 0 < sf < 1, got: ${goF(sf)}`);
  if (!(tf > 0 && tf < 1)) throw execError(`invalid trend factor. Expected: 0 < tf < 1, got: ${goF(tf)}`);
  const l = w.hi - w.lo;
  if (l < 2) return undefined;
  const v = w.vs;
  let s0 = 0;
  let s1 = v[w.lo];
  let b = v[w.lo + 1] - v[w.lo];
  for (let i = 1; i < l; i++) {
    const x = sf * v[w.lo + i];
    if (i - 1 !== 0) b = tf * (s1 - s0) + (1 - tf) * b;
    const y = (1 - sf) * (s1 + b);
    s0 = s1;
    s1 = x + y;
  }
  return s1;
}

// Go's %f (6 decimals).
function goF(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (!Number.isFinite(v)) return v > 0 ? "+Inf" : "-Inf";
  return v.toFixed(6);
}
