// A random-access byte source: what the index and chunk readers need from a file. The reader
// code only ever asks for ranges, so the same reader works over a local file, a buffer, or an
// object-storage GET-range (the store gateway implements ByteSource over its bucket).
export interface ByteSource {
  // Total size in bytes.
  readonly size: number;
  // Exactly `length` bytes starting at `offset`; rejects if the range is out of bounds.
  read(offset: number, length: number): Promise<Uint8Array>;
  // Optional: exactly dst.length bytes from `offset` into dst (no allocation).
  readInto?(offset: number, dst: Uint8Array): Promise<void>;
  close?(): Promise<void>;
}

export class ByteSourceRangeError extends Error {}

export function checkRange(src: { size: number }, offset: number, length: number, name: string): void {
  if (offset < 0 || length < 0 || offset + length > src.size) {
    throw new ByteSourceRangeError(`${name}: read [${offset}, ${offset + length}) beyond size ${src.size}`);
  }
}

export class MemoryByteSource implements ByteSource {
  readonly size: number;
  constructor(
    private readonly bytes: Uint8Array,
    private readonly name = "memory",
  ) {
    this.size = bytes.length;
  }
  async read(offset: number, length: number): Promise<Uint8Array> {
    checkRange(this, offset, length, this.name);
    return this.bytes.subarray(offset, offset + length);
  }
}

// Counts reads and bytes through a source: tests and benchmarks use it to prove a reader
// fetched ranges rather than whole files.
export class CountingByteSource implements ByteSource {
  reads = 0;
  bytesRead = 0;
  constructor(private readonly inner: ByteSource) {}
  get size(): number {
    return this.inner.size;
  }
  async read(offset: number, length: number): Promise<Uint8Array> {
    this.reads++;
    this.bytesRead += length;
    return this.inner.read(offset, length);
  }
  close(): Promise<void> {
    return this.inner.close?.() ?? Promise.resolve();
  }
}
