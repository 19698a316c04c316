// WAL writer in Prometheus's on-disk format. Records are cut into fragments inside 32 KiB
// pages; a record never spans two segments. log() is synchronous and only fills memory, so
// callers can apply the same change to the in-memory head in the same tick and keep the WAL
// order identical to the head order. sync() writes what is pending and fsyncs it: callers that
// await sync() concurrently share one write+fsync (group commit), which is what makes a
// durable-before-2xx policy affordable under load.
import { mkdir, open, stat, unlink, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import { crc32c } from "../encoding/crc32c.ts";
import { loadZstd, snappyCompress, zstdCompress, type WALCompression } from "./compression.ts";
import {
  DEFAULT_SEGMENT_SIZE,
  FLAG_SNAPPY,
  FLAG_ZSTD,
  FRAG_FIRST,
  FRAG_FULL,
  FRAG_LAST,
  FRAG_MIDDLE,
  HEADER_SIZE,
  PAGE_SIZE,
  listSegments,
  segmentName,
} from "./segments.ts";

export interface WALOptions {
  segmentSize?: number; // multiple of 32 KiB; default 128 MiB
  compression?: WALCompression; // default snappy, as Prometheus since 2.20; zstd as Prometheus >= 2.45
}

interface Pending {
  segment: number;
  data: Uint8Array;
}

interface Waiter {
  seq: number;
  resolve: () => void;
  reject: (e: unknown) => void;
}

export class WALWriter {
  readonly dir: string;
  readonly segmentSize: number;
  readonly compression: WALCompression;
  private readonly pagesPerSegment: number;

  private segment: number; // segment log() writes into
  private donePages = 0; // full pages of `segment` already queued
  private page = new Uint8Array(PAGE_SIZE);
  private pageAlloc = 0; // bytes of the page used
  private pageQueued = 0; // bytes of the page already queued for writing

  private queue: Pending[] = [];
  private seq = 0; // bumps on every log()
  private durableSeq = 0;
  private waiters: Waiter[] = [];
  private flushing: Promise<void> | null = null;
  private failed: unknown = null;
  private closed = false;

  private file: FileHandle | null = null;
  private fileSegment = -1;

  private constructor(dir: string, segment: number, opts: WALOptions) {
    this.dir = dir;
    this.segmentSize = opts.segmentSize ?? DEFAULT_SEGMENT_SIZE;
    if (this.segmentSize % PAGE_SIZE !== 0 || this.segmentSize < PAGE_SIZE) {
      throw new Error(`WAL segment size ${this.segmentSize} is not a positive multiple of ${PAGE_SIZE}`);
    }
    this.pagesPerSegment = this.segmentSize / PAGE_SIZE;
    this.compression = opts.compression ?? "snappy";
    this.segment = segment;
    this.queue.push({ segment, data: new Uint8Array(0) }); // creates the file on first sync
    this.seq = 1;
  }

  // Opens `dir` for appending. Like Prometheus, writing always starts in a fresh segment after
  // the existing ones; an existing last segment with a partial last page is zero-padded to a
  // page boundary first, so every closed segment consists of whole pages. Replay and repair
  // (see reader.ts) must happen before this.
  static async open(dir: string, opts: WALOptions = {}): Promise<WALWriter> {
    if (opts.compression === "zstd" && !(await loadZstd())) throw new Error("WAL compression zstd: the zstd codec cannot be loaded on this runtime");
    await mkdir(dir, { recursive: true });
    const segs = await listSegments(dir);
    let next = 0;
    if (segs.length > 0) {
      const last = segs[segs.length - 1];
      await padToPage(join(dir, segmentName(last)));
      next = last + 1;
    }
    const w = new WALWriter(dir, next, opts);
    await w.sync();
    return w;
  }

  get currentSegment(): number {
    return this.segment;
  }

  // Appends records. They become durable once a later sync() resolves.
  log(...records: Uint8Array[]): void {
    if (this.failed) throw new Error(`WAL is failed: ${String(this.failed)}`);
    if (this.closed) throw new Error("WAL is closed");
    for (let rec of records) {
      let flags = 0;
      if (this.compression !== "none" && rec.length > 0) {
        const c = this.compression === "zstd" ? zstdCompress(rec) : snappyCompress(rec);
        if (c.length < rec.length) {
          rec = c;
          flags = this.compression === "zstd" ? FLAG_ZSTD : FLAG_SNAPPY;
        }
      }
      this.writeRecord(rec, flags);
    }
    this.queuePagePart();
    this.seq++;
  }

  private capacityLeft(): number {
    const inPage = Math.max(0, PAGE_SIZE - this.pageAlloc - HEADER_SIZE);
    return inPage + (this.pagesPerSegment - this.donePages - 1) * (PAGE_SIZE - HEADER_SIZE);
  }

  private writeRecord(rec: Uint8Array, flags: number): void {
    if (rec.length > this.pagesPerSegment * (PAGE_SIZE - HEADER_SIZE)) {
      throw new Error(`WAL record of ${rec.length} bytes does not fit in a ${this.segmentSize}-byte segment`);
    }
    if (rec.length > this.capacityLeft()) this.startSegment();
    let off = 0;
    let first = true;
    for (;;) {
      // Fragments carry at least one byte unless the record is empty.
      if (PAGE_SIZE - this.pageAlloc < HEADER_SIZE + 1) this.finishPage();
      const room = PAGE_SIZE - this.pageAlloc - HEADER_SIZE;
      const len = Math.min(room, rec.length - off);
      const last = off + len === rec.length;
      const type = first && last ? FRAG_FULL : first ? FRAG_FIRST : last ? FRAG_LAST : FRAG_MIDDLE;
      const p = this.page;
      const at = this.pageAlloc;
      p[at] = type | flags;
      p[at + 1] = len >>> 8;
      p[at + 2] = len & 0xff;
      const crc = crc32c(rec, off, off + len);
      p[at + 3] = crc >>> 24;
      p[at + 4] = (crc >>> 16) & 0xff;
      p[at + 5] = (crc >>> 8) & 0xff;
      p[at + 6] = crc & 0xff;
      p.set(rec.subarray(off, off + len), at + HEADER_SIZE);
      this.pageAlloc = at + HEADER_SIZE + len;
      off += len;
      first = false;
      if (last) break;
    }
    if (PAGE_SIZE - this.pageAlloc < HEADER_SIZE + 1) this.finishPage();
  }

  // Queues the rest of the page (zero padding included) and starts a new one.
  private finishPage(): void {
    if (this.pageQueued < PAGE_SIZE) {
      this.queue.push({ segment: this.segment, data: this.page.slice(this.pageQueued, PAGE_SIZE) });
    }
    this.page.fill(0);
    this.pageAlloc = 0;
    this.pageQueued = 0;
    this.donePages++;
    if (this.donePages >= this.pagesPerSegment) this.startSegment();
  }

  private queuePagePart(): void {
    if (this.pageAlloc > this.pageQueued) {
      this.queue.push({ segment: this.segment, data: this.page.slice(this.pageQueued, this.pageAlloc) });
      this.pageQueued = this.pageAlloc;
    }
  }

  // Closes the current segment (padding its last page) and continues in the next one.
  nextSegment(): number {
    this.startSegment();
    this.seq++;
    return this.segment;
  }

  private startSegment(): void {
    if (this.pageAlloc > 0) this.finishPage();
    this.segment++;
    this.donePages = 0;
    this.queue.push({ segment: this.segment, data: new Uint8Array(0) });
  }

  // Resolves once everything logged before the call is written and fsynced.
  sync(): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    const target = this.seq;
    if (this.durableSeq >= target) return Promise.resolve();
    const p = new Promise<void>((resolve, reject) => this.waiters.push({ seq: target, resolve, reject }));
    if (!this.flushing) this.flushing = this.flushLoop();
    return p;
  }

  private async flushLoop(): Promise<void> {
    try {
      while (this.queue.length > 0 || this.waiters.length > 0) {
        const batch = this.queue;
        const seq = this.seq;
        this.queue = [];
        await this.writeBatch(batch);
        this.durableSeq = seq;
        const still: Waiter[] = [];
        for (const w of this.waiters) (w.seq <= seq ? w.resolve() : still.push(w));
        this.waiters = still;
      }
    } catch (e) {
      this.failed = e;
      for (const w of this.waiters) w.reject(e);
      this.waiters = [];
    } finally {
      this.flushing = null;
    }
  }

  private async writeBatch(batch: Pending[]): Promise<void> {
    let i = 0;
    while (i < batch.length) {
      const seg = batch[i].segment;
      let j = i;
      let total = 0;
      while (j < batch.length && batch[j].segment === seg) total += batch[j++].data.length;
      const fh = await this.fileFor(seg);
      if (total > 0) {
        const buf = new Uint8Array(total);
        let o = 0;
        for (let k = i; k < j; k++) {
          buf.set(batch[k].data, o);
          o += batch[k].data.length;
        }
        let written = 0;
        while (written < total) written += (await fh.write(buf, written, total - written)).bytesWritten;
      }
      i = j;
    }
    if (this.file) await this.file.sync();
  }

  private async fileFor(seg: number): Promise<FileHandle> {
    if (this.file && this.fileSegment === seg) return this.file;
    if (this.file) {
      await this.file.sync();
      await this.file.close();
      this.file = null;
    }
    this.file = await open(join(this.dir, segmentName(seg)), "a");
    this.fileSegment = seg;
    await syncDir(this.dir);
    return this.file;
  }

  // Deletes segment files numbered below `n` (after a checkpoint covers them).
  async removeSegmentsBefore(n: number): Promise<void> {
    for (const s of await listSegments(this.dir)) {
      if (s < n && s !== this.fileSegment) await unlink(join(this.dir, segmentName(s)));
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    try {
      await this.sync();
    } finally {
      this.closed = true;
      if (this.file) await this.file.close();
      this.file = null;
    }
  }
}

async function padToPage(path: string): Promise<void> {
  const size = (await stat(path)).size;
  const rest = size % PAGE_SIZE;
  if (rest === 0) return;
  const fh = await open(path, "a");
  try {
    await fh.write(new Uint8Array(PAGE_SIZE - rest));
    await fh.sync();
  } finally {
    await fh.close();
  }
}

// Makes a newly created file's directory entry durable. Best effort: not every runtime lets a
// directory be opened for fsync.
export async function syncDir(dir: string): Promise<void> {
  let fh: FileHandle | null = null;
  try {
    fh = await open(dir, "r");
    await fh.sync();
  } catch {
    // ignored: see above
  } finally {
    await fh?.close().catch(() => {});
  }
}
