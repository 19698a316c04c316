// xxHash64 (StoreAPI Chunk.hash): the WASM kernel against the BigInt-free TS reference
// (src/codec/xxhash64.ts) in the same run, on Series-sized batches of 150-byte chunks (a
// 120-sample XOR chunk), single small inputs (the crossover behind SMALL_INPUT) and 64 KiB.
// Run: npm run bench -- kernels-xxhash
import { bench, do_not_optimize, group, summary } from "mitata";
import { xxhash64 as xxhash64Ref } from "../src/codec/xxhash64.ts";
import { xxhash64Many, xxhash64Wasm } from "../src/kernels/xxhash.ts";

function bytes(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
}

const CHUNKS = 1000;
const CHUNK_BYTES = 150;
const chunks = Array.from({ length: CHUNKS }, (_, i) => bytes(CHUNK_BYTES, i + 1));
const big = bytes(64 * 1024, 7);
const small = [8, 16, 32, 64].map((n) => bytes(n, n));

summary(() => {
  group(`xxhash64: ${CHUNKS} chunks x ${CHUNK_BYTES} B`, () => {
    bench("xxhash64 150B x1000 TS reference", () => {
      for (const c of chunks) do_not_optimize(xxhash64Ref(c));
    }).baseline(true);
    bench("xxhash64 150B x1000 WASM single calls", () => {
      for (const c of chunks) do_not_optimize(xxhash64Wasm(c));
    });
    bench("xxhash64 150B x1000 WASM batch", () => {
      const hs = xxhash64Many(chunks);
      // Read every hash back as a bigint, as the callers do.
      for (let i = 0; i < hs.length; i++) do_not_optimize(hs[i]);
    });
  });
});
summary(() => {
  group("xxhash64: 64 KiB", () => {
    bench("xxhash64 64KiB TS reference", () => do_not_optimize(xxhash64Ref(big))).baseline(true);
    bench("xxhash64 64KiB WASM", () => do_not_optimize(xxhash64Wasm(big)));
  });
});
for (const s of small) {
  summary(() => {
    group(`xxhash64: one ${s.length} B input`, () => {
      bench(`xxhash64 ${s.length}B TS reference`, () => do_not_optimize(xxhash64Ref(s))).baseline(true);
      bench(`xxhash64 ${s.length}B WASM single`, () => do_not_optimize(xxhash64Wasm(s)));
    });
  });
}

export const itemsPerIteration: Record<string, number> = {
  "xxhash64 150B x1000 TS reference": CHUNKS * CHUNK_BYTES,
  "xxhash64 150B x1000 WASM single calls": CHUNKS * CHUNK_BYTES,
  "xxhash64 150B x1000 WASM batch": CHUNKS * CHUNK_BYTES,
  "xxhash64 64KiB TS reference": big.length,
  "xxhash64 64KiB WASM": big.length,
  ...Object.fromEntries(small.flatMap((s) => [[`xxhash64 ${s.length}B TS reference`, s.length], [`xxhash64 ${s.length}B WASM single`, s.length]])),
};
