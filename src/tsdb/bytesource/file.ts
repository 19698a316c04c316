// ByteSource over a local file via node:fs/promises (implemented by Node, Bun and Deno).
// Reads are positional, so concurrent reads on one handle are safe.
import { open, type FileHandle } from "node:fs/promises";
import { checkRange, type ByteSource } from "./bytesource.ts";

export class FileByteSource implements ByteSource {
  private constructor(
    private readonly fh: FileHandle,
    readonly size: number,
    readonly path: string,
  ) {}

  static async open(path: string): Promise<FileByteSource> {
    const fh = await open(path, "r");
    try {
      const st = await fh.stat();
      return new FileByteSource(fh, st.size, path);
    } catch (e) {
      await fh.close();
      throw e;
    }
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const out = new Uint8Array(length);
    await this.readInto(offset, out);
    return out;
  }

  async readInto(offset: number, dst: Uint8Array): Promise<void> {
    const length = dst.length;
    checkRange(this, offset, length, this.path);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await this.fh.read(dst, done, length - done, offset + done);
      if (bytesRead === 0) throw new Error(`${this.path}: unexpected end of file at ${offset + done}`);
      done += bytesRead;
    }
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
}
