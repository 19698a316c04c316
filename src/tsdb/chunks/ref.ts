// Chunk reference in a block's index: (segment index << 32) | byte offset in that segment.
// The segment index is the 0-based position in the sorted list of chunks/ files, so the first
// file, chunks/000001, is index 0. Refs stay below 2^53 for any real block, so plain numbers.
const TWO_32 = 4294967296;

export const SEGMENT_HEADER_SIZE = 8;
export const SEGMENT_MAGIC = 0x85bd40dd;
export const SEGMENT_VERSION = 1;
export const DEFAULT_SEGMENT_SIZE = 512 * 1024 * 1024;

export function chunkRef(segment: number, offset: number): number {
  return segment * TWO_32 + offset;
}

export function refSegment(ref: number): number {
  return Math.floor(ref / TWO_32);
}

export function refOffset(ref: number): number {
  return ref % TWO_32;
}

// chunks/000001 for segment index 0.
export function segmentFileName(index: number): string {
  return String(index + 1).padStart(6, "0");
}
