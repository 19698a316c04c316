// Hand-written protobuf encoder for the hot message of the StoreAPI: a SeriesResponse holding one
// Series (labels + chunks). Produces exactly the bytes toBinary() would (proto3: zero values
// omitted, fields in number order) at a fraction of the cost; anything unusual (other oneof
// cases, unknown fields) goes through toBinary.
import { toBinary } from "@bufbuild/protobuf";
import { SeriesResponseSchema, type SeriesResponse } from "../../gen/thanos/store/rpc_pb.ts";
import type { AggrChunk, Chunk, Series } from "../../gen/thanos/store/types_pb.ts";

const utf8 = new TextEncoder();

function varintSize(n: number): number {
  let s = 1;
  while (n >= 128) {
    n = Math.floor(n / 128);
    s++;
  }
  return s;
}

// A 64-bit slot seen as two 32-bit halves: storing a bigint and reading the halves splits it
// without allocating intermediate bigints (`v & 0xffffffffn`, `v >> 32n` each allocate).
const U64 = new BigUint64Array(1);
const U32 = new Uint32Array(U64.buffer);
const LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const LO = LE ? 0 : 1;
const HI = LE ? 1 : 0;

// Size of a 64-bit varint given as bigint (negative int64 -> 10 bytes). Comparisons only: chunk
// hashes are full-width and sized for every chunk sent.
function varint64Size(v: bigint): number {
  if (v < 0n) return 10;
  if (v < 0x20000000000000n) return varintSize(Number(v));
  if (v < 0x100000000000000n) return 8; // < 2^56
  if (v < 0x8000000000000000n) return 9; // < 2^63
  return 10;
}

function utf8Size(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) {
      // Not plain ASCII: let the encoder count (rare for label sets).
      return utf8.encode(s).length;
    }
  }
  return n;
}

const labelSize = (nameLen: number, valueLen: number): number =>
  (nameLen ? 1 + varintSize(nameLen) + nameLen : 0) + (valueLen ? 1 + varintSize(valueLen) + valueLen : 0);

function chunkSize(c: Chunk): number {
  return (c.type ? 1 + varintSize(c.type) : 0) + (c.data.length ? 1 + varintSize(c.data.length) + c.data.length : 0) + (c.hash ? 1 + varint64Size(c.hash) : 0);
}

const AGGR_KEYS = ["raw", "count", "sum", "min", "max", "counter"] as const;

function aggrSize(a: AggrChunk): number {
  let n = (a.minTime ? 1 + varint64Size(a.minTime) : 0) + (a.maxTime ? 1 + varint64Size(a.maxTime) : 0);
  for (const k of AGGR_KEYS) {
    const c = a[k];
    if (c) {
      const s = chunkSize(c);
      n += 1 + varintSize(s) + s;
    }
  }
  return n;
}

class Writer {
  pos = 0;
  constructor(readonly buf: Uint8Array) {}
  byte(b: number): void {
    this.buf[this.pos++] = b;
  }
  varint(n: number): void {
    while (n >= 128) {
      this.buf[this.pos++] = (n % 128) | 128;
      n = Math.floor(n / 128);
    }
    this.buf[this.pos++] = n;
  }
  varint64(v: bigint): void {
    if (v >= 0n && v < 0x20000000000000n) return this.varint(Number(v));
    U64[0] = v; // wraps negatives to their two's complement, as protobuf encodes int64
    let lo = U32[LO];
    let hi = U32[HI];
    const buf = this.buf;
    while (hi !== 0 || lo > 127) {
      buf[this.pos++] = (lo & 0x7f) | 0x80;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    buf[this.pos++] = lo;
  }
  string(s: string, len: number): void {
    if (len === s.length) {
      for (let i = 0; i < len; i++) this.buf[this.pos++] = s.charCodeAt(i);
    } else {
      this.pos += utf8.encodeInto(s, this.buf.subarray(this.pos)).written;
    }
  }
  bytes(b: Uint8Array): void {
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }
}

function hasUnknown(s: Series): boolean {
  if (s.$unknown?.length) return true;
  for (const l of s.labels) if (l.$unknown?.length) return true;
  for (const c of s.chunks) {
    if (c.$unknown?.length) return true;
    for (const k of AGGR_KEYS) if (c[k]?.$unknown?.length) return true;
  }
  return false;
}

// `reserve` bytes are left free at the start of the returned buffer (the server puts the 5-byte
// gRPC message header there, saving a copy of every frame).
export function encodeSeriesResponse(r: SeriesResponse, reserve = 0): Uint8Array {
  if (r.result.case !== "series" || r.$unknown?.length || hasUnknown(r.result.value)) {
    const b = toBinary(SeriesResponseSchema, r);
    if (reserve === 0) return b;
    const out = new Uint8Array(reserve + b.length);
    out.set(b, reserve);
    return out;
  }
  const s = r.result.value;
  const nl = s.labels.length;
  const lens = new Array<number>(nl * 3);
  let seriesSize = 0;
  for (let i = 0; i < nl; i++) {
    const l = s.labels[i];
    const a = utf8Size(l.name);
    const b = utf8Size(l.value);
    const ls = labelSize(a, b);
    lens[3 * i] = a;
    lens[3 * i + 1] = b;
    lens[3 * i + 2] = ls;
    seriesSize += 1 + varintSize(ls) + ls;
  }
  const chunkSizes = new Array<number>(s.chunks.length);
  for (let i = 0; i < s.chunks.length; i++) {
    const cs = aggrSize(s.chunks[i]);
    chunkSizes[i] = cs;
    seriesSize += 1 + varintSize(cs) + cs;
  }
  const w = new Writer(new Uint8Array(reserve + 1 + varintSize(seriesSize) + seriesSize));
  w.pos = reserve;
  w.byte(0x0a); // SeriesResponse.series = 1
  w.varint(seriesSize);
  for (let i = 0; i < nl; i++) {
    const l = s.labels[i];
    w.byte(0x0a); // Series.labels = 1
    w.varint(lens[3 * i + 2]);
    if (lens[3 * i]) {
      w.byte(0x0a);
      w.varint(lens[3 * i]);
      w.string(l.name, lens[3 * i]);
    }
    if (lens[3 * i + 1]) {
      w.byte(0x12);
      w.varint(lens[3 * i + 1]);
      w.string(l.value, lens[3 * i + 1]);
    }
  }
  for (let i = 0; i < s.chunks.length; i++) {
    const a = s.chunks[i];
    w.byte(0x12); // Series.chunks = 2
    w.varint(chunkSizes[i]);
    if (a.minTime) {
      w.byte(0x08);
      w.varint64(a.minTime);
    }
    if (a.maxTime) {
      w.byte(0x10);
      w.varint64(a.maxTime);
    }
    for (let k = 0; k < AGGR_KEYS.length; k++) {
      const c = a[AGGR_KEYS[k]];
      if (!c) continue;
      w.byte(((3 + k) << 3) | 2); // raw=3 ... counter=8
      w.varint(chunkSize(c));
      if (c.type) {
        w.byte(0x08);
        w.varint(c.type);
      }
      if (c.data.length) {
        w.byte(0x12);
        w.varint(c.data.length);
        w.bytes(c.data);
      }
      if (c.hash) {
        w.byte(0x18);
        w.varint64(c.hash);
      }
    }
  }
  if (w.pos !== w.buf.length) throw new Error(`series encoder size mismatch: ${w.pos} != ${w.buf.length}`);
  return w.buf;
}
