// Writes chunks into a block's chunks/ directory: segment files with an 8-byte header (magic,
// version 1, 3 zero bytes), then chunks `uvarint(len(data)) | encoding | data | CRC32-C(encoding
// + data)`, cutting a new file before a chunk would cross the segment size limit. Chunks go
// straight to disk through a buffered writer; nothing of the block is kept in memory.
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { Crc32c, putUvarint, writeBE32, MAX_VARINT_LEN64 } from "../encoding/index.ts";
import { BufferedFileWriter } from "../fileio/index.ts";
import {
  chunkRef,
  DEFAULT_SEGMENT_SIZE,
  SEGMENT_HEADER_SIZE,
  SEGMENT_MAGIC,
  SEGMENT_VERSION,
  segmentFileName,
} from "./ref.ts";

export class ChunkSegmentWriter {
  private cur: BufferedFileWriter | null = null;
  private segIndex = -1;
  private readonly head = new Uint8Array(MAX_VARINT_LEN64 + 1);
  private readonly crcBuf = new Uint8Array(4);
  private readonly crc = new Crc32c();
  readonly files: string[] = [];
  private _bytes = 0;

  constructor(
    private readonly dir: string,
    private readonly segmentSize = DEFAULT_SEGMENT_SIZE,
  ) {}

  // Total bytes in all segment files so far.
  get bytes(): number {
    return this._bytes + (this.cur?.pos ?? 0);
  }

  private async cut(): Promise<void> {
    await this.finishSegment();
    if (this.segIndex === -1) await mkdir(this.dir, { recursive: true });
    this.segIndex++;
    const name = segmentFileName(this.segIndex);
    this.files.push(name);
    this.cur = await BufferedFileWriter.create(join(this.dir, name), 4 << 20);
    const h = new Uint8Array(SEGMENT_HEADER_SIZE);
    writeBE32(h, 0, SEGMENT_MAGIC);
    h[4] = SEGMENT_VERSION;
    await this.cur.write(h);
  }

  // Appends one chunk; returns its reference.
  async write(encoding: number, data: Uint8Array): Promise<number> {
    let hl = putUvarint(this.head, 0, data.length);
    this.head[hl++] = encoding;
    const total = hl + data.length + 4;
    if (!this.cur || (this.cur.pos > SEGMENT_HEADER_SIZE && this.cur.pos + total > this.segmentSize)) {
      await this.cut();
    }
    const w = this.cur!;
    const ref = chunkRef(this.segIndex, w.pos);
    this.crc.reset();
    this.crc.update(this.head, hl - 1, hl).update(data);
    writeBE32(this.crcBuf, 0, this.crc.digest());
    await w.write(this.head.subarray(0, hl));
    await w.write(data);
    await w.write(this.crcBuf);
    return ref;
  }

  private async finishSegment(): Promise<void> {
    if (!this.cur) return;
    this._bytes += this.cur.pos;
    await this.cur.close();
    this.cur = null;
  }

  async close(): Promise<void> {
    await this.finishSegment();
    // A block without samples still has an (empty) chunks/ directory, as Prometheus writes it.
    if (this.segIndex === -1) await mkdir(this.dir, { recursive: true });
  }

  async abort(): Promise<void> {
    await this.cur?.abort();
    this.cur = null;
  }
}
