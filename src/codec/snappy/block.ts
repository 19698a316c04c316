// Snappy BLOCK format (remote read/write bodies; the payload of framed-stream chunks), via the
// snappyjs package. Wrapped so callers always get a plain Uint8Array back and a size cap is always
// applied before any allocation (the block header declares the uncompressed length).
import SnappyJS from "snappyjs";

export class SnappyError extends Error {}

// Declared uncompressed length of a block (the leading uvarint), without decompressing.
export function snappyBlockDecodedLength(src: Uint8Array): number {
  let result = 0;
  let shift = 0;
  for (let i = 0; i < src.length && i < 5; i++) {
    const b = src[i];
    result += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) return result;
    shift += 7;
  }
  throw new SnappyError("snappy: corrupt input (bad length header)");
}

export function snappyBlockEncode(src: Uint8Array): Uint8Array {
  const out = SnappyJS.compress(plain(src)) as Uint8Array;
  return plain(out);
}

export function snappyBlockDecode(src: Uint8Array, maxLength = 0x7fffffff): Uint8Array {
  const n = snappyBlockDecodedLength(src);
  if (n > maxLength) throw new SnappyError(`snappy: decoded length ${n} exceeds limit ${maxLength}`);
  try {
    return plain(SnappyJS.uncompress(plain(src), maxLength) as Uint8Array);
  } catch (e) {
    throw new SnappyError(`snappy: corrupt input: ${(e as Error).message}`);
  }
}

// snappyjs returns a Node Buffer when given one; normalise both ways to plain Uint8Array views.
function plain(b: Uint8Array): Uint8Array {
  return b.constructor === Uint8Array ? b : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}
