// One series in the head: closed XOR chunks plus the open one being appended to, and the
// Prometheus append rules that decide whether a sample is taken (memSeries.appendable).
import type { Labels } from "../../labels/index.ts";
import { XorAppender } from "../../kernels/xor-ref.ts";

export const DEFAULT_CHUNK_RANGE = 2 * 60 * 60 * 1000;
export const SAMPLES_PER_CHUNK = 120;

export const APPEND_OK = 0;
export const APPEND_DUPLICATE_IGNORED = 1; // same timestamp, bit-identical value: dropped silently
export const APPEND_OUT_OF_ORDER = 2; // timestamp before the series' newest sample
export const APPEND_DUPLICATE_TS = 3; // same timestamp, different value
export type AppendCode = 0 | 1 | 2 | 3;

export interface HeadChunk {
  mint: number;
  maxt: number; // inclusive, as in chunk metas
  data: Uint8Array; // XOR chunk bytes (encoding 1)
}

export class MemSeries {
  readonly ref: number;
  readonly labels: Labels;
  readonly hash: number; // labelsHash(labels)
  chunks: HeadChunk[] = [];
  private app: XorAppender | null = null;
  private appMint = 0;
  private appNextAt = 0; // end of the chunk range the open chunk started in
  maxTime = -Infinity; // newest sample ever appended (kept after truncation for ordering)
  // Bits of the newest value (hi, lo words): values travel as bits through the head so a
  // stale marker keeps its NaN payload on Bun too (see kernels/f64-bits.ts).
  lastHi = 0;
  lastLo = 0;
  deleted: Array<{ mint: number; maxt: number }> | null = null; // tombstones

  constructor(ref: number, labels: Labels, hash: number) {
    this.ref = ref;
    this.labels = labels;
    this.hash = hash;
  }

  // Prometheus's rule: newer samples are appended; an older one is out of order; one at the
  // same timestamp is a silent no-op when the value is bit-identical, else a duplicate error.
  appendable(t: number, hi: number, lo: number): AppendCode {
    if (t > this.maxTime) return APPEND_OK;
    if (t < this.maxTime) return APPEND_OUT_OF_ORDER;
    return hi >>> 0 === this.lastHi && lo >>> 0 === this.lastLo ? APPEND_DUPLICATE_IGNORED : APPEND_DUPLICATE_TS;
  }

  // Appends after appendable() said APPEND_OK. Chunks are cut at 120 samples and at chunk
  // range boundaries, so no chunk ever straddles a 2h block boundary.
  append(t: number, hi: number, lo: number, chunkRange: number, samplesPerChunk: number): void {
    if (this.app && (this.app.count >= samplesPerChunk || t >= this.appNextAt)) this.closeChunk();
    if (!this.app) {
      this.app = new XorAppender();
      this.appMint = t;
      this.appNextAt = (Math.floor(t / chunkRange) + 1) * chunkRange;
    }
    this.app.appendBits(t, hi, lo);
    this.maxTime = t;
    this.lastHi = hi >>> 0;
    this.lastLo = lo >>> 0;
  }

  private closeChunk(): void {
    if (!this.app || this.app.count === 0) return;
    this.chunks.push({ mint: this.appMint, maxt: this.maxTime, data: this.app.bytes() });
    this.app = null;
  }

  get hasData(): boolean {
    return this.chunks.length > 0 || (this.app !== null && this.app.count > 0);
  }

  get minTime(): number {
    if (this.chunks.length) return this.chunks[0].mint;
    return this.app ? this.appMint : Infinity;
  }

  // Chunks overlapping [mint, maxt] (inclusive); the open chunk as a snapshot copy.
  chunksIn(mint: number, maxt: number): HeadChunk[] {
    const out: HeadChunk[] = [];
    for (const c of this.chunks) if (c.maxt >= mint && c.mint <= maxt) out.push(c);
    if (this.app && this.app.count > 0 && this.maxTime >= mint && this.appMint <= maxt) {
      out.push({ mint: this.appMint, maxt: this.maxTime, data: this.app.bytes() });
    }
    return out;
  }

  // Drops chunks that end before `mint`; returns the number of chunks removed.
  truncateBefore(mint: number): number {
    const before = this.chunks.length;
    this.chunks = this.chunks.filter((c) => c.maxt >= mint);
    let removed = before - this.chunks.length;
    if (this.app && this.maxTime < mint) {
      this.app = null;
      removed++;
    }
    if (this.deleted) {
      this.deleted = this.deleted.filter((d) => d.maxt >= mint);
      if (this.deleted.length === 0) this.deleted = null;
    }
    return removed;
  }

  addTombstone(mint: number, maxt: number): void {
    (this.deleted ??= []).push({ mint, maxt });
  }

  isDeleted(t: number): boolean {
    if (!this.deleted) return false;
    for (const d of this.deleted) if (t >= d.mint && t <= d.maxt) return true;
    return false;
  }
}
