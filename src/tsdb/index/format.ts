// Constants and small shared types of the index file format (version 2).
import type { Labels } from "../../labels/index.ts";

export const INDEX_MAGIC = 0xbaaad700;
export const INDEX_FORMAT_V1 = 1;
export const INDEX_FORMAT_V2 = 2;
export const INDEX_FORMAT_V3 = 3;
export const INDEX_HEADER_LEN = 5;
export const TOC_LEN = 6 * 8 + 4;
export const SERIES_ALIGN = 16;
// Prometheus samples every 32nd symbol / postings-offset entry; we do the same.
export const SAMPLING = 32;

export interface TOC {
  symbols: number;
  series: number;
  labelIndices: number;
  labelIndicesTable: number;
  postings: number;
  postingsTable: number;
}

// A chunk's entry in a series: where it is and the time range [minTime, maxTime] (both
// inclusive: the first and last sample's timestamps).
export interface ChunkMeta {
  ref: number;
  minTime: number;
  maxTime: number;
}

export interface SeriesEntry {
  // Series ID: byte offset of the entry / 16.
  ref: number;
  labels: Labels;
  chunks: ChunkMeta[];
}
