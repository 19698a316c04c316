// Blocks in a bucket, the Thanos way: upload (meta.json last), download, marker files, deletion
// in a safe order, and the MetaFetcher that lists complete, unfiltered blocks.
export { cleanAbortedPartialUploads, PARTIAL_UPLOAD_THRESHOLD_AGE_MS } from "./clean.ts";
export { deleteBlock } from "./delete.ts";
export { downloadBlock, PartialBlockError, readBlockMeta } from "./download.ts";
export { MetaFetcher, type FetchResult, type MetaFetcherOptions, type MetaFilter, type PartialBlock } from "./fetcher.ts";
export { BlockDirError, CHUNKS_DIR, INDEX_FILE, listBlockFiles, META_FILE, thanosFiles, type LocalBlockFile } from "./files.ts";
export {
  DELETION_MARK,
  deletionMarkJson,
  MARKER_FILES,
  MarkerError,
  markForDeletion,
  markNoCompact,
  markNoDownsample,
  NO_COMPACT_MARK,
  NO_DOWNSAMPLE_MARK,
  noCompactMarkJson,
  noDownsampleMarkJson,
  readDeletionMark,
  readNoCompactMark,
  readNoDownsampleMark,
  unmark,
  type DeletionMark,
  type NoCompactMark,
  type NoCompactReason,
  type NoDownsampleMark,
} from "./markers.ts";
export { uploadBlock, type UploadOptions } from "./upload.ts";
export { isUlid, newUlid, ulidTime } from "./ulid.ts";
