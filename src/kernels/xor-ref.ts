// Reference XOR (Gorilla) chunk codec in plain TypeScript, bit-exact with Prometheus
// (tsdb/chunkenc/xor.go). It is the yardstick the WASM kernels are tested against and the
// fallback for building chunks sample by sample. Layout (thanos-facts §3):
//   2-byte BE sample count | t0 zig-zag varint | v0 64 raw bits | t1-t0 uvarint | xor(v1)
//   | then per sample: delta-of-delta with prefix 0 / 10+14 / 110+17 / 1110+20 / 1111+64 bits,
//   xor(v) — all MSB-first, final byte zero padded.
// Values are handled as (hi, lo) uint32 bit pairs so NaN payloads (the stale marker) survive.
import { BitReader, BitWriter } from "./xor-bits.ts";
import { F64_HI, F64_LO } from "./f64-bits.ts";
import {
  XOR_ERR_INPUT,
  XOR_ERR_TIMESTAMP,
  XOR_ERR_TRAILING,
  XOR_ERR_TRUNCATED,
  XOR_ERR_VARINT,
  XOR_ERR_WINDOW,
  XOR_MAX_SAMPLES,
  XOR_TS_LIMIT,
  XorError,
  type XorDecodeOptions,
} from "./xor-errors.ts";

export * from "./xor-errors.ts";

const TWO32 = 4294967296;
const HI = F64_HI;
const LO = F64_LO;
const scratchF = new Float64Array(1);
const scratchU = new Uint32Array(scratchF.buffer);

function clz64(hi: number, lo: number): number {
  return hi !== 0 ? Math.clz32(hi) : 32 + Math.clz32(lo);
}
function ctz32(x: number): number {
  return 31 - Math.clz32(x & -x);
}
function ctz64(hi: number, lo: number): number {
  return lo !== 0 ? ctz32(lo) : 32 + ctz32(hi);
}

function validTimestamp(t: number): boolean {
  return Number.isInteger(t) && t > -XOR_TS_LIMIT && t < XOR_TS_LIMIT;
}

// Splits an integer |x| < 2^64 into two's-complement (hi, lo) uint32 halves.
function split64(x: number): [number, number] {
  const hi = Math.floor(x / TWO32);
  return [hi >>> 0, (x - hi * TWO32) >>> 0];
}

// Builds one chunk sample by sample, as Prometheus's xorAppender does.
export class XorAppender {
  private readonly w = new BitWriter(128);
  private n = 0;
  private t = 0;
  private tDelta = 0;
  private vHi = 0;
  private vLo = 0;
  private leading = 0xff; // 0xff = no window yet
  private trailing = 0;

  constructor() {
    this.w.writeBits(0, 16); // sample count, patched in bytes()
    this.w.resetLastWrite(); // Go allocates the header; it is not a bstream write
  }

  get count(): number {
    return this.n;
  }

  append(t: number, v: number): void {
    scratchF[0] = v;
    this.appendBits(t, scratchU[HI], scratchU[LO]);
  }

  // Appends a value given as its IEEE-754 bits: the only way to keep a NaN payload on
  // runtimes that canonicalise NaN (Bun/JavaScriptCore).
  appendBits(t: number, hi: number, lo: number): void {
    if (this.n >= XOR_MAX_SAMPLES) throw new XorError(XOR_ERR_INPUT, `more than ${XOR_MAX_SAMPLES} samples`);
    if (!validTimestamp(t)) throw new XorError(XOR_ERR_INPUT, `timestamp ${t} is not an integer within ±2^52`);
    hi >>>= 0;
    lo >>>= 0;
    const w = this.w;
    if (this.n === 0) {
      writeVarint(w, t);
      w.writeBits(hi, 32);
      w.writeBits(lo, 32);
    } else if (this.n === 1) {
      const d = t - this.t; // exact: both |t| < 2^52
      writeUvarint64(w, d);
      this.tDelta = d;
      this.writeValue(hi, lo);
    } else {
      const d = t - this.t;
      const dod = d - this.tDelta; // may round when huge, but then only the 64-bit bucket fits
      if (dod === 0) {
        w.writeBit(0);
      } else if (dod >= -8191 && dod <= 8192) {
        w.writeBits(0b10, 2);
        w.writeBits(dod & 0x3fff, 14);
      } else if (dod >= -65535 && dod <= 65536) {
        w.writeBits(0b110, 3);
        w.writeBits(dod & 0x1ffff, 17);
      } else if (dod >= -524287 && dod <= 524288) {
        w.writeBits(0b1110, 4);
        w.writeBits(dod & 0xfffff, 20);
      } else {
        w.writeBits(0b1111, 4);
        // Exact 64-bit two's complement of (d - tDelta); rare path, so BigInt is fine here.
        const exact = BigInt.asUintN(64, BigInt(d) - BigInt(this.tDelta));
        w.writeBits(Number(exact >> 32n), 32);
        w.writeBits(Number(exact & 0xffffffffn), 32);
      }
      this.tDelta = d;
      this.writeValue(hi, lo);
    }
    this.t = t;
    this.vHi = hi;
    this.vLo = lo;
    this.n++;
  }

