// Record compression for WAL fragments. Prometheus compresses a whole record before
// splitting it into fragments and flags every fragment (bit 3 snappy, bit 4 zstd); a record is
// stored compressed only when that makes it smaller. Snappy BLOCK format comes from src/codec;
// zstd from @bokuweb/zstd-wasm, loaded on first need (an async wasm init) so the snappy path
// never pays for it.
import { snappyBlockDecode, snappyBlockEncode } from "../../codec/snappy/index.ts";

export type WALCompression = "none" | "snappy" | "zstd";

export function snappyCompress(b: Uint8Array): Uint8Array {
  return snappyBlockEncode(b);
}

// Throws on malformed input.
export function snappyUncompress(b: Uint8Array): Uint8Array {
  return snappyBlockDecode(b);
}

interface Zstd {
  compress(b: Uint8Array, level?: number): Uint8Array;
  decompress(b: Uint8Array, opts?: { defaultHeapSize?: number }): Uint8Array;
}
let zstd: Zstd | null = null;
let zstdLoading: Promise<boolean> | null = null;

// Loads the zstd codec once; false when it cannot be loaded on this runtime.
export function loadZstd(): Promise<boolean> {
  zstdLoading ??= (async () => {
    try {
      type Mod = Zstd & { init(): Promise<void> };
      const mod = (await import("@bokuweb/zstd-wasm")) as unknown as Partial<Mod> & { default?: Mod };
      const m = (typeof mod.init === "function" ? mod : mod.default) as Mod; // CJS interop varies by runtime
      await m.init();
      zstd = m;
      return true;
    } catch {
      return false;
    }
  })();
  return zstdLoading;
}

export function zstdLoaded(): boolean {
  return zstd !== null;
}

// Level 3 is zstd's default, the closest to Prometheus's SpeedDefault.
export function zstdCompress(b: Uint8Array): Uint8Array {
  if (!zstd) throw new Error("zstd codec not loaded (call loadZstd first)");
  return zstd.compress(b, 3);
}

export function zstdUncompress(b: Uint8Array): Uint8Array {
  if (!zstd) throw new Error("zstd codec not loaded (call loadZstd first)");
  return zstd.decompress(b);
}
