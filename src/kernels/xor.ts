// Typed wrappers for the WASM XOR chunk codec (assembly/xor.ts, assembly/xor-encode.ts).
// Chunks are copied into the shared arena (with XOR_PAD spare bytes the decoder may read
// past the last chunk), decoded in one kernel call, and the results copied out with byte
// copies so NaN payloads survive. Arena-level variants leave the arrays in linear memory for
// pipelines (decode -> merge-dedup -> downsample) that should not copy.
import { kernels, type KernelInstance } from "./instance.ts";
import { XOR_ERR_CAPACITY, XOR_ERR_INPUT, XOR_ERR_TRUNCATED, XOR_MAX_SAMPLES, XorError, type XorDecodeOptions } from "./xor-errors.ts";

const XOR_PAD = 64; // must match assembly/xor.ts
const ERR_BOUNDS = -8;

type DecodeFn = (src: number, len: number, ts: number, vs: number, cap: number, scratch: number, strict: number) => number;
type BatchFn = (table: number, count: number, ts: number, vs: number, cap: number, offsets: number, scratch: number, scratchLen: number, strict: number) => number;
type EncodeFn = (ts: number, vs: number, n: number, dst: number, cap: number) => number;

interface XorFns {
  decode: DecodeFn;
  batch: BatchFn;
  encode: EncodeFn;
  maxEncoded: (n: number) => number;
  lastErrorChunk: () => number;
}

const fnCache = new WeakMap<KernelInstance, XorFns>();
function fns(k: KernelInstance): XorFns {
  let f = fnCache.get(k);
  if (!f) {
    f = {
      decode: k.fn<DecodeFn>("xorDecode"),
      batch: k.fn<BatchFn>("xorDecodeBatch"),
      encode: k.fn<EncodeFn>("xorEncode"),
      maxEncoded: k.fn<(n: number) => number>("xorMaxEncodedSize"),
      lastErrorChunk: k.fn<() => number>("xorLastErrorChunk"),
    };
    fnCache.set(k, f);
  }
  return f;
}

function fail(code: number, detail?: string): never {
  if (code === ERR_BOUNDS) throw new Error(`xor kernel: arena bounds violated (wrapper bug)`);
  throw new XorError(code, detail);
}

function headerCount(chunk: Uint8Array, index?: number): number {
  if (chunk.length < 2) throw new XorError(XOR_ERR_TRUNCATED, index === undefined ? "no sample count header" : `chunk ${index}: no sample count header`);
  return (chunk[0] << 8) | chunk[1];
}

// Same-type slice copies bytes, so NaN payloads survive on every runtime.
function copyOut(k: KernelInstance, ptr: number, n: number): Float64Array {
  return k.f64().slice(ptr >>> 3, (ptr >>> 3) + n);
}

// Decoded samples still in the arena; valid until the caller releases `mark`.
export interface ArenaDecoded {
  tsPtr: number;
  vsPtr: number;
  n: number;
  offsets: Int32Array; // per chunk first sample index, plus the total
  mark: number; // arena mark taken before the call: k.release(mark) frees everything
  // The staged input, for callers that re-run the kernel on it (benchmarks).
  tablePtr: number;
  offsetsPtr: number;
  count: number;
  scratchPtr: number;
  scratchLen: number;
}

// Decodes many chunks into contiguous arrays left in the arena. Throws XorError naming the
// failing chunk.
export function decodeXorChunksInArena(k: KernelInstance, chunks: readonly Uint8Array[], opts?: XorDecodeOptions): ArenaDecoded {
  const mark = k.mark();
  try {
    let bytes = 0;
    let total = 0;
    let longest = 0;
    for (let i = 0; i < chunks.length; i++) {
      bytes += chunks[i].length;
      total += headerCount(chunks[i], i);
      if (chunks[i].length > longest) longest = chunks[i].length;
    }
    const table = k.reserve(chunks.length * 8);
    const data = k.reserve(bytes + XOR_PAD);
    const tsPtr = k.reserve(total * 8);
    const vsPtr = k.reserve(total * 8);
    const offPtr = k.reserve((chunks.length + 1) * 4);
    const scratchLen = longest + XOR_PAD;
    const scratch = k.reserve(scratchLen);
    const u8 = k.u8();
    const tab = new Int32Array(u8.buffer, table, chunks.length * 2);
    let p = data;
    for (let i = 0; i < chunks.length; i++) {
      u8.set(chunks[i], p);
      tab[2 * i] = p;
      tab[2 * i + 1] = chunks[i].length;
      p += chunks[i].length;
    }
    const r = fns(k).batch(table, chunks.length, tsPtr, vsPtr, total, offPtr, scratch, scratchLen, opts?.strict ? 1 : 0);
    if (r < 0) fail(r, `chunk ${fns(k).lastErrorChunk()}`);
    const offsets = new Int32Array(chunks.length + 1);
    new Uint8Array(offsets.buffer).set(k.u8().subarray(offPtr, offPtr + offsets.byteLength));
    return { tsPtr, vsPtr, n: r, offsets, mark, tablePtr: table, offsetsPtr: offPtr, count: chunks.length, scratchPtr: scratch, scratchLen };
  } catch (err) {
    k.release(mark);
    throw err;
  }
}

