// Raw IEEE-754 bits of float64 samples, for code that must keep NaN payloads — above all
// Prometheus's stale marker 0x7ff0000000000002. Bun (JavaScriptCore) canonicalises every NaN
// that becomes a JS number: reading a Float64Array element or DataView.getFloat64, a WASM f64
// return, storing into a plain array or object. Bulk copies between same-typed arrays
// (TypedArray.set/slice/subarray, byte views) and uint32 words keep the bits, so values that
// may be stale markers travel as (hi, lo) uint32 words read through a Uint32Array view.
// V8 keeps payloads in most of these cases, but not all (plain double arrays canonicalise
// too), so the word paths are used on every runtime.

import { STALE_NAN_HI, STALE_NAN_LO } from "./xor-errors.ts";

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
// Index of the high / low word of element i in a f64Words() view: 2 * i + F64_HI / F64_LO.
export const F64_HI = LITTLE_ENDIAN ? 1 : 0;
export const F64_LO = LITTLE_ENDIAN ? 0 : 1;

// A uint32 view of the same bytes (two words per element).
export function f64Words(a: Float64Array): Uint32Array {
  return new Uint32Array(a.buffer, a.byteOffset, a.length * 2);
}

export function isStaleMarkerWords(hi: number, lo: number): boolean {
  return hi === STALE_NAN_HI && lo === STALE_NAN_LO;
}

// Whether element i of `vs` is the stale marker, judged from its bits (never a JS number).
export function isStaleMarkerAt(vs: Float64Array, i: number): boolean {
  const v = vs[i];
  if (v === v) return false; // not a NaN: no view needed (the common case)
  const w = new Uint32Array(vs.buffer, vs.byteOffset + i * 8, 2);
  return w[F64_HI] === STALE_NAN_HI && w[F64_LO] === STALE_NAN_LO;
}

// Words of a JS number, for callers that only have a number (on Bun a NaN has lost its
// payload by then; for every other value the number path is exact).
const scratchF = new Float64Array(1);
const scratchU = new Uint32Array(scratchF.buffer);
export function hiWordOf(v: number): number {
  scratchF[0] = v;
  return scratchU[F64_HI];
}
export function loWordOf(v: number): number {
  scratchF[0] = v;
  return scratchU[F64_LO];
}

// Keeps the elements i of ts/vs for which keep(ts[i], i) holds, packed to the front, copying
// values as words; returns the new length. For tombstone and time-range filters.
export function compactSamples(ts: Float64Array, vs: Float64Array, keep: (t: number, i: number) => boolean): number {
  const w = f64Words(vs);
  let n = 0;
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i];
    if (!keep(t, i)) continue;
    ts[n] = t;
    w[2 * n] = w[2 * i];
    w[2 * n + 1] = w[2 * i + 1];
    n++;
  }
  return n;
}
