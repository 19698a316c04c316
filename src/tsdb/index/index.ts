// Prometheus TSDB index file (format v2): writer, range-read reader, postings and matchers.
export {
  type ChunkMeta,
  type SeriesEntry,
  type TOC,
  INDEX_MAGIC,
  INDEX_FORMAT_V2,
  SERIES_ALIGN,
  TOC_LEN,
} from "./format.ts";
export { IndexWriter, IndexWriterError } from "./writer.ts";
export { IndexReader, readIndexTOC, type IndexReaderOptions, type IndexSections } from "./reader.ts";
export { SymbolTable } from "./symbols.ts";
export { PostingsTable, type PostingsRange } from "./postings-table.ts";
export { postingsForMatchers, type PostingsIndex } from "./matchers.ts";
export { EMPTY_POSTINGS, intersectPostings, intersectAll, unionPostings, subtractPostings } from "./postings.ts";
