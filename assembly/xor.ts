// XOR (Gorilla) chunk codec, bit-exact with Prometheus (tsdb/chunkenc/xor.go). The TS side
// copies chunks into linear memory with XOR_PAD readable bytes after the last one and hands
// over a scratch area for a big-endian word copy of each chunk, so the reader loads whole
// u64 words without a bounds check per read; it checks the bit position once per sample
// instead (a sample is at most 145 bits, so the loads stay inside the padding). Kernels never trap on bad input: they return a negative code (the same codes
// as src/kernels/xor-errors.ts).

const ERR_TRUNCATED: i32 = -1;
const ERR_VARINT: i32 = -2;
const ERR_WINDOW: i32 = -3;
const ERR_TIMESTAMP: i32 = -4;
const ERR_TRAILING: i32 = -5;
const ERR_CAPACITY: i32 = -6;
const ERR_INPUT: i32 = -7;
const ERR_BOUNDS: i32 = -8; // pointers/lengths outside linear memory or missing padding

// Bytes the caller leaves readable after chunk data.
export const XOR_PAD: i32 = 64;
const TS_LIMIT: i64 = 1 << 52; // |t| < 2^52 ms, see xor-errors.ts

// Index of the chunk that failed in the last xorDecodeBatch call.
let lastErrorChunk: i32 = -1;

export function xorLastErrorChunk(): i32 {
  return lastErrorChunk;
}

// Upper bound of the encoded size of n samples, plus 8 bytes of slack for word stores.
export function xorMaxEncodedSize(n: i32): i32 {
  return 2 + 10 + 8 + 10 + 10 + n * 19 + 16;
}

@inline function memEnd(): u64 {
  return (<u64>memory.size()) << 16;
}

@inline function inMemory(ptr: usize, bytes: u64): bool {
  return <u64>ptr + bytes <= memEnd();
}

// The bit reader works on a big-endian copy of the chunk: one SIMD pass (a byte shuffle per
// 16 bytes; wasm has no scalar byte swap) turns the stream into u64 words whose bits are in
// stream order, so a peek is two plain loads and shifts, off the critical path of a shuffle.
const SWAP = i8x16(7, 6, 5, 4, 3, 2, 1, 0, 15, 14, 13, 12, 11, 10, 9, 8);

// Copies len bytes (+ padding) from src into scratch as big-endian u64 words.
@inline function swapWords(src: usize, len: i32, scratch: usize): void {
  for (let o: usize = 0; o < <usize>len + 48; o += 16) {
    v128.store(scratch + o, i8x16.swizzle(v128.load(src + o), SWAP));
  }
}

// 64 bits of the stream starting at bit `pos` (all valid, or padding past the end).
@inline function peek(words: usize, pos: u64): u64 {
  const at = words + (<usize>(pos >>> 6) << 3);
  const off = pos & 63;
  return (load<u64>(at) << off) | ((load<u64>(at, 8) >>> 1) >>> (63 - off));
}

@inline function outOfRange(t: i64): bool {
  return <u64>(t + (TS_LIMIT - 1)) > <u64>(2 * TS_LIMIT - 2);
}

// Reads n bits (1..64) at pos.
@inline function readBits(words: usize, pos: u64, n: u32): u64 {
  return peek(words, pos) >>> (64 - <u64>n);
}

// Varint state for the first two samples (byte aligned, read byte by byte with bounds checks).
let varintValue: u64 = 0;

// Reads an unsigned varint at byte `p`; returns the next byte index or a negative code.
function readUvarint(base: usize, p: i32, len: i32): i32 {
  let x: u64 = 0;
  let shift: u64 = 0;
  for (let i = 0; i < 10; i++) {
    if (p >= len) return ERR_TRUNCATED;
    const b = <u64>load<u8>(base + <usize>p);
    p++;
    if (i == 9 && b > 1) return ERR_VARINT;
    x |= (b & 0x7f) << shift;
    if (b < 0x80) {
      varintValue = x;
      return p;
    }
    shift += 7;
  }
  return ERR_VARINT;
}

