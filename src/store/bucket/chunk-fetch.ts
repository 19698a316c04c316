// Fetching chunk bytes of a block from its segment files in the bucket with few, merged range
// reads, as Thanos's gap-based partitioner does: the wanted chunks of one segment are sorted by
// offset and neighbours closer than 512 KiB are fetched by one GET (the bytes in between are
// cheaper than another round trip). A chunk's length is only known once its header is read, so
// each range reaches ESTIMATED_MAX_CHUNK bytes past its last chunk's start; the rare longer
// chunk is fetched again alone. Every chunk's CRC32-C is verified.
import type { Bucket } from "../../objstore/index.ts";
import { CorruptionError } from "../../tsdb/errors.ts";
import { parseChunkRecord, refOffset, refSegment, SEGMENT_HEADER_SIZE, segmentFileName } from "../../tsdb/chunks/index.ts";
import type { RawChunk } from "../../tsdb/chunks/index.ts";
import { runLimited } from "../../tsdb/bytesource/index.ts";

export const MAX_GAP_BYTES = 512 * 1024;
export const ESTIMATED_MAX_CHUNK = 16_000;
// One merged read never grows beyond this, and a block's reads for one window of series run at
// most FETCH_CONCURRENCY at a time, so the bytes in flight stay bounded. Sparse selections make
// merged reads mostly gap: 256 chunks one every ~20 KB is a 5 MB read for 50 KB of chunks, and
// with 16 MiB reads all issued at once the transient buffers (plus glibc keeping the freed ones)
// were the largest part of a query's resident memory on the 1 GiB test bucket.
export const MAX_RANGE_BYTES = 1 << 20;
export const FETCH_CONCURRENCY = 4;

export interface SegmentFile {
  name: string; // object name, "<ULID>/chunks/000001"
  size: number;
}

export interface ChunkFetchStats {
  ranges: number; // GETs issued
  bytes: number; // bytes fetched
  chunks: number; // chunks returned
}

export interface Range {
  seg: number;
  start: number;
  end: number;
  refs: number[]; // indexes into the caller's refs, ascending by offset
}

// Groups chunk refs into merged byte ranges per segment.
export function partitionChunkRefs(refs: readonly number[], segments: readonly SegmentFile[], block: string, maxGap = MAX_GAP_BYTES): Range[] {
  const order = refs.map((_, i) => i).sort((a, b) => refs[a] - refs[b]);
  const out: Range[] = [];
  let cur: Range | null = null;
  for (const i of order) {
    const seg = refSegment(refs[i]);
    const off = refOffset(refs[i]);
    const file = segments[seg];
    if (!file) {
      throw new CorruptionError({ block, file: `chunks/${segmentFileName(seg)}` }, `chunk ref ${refs[i]} points to segment ${seg + 1} but the block has ${segments.length} segment file(s)`);
    }
    if (off < SEGMENT_HEADER_SIZE || off >= file.size) {
      throw new CorruptionError({ block, file: `chunks/${segmentFileName(seg)}` }, `chunk ref ${refs[i]}: offset ${off} outside the file (size ${file.size})`);
    }
    const end = Math.min(file.size, off + ESTIMATED_MAX_CHUNK);
    if (cur && cur.seg === seg && off - cur.end <= maxGap && end - cur.start <= MAX_RANGE_BYTES) {
      cur.end = Math.max(cur.end, end);
      cur.refs.push(i);
    } else {
      cur = { seg, start: off, end, refs: [i] };
      out.push(cur);
    }
  }
  return out;
}

export async function fetchChunks(
  bucket: Bucket,
  block: string,
  segments: readonly SegmentFile[],
  refs: readonly number[],
  stats?: ChunkFetchStats,
): Promise<RawChunk[]> {
  const out = new Array<RawChunk>(refs.length);
  const ranges = partitionChunkRefs(refs, segments, block);
  await runLimited(
    ranges.map((r) => async () => {
      const file = segments[r.seg];
      const buf = await bucket.getRange(file.name, r.start, r.end - r.start);
      if (stats) {
        stats.ranges++;
        stats.bytes += buf.length;
      }
      const parsed: RawChunk[] = new Array(r.refs.length);
      let wanted = 0;
      for (let n = 0; n < r.refs.length; n++) {
        const i = r.refs[n];
        const off = refOffset(refs[i]);
        let c = parseChunk(buf, off - r.start, block, r.seg, off, file.size);
        if (typeof c === "number") {
          // Longer than the estimate: fetch exactly this chunk.
          const one = await bucket.getRange(file.name, off, c);
          if (stats) {
            stats.ranges++;
            stats.bytes += one.length;
          }
          c = parseChunk(one, 0, block, r.seg, off, file.size);
          if (typeof c === "number") throw new CorruptionError(where(block, r.seg), `chunk at offset ${off}: cannot be read whole`);
        }
        parsed[n] = c;
        wanted += c.data.length;
      }
      // Copy the wanted bytes out so results never pin the merged read buffer (gaps between
      // chunks can be most of it), into one allocation per range rather than one per chunk.
      const keep = new Uint8Array(wanted);
      let at = 0;
      for (let n = 0; n < r.refs.length; n++) {
        const c = parsed[n];
        keep.set(c.data, at);
        out[r.refs[n]] = { encoding: c.encoding, data: keep.subarray(at, at + c.data.length) };
        at += c.data.length;
      }
      if (stats) stats.chunks += r.refs.length;
    }),
    FETCH_CONCURRENCY,
  );
  return out;
}

const where = (block: string, seg: number) => ({ block, file: `chunks/${segmentFileName(seg)}` });

// The chunk at buf[pos], or the number of bytes needed when buf holds only part of it.
function parseChunk(buf: Uint8Array, pos: number, block: string, seg: number, fileOff: number, fileSize: number): RawChunk | number {
  return parseChunkRecord(buf, pos, where(block, seg), fileOff, fileSize, Math.min(fileSize - fileOff, ESTIMATED_MAX_CHUNK * 4));
}