  private writeValue(hi: number, lo: number): void {
    const w = this.w;
    const xHi = (hi ^ this.vHi) >>> 0;
    const xLo = (lo ^ this.vLo) >>> 0;
    if (xHi === 0 && xLo === 0) {
      w.writeBit(0);
      return;
    }
    w.writeBit(1);
    let lead = clz64(xHi, xLo);
    const trail = ctz64(xHi, xLo);
    if (lead >= 32) lead = 31; // 5-bit field
    if (this.leading !== 0xff && lead >= this.leading && trail >= this.trailing) {
      w.writeBit(0);
      writeShifted(w, xHi, xLo, this.trailing, 64 - this.leading - this.trailing);
      return;
    }
    this.leading = lead;
    this.trailing = trail;
    const sig = 64 - lead - trail;
    w.writeBit(1);
    w.writeBits(lead, 5);
    w.writeBits(sig & 63, 6); // 64 significant bits are written as 0
    writeShifted(w, xHi, xLo, trail, sig);
  }

  // The chunk bytes so far (a copy, count header filled in).
  bytes(): Uint8Array {
    const out = this.w.buf.slice(0, this.w.byteLength());
    out[0] = this.n >>> 8;
    out[1] = this.n & 0xff;
    return out;
  }
}

// Writes the `n` bits of (hi, lo) >>> shift.
function writeShifted(w: BitWriter, hi: number, lo: number, shift: number, n: number): void {
  if (shift >= 32) {
    lo = hi >>> (shift - 32);
    hi = 0;
  } else if (shift > 0) {
    lo = ((lo >>> shift) | (hi << (32 - shift))) >>> 0;
    hi = hi >>> shift;
  }
  w.writeBits64(hi, lo, n);
}

function writeVarint(w: BitWriter, t: number): void {
  // zig-zag; exact in f64 because |t| < 2^52
  let u = t >= 0 ? t * 2 : -t * 2 - 1;
  while (u >= 128) {
    w.writeBits((u % 128) | 128, 8);
    u = Math.floor(u / 128);
  }
  w.writeBits(u, 8);
}

function writeUvarint64(w: BitWriter, d: number): void {
  let [hi, lo] = split64(d);
  // 7 bits at a time from the 64-bit (hi, lo) pair
  while (hi !== 0 || lo >= 128) {
    w.writeBits((lo & 127) | 128, 8);
    lo = ((lo >>> 7) | (hi << 25)) >>> 0;
    hi = hi >>> 7;
  }
  w.writeBits(lo, 8);
}

export function xorEncode(ts: ArrayLike<number>, vs: ArrayLike<number>, n = ts.length): Uint8Array {
  if (n > ts.length || n > vs.length) throw new XorError(XOR_ERR_INPUT, `n=${n} exceeds the input arrays`);
  const app = new XorAppender();
  if (vs instanceof Float64Array) {
    // Read the bits directly so NaN payloads survive every runtime.
    const bits = new Uint32Array(vs.buffer, vs.byteOffset, vs.length * 2);
    for (let i = 0; i < n; i++) app.appendBits(ts[i], bits[2 * i + HI], bits[2 * i + LO]);
  } else {
    for (let i = 0; i < n; i++) app.append(ts[i], vs[i]);
  }
  return app.bytes();
}

export function xorSampleCount(chunk: Uint8Array): number {
  if (chunk.length < 2) throw new XorError(XOR_ERR_TRUNCATED, "no sample count header");
  return (chunk[0] << 8) | chunk[1];
}

// Reads an unsigned varint of up to 64 bits as (hi, lo); Go's binary.ReadUvarint rules.
function readUvarint64(r: BitReader): [number, number] {
  let hi = 0;
  let lo = 0;
  for (let i = 0, shift = 0; i < 10; i++, shift += 7) {
    const b = r.readByte();
    if (i === 9 && b > 1) throw new XorError(XOR_ERR_VARINT);
    const piece = b & 127;
    if (shift < 32) {
      lo = (lo | (piece << shift)) >>> 0;
      if (shift > 25) hi = (hi | (piece >>> (32 - shift))) >>> 0;
    } else {
      hi = (hi | (piece << (shift - 32))) >>> 0;
    }
    if (b < 128) return [hi, lo];
  }
  throw new XorError(XOR_ERR_VARINT);
}

// (hi, lo) as a signed 64-bit integer, or NaN when |value| >= limit (limit <= 2^53).
function toSigned(hi: number, lo: number, limit: number): number {
  const v = (hi | 0) * TWO32 + lo; // exact when |v| < 2^53
  return v > -limit && v < limit ? v : NaN;
}

export function xorDecode(chunk: Uint8Array, opts?: XorDecodeOptions): { ts: Float64Array; vs: Float64Array } {
  const n = xorSampleCount(chunk);
  const ts = new Float64Array(n);
  const vs = new Float64Array(n);
  xorDecodeInto(chunk, ts, vs, 0, opts);
  return { ts, vs };
}

