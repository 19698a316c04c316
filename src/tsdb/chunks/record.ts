// One chunk record of a segment file: uvarint length, encoding byte, data, CRC32-C (big-endian)
// over encoding + data. Shared by the local segment reader and the store gateway's ranged reads.
import { crc32cUpdate, DecodeError, readBE32, readUvarint } from "../encoding/index.ts";
import { CorruptionError, type CorruptionWhere } from "../errors.ts";
import type { RawChunk } from "./encodings.ts";

// Parses the chunk at buf[pos] (file offset fileOff). Returns the number of bytes to read from
// fileOff when buf holds only part of it — `lengthShortNeed` when even the length varint is cut.
// Damage (bad length, past the end of the file, CRC mismatch) throws a CorruptionError.
export function parseChunkRecord(
  buf: Uint8Array,
  pos: number,
  where: CorruptionWhere,
  fileOff: number,
  fileSize: number,
  lengthShortNeed: number,
): RawChunk | number {
  let len: number;
  let dataStart: number;
  try {
    const d = readUvarint(buf, pos, Math.min(buf.length, pos + 10));
    len = d.value;
    dataStart = d.next + 1;
  } catch (e) {
    if (e instanceof DecodeError && buf.length - pos < 10 && fileOff + (buf.length - pos) < fileSize) return lengthShortNeed;
    throw new CorruptionError(where, `chunk at offset ${fileOff}: bad length: ${(e as Error).message}`);
  }
  const total = dataStart - pos + len + 4;
  if (fileOff + total > fileSize) {
    throw new CorruptionError(where, `chunk at offset ${fileOff}: length ${len} runs past the end of the file (size ${fileSize})`);
  }
  if (pos + total > buf.length) return total;
  const crcEnd = dataStart + len;
  const want = readBE32(buf, crcEnd);
  const got = crc32cUpdate(0, buf, dataStart - 1, crcEnd);
  if (want !== got) {
    throw new CorruptionError(where, `chunk at offset ${fileOff}: checksum mismatch (stored ${want.toString(16)}, computed ${got.toString(16)})`);
  }
  return { encoding: buf[dataStart - 1], data: buf.subarray(dataStart, crcEnd) };
}
