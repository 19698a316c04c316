import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { xxhash64 as xxhash64Ref } from "../../src/codec/xxhash64.ts";
import { kernels } from "../../src/kernels/instance.ts";
import { xxhash64Many, xxhash64Wasm } from "../../src/kernels/xxhash.ts";

const enc = new TextEncoder();

test("published xxHash64 string vectors (seed 0)", () => {
  const vectors: [string, bigint][] = [
    ["", 0xef46db3751d8e999n],
    ["a", 0xd24ec4f1a98c6e5bn],
    ["abc", 0x44bc2cf5ad770999n],
    ["Nobody inspects the spammish repetition", 0xfbcea83c8a378bf1n],
    ["The quick brown fox jumps over the lazy dog", 0x0b242d361fda71bcn],
  ];
  for (const [s, want] of vectors) {
    assert.equal(xxhash64Wasm(enc.encode(s)), want, JSON.stringify(s));
  }
  assert.deepEqual([...xxhash64Many(vectors.map(([s]) => enc.encode(s)))], vectors.map(([, h]) => h));
});

// xxhsum's sanity buffer: byte i is the top byte of PRIME32 * PRIME64^i (mod 2^64).
function sanityBuffer(n: number): Uint8Array {
  const b = new Uint8Array(n);
  let gen = 2654435761n;
  for (let i = 0; i < n; i++) {
    b[i] = Number(gen >> 56n);
    gen = (gen * 11400714785074694797n) & 0xffffffffffffffffn;
  }
  return b;
}

test("xxhsum sanity-check vectors (seed 0): lengths 0, 1, 4, 14, 222", () => {
  const buf = sanityBuffer(222);
  const vectors: [number, bigint][] = [
    [0, 0xef46db3751d8e999n],
    [1, 0xe934a84adb052768n],
    [4, 0x9136a0dca57457een],
    [14, 0x8282dcc4994e35c8n],
    [222, 0xb641ae8cb691c174n],
  ];
  for (const [len, want] of vectors) {
    assert.equal(xxhash64Wasm(buf.subarray(0, len)), want, `len ${len}`);
    assert.equal(xxhash64Ref(buf.subarray(0, len)), want, `reference, len ${len}`);
  }
  assert.deepEqual([...xxhash64Many(vectors.map(([len]) => buf.subarray(0, len)))], vectors.map(([, h]) => h));
});

test("every length 0..1000 at unaligned offsets matches the TS reference", () => {
  const buf = sanityBuffer(1008);
  for (let len = 0; len <= 1000; len++) {
    const off = len % 8; // the input's start walks through all byte alignments
    const b = buf.subarray(off, off + len);
    assert.equal(xxhash64Wasm(b), xxhash64Ref(b), `len ${len} offset ${off}`);
  }
});

test("property: single and batch kernels equal the TS reference", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 1000 }), fc.nat(15), (b, off) => {
      // Copy into a larger buffer so the view starts at an arbitrary byteOffset.
      const host = new Uint8Array(b.length + off);
      host.set(b, off);
      const view = host.subarray(off);
      assert.equal(xxhash64Wasm(view), xxhash64Ref(b));
    }),
    { numRuns: 300 },
  );
  fc.assert(
    fc.property(fc.array(fc.uint8Array({ maxLength: 400 }), { maxLength: 40 }), (chunks) => {
      const got = xxhash64Many(chunks);
      assert.equal(got.length, chunks.length);
      chunks.forEach((c, i) => assert.equal(got[i], xxhash64Ref(c), `chunk ${i}`));
    }),
    { numRuns: 200 },
  );
});

test("batch: empty batch, empty chunks, duplicates; arena is released", () => {
  const k = kernels();
  const before = k.mark();
  assert.equal(xxhash64Many([]).length, 0);
  const a = enc.encode("abc");
  const got = xxhash64Many([new Uint8Array(0), a, a, new Uint8Array(0)]);
  assert.deepEqual([...got], [0xef46db3751d8e999n, 0x44bc2cf5ad770999n, 0x44bc2cf5ad770999n, 0xef46db3751d8e999n]);
  // Inputs larger than the free arena make the call grow memory (a new ArrayBuffer): the
  // kernels' cached views must follow.
  const big = sanityBuffer(k.memory.buffer.byteLength - k.mark() + 4096);
  const grownFrom = k.memory.buffer.byteLength;
  assert.equal(xxhash64Wasm(big), xxhash64Ref(big));
  assert.ok(k.memory.buffer.byteLength > grownFrom);
  const bigger = sanityBuffer(k.memory.buffer.byteLength - k.mark() + 4096);
  assert.deepEqual([...xxhash64Many([a, bigger, a])], [0x44bc2cf5ad770999n, xxhash64Ref(bigger), 0x44bc2cf5ad770999n]);
  assert.equal(k.mark(), before);
});
