import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { xxhash64, xxhash64Hex } from "../../src/codec/xxhash64.ts";

const enc = new TextEncoder();

test("published xxHash64 vectors (seed 0)", () => {
  assert.equal(xxhash64(enc.encode("")), 0xef46db3751d8e999n);
  assert.equal(xxhash64(enc.encode("a")), 0xd24ec4f1a98c6e5bn);
  assert.equal(xxhash64(enc.encode("abc")), 0x44bc2cf5ad770999n);
  assert.equal(xxhash64(enc.encode("Nobody inspects the spammish repetition")), 0xfbcea83c8a378bf1n);
  assert.equal(xxhash64Hex(enc.encode("a")), "d24ec4f1a98c6e5b");
});

// Straightforward BigInt transcription of the xxHash64 specification, as an independent oracle.
const M = (1n << 64n) - 1n;
const P1 = 0x9e3779b185ebca87n, P2 = 0xc2b2ae3d27d4eb4fn, P3 = 0x165667b19e3779f9n, P4 = 0x85ebca77c2b2ae63n, P5 = 0x27d4eb2f165667c5n;
const rotl = (x: bigint, r: bigint) => ((x << r) | (x >> (64n - r))) & M;
const rd64 = (d: Uint8Array, i: number) => { let v = 0n; for (let k = 7; k >= 0; k--) v = (v << 8n) | BigInt(d[i + k]); return v; };
const rd32 = (d: Uint8Array, i: number) => BigInt((d[i] | (d[i + 1] << 8) | (d[i + 2] << 16) | (d[i + 3] << 24)) >>> 0);
const round = (acc: bigint, x: bigint) => (rotl((acc + x * P2) & M, 31n) * P1) & M;
function reference(d: Uint8Array): bigint {
  let i = 0;
  let h: bigint;
  if (d.length >= 32) {
    let v1 = (P1 + P2) & M, v2 = P2, v3 = 0n, v4 = (0n - P1) & M;
    for (; i + 32 <= d.length; i += 32) {
      v1 = round(v1, rd64(d, i)); v2 = round(v2, rd64(d, i + 8)); v3 = round(v3, rd64(d, i + 16)); v4 = round(v4, rd64(d, i + 24));
    }
    h = (rotl(v1, 1n) + rotl(v2, 7n) + rotl(v3, 12n) + rotl(v4, 18n)) & M;
    for (const v of [v1, v2, v3, v4]) h = (((h ^ round(0n, v)) * P1) + P4) & M;
  } else h = P5;
  h = (h + BigInt(d.length)) & M;
  for (; i + 8 <= d.length; i += 8) h = (rotl(h ^ round(0n, rd64(d, i)), 27n) * P1 + P4) & M;
  if (i + 4 <= d.length) { h = (rotl(h ^ ((rd32(d, i) * P1) & M), 23n) * P2 + P3) & M; i += 4; }
  for (; i < d.length; i++) h = (rotl(h ^ ((BigInt(d[i]) * P5) & M), 11n) * P1) & M;
  h ^= h >> 33n; h = (h * P2) & M; h ^= h >> 29n; h = (h * P3) & M; h ^= h >> 32n;
  return h;
}

test("property: 32-bit-halves implementation equals a BigInt reference", () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (b) => assert.equal(xxhash64(b), reference(b))), { numRuns: 500 });
});
