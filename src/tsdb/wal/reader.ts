// Reads records back from WAL segments. A crash can leave the newest segment with a torn
// tail: a fragment cut short, a CRC that does not match, a record whose last fragment never
// made it. Reading stops at the first such place and reports where the good data ends, so the
// caller can truncate there (repair) and keep every record before it.
import { open, readFile, readdir, rm, truncate } from "node:fs/promises";
import { join } from "node:path";
import { crc32c } from "../encoding/crc32c.ts";
import { loadZstd, snappyUncompress, zstdLoaded, zstdUncompress } from "./compression.ts";
import { concatBytes } from "../../codec/concat.ts";
import {
  FLAG_SNAPPY,
  FLAG_ZSTD,
  FRAG_FIRST,
  FRAG_FULL,
  FRAG_LAST,
  FRAG_MIDDLE,
  FRAG_PAGE_TERM,
  HEADER_SIZE,
  PAGE_SIZE,
  lastCheckpoint,
  listSegments,
  segmentName,
} from "./segments.ts";

export interface SegmentReadResult {
  records: number; // records delivered (skipped ones included)
  needsZstd?: boolean; // stopped at a zstd record before the codec was loaded
  validEnd: number; // byte offset just after the last complete, valid record
  error?: string; // why reading stopped early, if it did
}

export type RecordHandler = (rec: Uint8Array) => void;

// Walks one segment's bytes and hands every complete record to `onRecord`, except the first
// `skip` records (used to resume after loading the zstd codec).
export function readSegmentBytes(buf: Uint8Array, onRecord: RecordHandler, skip = 0): SegmentReadResult {
  let pos = 0;
  let records = 0;
  let validEnd = 0;
  let parts: Uint8Array[] | null = null; // fragments of a record in progress
  let recFlags = 0;
  const fail = (error: string): SegmentReadResult =>
    error === NEEDS_ZSTD ? { records, validEnd, error: "zstd codec not loaded", needsZstd: true } : { records, validEnd, error };
  const handle: RecordHandler = (rec) => {
    if (records >= skip) onRecord(rec);
  };

  while (pos < buf.length) {
    const pageEnd = (Math.floor(pos / PAGE_SIZE) + 1) * PAGE_SIZE;
    if (pageEnd - pos < HEADER_SIZE) {
      // Too little room left for a header: the writer padded the page with zeros.
      if (!isZero(buf, pos, Math.min(pageEnd, buf.length))) return fail(`non-zero page padding at ${pos}`);
      pos = pageEnd;
      continue;
    }
    const typeByte = buf[pos];
    const type = typeByte & 0x7;
    if (type === FRAG_PAGE_TERM) {
      if (!isZero(buf, pos, Math.min(pageEnd, buf.length))) return fail(`unexpected non-zero bytes in page padding at ${pos}`);
      pos = pageEnd;
      continue;
    }
    if (pos + HEADER_SIZE > buf.length) return fail(`torn fragment header at ${pos}`);
    if (type > FRAG_LAST || (typeByte & 0xe0) !== 0) return fail(`invalid fragment type byte ${typeByte} at ${pos}`);
    const len = (buf[pos + 1] << 8) | buf[pos + 2];
    const crc = ((buf[pos + 3] << 24) | (buf[pos + 4] << 16) | (buf[pos + 5] << 8) | buf[pos + 6]) >>> 0;
    const start = pos + HEADER_SIZE;
    const end = start + len;
    if (end > pageEnd) return fail(`fragment at ${pos} crosses its page boundary`);
    if (end > buf.length) return fail(`torn fragment at ${pos}: ${len} bytes announced, ${buf.length - start} present`);
    if (crc32c(buf, start, end) !== crc) return fail(`CRC mismatch in fragment at ${pos}`);
    const data = buf.subarray(start, end);
    pos = end;

    if (type === FRAG_FULL || type === FRAG_FIRST) {
      if (parts) return fail(`fragment at ${start - HEADER_SIZE} starts a record before the previous one ended`);
      recFlags = typeByte;
      if (type === FRAG_FULL) {
        const err = records >= skip ? deliver(data, recFlags, handle) : null;
        if (err) return fail(err);
        records++;
        validEnd = pos;
      } else parts = [data];
    } else {
      if (!parts) return fail(`fragment at ${start - HEADER_SIZE} continues a record that never started`);
      parts.push(data);
      if (type === FRAG_LAST) {
        const err = records >= skip ? deliver(concatBytes(parts), recFlags, handle) : null;
        parts = null;
        if (err) return fail(err);
        records++;
        validEnd = pos;
      } else if (type !== FRAG_MIDDLE) return fail(`bad fragment type ${type}`);
    }
  }
  if (parts) return fail("last record of the segment is incomplete");
  return { records, validEnd };
}

