// Record compression for WAL fragments. Prometheus compresses a whole record before
// splitting it into fragments and flags every fragment (bit 3 snappy, bit 4 zstd); a record is
// stored compressed only when that makes it smaller. Snappy BLOCK format, from src/codec.
import { snappyBlockDecode, snappyBlockEncode } from "../../codec/snappy/index.ts";

export type WALCompression = "none" | "snappy";

export function snappyCompress(b: Uint8Array): Uint8Array {
  return snappyBlockEncode(b);
}

// Throws on malformed input.
export function snappyUncompress(b: Uint8Array): Uint8Array {
  return snappyBlockDecode(b);
}
