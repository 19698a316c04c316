// Sequential file writer with a large in-memory buffer, tracking the logical position, plus
// positional patching (writeAt) for length fields only known after a section is written.
import { open, type FileHandle } from "node:fs/promises";

export class BufferedFileWriter {
  private buf: Uint8Array;
  private used = 0;
  private flushedPos = 0;

  private constructor(
    private readonly fh: FileHandle,
    readonly path: string,
    bufferSize: number,
  ) {
    this.buf = new Uint8Array(bufferSize);
  }

  static async create(path: string, bufferSize = 1 << 20): Promise<BufferedFileWriter> {
    return new BufferedFileWriter(await open(path, "w+"), path, bufferSize);
  }

  get pos(): number {
    return this.flushedPos + this.used;
  }

  async write(b: Uint8Array): Promise<void> {
    if (this.used + b.length > this.buf.length) {
      await this.flush();
      if (b.length >= this.buf.length) {
        await this.writeFully(b, this.flushedPos);
        this.flushedPos += b.length;
        return;
      }
    }
    this.buf.set(b, this.used);
    this.used += b.length;
  }

  async padTo(align: number): Promise<void> {
    const r = this.pos % align;
    if (r !== 0) await this.write(new Uint8Array(align - r));
  }

  async flush(): Promise<void> {
    if (this.used === 0) return;
    await this.writeFully(this.buf.subarray(0, this.used), this.flushedPos);
    this.flushedPos += this.used;
    this.used = 0;
  }

  // Overwrites bytes already written (flushes first so the region is on disk).
  async writeAt(b: Uint8Array, pos: number): Promise<void> {
    await this.flush();
    await this.writeFully(b, pos);
  }

  // Reads back bytes already written (after a flush), e.g. to checksum a patched section.
  async readAt(pos: number, length: number): Promise<Uint8Array> {
    await this.flush();
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await this.fh.read(out, done, length - done, pos + done);
      if (bytesRead === 0) throw new Error(`${this.path}: short read at ${pos + done}`);
      done += bytesRead;
    }
    return out;
  }

  private async writeFully(b: Uint8Array, pos: number): Promise<void> {
    let done = 0;
    while (done < b.length) {
      const { bytesWritten } = await this.fh.write(b, done, b.length - done, pos + done);
      done += bytesWritten;
    }
  }

  async close(sync = true): Promise<void> {
    await this.flush();
    if (sync) await this.fh.sync();
    await this.fh.close();
  }

  // Closes without flushing, for abandoned temp files.
  async abort(): Promise<void> {
    await this.fh.close().catch(() => {});
  }
}