const NEEDS_ZSTD = "\u0000needs-zstd";

function deliver(data: Uint8Array, flags: number, onRecord: RecordHandler): string | null {
  let rec = data;
  if (flags & FLAG_ZSTD) {
    if (flags & FLAG_SNAPPY) return "fragment flags both snappy and zstd";
    if (!zstdLoaded()) return NEEDS_ZSTD;
    try {
      rec = zstdUncompress(data);
    } catch (e) {
      return `zstd record does not decompress: ${(e as Error).message}`;
    }
  } else if (flags & FLAG_SNAPPY) {
    try {
      rec = snappyUncompress(data);
    } catch (e) {
      return `snappy record does not decompress: ${(e as Error).message}`;
    }
  }
  onRecord(rec);
  return null;
}

function isZero(b: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (b[i] !== 0) return false;
  return true;
}

export interface Corruption {
  dir: string;
  segment: number;
  offset: number; // valid bytes before the corruption
  reason: string;
}

export interface ReplayResult {
  records: number;
  checkpoint: number | null; // last segment the loaded checkpoint covers
  firstSegment: number | null;
  lastSegment: number | null;
  corruption?: Corruption;
}

// Replays the newest checkpoint, then every segment after it, in order. Stops at the first
// corrupt record and describes it; repair() then cuts the WAL there.
export async function replayWAL(dir: string, onRecord: RecordHandler): Promise<ReplayResult> {
  const cp = await lastCheckpoint(dir);
  let records = 0;
  if (cp) {
    for (const s of await listSegments(cp.path)) {
      const r = await readSegment(await readBytesOf(join(cp.path, segmentName(s))), onRecord);
      records += r.records;
      // A checkpoint is written completely before being renamed into place: any error is real
      // corruption, not a torn write.
      if (r.error) throw new Error(`WAL checkpoint ${cp.path} segment ${s} is corrupt: ${r.error}`);
    }
  }
  const segs = (await listSegments(dir)).filter((s) => !cp || s > cp.upTo);
  const res: ReplayResult = {
    records,
    checkpoint: cp ? cp.upTo : null,
    firstSegment: segs.length ? segs[0] : null,
    lastSegment: segs.length ? segs[segs.length - 1] : null,
  };
  for (const s of segs) {
    const r = await readSegment(await readBytesOf(join(dir, segmentName(s))), onRecord);
    res.records += r.records;
    if (r.error) {
      res.corruption = { dir, segment: s, offset: r.validEnd, reason: r.error };
      break;
    }
  }
  return res;
}

// readSegmentBytes, loading the zstd codec and resuming when a zstd record shows up.
export async function readSegment(buf: Uint8Array, onRecord: RecordHandler): Promise<SegmentReadResult> {
  let r = readSegmentBytes(buf, onRecord);
  if (r.needsZstd && (await loadZstd())) r = readSegmentBytes(buf, onRecord, r.records);
  if (r.needsZstd) r.error = "zstd-compressed record, but the zstd codec cannot be loaded on this runtime";
  return r;
}

// Cuts the WAL at a corruption: the damaged segment keeps its valid prefix, later segments
// (which a torn write cannot have produced) are removed, as Prometheus's wlog.Repair does.
export async function repairWAL(c: Corruption): Promise<number[]> {
  await truncate(join(c.dir, segmentName(c.segment)), c.offset);
  const removed: number[] = [];
  for (const s of await listSegments(c.dir)) {
    if (s > c.segment) {
      await rm(join(c.dir, segmentName(s)));
      removed.push(s);
    }
  }
  const fh = await open(join(c.dir, segmentName(c.segment)), "r+");
  await fh.sync().finally(() => fh.close());
  return removed;
}

async function readBytesOf(path: string): Promise<Uint8Array> {
  const b = await readFile(path);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

export async function listCheckpoints(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((n) => /^checkpoint\.\d+(\.tmp)?$/.test(n));
}
