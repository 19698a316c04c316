// Sequential reader over a byte range of a ByteSource, fetched in pieces: lets the index reader
// walk the symbol table and the postings offset table once at open time (to verify the CRC
// and keep a sample of entries) without ever holding the whole section in memory.
import type { ByteSource } from "../bytesource/index.ts";
import { Crc32c, DecodeError, decodeUtf8, readUvarint } from "../encoding/index.ts";

export interface SectionStreamOptions {
  piece?: number;
  // Reuse one buffer for the whole walk (compacting it in place, reading into it directly where
  // the source can) instead of allocating every piece twice. Views returned by bytes() and
  // bytesSync() are then only valid until the next ensure(): callers that keep one across an
  // ensure must copy it first. Opening a big index streams hundreds of MiB through here, and
  // the freshly allocated pieces were most of the process's external memory while it ran.
  reuseBuffer?: boolean;
}

export class SectionStream {
  private buf = new Uint8Array(0);
  private store = new Uint8Array(0); // backing buffer in reuse mode (buf is a prefix of it)
  private bufStart: number; // file offset of buf[0]
  private p = 0; // read position within buf
  private fetched: number; // file offset up to which bytes were fetched
  readonly crc = new Crc32c();

  private readonly piece: number;
  private readonly reuse: boolean;

  constructor(
    private readonly src: ByteSource,
    start: number,
    private readonly end: number,
    opts: SectionStreamOptions | number = {},
  ) {
    const o = typeof opts === "number" ? { piece: opts } : opts;
    this.piece = o.piece ?? 1 << 20;
    this.reuse = o.reuseBuffer ?? false;
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
    if (this.reuse) {
      if (this.store.length < avail + want) {
        const bigger = new Uint8Array(avail + want);
        bigger.set(this.buf.subarray(this.p));
        this.store = bigger;
      } else {
        this.store.copyWithin(0, this.p, this.buf.length);
      }
      const dst = this.store.subarray(avail, avail + want);
      if (this.src.readInto) await this.src.readInto(this.fetched, dst);
      else dst.set(await this.src.read(this.fetched, want));
      this.crc.update(dst);
      this.buf = this.store.subarray(0, avail + want);
    } else {
      const more = await this.src.read(this.fetched, want);
      this.crc.update(more);
      const nb = new Uint8Array(avail + more.length);
      nb.set(this.buf.subarray(this.p));
      nb.set(more, avail);
      this.buf = nb;
    }
    this.bufStart += this.p;
    this.p = 0;
    this.fetched += want;
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