// Decodes one chunk at src (len bytes, XOR_PAD readable bytes after it) into ts (f64 ms) and
// vs (f64) starting at element 0. Returns the sample count or a negative code.
function decodeOne(src: usize, len: i32, ts: usize, vs: usize, cap: i32, words: usize, strict: bool): i32 {
  if (len < 2) return ERR_TRUNCATED;
  const n = (<i32>load<u8>(src) << 8) | <i32>load<u8>(src + 1);
  if (n == 0) return len == 2 || !strict ? 0 : ERR_TRAILING;
  if (n > cap) return ERR_CAPACITY;
  swapWords(src, len, words);
  const bitLen: u64 = (<u64>len) << 3;

  // Sample 0: zig-zag varint timestamp, 64 raw value bits.
  let p = readUvarint(src, 2, len);
  if (p < 0) return p;
  const zz = varintValue;
  let t = <i64>(zz >>> 1) ^ -<i64>(zz & 1);
  if (outOfRange(t)) return ERR_TIMESTAMP;
  let pos: u64 = (<u64>p) << 3;
  if (pos + 64 > bitLen) return ERR_TRUNCATED;
  let v = readBits(words, pos, 64);
  pos += 64;
  store<f64>(ts, <f64>t);
  store<u64>(vs, v);
  if (n == 1) return strict ? finish(words, pos, bitLen, 1) : 1;

  // Sample 1: uvarint delta (byte aligned), then the value.
  p = readUvarint(src, <i32>(pos >>> 3), len);
  if (p < 0) return p;
  let tDelta = <i64>varintValue;
  pos = (<u64>p) << 3;
  let leading: u64 = 0;
  let trailing: u64 = 0;
  // Invariant from here on: every stored t is in the domain, so |tDelta| < 2^53 and a run of
  // at most 32 equal deltas cannot wrap i64.
  // One load per sample: the dod and the value are taken from the same 64-bit peek whenever
  // their bits fit (the load sits on the loop-carried pos -> load -> pos chain). Branches stay
  // where they predict well on real series (dod 0, value reuse); the bucket size of a non-zero
  // dod comes from a table, not a branch chain.
  let i = 1;
  while (i < n) {
    let w = peek(words, pos);
    let avail: u64 = 64; // bits of w known to come from the stream (or its padding)
    if (i > 1) {
      const lz = clz<u64>(w);
      if (lz >= 4) {
        // A run of >= 2 "00" pairs: samples with dod 0 and an unchanged value, the bulk of
        // regular scrapes of slowly changing series. One peek covers up to 32 of them.
        let r = <i32>(lz >>> 1); // at most 32

        if (r > n - i) r = n - i;
        let pt = ts + (<usize>i << 3);
        let pv = vs + (<usize>i << 3);
        // Two samples per 128-bit store. f64 arithmetic is exact here: every timestamp of a
        // valid run is an integer below 2^52 (an invalid run is rejected just below).
        const pairs = r >>> 1;
        if (pairs != 0) {
          const d = <f64>tDelta;
          let tv = f64x2(<f64>(t + tDelta), <f64>(t + 2 * tDelta));
          const step = f64x2.splat(2 * d);
          const vv = i64x2.splat(v);
          for (let k = 0; k < pairs; k++) {
            v128.store(pt, tv);
            v128.store(pv, vv);
            tv = f64x2.add(tv, step);
            pt += 16;
            pv += 16;
          }
          t += <i64>(pairs << 1) * tDelta;
        }
        if (r & 1) {
          t += tDelta;
          store<f64>(pt, <f64>t);
          store<u64>(pv, v);
        }
        pos += <u64>(r << 1);
        // An arithmetic progression that started inside the domain: its last timestamp
        // checks them all.
        if ((pos > bitLen) | outOfRange(t)) return pos > bitLen ? ERR_TRUNCATED : ERR_TIMESTAMP;
        i += r;
        continue;
      }
      // Delta of delta: '0' | '10'+14 | '110'+17 | '1110'+20 | '1111'+64 bits.
      const ones = clz<u64>(~w);
      if (ones == 0) {
        pos += 1;
        w <<= 1;
        avail = 63;
      } else if (ones >= 4) {
        tDelta += <i64>readBits(words, pos + 4, 64);
        pos += 68;
        w = peek(words, pos);
      } else {
        const size = (<u64>0x14110e00 >>> (ones << 3)) & 0xff; // ones 1, 2, 3 -> 14, 17, 20
        const ctl = ones + 1;
        let raw = (w << ctl) >>> (64 - size);
        const half: u64 = (<u64>1) << (size - 1);
        raw = select<u64>(raw - (half << 1), raw, raw > half); // asymmetric signed range
        tDelta += <i64>raw;
        const used = ctl + size;
        pos += used;
        w <<= used;
        avail = 64 - used;
      }
    }
    t += tDelta;

    // Value: '0' unchanged | '10' + bits in the previous window | '11' + 5-bit leading
    // + 6-bit count (0 = 64) + bits. The significant bits come from w when they are all there.
    if ((w >>> 63) != 0) {
      let hdr: u64 = 2;
      if ((w >>> 62) == 3) {
        leading = (w >>> 57) & 31;
        let sig = (w >>> 51) & 63;
        sig = select<u64>(64, sig, sig == 0);
        if (leading + sig > 64) return pos + 13 > bitLen ? ERR_TRUNCATED : ERR_WINDOW;
        trailing = 64 - leading - sig;
        hdr = 13;
      }
      const sig = 64 - leading - trailing;
      const bits = hdr + sig <= avail ? (w << hdr) >>> (64 - sig) : readBits(words, pos + hdr, <u32>sig);
      v ^= bits << trailing;
      pos += hdr + sig;
    } else {
      pos += 1;
    }
    if ((pos > bitLen) | outOfRange(t)) return pos > bitLen ? ERR_TRUNCATED : ERR_TIMESTAMP;
    store<f64>(ts + (<usize>i << 3), <f64>t);
    store<u64>(vs + (<usize>i << 3), v);
    i++;
  }
  return strict ? finish(words, pos, bitLen, n) : n;
}

