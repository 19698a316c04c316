// Wraps a bucket and records every write and delete in order (and can fail chosen uploads), so
// tests can check the upload/delete protocols' ordering on any backend.
import type { Bucket, IterOptions, ObjectAttributes, UploadBody } from "../../src/objstore/index.ts";

export class RecordingBucket implements Bucket {
  readonly ops: string[] = [];
  /** Uploads whose name matches are refused with an error (simulated outage). */
  failUploads?: RegExp;

  constructor(readonly inner: Bucket) {}

  get name() {
    return this.inner.name;
  }
  get(n: string) {
    return this.inner.get(n);
  }
  getStream(n: string) {
    return this.inner.getStream(n);
  }
  getRange(n: string, o: number, l: number) {
    return this.inner.getRange(n, o, l);
  }
  exists(n: string) {
    return this.inner.exists(n);
  }
  attributes(n: string): Promise<ObjectAttributes> {
    return this.inner.attributes(n);
  }
  async upload(n: string, body: UploadBody) {
    if (this.failUploads?.test(n)) {
      this.ops.push(`upload-failed ${n}`);
      throw new Error(`injected upload failure for ${n}`);
    }
    await this.inner.upload(n, body);
    this.ops.push(`upload ${n}`);
  }
  async delete(n: string) {
    await this.inner.delete(n);
    this.ops.push(`delete ${n}`);
  }
  iter(d: string, o?: IterOptions) {
    return this.inner.iter(d, o);
  }
  isObjNotFoundErr(e: unknown) {
    return this.inner.isObjNotFoundErr(e);
  }
  close() {
    return this.inner.close();
  }
}
