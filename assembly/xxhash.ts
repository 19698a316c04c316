// xxHash64 (the StoreAPI Chunk.hash, seed 0) over byte ranges of linear memory, with native
// u64 arithmetic. The TS side places the bytes in the arena; the kernels only read them.
// Loads are unaligned-safe in wasm, so a range may start at any byte. Every u64 operation
// wraps, so no input makes a kernel trap (out-of-range pointers are the caller's bug).

const P1: u64 = 0x9e3779b185ebca87;
const P2: u64 = 0xc2b2ae3d27d4eb4f;
const P3: u64 = 0x165667b19e3779f9;
const P4: u64 = 0x85ebca77c2b2ae63;
const P5: u64 = 0x27d4eb2f165667c5;

// @ts-ignore: decorator
@inline function xxRound(acc: u64, input: u64): u64 {
  return rotl<u64>(acc + input * P2, 31) * P1;
}

// @ts-ignore: decorator
@inline function xxMerge(h: u64, v: u64): u64 {
  return (h ^ xxRound(0, v)) * P1 + P4;
}

function hashRange(p: usize, len: usize, seed: u64): u64 {
  const end = p + len;
  let h: u64;
  if (len >= 32) {
    let v1 = seed + P1 + P2;
    let v2 = seed + P2;
    let v3 = seed;
    let v4 = seed - P1;
    const limit = end - 32;
    do {
      v1 = xxRound(v1, load<u64>(p));
      v2 = xxRound(v2, load<u64>(p, 8));
      v3 = xxRound(v3, load<u64>(p, 16));
      v4 = xxRound(v4, load<u64>(p, 24));
      p += 32;
    } while (p <= limit);
    h = rotl<u64>(v1, 1) + rotl<u64>(v2, 7) + rotl<u64>(v3, 12) + rotl<u64>(v4, 18);
    h = xxMerge(h, v1);
    h = xxMerge(h, v2);
    h = xxMerge(h, v3);
    h = xxMerge(h, v4);
  } else {
    h = seed + P5;
  }
  h += <u64>len;
  while (p + 8 <= end) {
    h = rotl<u64>(h ^ xxRound(0, load<u64>(p)), 27) * P1 + P4;
    p += 8;
  }
  if (p + 4 <= end) {
    h = rotl<u64>(h ^ (<u64>load<u32>(p) * P1), 23) * P2 + P3;
    p += 4;
  }
  while (p < end) {
    h = rotl<u64>(h ^ (<u64>load<u8>(p) * P5), 11) * P1;
    p++;
  }
  h ^= h >> 33;
  h *= P2;
  h ^= h >> 29;
  h *= P3;
  h ^= h >> 32;
  return h;
}

// Hashes `len` bytes at `ptr` (seed 0), stores the u64 at `out` and returns 1 (ranges hashed).
// Results go through memory rather than an i64 return so JS reads them as unsigned
// (BigUint64Array) with no BigInt maths.
export function xxhash64At(ptr: usize, len: u32, out: usize): i32 {
  store<u64>(out, hashRange(ptr, <usize>len, 0));
  return 1;
}

// Hashes `n` ranges described by a table of n x [u32 ptr, u32 len] at `desc` (seed 0) and
// stores the n u64 hashes at `out` (8-byte aligned); returns the number of ranges hashed (0 for
// n <= 0). One call per Series response / batch.
export function xxhash64Batch(desc: usize, n: i32, out: usize): i32 {
  for (let i = 0; i < n; i++) {
    const d = desc + (<usize>i << 3);
    store<u64>(out + (<usize>i << 3), hashRange(<usize>load<u32>(d), <usize>load<u32>(d, 4), 0));
  }
  return n > 0 ? n : 0;
}
