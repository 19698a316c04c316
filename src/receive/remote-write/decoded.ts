// The decoded form of a remote-write request (1.0 or 2.0): valid series with their float
// samples in shared typed arrays, plus counts and the first reason any series was refused.
import { compareStrings, type Label } from "../../labels/index.ts";
import { XOR_TS_LIMIT } from "../../kernels/xor-errors.ts";
import { f64Words, F64_HI, F64_LO } from "../../kernels/f64-bits.ts";
import type { WriteBatch, WriteSeries } from "../../tsdb/head/index.ts";

export interface DecodedWrite extends WriteBatch {
  series: WriteSeries[];
  ts: Float64Array;
  vs: Float64Array;
  samples: number; // float samples of valid series
  histograms: number; // native histogram samples received (not stored: see docs/receive.md)
  exemplars: number; // exemplars received (not stored)
  invalidSeries: number; // series refused by validation
  firstInvalid?: string;
}

// Growable sample arrays shared by all series of one request. Values are written as words
// through `vw` (a view of `vs`), never as JS numbers: see kernels/f64-bits.ts.
export class SampleSink {
  ts = new Float64Array(1024);
  vs = new Float64Array(1024);
  private vw = f64Words(this.vs);
  n = 0;

  pushBits(t: number, hi: number, lo: number): void {
    if (this.n === this.ts.length) {
      const ts = new Float64Array(this.n * 2);
      const vs = new Float64Array(this.n * 2);
      ts.set(this.ts);
      vs.set(this.vs); // same-type bulk copy: bits kept
      this.ts = ts;
      this.vs = vs;
      this.vw = f64Words(vs);
    }
    const i = this.n;
    this.ts[i] = t;
    this.vw[2 * i + F64_HI] = hi;
    this.vw[2 * i + F64_LO] = lo;
    this.n = i + 1;
  }
}

export function emptyDecoded(): DecodedWrite {
  return { series: [], ts: new Float64Array(0), vs: new Float64Array(0), samples: 0, histograms: 0, exemplars: 0, invalidSeries: 0 };
}

// Thanos's label-set rules (labelpb.ValidateLabels): not empty, no empty name or value, names
// strictly ascending (so also unique). Returns null when valid, else the reason.
export function validateLabels(ls: readonly Label[]): string | null {
  if (ls.length === 0) return "series has no labels";
  let prev = "";
  for (let i = 0; i < ls.length; i++) {
    const { name, value } = ls[i];
    if (name === "" || value === "") return "label set contains a label with empty name or value";
    if (i > 0) {
      // Plain string order equals UTF-8 byte order for ASCII, the common case; only other
      // names need the byte-wise comparison.
      const c = isAscii(name) && isAscii(prev) ? (name > prev ? 1 : name === prev ? 0 : -1) : compareStrings(name, prev);
      if (c === 0) return `label set contains duplicate label names (${JSON.stringify(name)})`;
      if (c < 0) return `out of order labels (${JSON.stringify(name)} after ${JSON.stringify(prev)})`;
    }
    prev = name;
  }
  return null;
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return false;
  return true;
}

// Timestamps arrive as int64; the head keeps them as exact JS numbers, which the XOR codec
// bounds to ±2^52 ms (about 142,000 years). Anything outside cannot be a real sample time.
export function validTimestamp(t: number): boolean {
  return t > -XOR_TS_LIMIT && t < XOR_TS_LIMIT;
}

export function describeSeries(ls: readonly Label[]): string {
  return "{" + ls.map((l) => `${l.name}=${JSON.stringify(l.value)}`).join(", ") + "}";
}
