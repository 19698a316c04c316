// xxHash64 (seed 0 by default): the `hash` of StoreAPI chunks, which the querier-side proxy uses
// to drop identical chunks returned by several stores. All 64-bit arithmetic is done on 32-bit
// halves held in plain numbers, so the hot loop never allocates BigInts; only the final result is
// turned into a bigint (the generated protobuf type of a uint64 field).

// The five xxHash64 primes as [hi, lo].
const P1H = 0x9e3779b1, P1L = 0x85ebca87;
const P2H = 0xc2b2ae3d, P2L = 0x27d4eb4f;
const P3H = 0x165667b1, P3L = 0x9e3779f9;
const P4H = 0x85ebca77, P4L = 0xc2b2ae63;
const P5H = 0x27d4eb2f, P5L = 0x165667c5;

// Result registers of the 64-bit helpers (avoids returning tuples). A typed array, not module
// `let`s: uint32 values above 2^30 stored in a closure slot are boxed as heap numbers, which
// made every step allocate.
const R = new Uint32Array(2);

function add(ah: number, al: number, bh: number, bl: number): void {
  const lo = al + bl;
  R[1] = lo;
  R[0] = ah + bh + (lo > 0xffffffff ? 1 : 0);
}

// Low 64 bits of a * b.
function mul(ah: number, al: number, bh: number, bl: number): void {
  // Full 64-bit product of the low words from 16-bit limbs (every partial sum stays < 2^53).
  const a0 = al & 0xffff, a1 = al >>> 16, b0 = bl & 0xffff, b1 = bl >>> 16;
  const mid = a1 * b0 + a0 * b1;
  const low = a0 * b0 + (mid % 65536) * 65536;
  R[1] = low;
  const carry = Math.floor(low / 4294967296);
  R[0] = a1 * b1 + Math.floor(mid / 65536) + carry + Math.imul(ah, bl) + Math.imul(al, bh);
}

function rotl(h: number, l: number, r: number): void {
  // r is always in 1..31 here.
  R[0] = (h << r) | (l >>> (32 - r));
  R[1] = (l << r) | (h >>> (32 - r));
}

// acc = rotl(acc + input * P2, 31) * P1
function round(acch: number, accl: number, inh: number, inl: number): void {
  mul(inh, inl, P2H, P2L);
  add(acch, accl, R[0], R[1]);
  rotl(R[0], R[1], 31);
  mul(R[0], R[1], P1H, P1L);
}

function read32(d: Uint8Array, i: number): number {
  return (d[i] | (d[i + 1] << 8) | (d[i + 2] << 16) | (d[i + 3] << 24)) >>> 0;
}

