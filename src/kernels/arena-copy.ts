// Bit-exact copies between JS typed arrays and the kernel arena. Copies go through byte
// views so NaN payloads (the Prometheus stale marker 0x7ff0000000000002) are never touched
// by float conversions.
import type { KernelInstance } from "./instance.ts";

// Reserves room for `src` in the arena, copies it there and returns the pointer.
export function putF64(k: KernelInstance, src: Float64Array): number {
  const ptr = k.reserve(src.byteLength);
  k.u8().set(new Uint8Array(src.buffer, src.byteOffset, src.byteLength), ptr);
  return ptr;
}

// Copies `n` f64 values out of the arena into a fresh array.
export function getF64(k: KernelInstance, ptr: number, n: number): Float64Array {
  const out = new Float64Array(n);
  new Uint8Array(out.buffer).set(k.u8().subarray(ptr, ptr + n * 8));
  return out;
}

export function getI32(k: KernelInstance, ptr: number, n: number): Int32Array {
  const out = new Int32Array(n);
  new Uint8Array(out.buffer).set(k.u8().subarray(ptr, ptr + n * 4));
  return out;
}

export function putI32(k: KernelInstance, src: Int32Array): number {
  const ptr = k.reserve(src.byteLength);
  k.u8().set(new Uint8Array(src.buffer, src.byteOffset, src.byteLength), ptr);
  return ptr;
}

// A little-endian u32/i32 table in the arena (kernel descriptors).
export function putU32(k: KernelInstance, values: readonly number[]): number {
  return putI32(k, Int32Array.from(values));
}