// Decodes many chunks into one pair of arrays; offsets[i] is chunk i's first sample, the last
// entry the total.
export function decodeXorChunks(chunks: readonly Uint8Array[], opts?: XorDecodeOptions): { ts: Float64Array; vs: Float64Array; offsets: Int32Array } {
  const k = kernels();
  const d = decodeXorChunksInArena(k, chunks, opts);
  try {
    return { ts: copyOut(k, d.tsPtr, d.n), vs: copyOut(k, d.vsPtr, d.n), offsets: d.offsets };
  } finally {
    k.release(d.mark);
  }
}

// Decodes one chunk into arena scratch that is already released when this returns: the
// caller copies the samples out before anything else touches the arena (synchronously).
// Padding bytes need not be cleared: the decoder never accepts bits beyond the chunk end.
// Kept lean: per-chunk overhead matters for 120-sample chunks.
function decodeToScratch(k: KernelInstance, chunk: Uint8Array, n: number, strict: boolean): number {
  const mark = k.mark();
  const src = k.reserve(chunk.length + XOR_PAD);
  const scratch = k.reserve(chunk.length + XOR_PAD);
  const tsPtr = k.reserve(n * 16);
  k.u8().set(chunk, src);
  const r = fns(k).decode(src, chunk.length, tsPtr, tsPtr + n * 8, n, scratch, strict ? 1 : 0);
  k.release(mark);
  if (r < 0) fail(r);
  return tsPtr >>> 3; // f64 index of the timestamps; values follow n entries later
}

// Decodes one chunk into ts/vs from index `at` (no allocation beyond two views); returns the
// sample count.
export function decodeXorInto(chunk: Uint8Array, ts: Float64Array, vs: Float64Array, at = 0, opts?: XorDecodeOptions): number {
  const n = headerCount(chunk);
  if (at < 0 || at + n > ts.length || at + n > vs.length) throw new XorError(XOR_ERR_CAPACITY, `need ${n} samples from ${at}`);
  const k = kernels();
  const i = decodeToScratch(k, chunk, n, opts?.strict === true);
  const mem = k.f64();
  ts.set(mem.subarray(i, i + n), at); // same-type set/slice copy bytes: NaN payloads kept
  vs.set(mem.subarray(i + n, i + 2 * n), at);
  return n;
}

export function decodeXorChunk(chunk: Uint8Array, opts?: XorDecodeOptions): { ts: Float64Array; vs: Float64Array } {
  const n = headerCount(chunk);
  const k = kernels();
  const i = decodeToScratch(k, chunk, n, opts?.strict === true);
  const mem = k.f64();
  return { ts: mem.slice(i, i + n), vs: mem.slice(i + n, i + 2 * n) }; // own buffers each
}

// Encodes the first n samples. Pass values as a Float64Array to keep NaN payloads (the stale
// marker) on every runtime; plain number arrays go through JS numbers.
export function encodeXorChunk(ts: ArrayLike<number>, vs: ArrayLike<number>, n = ts.length): Uint8Array {
  if (n > XOR_MAX_SAMPLES || n < 0) throw new XorError(XOR_ERR_INPUT, `${n} samples (max ${XOR_MAX_SAMPLES})`);
  if (n > ts.length || n > vs.length) throw new XorError(XOR_ERR_INPUT, `n=${n} exceeds the input arrays`);
  const k = kernels();
  const f = fns(k);
  const mark = k.mark();
  try {
    const tsPtr = k.reserve(n * 8);
    const vsPtr = k.reserve(n * 8);
    const cap = f.maxEncoded(n);
    const dst = k.reserve(cap);
    const mem = k.f64();
    if (ts instanceof Float64Array) mem.set(ts.subarray(0, n), tsPtr / 8);
    else for (let i = 0; i < n; i++) mem[tsPtr / 8 + i] = ts[i];
    if (vs instanceof Float64Array) {
      k.u8().set(new Uint8Array(vs.buffer, vs.byteOffset, n * 8), vsPtr);
    } else {
      for (let i = 0; i < n; i++) mem[vsPtr / 8 + i] = vs[i];
    }
    const len = f.encode(tsPtr, vsPtr, n, dst, cap);
    if (len < 0) fail(len, len === XOR_ERR_INPUT ? "timestamps must be integers within ±2^52 ms" : undefined);
    return k.u8().slice(dst, dst + len);
  } finally {
    k.release(mark);
  }
}