// Strict mode: at most 8 zero padding bits may follow the last sample (Go's bstream can leave
// one whole empty byte). Lenient mode (Prometheus's own reader) ignores whatever follows: a
// head chunk read while Prometheus appends to it can carry bits of a sample not yet counted.
@inline function finish(words: usize, pos: u64, bitLen: u64, n: i32): i32 {
  const left = bitLen - pos;
  if (left > 8) return ERR_TRAILING;
  if (left > 0 && (peek(words, pos) >>> (64 - left)) != 0) return ERR_TRAILING;
  return n;
}

// One chunk -> arrays. ts/vs hold `cap` f64 each; scratch holds len + XOR_PAD bytes (the
// big-endian word copy of the chunk); strict != 0 rejects data after the last sample.
export function xorDecode(src: usize, len: i32, ts: usize, vs: usize, cap: i32, scratch: usize, strict: i32): i32 {
  if (len < 0 || cap < 0) return ERR_BOUNDS;
  if (!inMemory(src, <u64>len + XOR_PAD) || !inMemory(scratch, <u64>len + XOR_PAD)) return ERR_BOUNDS;
  if (!inMemory(ts, (<u64>cap) << 3) || !inMemory(vs, (<u64>cap) << 3)) return ERR_BOUNDS;
  return decodeOne(src, len, ts, vs, cap, scratch, strict != 0);
}

// Many chunks -> one pair of contiguous arrays. `table` holds count (ptr: u32, len: u32)
// pairs; every chunk needs XOR_PAD readable bytes after it (chunks laid end to end with one
// pad at the very end satisfy that). offsets (count+1 i32) receives each chunk's first sample
// index and the total. scratch holds scratchLen bytes, at least the longest chunk + XOR_PAD;
// strict as in xorDecode.
// Returns the total or a negative code (failing chunk: xorLastErrorChunk).
export function xorDecodeBatch(table: usize, count: i32, ts: usize, vs: usize, cap: i32, offsets: usize, scratch: usize, scratchLen: i32, strict: i32): i32 {
  lastErrorChunk = -1;
  if (count < 0 || cap < 0 || scratchLen < 0) return ERR_BOUNDS;
  if (!inMemory(table, (<u64>count) << 3) || !inMemory(offsets, ((<u64>count) + 1) << 2)) return ERR_BOUNDS;
  if (!inMemory(ts, (<u64>cap) << 3) || !inMemory(vs, (<u64>cap) << 3) || !inMemory(scratch, <u64>scratchLen)) return ERR_BOUNDS;
  let total: i32 = 0;
  for (let c = 0; c < count; c++) {
    const src = <usize>load<u32>(table + (<usize>c << 3));
    const len = load<i32>(table + (<usize>c << 3) + 4);
    store<i32>(offsets + (<usize>c << 2), total);
    let r: i32;
    if (len < 0 || len > scratchLen - XOR_PAD || !inMemory(src, <u64>len + XOR_PAD)) r = ERR_BOUNDS;
    else r = decodeOne(src, len, ts + (<usize>total << 3), vs + (<usize>total << 3), cap - total, scratch, strict != 0);
    if (r < 0) {
      lastErrorChunk = c;
      return r;
    }
    total += r;
  }
  store<i32>(offsets + (<usize>count << 2), total);
  return total;
}

export { xorEncode } from "./xor-encode";
