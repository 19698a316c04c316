// Shared binary encoding helpers for Prometheus formats: CRC32-C, Go varints, big-endian ints,
// Encbuf/Decbuf. Used by the index, chunks, tombstones, WAL and snappy framing code.
export { crc32c, crc32cUpdate, Crc32c } from "./crc32c.ts";
export {
  DecodeError,
  MAX_VARINT_LEN64,
  putUvarint,
  putVarint,
  readUvarint,
  readVarint,
  readBE32,
  readBE64,
  uvarintSize,
  writeBE32,
  writeBE64,
  type Decoded,
} from "./varint.ts";
export { Encbuf, Decbuf, decodeUtf8, encodeUtf8 } from "./buffers.ts";
