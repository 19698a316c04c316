// Query values. Hot paths keep samples in typed arrays: a matrix series carries parallel
// Float64Arrays of timestamps (ms) and values, never an object per sample.
import type { Labels } from "../labels/labels.ts";
import type { FloatHistogram } from "./histogram.ts";
import { isStaleMarkerAt } from "../kernels/f64-bits.ts";

export interface Scalar {
  type: "scalar";
  t: number; // ms
  v: number;
}

export interface StringValue {
  type: "string";
  t: number;
  v: string;
}

export interface Sample {
  metric: Labels;
  t: number;
  v: number;
  h?: FloatHistogram; // native histogram sample (later issue); v is ignored when set
}

export interface Vector {
  type: "vector";
  samples: Sample[];
}

export interface Series {
  metric: Labels;
  ts: Float64Array; // ms, ascending
  vs: Float64Array;
  hs?: (FloatHistogram | undefined)[]; // native histograms, index-aligned with ts
}

export interface Matrix {
  type: "matrix";
  series: Series[];
}

export type Value = Scalar | StringValue | Vector | Matrix;

// Prometheus's staleness marker: a NaN with this exact bit pattern.
export const STALE_NAN_BITS_HI = 0x7ff00000;
export const STALE_NAN_BITS_LO = 0x00000002;

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
export function isStaleNaN(v: number): boolean {
  if (v === v) return false;
  f64[0] = v;
  return u32[1] === STALE_NAN_BITS_HI && u32[0] === STALE_NAN_BITS_LO;
}
// Whether stored sample vs[i] is the staleness marker, judged from its bits. Stored samples are
// checked this way, not with isStaleNaN(vs[i]): on Bun (JavaScriptCore) a NaN read out of a
// Float64Array into a JS number has already lost its payload.
export function isStaleAt(vs: Float64Array, i: number): boolean {
  return isStaleMarkerAt(vs, i);
}
export function staleNaN(): number {
  u32[1] = STALE_NAN_BITS_HI;
  u32[0] = STALE_NAN_BITS_LO;
  return f64[0];
}
