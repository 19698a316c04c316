// The store gateway's per-block index-header file (Thanos binary format v1).
export { INDEX_HEADER_FILENAME, INDEX_HEADER_MAGIC } from "./format.ts";
export { writeIndexHeader } from "./write.ts";
export { openIndexHeader, IndexHeaderError, type IndexHeaderFile } from "./open.ts";
export { ensureIndexHeader, loadIndexReader, type IndexHeaderLoad } from "./load.ts";
