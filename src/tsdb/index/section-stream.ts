// Sequential reader over a byte range of a ByteSource, fetched in pieces: lets the index reader
// walk the symbol table and the postings offset table once at open time (to verify the CRC
// and keep a sample of entries) without ever holding the whole section in memory.
import type { ByteSource } from "../bytesource/index.ts";
import { Crc32c, DecodeError, decodeUtf8, readUvarint } from "../encoding/index.ts";

export class SectionStream {
  private buf = new Uint8Array(0);
  private bufStart: number; // file offset of buf[0]
  private p = 0; // read position within buf
  private fetched: number; // file offset up to which bytes were fetched
  readonly crc = new Crc32c();

  constructor(
    private readonly src: ByteSource,
    start: number,
    private readonly end: number,
    private readonly piece = 1 << 20,
  ) {
    this.bufStart = start;
    this.fetched = start;
  }

  // File offset of the next unread byte.
  get offset(): number {
    return this.bufStart + this.p;
  }

  get remaining(): number {
    return this.end - this.offset;
  }

  // Makes at least n bytes (or all that is left) available from the current position.
  async ensure(n: number): Promise<void> {
    const avail = this.buf.length - this.p;
    if (avail >= n || this.fetched >= this.end) return;
    const want = Math.min(this.end - this.fetched, Math.max(this.piece, n - avail));
    const more = await this.src.read(this.fetched, want);
    this.crc.update(more);
    const nb = new Uint8Array(avail + more.length);
    nb.set(this.buf.subarray(this.p));
    nb.set(more, avail);
    this.bufStart += this.p;
    this.buf = nb;
    this.p = 0;
    this.fetched += more.length;
    if (this.buf.length < n && this.fetched < this.end) await this.ensure(n);
  }

  // Fetches everything left so the CRC covers the whole range.
  async drain(): Promise<void> {
    while (this.fetched < this.end) await this.ensure(this.buf.length - this.p + this.piece);
  }

  // Bytes buffered past the current position: the sync reads below may use this many without
  // fetching. Callers make sure an entry is buffered (one `await ensure(n)` when it is not)
  // and then parse it synchronously: awaiting every field of a million-entry table costs more
  // than the parsing itself.
  get buffered(): number {
    return this.buf.length - this.p;
  }

  byteSync(): number {
    if (this.p >= this.buf.length) throw new DecodeError("byte: unexpected end of section");
    return this.buf[this.p++];
  }

  uvarintSync(): number {
    const d = readUvarint(this.buf, this.p);
    this.p = d.next;
    return d.value;
  }

  bytesSync(n: number): Uint8Array {
    if (this.p + n > this.buf.length) throw new DecodeError(`bytes(${n}): unexpected end of section`);
    const v = this.buf.subarray(this.p, this.p + n);
    this.p += n;
    return v;
  }

  async byte(): Promise<number> {
    await this.ensure(1);
    if (this.p >= this.buf.length) throw new DecodeError("byte: unexpected end of section");
    return this.buf[this.p++];
  }

  async uvarint(): Promise<number> {
    await this.ensure(10);
    const d = readUvarint(this.buf, this.p);
    this.p = d.next;
    return d.value;
  }

  async bytes(n: number): Promise<Uint8Array> {
    await this.ensure(n);
    if (this.p + n > this.buf.length) throw new DecodeError(`bytes(${n}): unexpected end of section`);
    const v = this.buf.subarray(this.p, this.p + n);
    this.p += n;
    return v;
  }

  async uvarintStr(): Promise<string> {
    return decodeUtf8(await this.bytes(await this.uvarint()));
  }
}
