// WAL directory layout: segment files named by 8-digit zero-padded sequence numbers
// (Prometheus formats them with %08d) and checkpoint.NNNNNNNN directories holding the
// compacted state of every segment up to and including NNNNNNNN.
import { readdir } from "node:fs/promises";
import { join } from "node:path";

export const PAGE_SIZE = 32 * 1024;
export const DEFAULT_SEGMENT_SIZE = 128 * 1024 * 1024;
export const HEADER_SIZE = 7; // type byte, BE uint16 length, BE uint32 CRC32C

export const FRAG_PAGE_TERM = 0;
export const FRAG_FULL = 1;
export const FRAG_FIRST = 2;
export const FRAG_MIDDLE = 3;
export const FRAG_LAST = 4;
export const FLAG_SNAPPY = 1 << 3;
export const FLAG_ZSTD = 1 << 4;

export function segmentName(n: number): string {
  return String(n).padStart(8, "0");
}

export function checkpointName(n: number): string {
  return "checkpoint." + segmentName(n);
}

// Segment numbers present in `dir`, ascending. Non-numeric names (checkpoints, tmp) are ignored.
export async function listSegments(dir: string): Promise<number[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw e;
  }
  return names
    .filter((n) => /^\d+$/.test(n))
    .map(Number)
    .sort((a, b) => a - b);
}

// The newest complete checkpoint (dir name and the last segment it covers), if any.
export async function lastCheckpoint(dir: string): Promise<{ path: string; upTo: number } | null> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
  let best = -1;
  for (const n of names) {
    const m = /^checkpoint\.(\d+)$/.exec(n);
    if (m) best = Math.max(best, Number(m[1]));
  }
  return best < 0 ? null : { path: join(dir, checkpointName(best)), upTo: best };
}
