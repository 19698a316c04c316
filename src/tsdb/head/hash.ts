// 32-bit series hash used to find a series in the head without building a string key. It is
// composed from per-string FNV-1a hashes over UTF-8 bytes, so the remote-write decoder (which
// hashes label bytes anyway for its string intern cache) can produce it for free and code that
// holds only JS strings computes the same number. Collisions are resolved by comparing labels.
import type { Labels } from "../../labels/index.ts";

export const FNV_OFFSET = 0x811c9dc5 | 0;
export const FNV_PRIME = 0x01000193;

const enc = new TextEncoder();

export function stringHash(s: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) return bytesHash(enc.encode(s), 0, -1);
    h = Math.imul(h ^ c, FNV_PRIME);
  }
  return h;
}

export function bytesHash(b: Uint8Array, start: number, end: number): number {
  if (end < 0) end = b.length;
  let h = FNV_OFFSET;
  for (let i = start; i < end; i++) h = Math.imul(h ^ b[i], FNV_PRIME);
  return h;
}

// Folds one string hash into a series hash (start from SERIES_SEED; names and values alternate).
export function mixHash(h: number, s: number): number {
  h = Math.imul(h ^ s, 0x9e3779b1);
  return h ^ (h >>> 15);
}

export const SERIES_SEED = 0x3c6ef372 | 0;

export function labelsHash(ls: Labels): number {
  let h = SERIES_SEED;
  for (const l of ls) h = mixHash(mixHash(h, stringHash(l.name)), stringHash(l.value));
  return h;
}
