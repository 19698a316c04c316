// Go's encoding/binary varints on Uint8Array, with plain JS numbers. Values up to 2^53 are
// exact (every timestamp, series ref and chunk ref we meet). Larger magnitudes (tombstones use
// math.MinInt64/MaxInt64 for open ranges) round to the nearest double on decode and go through
// a BigInt path on encode so the bytes stay exactly what Go writes for the same int64.
export const MAX_VARINT_LEN64 = 10;

export class DecodeError extends Error {}

const TWO_32 = 4294967296;

// Bytes a uvarint of `v` takes.
export function uvarintSize(v: number): number {
  let n = 1;
  while (v >= 128) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}

// Writes `v` (a non-negative integer) at `pos`; returns the position after it.
export function putUvarint(buf: Uint8Array, pos: number, v: number): number {
  if (v < 0 || !Number.isInteger(v)) throw new RangeError(`uvarint: ${v} is not a non-negative integer`);
  if (v > Number.MAX_SAFE_INTEGER) return putUvarintBig(buf, pos, BigInt(v));
  while (v >= 128) {
    buf[pos++] = (v % 128) | 0x80;
    v = Math.floor(v / 128);
  }
  buf[pos++] = v;
  return pos;
}

function putUvarintBig(buf: Uint8Array, pos: number, v: bigint): number {
  v = BigInt.asUintN(64, v);
  while (v >= 128n) {
    buf[pos++] = Number(v & 0x7fn) | 0x80;
    v >>= 7n;
  }
  buf[pos++] = Number(v);
  return pos;
}

export function putVarint(buf: Uint8Array, pos: number, v: number): number {
  if (!Number.isInteger(v)) throw new RangeError(`varint: ${v} is not an integer`);
  if (Math.abs(v) > 2 ** 52) {
    // Doubles at or above 2^63 (math.MaxInt64 rounds up to 2^63) clamp to MaxInt64 as Go's
    // int64 would hold it.
    const b = v >= 2 ** 63 ? (1n << 63n) - 1n : BigInt.asIntN(64, BigInt(v));
    return putUvarintBig(buf, pos, b >= 0n ? b << 1n : ~(b << 1n));
  }
  return putUvarint(buf, pos, v >= 0 ? v * 2 : -v * 2 - 1);
}

// Result of a decode: the value and the position after it. One reused object per reader
// would be faster, but callers here decode a few values per entry, not per sample.
export interface Decoded {
  value: number;
  next: number;
}

export function readUvarint(buf: Uint8Array, pos: number, end = buf.length): Decoded {
  let value = 0;
  let mul = 1;
  for (let i = 0; i < MAX_VARINT_LEN64; i++) {
    if (pos >= end) throw new DecodeError("uvarint: unexpected end of data");
    const b = buf[pos++];
    if (i === MAX_VARINT_LEN64 - 1 && b > 1) throw new DecodeError("uvarint: overflows 64 bits");
    value += (b & 0x7f) * mul;
    if (b < 0x80) return { value, next: pos };
    mul *= 128;
  }
  throw new DecodeError("uvarint: overflows 64 bits");
}

export function readVarint(buf: Uint8Array, pos: number, end = buf.length): Decoded {
  // Zig-zag: the sign is bit 0 of the first byte; halve the rest directly so parity is not lost
  // to float rounding for values beyond 2^53.
  if (pos >= end) throw new DecodeError("varint: unexpected end of data");
  const first = buf[pos];
  const negative = (first & 1) === 1;
  let half = (first & 0x7e) / 2;
  pos++;
  if (first >= 0x80) {
    let mul = 64;
    for (let i = 1; ; i++) {
      if (i >= MAX_VARINT_LEN64) throw new DecodeError("varint: overflows 64 bits");
      if (pos >= end) throw new DecodeError("varint: unexpected end of data");
      const b = buf[pos++];
      if (i === MAX_VARINT_LEN64 - 1 && b > 1) throw new DecodeError("varint: overflows 64 bits");
      half += (b & 0x7f) * mul;
      if (b < 0x80) break;
      mul *= 128;
    }
  }
  return { value: negative ? -half - 1 : half, next: pos };
}

export function readBE32(buf: Uint8Array, pos: number): number {
  return ((buf[pos] << 24) | (buf[pos + 1] << 16) | (buf[pos + 2] << 8) | buf[pos + 3]) >>> 0;
}

export function writeBE32(buf: Uint8Array, pos: number, v: number): number {
  buf[pos] = v >>> 24;
  buf[pos + 1] = v >>> 16;
  buf[pos + 2] = v >>> 8;
  buf[pos + 3] = v;
  return pos + 4;
}

// 64-bit big-endian as a number (exact up to 2^53; index offsets never come close).
export function readBE64(buf: Uint8Array, pos: number): number {
  return readBE32(buf, pos) * TWO_32 + readBE32(buf, pos + 4);
}

export function writeBE64(buf: Uint8Array, pos: number, v: number): number {
  writeBE32(buf, pos, Math.floor(v / TWO_32));
  return writeBE32(buf, pos + 4, v % TWO_32);
}