// Decodes into ts/vs starting at `at`; returns the sample count. Throws XorError.
export function xorDecodeInto(chunk: Uint8Array, ts: Float64Array, vs: Float64Array, at = 0, opts?: XorDecodeOptions): number {
  const n = xorSampleCount(chunk);
  if (at + n > ts.length || at + n > vs.length) throw new XorError(XOR_ERR_INPUT, "output arrays too small");
  const vbits = new Uint32Array(vs.buffer, vs.byteOffset, vs.length * 2);
  const r = new BitReader(chunk, 2);
  let t = 0;
  let tDelta = 0;
  let vHi = 0;
  let vLo = 0;
  let leading = 0;
  let trailing = 0;
  for (let i = 0; i < n; i++) {
    if (i === 0) {
      const [zh, zl] = readUvarint64(r);
      // zig-zag decode on (hi, lo): x = (u >>> 1) ^ -(u & 1)
      let hi = zh >>> 1;
      let lo = ((zl >>> 1) | (zh << 31)) >>> 0;
      if (zl & 1) {
        hi = ~hi >>> 0;
        lo = ~lo >>> 0;
      }
      t = toSigned(hi, lo, XOR_TS_LIMIT);
      vHi = r.readBits(32);
      vLo = r.readBits(32);
    } else {
      if (i === 1) {
        const [dh, dl] = readUvarint64(r);
        // |t1 - t0| < 2^53 whenever both are in the domain; larger deltas cannot be.
        tDelta = toSigned(dh, dl, 2 * XOR_TS_LIMIT);
        if (Number.isNaN(tDelta)) throw new XorError(XOR_ERR_TIMESTAMP, `sample ${i}`);
      } else {
        tDelta = readDod(r, tDelta, t);
      }
      t = t + tDelta;
      // value
      if (r.readBit() === 1) {
        if (r.readBit() === 1) {
          leading = r.readBits(5);
          let sig = r.readBits(6);
          if (sig === 0) sig = 64;
          if (leading + sig > 64) throw new XorError(XOR_ERR_WINDOW, `sample ${i}`);
          trailing = 64 - leading - sig;
        }
        const sig = 64 - leading - trailing;
        let xh = 0;
        let xl: number;
        if (sig > 32) {
          xh = r.readBits(sig - 32);
          xl = r.readBits(32);
        } else {
          xl = r.readBits(sig);
        }
        // shift (xh, xl) left by `trailing`
        if (trailing >= 32) {
          xh = xl << (trailing - 32);
          xl = 0;
        } else if (trailing > 0) {
          xh = (xh << trailing) | (xl >>> (32 - trailing));
          xl = xl << trailing;
        }
        vHi = (vHi ^ xh) >>> 0;
        vLo = (vLo ^ xl) >>> 0;
      }
    }
    if (!(t > -XOR_TS_LIMIT && t < XOR_TS_LIMIT)) throw new XorError(XOR_ERR_TIMESTAMP, `sample ${i}`);
    ts[at + i] = t;
    vbits[2 * (at + i) + HI] = vHi;
    vbits[2 * (at + i) + LO] = vLo;
  }
  if (opts?.strict) checkTrailing(r, n);
  return n;
}

// Returns the new timestamp delta after reading one delta-of-delta.
function readDod(r: BitReader, tDelta: number, t: number): number {
  if (r.readBit() === 0) return tDelta;
  let size: number;
  if (r.readBit() === 0) size = 14;
  else if (r.readBit() === 0) size = 17;
  else if (r.readBit() === 0) size = 20;
  else {
    const hi = r.readBits(32);
    const lo = r.readBits(32);
    // Rare path: exact 64-bit arithmetic with BigInt, wrapping like Go's int64.
    const dod = BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo));
    const next = BigInt.asIntN(64, BigInt(tDelta) + dod);
    const tn = BigInt.asIntN(64, BigInt(t) + next);
    const lim = BigInt(XOR_TS_LIMIT);
    if (tn <= -lim || tn >= lim) throw new XorError(XOR_ERR_TIMESTAMP);
    return Number(tn) - t; // exact: both in the domain
  }
  let bits = r.readBits(size);
  const half = 2 ** (size - 1);
  if (bits > half) bits -= 2 * half;
  return tDelta + bits;
}

// Strict mode: Prometheus pads with zero bits, at most 8 of them (Go's bstream may leave one
// whole empty byte after a byte-aligned write): more means the count header and the stream
// disagree.
function checkTrailing(r: BitReader, n: number): void {
  const left = r.bitsLeft();
  if (n === 0 && left > 0) throw new XorError(XOR_ERR_TRAILING, "data after an empty chunk header");
  if (left > 8) throw new XorError(XOR_ERR_TRAILING, `${left} bits left`);
  if (left > 0 && r.readBits(left) !== 0) throw new XorError(XOR_ERR_TRAILING, "non-zero padding bits");
}
