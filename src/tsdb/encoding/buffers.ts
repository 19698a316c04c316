// Encbuf/Decbuf: a growable write buffer and a bounds-checked read cursor over Uint8Array,
// the two shapes every TSDB format here (index, chunks, tombstones, WAL records) is built from.
import { crc32c } from "./crc32c.ts";
import {
  DecodeError,
  MAX_VARINT_LEN64,
  putUvarint,
  putVarint,
  readBE32,
  readBE64,
  readUvarint,
  readVarint,
  writeBE32,
  writeBE64,
} from "./varint.ts";

const utf8 = new TextEncoder();
const utf8Strict = new TextDecoder("utf-8", { fatal: true });

export class Encbuf {
  buf: Uint8Array;
  len = 0;

  constructor(initial = 1024) {
    this.buf = new Uint8Array(initial);
  }

  reset(): void {
    this.len = 0;
  }

  // Bytes written so far (a view: copy it if the buffer is reused).
  get(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }

  private ensure(extra: number): void {
    if (this.len + extra <= this.buf.length) return;
    let n = this.buf.length * 2;
    while (n < this.len + extra) n *= 2;
    const b = new Uint8Array(n);
    b.set(this.buf.subarray(0, this.len));
    this.buf = b;
  }

  putByte(b: number): void {
    this.ensure(1);
    this.buf[this.len++] = b;
  }

  putBytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  putBE32(v: number): void {
    this.ensure(4);
    this.len = writeBE32(this.buf, this.len, v);
  }

  putBE64(v: number): void {
    this.ensure(8);
    this.len = writeBE64(this.buf, this.len, v);
  }

  putUvarint(v: number): void {
    this.ensure(MAX_VARINT_LEN64);
    this.len = putUvarint(this.buf, this.len, v);
  }

  putVarint(v: number): void {
    this.ensure(MAX_VARINT_LEN64);
    this.len = putVarint(this.buf, this.len, v);
  }

  // uvarint byte length, then the UTF-8 bytes.
  putUvarintStr(s: string): void {
    const b = utf8.encode(s);
    this.putUvarint(b.length);
    this.putBytes(b);
  }

  // Appends the CRC32-C of bytes [from, len) as big-endian uint32.
  putCrc32(from = 0): void {
    const c = crc32c(this.buf, from, this.len);
    this.putBE32(c);
  }

  padTo(align: number, base = 0): void {
    while ((base + this.len) % align !== 0) this.putByte(0);
  }
}

// A read cursor. Methods throw DecodeError on truncated or malformed data; callers turn that
// into a CorruptionError naming the block and file.
export class Decbuf {
  readonly b: Uint8Array;
  pos: number;
  readonly end: number;

  constructor(b: Uint8Array, start = 0, end = b.length) {
    this.b = b;
    this.pos = start;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  private need(n: number, what: string): void {
    if (this.pos + n > this.end) throw new DecodeError(`${what}: unexpected end of data`);
  }

  byte(): number {
    this.need(1, "byte");
    return this.b[this.pos++];
  }

  be32(): number {
    this.need(4, "be32");
    const v = readBE32(this.b, this.pos);
    this.pos += 4;
    return v;
  }

  be64(): number {
    this.need(8, "be64");
    const v = readBE64(this.b, this.pos);
    this.pos += 8;
    return v;
  }

  uvarint(): number {
    const d = readUvarint(this.b, this.pos, this.end);
    this.pos = d.next;
    return d.value;
  }

  varint(): number {
    const d = readVarint(this.b, this.pos, this.end);
    this.pos = d.next;
    return d.value;
  }

  bytes(n: number): Uint8Array {
    this.need(n, "bytes");
    const v = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  uvarintBytes(): Uint8Array {
    return this.bytes(this.uvarint());
  }

  uvarintStr(): string {
    return decodeUtf8(this.uvarintBytes());
  }

  skip(n: number): void {
    this.need(n, "skip");
    this.pos += n;
  }
}

export function decodeUtf8(b: Uint8Array): string {
  try {
    return utf8Strict.decode(b);
  } catch {
    throw new DecodeError("invalid UTF-8 string");
  }
}

export function encodeUtf8(s: string): Uint8Array {
  return utf8.encode(s);
}
