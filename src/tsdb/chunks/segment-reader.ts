// Reads chunks by reference from a block's segment files through ByteSources (local files or
// object-storage ranges). Every chunk's CRC32-C is verified; damage raises a CorruptionError
// naming the block, the segment file and the offset.
import { runLimited, type ByteSource } from "../bytesource/index.ts";
import { readBE32 } from "../encoding/index.ts";
import { parseChunkRecord } from "./record.ts";
import { CorruptionError } from "../errors.ts";
import type { RawChunk } from "./encodings.ts";
import { refOffset, refSegment, SEGMENT_HEADER_SIZE, SEGMENT_MAGIC, segmentFileName } from "./ref.ts";

// First guess at a chunk's size when its length is not known yet: Prometheus XOR chunks are
// typically 100-300 bytes and capped near 1 KiB, so one read usually suffices.
const GUESS = 1024;
// Chunks closer than this are fetched with one read (wasting at most this many bytes).
const MAX_GAP = 16 * 1024;
const MAX_RANGE = 8 << 20;

export class ChunkSegmentReader {
  private constructor(
    private readonly segments: ByteSource[],
    private readonly block: string | undefined,
  ) {}

  // `segments` in file order (chunks/000001 first). Verifies each segment header.
  static async open(segments: ByteSource[], block?: string): Promise<ChunkSegmentReader> {
    const r = new ChunkSegmentReader(segments, block);
    await Promise.all(
      segments.map(async (s, i) => {
        const where = r.where(i);
        if (s.size < SEGMENT_HEADER_SIZE) throw new CorruptionError(where, `segment file too short (${s.size} bytes)`);
        const h = await s.read(0, SEGMENT_HEADER_SIZE);
        const magic = readBE32(h, 0);
        if (magic !== SEGMENT_MAGIC) throw new CorruptionError(where, `invalid magic number ${magic.toString(16)}`);
        if (h[4] !== 1) throw new CorruptionError(where, `unsupported segment format version ${h[4]}`);
      }),
    );
    return r;
  }

  get segmentCount(): number {
    return this.segments.length;
  }

  segmentSizes(): number[] {
    return this.segments.map((s) => s.size);
  }

  private where(seg: number) {
    return { block: this.block, file: `chunks/${segmentFileName(seg)}` };
  }

  private source(ref: number): ByteSource {
    const seg = refSegment(ref);
    const src = this.segments[seg];
    if (!src) {
      throw new CorruptionError(
        { block: this.block, file: `chunks/${segmentFileName(seg)}` },
        `chunk ref ${ref} points to segment ${seg + 1} but the block has ${this.segments.length} segment file(s)`,
      );
    }
    const off = refOffset(ref);
    if (off < SEGMENT_HEADER_SIZE || off >= src.size) {
      throw new CorruptionError(this.where(seg), `chunk ref ${ref}: offset ${off} outside the file (size ${src.size})`);
    }
    return src;
  }

  async chunk(ref: number): Promise<RawChunk> {
    const src = this.source(ref);
    const off = refOffset(ref);
    const seg = refSegment(ref);
    let want = Math.min(GUESS, src.size - off);
    for (;;) {
      const buf = await src.read(off, want);
      const p = this.parse(buf, 0, seg, off, src.size);
      if (typeof p !== "number") return p;
      if (p <= want) throw new CorruptionError(this.where(seg), `chunk at offset ${off}: cannot be parsed`);
      want = Math.min(p, src.size - off);
    }
  }

  // Reads many chunks with coalesced range reads; results align with `refs`.
  async chunks(refs: readonly number[]): Promise<RawChunk[]> {
    const out = new Array<RawChunk>(refs.length);
    const order = refs.map((_, i) => i).sort((a, b) => refs[a] - refs[b]);
    const jobs: (() => Promise<void>)[] = [];
    let i = 0;
    while (i < order.length) {
      const startRef = refs[order[i]];
      const src = this.source(startRef);
      const seg = refSegment(startRef);
      const start = refOffset(startRef);
      let j = i + 1;
      while (
        j < order.length &&
        refSegment(refs[order[j]]) === seg &&
        refOffset(refs[order[j]]) - refOffset(refs[order[j - 1]]) <= MAX_GAP &&
        refOffset(refs[order[j]]) - start <= MAX_RANGE
      ) {
        this.source(refs[order[j]]);
        j++;
      }
      const group = order.slice(i, j);
      const end = Math.min(src.size, refOffset(refs[order[j - 1]]) + GUESS);
      jobs.push(
        async () => {
          const buf = await src.read(start, end - start);
          for (const idx of group) {
            const off = refOffset(refs[idx]);
            const p = this.parse(buf, off - start, seg, off, src.size);
            // Copy out so results do not pin the whole coalesced read buffer.
            out[idx] = typeof p === "number" ? await this.chunk(refs[idx]) : { encoding: p.encoding, data: p.data.slice() };
          }
        },
      );
      i = j;
    }
    await runLimited(jobs);
    return out;
  }

  // Parses the chunk at buf[pos]; returns the number of bytes needed if buf is too short.
  private parse(buf: Uint8Array, pos: number, seg: number, fileOff: number, fileSize: number): RawChunk | number {
    return parseChunkRecord(buf, pos, this.where(seg), fileOff, fileSize, 16);
  }

  async close(): Promise<void> {
    await Promise.all(this.segments.map((s) => s.close?.()));
  }
}
