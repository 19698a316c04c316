// A view of a bucket under a key prefix (Thanos objstore's top-level `prefix:`), so several
// Aeon/Thanos deployments can share one bucket. Names the caller sees never include the prefix.
import { type Bucket, DIR_DELIM, dirPrefix, type IterOptions, type ObjectAttributes, type UploadBody } from "./bucket.ts";

export class PrefixedBucket implements Bucket {
  readonly name: string;
  readonly prefix: string;

  constructor(
    private readonly inner: Bucket,
    prefix: string,
  ) {
    const trimmed = prefix.replace(/^\/+|\/+$/g, "");
    this.prefix = trimmed === "" ? "" : trimmed + DIR_DELIM;
    this.name = `${inner.name}/${trimmed}`;
  }

  private full(name: string): string {
    return this.prefix + name;
  }

  get(name: string): Promise<Uint8Array> {
    return this.inner.get(this.full(name));
  }
  getStream(name: string): Promise<ReadableStream<Uint8Array>> {
    return this.inner.getStream(this.full(name));
  }
  getRange(name: string, offset: number, length: number): Promise<Uint8Array> {
    return this.inner.getRange(this.full(name), offset, length);
  }
  exists(name: string): Promise<boolean> {
    return this.inner.exists(this.full(name));
  }
  attributes(name: string): Promise<ObjectAttributes> {
    return this.inner.attributes(this.full(name));
  }
  upload(name: string, body: UploadBody): Promise<void> {
    return this.inner.upload(this.full(name), body);
  }
  delete(name: string): Promise<void> {
    return this.inner.delete(this.full(name));
  }
  async *iter(dir: string, opts?: IterOptions): AsyncIterable<string> {
    const inner = this.prefix + dirPrefix(dir);
    for await (const n of this.inner.iter(inner, opts)) yield n.slice(this.prefix.length);
  }
  isObjNotFoundErr(err: unknown): boolean {
    return this.inner.isObjNotFoundErr(err);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}
