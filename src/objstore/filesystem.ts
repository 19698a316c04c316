// Filesystem bucket (Thanos `type: FILESYSTEM`, `config.directory`): object "a/b/c" is the file
// <directory>/a/b/c. Uploads go to a hidden temp file in the target folder and are renamed into
// place, so a reader never sees a half-written object. Iteration follows Thanos's filesystem
// bucket: folders appear as "name/" (empty folders are skipped), temp files never appear, and
// deleting an object removes the folders it leaves empty.
import { randomBytes } from "node:crypto";
import { mkdir, open, readdir, readFile, rename, rm, rmdir, stat, unlink } from "node:fs/promises";
import { bodyPieces, checkRange } from "./body.ts";
import {
  type Bucket,
  checkObjectName,
  DIR_DELIM,
  dirPrefix,
  type IterOptions,
  isObjNotFoundErr,
  type ObjectAttributes,
  ObjNotFoundError,
  type UploadBody,
} from "./bucket.ts";

const TEMP_MARK = ".aeon-tmp-";
const WRITE_PIECE = 4 << 20;

const isNotFound = (e: unknown) => (e as NodeJS.ErrnoException)?.code === "ENOENT" || (e as NodeJS.ErrnoException)?.code === "ENOTDIR";
const isTemp = (base: string) => base.startsWith(".") && base.includes(TEMP_MARK);

export interface FilesystemConfig {
  directory: string;
}

export class FilesystemBucket implements Bucket {
  readonly name: string;
  private readonly root: string;

  constructor(cfg: FilesystemConfig) {
    if (!cfg.directory) throw new Error("filesystem bucket: missing config.directory");
    this.root = cfg.directory.replace(/\/+$/, "") || "/";
    this.name = `filesystem:${this.root}`;
  }

  private path(name: string): string {
    checkObjectName(this.name, name);
    return `${this.root}/${name}`;
  }

  private notFound(name: string, e: unknown): unknown {
    return isNotFound(e) ? new ObjNotFoundError(this.name, name) : e;
  }

  async get(name: string): Promise<Uint8Array> {
    try {
      const buf = await readFile(this.path(name));
      return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    } catch (e) {
      throw this.notFound(name, e);
    }
  }

  async getStream(name: string): Promise<ReadableStream<Uint8Array>> {
    return this.streamFrom(name, 0, -1);
  }

  async getRange(name: string, offset: number, length: number): Promise<Uint8Array> {
    checkRange(offset, length);
    let fh;
    try {
      fh = await open(this.path(name), "r");
    } catch (e) {
      throw this.notFound(name, e);
    }
    try {
      const size = (await fh.stat()).size;
      const start = Math.min(offset, size);
      const end = length < 0 ? size : Math.min(size, offset + length);
      const out = new Uint8Array(end - start);
      let filled = 0;
      while (filled < out.length) {
        const { bytesRead } = await fh.read(out, filled, out.length - filled, start + filled);
        if (bytesRead === 0) break; // file shrank under us: return what exists
        filled += bytesRead;
      }
      return filled === out.length ? out : out.subarray(0, filled);
    } finally {
      await fh.close();
    }
  }

  private async streamFrom(name: string, offset: number, length: number): Promise<ReadableStream<Uint8Array>> {
    let fh: Awaited<ReturnType<typeof open>>;
    try {
      fh = await open(this.path(name), "r");
    } catch (e) {
      throw this.notFound(name, e);
    }
    let pos = offset;
    const end = length < 0 ? Infinity : offset + length;
    return new ReadableStream<Uint8Array>({
      async pull(controller) {
        const want = Math.min(1 << 20, end - pos);
        if (want <= 0) {
          await fh.close();
          controller.close();
          return;
        }
        const buf = new Uint8Array(want);
        const { bytesRead } = await fh.read(buf, 0, want, pos);
        if (bytesRead === 0) {
          await fh.close();
          controller.close();
          return;
        }
        pos += bytesRead;
        controller.enqueue(bytesRead === want ? buf : buf.subarray(0, bytesRead));
      },
      async cancel() {
        await fh.close();
      },
    });
  }

  async exists(name: string): Promise<boolean> {
    try {
      return (await stat(this.path(name))).isFile();
    } catch (e) {
      if (isNotFound(e)) return false;
      throw e;
    }
  }

  async attributes(name: string): Promise<ObjectAttributes> {
    let st;
    try {
      st = await stat(this.path(name));
    } catch (e) {
      throw this.notFound(name, e);
    }
    if (!st.isFile()) throw new ObjNotFoundError(this.name, name, "is a directory");
    return { size: st.size, lastModified: st.mtime };
  }

  async upload(name: string, body: UploadBody): Promise<void> {
    const target = this.path(name);
    const slash = target.lastIndexOf(DIR_DELIM);
    const folder = target.slice(0, slash);
    await mkdir(folder, { recursive: true });
    const temp = `${folder}/.${target.slice(slash + 1)}${TEMP_MARK}${randomBytes(6).toString("hex")}`;
    const fh = await open(temp, "wx");
    try {
      try {
        for await (const piece of bodyPieces(body, WRITE_PIECE)) {
          let off = 0;
          while (off < piece.length) off += (await fh.write(piece, off, piece.length - off)).bytesWritten;
        }
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(temp, target);
    } catch (e) {
      await unlink(temp).catch(() => {});
      throw e;
    }
  }

  async delete(name: string): Promise<void> {
    const p = this.path(name);
    try {
      await rm(p);
    } catch (e) {
      if (isNotFound(e)) return;
      throw e;
    }
    // Remove folders the delete left empty, up to (not including) the root, like Thanos does,
    // so a deleted block leaves no empty ULID folder behind.
    let folder = p.slice(0, p.lastIndexOf(DIR_DELIM));
    while (folder.length > this.root.length) {
      try {
        await rmdir(folder);
      } catch {
        break; // not empty (or gone): stop climbing
      }
      folder = folder.slice(0, folder.lastIndexOf(DIR_DELIM));
    }
  }

  async *iter(dir: string, opts: IterOptions = {}): AsyncIterable<string> {
    const prefix = dirPrefix(dir);
    if (prefix !== "") checkObjectName(this.name, prefix.slice(0, -1));
    yield* this.walk(prefix, !!opts.recursive);
  }

  // Entries are visited in the byte order of their full key ("x/" sorts as "x/"), so the output
  // order matches S3's lexicographic listing even when recursing.
  private async *walk(prefix: string, recursive: boolean): AsyncGenerator<string> {
    let entries;
    try {
      entries = await readdir(prefix === "" ? this.root : `${this.root}/${prefix.slice(0, -1)}`, { withFileTypes: true });
    } catch (e) {
      if (isNotFound(e)) return; // a missing folder lists as empty, as in Thanos
      throw e;
    }
    const items = entries
      .filter((d) => !isTemp(d.name) && (d.isFile() || d.isDirectory()))
      .map((d) => ({ key: d.isDirectory() ? d.name + DIR_DELIM : d.name, dir: d.isDirectory() }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    for (const it of items) {
      const full = prefix + it.key;
      if (!it.dir) {
        yield full;
      } else if (recursive) {
        yield* this.walk(full, true);
      } else if (await this.hasObjects(full)) {
        yield full;
      }
    }
  }

  private async hasObjects(prefix: string): Promise<boolean> {
    for await (const _ of this.walk(prefix, true)) return true;
    return false;
  }

  isObjNotFoundErr(err: unknown): boolean {
    return isObjNotFoundErr(err);
  }

  async close(): Promise<void> {}
}
