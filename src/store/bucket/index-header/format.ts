// Thanos's binary index-header file (format version 1), which the store gateway keeps on local
// disk per block as <data-dir>/<block ULID>/index-header:
//
//   magic 0xBAAAD792 (4 bytes BE) | header version 1 (1 byte) | TSDB index version (1 byte)
//   | offset of the postings offset table in the original index (8 bytes BE)
//   | symbol table, byte-for-byte copy of the index's (length, body, CRC32-C)
//   | postings offset table, byte-for-byte copy of the index's (length, body, CRC32-C)
//   | TOC: offset of the symbol table in this file (8 BE) | offset of the postings offset
//     table in this file (8 BE) | CRC32-C of those 16 bytes (4 BE)
//
// Postings offsets inside the copied table still point into the original index, so postings
// lists and series entries are range reads of the block's index object while every lookup of a
// symbol or of a label value's postings range is served from the local file. Writing the same
// layout as Thanos lets an operator move a data dir between Thanos and Aeon.
export const INDEX_HEADER_MAGIC = 0xbaaad792;
export const INDEX_HEADER_V1 = 1;
// magic + header version + index version + original postings-table offset
export const INDEX_HEADER_PREFIX_LEN = 4 + 1 + 1 + 8;
export const INDEX_HEADER_TOC_LEN = 8 + 8 + 4;
export const INDEX_HEADER_FILENAME = "index-header";
