// Self-check of the xxHash64 kernels: published vectors (seed 0) must come out exactly, and on
// pseudo-random inputs of every length 0..300 at every byte alignment the single and batch
// kernels must equal the TS reference (src/codec/xxhash64.ts).
import { xxhash64 as xxhash64Ref } from "../codec/xxhash64.ts";
import type { SelfCheck } from "./selfcheck.ts";
import { seededRandom } from "./selfcheck-data.ts";
import { xxhash64Many, xxhash64Wasm } from "./xxhash.ts";

const VECTORS: [string, bigint][] = [
  ["", 0xef46db3751d8e999n],
  ["a", 0xd24ec4f1a98c6e5bn],
  ["abc", 0x44bc2cf5ad770999n],
  ["Nobody inspects the spammish repetition", 0xfbcea83c8a378bf1n],
];

export const xxhashSelfCheck: SelfCheck = {
  name: "xxhash64",
  run() {
    const enc = new TextEncoder();
    for (const [s, want] of VECTORS) {
      const got = xxhash64Wasm(enc.encode(s));
      if (got !== want) return `xxhash64(${JSON.stringify(s)}) = ${got.toString(16)}, want ${want.toString(16)}`;
    }
    const rnd = seededRandom(64);
    const host = new Uint8Array(308);
    for (let i = 0; i < host.length; i++) host[i] = Math.floor(rnd() * 256);
    const inputs: Uint8Array[] = [];
    for (let len = 0; len <= 300; len++) inputs.push(host.subarray(len % 8, (len % 8) + len));
    const batch = xxhash64Many(inputs);
    for (let i = 0; i < inputs.length; i++) {
      const want = xxhash64Ref(inputs[i]!);
      if (xxhash64Wasm(inputs[i]!) !== want) return `single kernel differs from the reference at length ${i}`;
      if (batch[i] !== want) return `batch kernel differs from the reference at length ${i}`;
    }
    return { detail: `${VECTORS.length} vectors, ${inputs.length} lengths single+batch` };
  },
};