// Writes the hash as [hi, lo] into `out` (no allocation) and returns it.
export function xxhash64Into(data: Uint8Array, out: Uint32Array, seedHi = 0, seedLo = 0): Uint32Array {
  const n = data.length;
  let i = 0;
  let hh: number, hl: number;
  if (n >= 32) {
    add(seedHi, seedLo, P1H, P1L);
    add(R[0], R[1], P2H, P2L);
    let v1h = R[0], v1l = R[1];
    add(seedHi, seedLo, P2H, P2L);
    let v2h = R[0], v2l = R[1];
    let v3h = seedHi, v3l = seedLo;
    // seed - P1 = seed + (2^64 - P1)
    add(seedHi, seedLo, ~P1H >>> 0, ~P1L >>> 0);
    add(R[0], R[1], 0, 1);
    let v4h = R[0], v4l = R[1];
    const limit = n - 32;
    for (; i <= limit; i += 32) {
      round(v1h, v1l, read32(data, i + 4), read32(data, i));
      v1h = R[0]; v1l = R[1];
      round(v2h, v2l, read32(data, i + 12), read32(data, i + 8));
      v2h = R[0]; v2l = R[1];
      round(v3h, v3l, read32(data, i + 20), read32(data, i + 16));
      v3h = R[0]; v3l = R[1];
      round(v4h, v4l, read32(data, i + 28), read32(data, i + 24));
      v4h = R[0]; v4l = R[1];
    }
    rotl(v1h, v1l, 1);
    hh = R[0]; hl = R[1];
    rotl(v2h, v2l, 7);
    add(hh, hl, R[0], R[1]);
    hh = R[0]; hl = R[1];
    rotl(v3h, v3l, 12);
    add(hh, hl, R[0], R[1]);
    hh = R[0]; hl = R[1];
    rotl(v4h, v4l, 18);
    add(hh, hl, R[0], R[1]);
    hh = R[0]; hl = R[1];
    const vs = [v1h, v1l, v2h, v2l, v3h, v3l, v4h, v4l];
    for (let k = 0; k < 8; k += 2) {
      // h = (h ^ round(0, v)) * P1 + P4
      round(0, 0, vs[k], vs[k + 1]);
      mul((hh ^ R[0]) >>> 0, (hl ^ R[1]) >>> 0, P1H, P1L);
      add(R[0], R[1], P4H, P4L);
      hh = R[0]; hl = R[1];
    }
  } else {
    add(seedHi, seedLo, P5H, P5L);
    hh = R[0]; hl = R[1];
  }
  // h += length (lengths stay far below 2^53, so split with division).
  add(hh, hl, Math.floor(n / 4294967296) >>> 0, n >>> 0);
  hh = R[0]; hl = R[1];
  for (; i + 8 <= n; i += 8) {
    round(0, 0, read32(data, i + 4), read32(data, i));
    hh = (hh ^ R[0]) >>> 0;
    hl = (hl ^ R[1]) >>> 0;
    rotl(hh, hl, 27);
    mul(R[0], R[1], P1H, P1L);
    add(R[0], R[1], P4H, P4L);
    hh = R[0]; hl = R[1];
  }
  if (i + 4 <= n) {
    mul(0, read32(data, i), P1H, P1L);
    hh = (hh ^ R[0]) >>> 0;
    hl = (hl ^ R[1]) >>> 0;
    rotl(hh, hl, 23);
    mul(R[0], R[1], P2H, P2L);
    add(R[0], R[1], P3H, P3L);
    hh = R[0]; hl = R[1];
    i += 4;
  }
  for (; i < n; i++) {
    mul(0, data[i], P5H, P5L);
    hh = (hh ^ R[0]) >>> 0;
    hl = (hl ^ R[1]) >>> 0;
    rotl(hh, hl, 11);
    mul(R[0], R[1], P1H, P1L);
    hh = R[0]; hl = R[1];
  }
  // Avalanche.
  hl = (hl ^ (hh >>> 1)) >>> 0; // h ^= h >>> 33
  mul(hh, hl, P2H, P2L);
  hh = R[0]; hl = R[1];
  // h ^= h >>> 29 (the shifted value's low word takes 3 bits from the high word)
  const sl = ((hl >>> 29) | (hh << 3)) >>> 0;
  hh = (hh ^ (hh >>> 29)) >>> 0;
  hl = (hl ^ sl) >>> 0;
  mul(hh, hl, P3H, P3L);
  hh = R[0]; hl = R[1];
  hl = (hl ^ hh) >>> 0; // h ^= h >>> 32
  out[0] = hh;
  out[1] = hl;
  return out;
}

const scratch = new Uint32Array(2);

// xxHash64 with seed 0 as the bigint a protobuf uint64 field holds.
export function xxhash64(data: Uint8Array): bigint {
  xxhash64Into(data, scratch);
  return (BigInt(scratch[0]) << 32n) | BigInt(scratch[1]);
}

// Lower-case 16-digit hex, handy for map keys and logs.
export function xxhash64Hex(data: Uint8Array): string {
  xxhash64Into(data, scratch);
  return scratch[0].toString(16).padStart(8, "0") + scratch[1].toString(16).padStart(8, "0");
}
