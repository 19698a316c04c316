// A ByteSource over one object in a bucket: every read is a GET with a byte range, so the TSDB
// index reader (which only ever asks for ranges) works against object storage directly and a
// query never downloads a whole index.
import type { Bucket } from "../../objstore/index.ts";
import { checkRange, type ByteSource } from "../../tsdb/bytesource/index.ts";

export interface RangeReadObserver {
  (object: string, bytes: number): void;
}

export class BucketByteSource implements ByteSource {
  constructor(
    private readonly bucket: Bucket,
    readonly object: string,
    readonly size: number,
    private readonly observe?: RangeReadObserver,
  ) {}

  static async open(bucket: Bucket, object: string, observe?: RangeReadObserver): Promise<BucketByteSource> {
    const attrs = await bucket.attributes(object);
    return new BucketByteSource(bucket, object, attrs.size, observe);
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    checkRange(this, offset, length, this.object);
    if (length === 0) return new Uint8Array(0);
    const b = await this.bucket.getRange(this.object, offset, length);
    this.observe?.(this.object, b.length);
    if (b.length !== length) throw new Error(`${this.bucket.name}: ${this.object}: short range read at ${offset}: got ${b.length} of ${length} bytes`);
    return b;
  }
}
