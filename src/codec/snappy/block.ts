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
  // snappyjs fills a buffer of the declared length without checking that the tags produce
  // exactly that many bytes (a truncated body would decode zero-padded); Go's snappy calls that
  // corrupt, and so do we.
  const produced = snappyTagsLength(src);
  if (produced !== n) throw new SnappyError(`snappy: corrupt input: tags produce ${produced} bytes, header declares ${n}`);
  try {
    return plain(SnappyJS.uncompress(plain(src), maxLength) as Uint8Array);
  } catch (e) {
    throw new SnappyError(`snappy: corrupt input: ${(e as Error).message}`);
  }
}

// Bytes the tags of a snappy block would produce (-1 when a tag runs past the input).
function snappyTagsLength(src: Uint8Array): number {
  let pos = 0;
  while (pos < src.length && src[pos] >= 0x80) pos++;
  pos++;
  let out = 0;
  while (pos < src.length) {
    const tag = src[pos++];
    const kind = tag & 3;
    if (kind === 0) {
      let len = tag >>> 2;
      if (len >= 60) {
        const extra = len - 59;
        if (pos + extra > src.length) return -1;
        len = 0;
        for (let i = 0; i < extra; i++) len += src[pos + i] * 2 ** (8 * i);
        pos += extra;
      }
      len += 1;
      pos += len;
      out += len;
    } else if (kind === 1) {
      pos += 1;
      out += ((tag >>> 2) & 7) + 4;
    } else {
      pos += kind === 2 ? 2 : 4;
      out += (tag >>> 2) + 1;
    }
    if (pos > src.length) return -1;
  }
  return out;
}

// snappyjs returns a Node Buffer when given one; normalise both ways to plain Uint8Array views.
function plain(b: Uint8Array): Uint8Array {
  return b.constructor === Uint8Array ? b : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}
