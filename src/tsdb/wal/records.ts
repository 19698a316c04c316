// Prometheus WAL record encodings (tsdb/record): the first byte is the record type, the rest
// is type specific. Only the record types Aeon writes are encoded; the decoders report other
// types by number so replay can skip them (exemplars, metadata, histograms) instead of failing.
import type { Label } from "../../labels/index.ts";
import { ByteReader, ByteWriter, DecodeError } from "./buf.ts";
import { f64Words, F64_HI, F64_LO, hiWordOf, loWordOf } from "../../kernels/f64-bits.ts";

export const RECORD_SERIES = 1;
export const RECORD_SAMPLES = 2;
export const RECORD_TOMBSTONES = 3;

export interface RefSeries {
  ref: number;
  labels: Label[];
}

// Struct of arrays so the ingest path never allocates an object per sample. Values are kept
// as bits: `vbits` views `vs` (two uint32 words per value, see kernels/f64-bits.ts) so a stale
// marker survives even on Bun, where a NaN read into a JS number loses its payload.
export interface SampleBatch {
  n: number;
  refs: Float64Array;
  ts: Float64Array;
  vs: Float64Array;
  vbits: Uint32Array;
}

export interface Tombstone {
  ref: number;
  mint: number;
  maxt: number;
}

export function newSampleBatch(capacity = 256): SampleBatch {
  const vs = new Float64Array(capacity);
  return { n: 0, refs: new Float64Array(capacity), ts: new Float64Array(capacity), vs, vbits: f64Words(vs) };
}

function grow(b: SampleBatch): void {
  const cap = b.n * 2 || 16;
  const more = (a: Float64Array) => {
    const x = new Float64Array(cap);
    x.set(a); // same-type bulk copy: bits kept
    return x;
  };
  b.refs = more(b.refs);
  b.ts = more(b.ts);
  b.vs = more(b.vs);
  b.vbits = f64Words(b.vs);
}

// Appends a sample whose value is a JS number (exact unless it is a NaN with a payload on Bun).
export function pushSample(b: SampleBatch, ref: number, t: number, v: number): void {
  pushSampleBits(b, ref, t, hiWordOf(v), loWordOf(v));
}

// Appends a sample whose value is given as its IEEE-754 bits.
export function pushSampleBits(b: SampleBatch, ref: number, t: number, hi: number, lo: number): void {
  if (b.n === b.refs.length) grow(b);
  const i = b.n;
  b.refs[i] = ref;
  b.ts[i] = t;
  b.vbits[2 * i + F64_HI] = hi;
  b.vbits[2 * i + F64_LO] = lo;
  b.n = i + 1;
}

export function recordType(rec: Uint8Array): number {
  return rec.length === 0 ? 0 : rec[0];
}

// Series: {ref 8B BE, uvarint #labels, (uvarint-len name, uvarint-len value)*}*.
export function encodeSeries(series: readonly RefSeries[], w = new ByteWriter()): Uint8Array {
  w.reset();
  w.byte(RECORD_SERIES);
  for (const s of series) {
    w.be64(s.ref);
    w.uvarint(s.labels.length);
    for (const l of s.labels) {
      w.str(l.name);
      w.str(l.value);
    }
  }
  return w.finish();
}

export function decodeSeries(rec: Uint8Array): RefSeries[] {
  const r = new ByteReader(rec, 1);
  if (rec[0] !== RECORD_SERIES) throw new DecodeError(`not a series record (type ${rec[0]})`);
  const out: RefSeries[] = [];
  while (r.remaining > 0) {
    const ref = r.be64u();
    const n = r.uvarint();
    const labels: Label[] = new Array(n);
    for (let i = 0; i < n; i++) labels[i] = { name: r.str(), value: r.str() };
    out.push({ ref, labels });
  }
  return out;
}

// Samples: first ref 8B BE, first timestamp 8B BE, then per sample (the first included)
// varint(ref - firstRef), varint(t - firstT), value as 8B BE float bits.
export function encodeSamples(b: SampleBatch, from = 0, to = b.n, w = new ByteWriter()): Uint8Array {
  w.reset();
  w.byte(RECORD_SAMPLES);
  if (to <= from) return w.finish();
  const ref0 = b.refs[from];
  const t0 = b.ts[from];
  w.ensure(16 + (to - from) * 28);
  w.be64(ref0);
  w.be64(t0);
  for (let i = from; i < to; i++) {
    w.varint(b.refs[i] - ref0);
    w.varint(b.ts[i] - t0);
    w.f64Words(b.vbits[2 * i + F64_HI], b.vbits[2 * i + F64_LO]);
  }
  return w.finish();
}

export function decodeSamples(rec: Uint8Array, into: SampleBatch = newSampleBatch()): SampleBatch {
  if (rec[0] !== RECORD_SAMPLES) throw new DecodeError(`not a samples record (type ${rec[0]})`);
  into.n = 0;
  const r = new ByteReader(rec, 1);
  if (r.remaining === 0) return into;
  const ref0 = r.be64u();
  const t0 = r.be64();
  while (r.remaining > 0) {
    const ref = ref0 + r.varint();
    const t = t0 + r.varint();
    r.f64Words();
    pushSampleBits(into, ref, t, r.wordHi, r.wordLo);
  }
  return into;
}

// Tombstones: {ref 8B BE, varint mint, varint maxt}*.
export function encodeTombstones(stones: readonly Tombstone[], w = new ByteWriter()): Uint8Array {
  w.reset();
  w.byte(RECORD_TOMBSTONES);
  for (const s of stones) {
    w.be64(s.ref);
    w.varint(s.mint);
    w.varint(s.maxt);
  }
  return w.finish();
}

export function decodeTombstones(rec: Uint8Array): Tombstone[] {
  if (rec[0] !== RECORD_TOMBSTONES) throw new DecodeError(`not a tombstones record (type ${rec[0]})`);
  const r = new ByteReader(rec, 1);
  const out: Tombstone[] = [];
  while (r.remaining > 0) out.push({ ref: r.be64u(), mint: r.varint(), maxt: r.varint() });
  return out;
}
