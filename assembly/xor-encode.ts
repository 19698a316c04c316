// XOR chunk encoder: samples (f64 ms timestamps, f64 values read as raw bits so NaN payloads
// survive) -> chunk bytes identical to Prometheus's, including Go bstream's trailing empty byte
// after a byte-aligned whole-byte write. Bits gather MSB-first in a u64 and leave as
// big-endian words.

const ERR_CAPACITY: i32 = -6;
const ERR_INPUT: i32 = -7;
const ERR_BOUNDS: i32 = -8;
const TS_LIMIT: f64 = 4503599627370496.0; // 2^52

let acc: u64 = 0; // pending bits, MSB-aligned
let accBits: u64 = 0; // 0..63
let out: usize = 0; // next word store address
let lastWasByte: bool = false; // last Go-level write ended with a whole byte

// Writes the low n bits of v (1 <= n <= 64; v already masked).
@inline function put(v: u64, n: u64): void {
  const free = 64 - accBits;
  if (n < free) {
    acc |= v << (free - n);
    accBits += n;
  } else {
    acc |= v >>> (n - free);
    store<u64>(out, bswap<u64>(acc));
    out += 8;
    accBits = n - free;
    acc = accBits != 0 ? v << (64 - accBits) : 0;
  }
}

@inline function putBits(v: u64, n: u64): void {
  put(n == 64 ? v : v & ((<u64>1 << n) - 1), n);
  lastWasByte = (n & 7) == 0;
}

@inline function putBit(b: u64): void {
  put(b, 1);
  lastWasByte = false;
}

function putUvarint(x: u64): void {
  while (x >= 0x80) {
    putBits((x & 0x7f) | 0x80, 8);
    x >>>= 7;
  }
  putBits(x, 8);
}

let leading: u64 = 0xff;
let trailing: u64 = 0;

function putValue(x: u64): void {
  if (x == 0) {
    putBit(0);
    return;
  }
  putBit(1);
  let lead = clz<u64>(x);
  const trail = ctz<u64>(x);
  if (lead >= 32) lead = 31;
  if (leading != 0xff && lead >= leading && trail >= trailing) {
    putBit(0);
    putBits(x >>> trailing, 64 - leading - trailing);
    return;
  }
  leading = lead;
  trailing = trail;
  const sig = 64 - lead - trail;
  putBit(1);
  putBits(lead, 5);
  putBits(sig & 63, 6);
  putBits(x >>> trail, sig);
}

@inline function validTs(t: f64): bool {
  return t > -TS_LIMIT && t < TS_LIMIT && t == Math.trunc(t);
}

// Encodes n samples from ts/vs (f64 each) into dst (cap bytes, at least xorMaxEncodedSize(n)).
// Returns the chunk length in bytes or a negative code.
export function xorEncode(ts: usize, vs: usize, n: i32, dst: usize, cap: i32): i32 {
  if (n < 0 || n > 65535) return ERR_INPUT;
  const need = 2 + 10 + 8 + 10 + 10 + n * 19 + 16;
  if (cap < need) return ERR_CAPACITY;
  const end = (<u64>memory.size()) << 16;
  if (<u64>dst + <u64>cap > end || <u64>ts + ((<u64>n) << 3) > end || <u64>vs + ((<u64>n) << 3) > end) return ERR_BOUNDS;
  for (let i = 0; i < n; i++) if (!validTs(load<f64>(ts + (<usize>i << 3)))) return ERR_INPUT;

  acc = 0;
  accBits = 0;
  out = dst;
  lastWasByte = false;
  leading = 0xff;
  trailing = 0;
  putBits(<u64>n, 16);
  lastWasByte = false; // Go allocates the header; it is not a bstream write
  let prevT: i64 = 0;
  let prevV: u64 = 0;
  let tDelta: i64 = 0;
  for (let i = 0; i < n; i++) {
    const t = <i64>load<f64>(ts + (<usize>i << 3));
    const v = load<u64>(vs + (<usize>i << 3));
    if (i == 0) {
      putUvarint(<u64>((t << 1) ^ (t >> 63)));
      putBits(v, 64);
    } else if (i == 1) {
      tDelta = t - prevT;
      putUvarint(<u64>tDelta);
      putValue(v ^ prevV);
    } else {
      const d = t - prevT;
      const dod = d - tDelta;
      if (dod == 0) {
        putBit(0);
      } else if (dod >= -8191 && dod <= 8192) {
        putBits(0b10, 2);
        putBits(<u64>dod, 14);
      } else if (dod >= -65535 && dod <= 65536) {
        putBits(0b110, 3);
        putBits(<u64>dod, 17);
      } else if (dod >= -524287 && dod <= 524288) {
        putBits(0b1110, 4);
        putBits(<u64>dod, 20);
      } else {
        putBits(0b1111, 4);
        putBits(<u64>dod, 64);
      }
      tDelta = d;
      putValue(v ^ prevV);
    }
    prevT = t;
    prevV = v;
  }
  // Flush the partial word (zeros beyond it double as Go's padding / empty byte).
  store<u64>(out, bswap<u64>(acc));
  let len = <i32>(out - dst) + <i32>((accBits + 7) >>> 3);
  if ((accBits & 7) == 0 && lastWasByte) len += 1;
  return len;
}
