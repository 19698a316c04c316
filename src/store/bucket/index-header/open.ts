// Opens a block's index-header file and checks its frame: magic, version, TOC checksum, offsets
// inside the file. (The two tables' own CRCs are checked by the index reader as it samples
// them.) Any problem is an IndexHeaderError: the caller deletes the file and rebuilds it from
// the bucket, since a local file can be damaged by a crash or a full disk without the block
// being at fault.
import { FileByteSource } from "../../../tsdb/bytesource/index.ts";
import { crc32c, readBE32, readBE64 } from "../../../tsdb/encoding/index.ts";
import type { IndexSections } from "../../../tsdb/index/index.ts";
import { INDEX_HEADER_FILENAME, INDEX_HEADER_MAGIC, INDEX_HEADER_PREFIX_LEN, INDEX_HEADER_TOC_LEN, INDEX_HEADER_V1 } from "./format.ts";

export class IndexHeaderError extends Error {
  constructor(path: string, detail: string) {
    super(`${path}: ${detail}`);
    this.name = "IndexHeaderError";
  }
}

export interface IndexHeaderFile extends IndexSections {
  src: FileByteSource;
  indexVersion: number;
  // Offset of the postings offset table in the original index (Thanos uses it as the end of the
  // last postings list; we read the exact end from the index's TOC).
  indexPostingsTable: number;
}

export async function openIndexHeader(path: string): Promise<IndexHeaderFile> {
  const src = await FileByteSource.open(path);
  try {
    const bad = (m: string) => new IndexHeaderError(path, m);
    if (src.size < INDEX_HEADER_PREFIX_LEN + INDEX_HEADER_TOC_LEN) throw bad(`file too short (${src.size} bytes)`);
    const head = await src.read(0, INDEX_HEADER_PREFIX_LEN);
    const magic = readBE32(head, 0);
    if (magic !== INDEX_HEADER_MAGIC) throw bad(`invalid magic number ${magic.toString(16)}`);
    if (head[4] !== INDEX_HEADER_V1) throw bad(`unsupported index-header version ${head[4]}`);
    const tail = await src.read(src.size - INDEX_HEADER_TOC_LEN, INDEX_HEADER_TOC_LEN);
    const stored = readBE32(tail, 16);
    const crc = crc32c(tail, 0, 16);
    if (stored !== crc) throw bad(`TOC checksum mismatch (stored ${stored.toString(16)}, computed ${crc.toString(16)})`);
    const symbols = readBE64(tail, 0);
    const postingsTable = readBE64(tail, 8);
    const end = src.size - INDEX_HEADER_TOC_LEN;
    if (symbols < INDEX_HEADER_PREFIX_LEN || symbols >= end || postingsTable < symbols || postingsTable >= end) {
      throw bad(`TOC offsets (symbols ${symbols}, postings offset table ${postingsTable}) outside the file`);
    }
    return { src, indexVersion: head[5], indexPostingsTable: readBE64(head, 6), symbols, postingsTable, file: INDEX_HEADER_FILENAME };
  } catch (e) {
    await src.close();
    throw e;
  }
}
