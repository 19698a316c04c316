// Snappy FRAMED (stream) format, used by the gRPC "snappy" compressor of Thanos (Go's
// snappy.NewBufferedWriter / NewReader). A stream is a sequence of chunks, each a 1-byte type and
// a 3-byte little-endian length:
//   ff  stream identifier, body "sNaPpY" (must come first; may repeat)
//   00  compressed: 4-byte masked CRC-32C of the UNcompressed data + a snappy block
//   01  uncompressed: 4-byte masked CRC-32C + the data
//   fe  padding; 80..fd skippable; 02..7f reserved (unskippable -> error)
// At most 65536 uncompressed bytes per data chunk.
import { crc32c } from "../../tsdb/encoding/crc32c.ts";
import { concatBytes } from "../concat.ts";
import { SnappyError, snappyBlockDecode, snappyBlockDecodedLength, snappyBlockEncode } from "./block.ts";

export const STREAM_IDENTIFIER = new Uint8Array([0xff, 0x06, 0x00, 0x00, 0x73, 0x4e, 0x61, 0x50, 0x70, 0x59]);
const MAX_BLOCK = 65536;

export function maskedCrc32c(data: Uint8Array): number {
  const c = crc32c(data);
  return ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

function writeChunkHeader(out: Uint8Array, at: number, type: number, len: number): void {
  out[at] = type;
  out[at + 1] = len & 0xff;
  out[at + 2] = (len >>> 8) & 0xff;
  out[at + 3] = (len >>> 16) & 0xff;
}

function writeU32LE(out: Uint8Array, at: number, v: number): void {
  out[at] = v & 0xff;
  out[at + 1] = (v >>> 8) & 0xff;
  out[at + 2] = (v >>> 16) & 0xff;
  out[at + 3] = (v >>> 24) & 0xff;
}

export function snappyFramedEncode(src: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [STREAM_IDENTIFIER];
  let total = STREAM_IDENTIFIER.length;
  for (let off = 0; off < src.length; off += MAX_BLOCK) {
    const block = src.subarray(off, Math.min(src.length, off + MAX_BLOCK));
    const compressed = snappyBlockEncode(block);
    // As Go's writer: keep the compressed form only if it saves at least 1/8.
    const useCompressed = compressed.length < block.length - (block.length >>> 3);
    const body = useCompressed ? compressed : block;
    const chunk = new Uint8Array(8 + body.length);
    writeChunkHeader(chunk, 0, useCompressed ? 0x00 : 0x01, 4 + body.length);
    writeU32LE(chunk, 4, maskedCrc32c(block));
    chunk.set(body, 8);
    parts.push(chunk);
    total += chunk.length;
  }
  // Empty input: the stream identifier alone, copied (it is a shared constant).
  if (parts.length === 1) return STREAM_IDENTIFIER.slice();
  return concatBytes(parts, total);
}

// Decodes a whole framed stream. `maxLength` bounds the total output (a decompression bomb gets
// an error, not an out-of-memory crash).
export function snappyFramedDecode(src: Uint8Array, maxLength = 0x7fffffff): Uint8Array {
  const parts: Uint8Array[] = [];
  let total = 0;
  let sawIdentifier = false;
  let i = 0;
  while (i < src.length) {
    if (i + 4 > src.length) throw new SnappyError("snappy framed: truncated chunk header");
    const type = src[i];
    const len = src[i + 1] | (src[i + 2] << 8) | (src[i + 3] << 16);
    const bodyStart = i + 4;
    const bodyEnd = bodyStart + len;
    if (bodyEnd > src.length) throw new SnappyError("snappy framed: truncated chunk body");
    const body = src.subarray(bodyStart, bodyEnd);
    i = bodyEnd;
    if (type === 0xff) {
      if (len !== 6 || !sameBytes(body, STREAM_IDENTIFIER.subarray(4))) {
        throw new SnappyError("snappy framed: bad stream identifier");
      }
      sawIdentifier = true;
      continue;
    }
    if (!sawIdentifier) throw new SnappyError("snappy framed: missing stream identifier");
    if (type === 0x00 || type === 0x01) {
      if (len < 4) throw new SnappyError("snappy framed: data chunk too short");
      const want = (body[0] | (body[1] << 8) | (body[2] << 16) | (body[3] << 24)) >>> 0;
      let data: Uint8Array;
      if (type === 0x00) {
        const payload = body.subarray(4);
        if (snappyBlockDecodedLength(payload) > MAX_BLOCK) throw new SnappyError("snappy framed: chunk over 64 KiB");
        data = snappyBlockDecode(payload, MAX_BLOCK);
      } else {
        data = body.subarray(4);
        if (data.length > MAX_BLOCK) throw new SnappyError("snappy framed: chunk over 64 KiB");
      }
      if (maskedCrc32c(data) !== want) throw new SnappyError("snappy framed: checksum mismatch");
      total += data.length;
      if (total > maxLength) throw new SnappyError(`snappy framed: decoded length exceeds limit ${maxLength}`);
      parts.push(data);
      continue;
    }
    if (type >= 0x80) continue; // padding (0xfe) and skippable chunks
    throw new SnappyError(`snappy framed: reserved unskippable chunk type 0x${type.toString(16)}`);
  }
  // A single piece is a view into the input: copied, so the result never aliases it.
  if (parts.length === 1) return parts[0].slice();
  return concatBytes(parts, total);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
