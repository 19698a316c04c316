// In-memory bucket for unit tests and the `MEMORY` objstore type. Objects are copied on the
// way in and out, so callers can't mutate stored data by accident.
import { bodyToBytes, bytesToStream, rangeOf } from "./body.ts";
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

interface Stored {
  data: Uint8Array;
  lastModified: Date;
}

export class MemoryBucket implements Bucket {
  readonly name: string;
  private readonly objects = new Map<string, Stored>();

  constructor(name = "memory") {
    this.name = name;
  }

  private find(name: string): Stored {
    const o = this.objects.get(name);
    if (!o) throw new ObjNotFoundError(this.name, name);
    return o;
  }

  async get(name: string): Promise<Uint8Array> {
    return this.find(name).data.slice();
  }

  async getStream(name: string): Promise<ReadableStream<Uint8Array>> {
    return bytesToStream(this.find(name).data);
  }

  async getRange(name: string, offset: number, length: number): Promise<Uint8Array> {
    return rangeOf(this.find(name).data, offset, length);
  }

  async exists(name: string): Promise<boolean> {
    return this.objects.has(name);
  }

  async attributes(name: string): Promise<ObjectAttributes> {
    const o = this.find(name);
    return { size: o.data.length, lastModified: new Date(o.lastModified) };
  }

  async upload(name: string, body: UploadBody): Promise<void> {
    checkObjectName(this.name, name);
    const bytes = await bodyToBytes(body);
    this.objects.set(name, { data: bytes.slice(), lastModified: new Date() });
  }

  async delete(name: string): Promise<void> {
    this.objects.delete(name);
  }

  async *iter(dir: string, opts: IterOptions = {}): AsyncIterable<string> {
    const prefix = dirPrefix(dir);
    const keys = [...this.objects.keys()].filter((k) => k.startsWith(prefix)).sort();
    let lastDir = "";
    for (const k of keys) {
      if (opts.recursive) {
        yield k;
        continue;
      }
      const slash = k.indexOf(DIR_DELIM, prefix.length);
      if (slash < 0) {
        yield k;
        continue;
      }
      const d = k.slice(0, slash + 1);
      if (d !== lastDir) {
        lastDir = d;
        yield d;
      }
    }
  }

  isObjNotFoundErr(err: unknown): boolean {
    return isObjNotFoundErr(err);
  }

  async close(): Promise<void> {}

  /** Test helper: number of stored objects. */
  get size(): number {
    return this.objects.size;
  }
}
