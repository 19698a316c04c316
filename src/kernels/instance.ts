// One instance of the kernels module per process (per worker): a single linear memory that
// every kernel shares, with a grow-only bump arena owned by the TS side. Callers reserve
// scratch regions, call a kernel with pointers, read results through fresh typed-array views,
// then release back to a mark. Views must be re-created after any call that can grow memory:
// use the `u8()`/`f64()` accessors, never cache their arrays across calls.
import { kernelsWasmBytes } from "../runtime/wasm.ts";

export interface KernelExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  [name: string]: unknown;
}

const PAGE = 65536;

export class KernelInstance {
  readonly exports: KernelExports;
  readonly memory: WebAssembly.Memory;
  private readonly base: number;
  private top: number;
  private buf: ArrayBuffer;
  private u8v: Uint8Array;
  private f64v: Float64Array;

  constructor(module: WebAssembly.Module) {
    const inst = new WebAssembly.Instance(module, {
      env: {
        abort: (_msg: number, _file: number, line: number, col: number) => {
          // Kernels are built with the stub runtime and never throw on bad input (they return
          // negative codes); an abort here means a kernel bug.
          throw new Error(`wasm kernel aborted at ${line}:${col}`);
        },
      },
    });
    this.exports = inst.exports as unknown as KernelExports;
    this.memory = this.exports.memory;
    this.base = this.exports.heapBase();
    this.top = this.base;
    this.buf = this.memory.buffer;
    this.u8v = new Uint8Array(this.buf);
    this.f64v = new Float64Array(this.buf);
  }

  // Reserves `bytes` (8-byte aligned) and returns the pointer; grows memory when needed.
  reserve(bytes: number): number {
    const ptr = (this.top + 7) & ~7;
    const end = ptr + bytes;
    const have = this.memory.buffer.byteLength;
    if (end > have) this.memory.grow(Math.ceil((end - have) / PAGE));
    this.top = end;
    return ptr;
  }

  mark(): number {
    return this.top;
  }

  release(mark: number): void {
    this.top = mark;
  }

  reset(): void {
    this.top = this.base;
  }

  private refresh(): void {
    if (this.buf !== this.memory.buffer) {
      this.buf = this.memory.buffer;
      this.u8v = new Uint8Array(this.buf);
      this.f64v = new Float64Array(this.buf);
    }
  }

  u8(): Uint8Array {
    this.refresh();
    return this.u8v;
  }

  f64(): Float64Array {
    this.refresh();
    return this.f64v;
  }

  fn<T extends (...args: number[]) => number>(name: string): T {
    const f = this.exports[name];
    if (typeof f !== "function") throw new Error(`wasm kernel ${name} is not exported`);
    return f as T;
  }
}

let module: WebAssembly.Module | undefined;
let shared: KernelInstance | undefined;

export function kernelsModule(): WebAssembly.Module {
  module ??= new WebAssembly.Module(kernelsWasmBytes() as BufferSource);
  return module;
}

// The process-wide instance. JS is single-threaded per isolate, so sharing one arena is safe
// as long as callers reset/release before awaiting.
export function kernels(): KernelInstance {
  shared ??= new KernelInstance(kernelsModule());
  return shared;
}
