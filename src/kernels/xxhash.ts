// Typed wrappers for the xxHash64 kernels (assembly/xxhash.ts): the StoreAPI Chunk.hash
// (seed 0) as the unsigned bigint the generated protobuf types hold.
//  - xxhash64Many(chunks): one kernel call for a whole batch (a Series response's chunks):
//    the bytes are copied into the arena back to back, hashed, the arena released;
//  - xxhash64Wasm(bytes): a single input.
// No small-input fallback to TypeScript: bench/kernels-xxhash.bench.ts measured the single
// call ahead of the TS reference (src/codec/xxhash64.ts) from 8 bytes up, mostly because the
// reference pays for building the bigint from two halves while we read it from a u64 view.
import { kernels, type KernelInstance } from "./instance.ts";

// Both return the number of ranges hashed.
type AtFn = (ptr: number, len: number, out: number) => number;
type BatchFn = (desc: number, n: number, out: number) => number;

// Typed views over the arena, re-created only when memory grows (a new ArrayBuffer).
let viewBuf: ArrayBufferLike | undefined;
let u32v: Uint32Array;
let u64v: BigUint64Array;

function views(k: KernelInstance): void {
  const buf = k.memory.buffer;
  if (buf !== viewBuf) {
    viewBuf = buf;
    u32v = new Uint32Array(buf);
    u64v = new BigUint64Array(buf);
  }
}

let fnsOf: KernelInstance | undefined;
let atFn: AtFn;
let batchFn: BatchFn;

function bind(k: KernelInstance): void {
  if (fnsOf === k) return;
  atFn = k.fn<AtFn>("xxhash64At");
  batchFn = k.fn<BatchFn>("xxhash64Batch");
  fnsOf = k;
}

// xxHash64 (seed 0) of `bytes`.
export function xxhash64Wasm(bytes: Uint8Array): bigint {
  const k = kernels();
  const mark = k.mark();
  try {
    const out = k.reserve(8);
    const ptr = k.reserve(bytes.length);
    k.u8().set(bytes, ptr);
    bind(k);
    atFn(ptr, bytes.length, out);
    views(k);
    return u64v[out >>> 3]!;
  } finally {
    k.release(mark);
  }
}

// xxHash64 (seed 0) of every input, in order, with one kernel call.
export function xxhash64Many(chunks: readonly Uint8Array[]): BigUint64Array {
  const n = chunks.length;
  const hashes = new BigUint64Array(n);
  if (n === 0) return hashes;
  let total = 0;
  for (let i = 0; i < n; i++) total += chunks[i]!.length;
  const k = kernels();
  const mark = k.mark();
  try {
    const desc = k.reserve(n * 8);
    const out = k.reserve(n * 8);
    let ptr = k.reserve(total);
    const u8 = k.u8(); // no growth between here and the call: all reservations are done
    views(k);
    for (let i = 0, d = desc >>> 2; i < n; i++, d += 2) {
      const c = chunks[i]!;
      u8.set(c, ptr);
      u32v[d] = ptr;
      u32v[d + 1] = c.length;
      ptr += c.length;
    }
    bind(k);
    batchFn(desc, n, out);
    views(k);
    hashes.set(u64v.subarray(out >>> 3, (out >>> 3) + n));
    return hashes;
  } finally {
    k.release(mark);
  }
}
