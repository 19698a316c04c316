// Byte encoding helpers for WAL records: big-endian fixed-width integers and Go-style
// (zig-zag) varints over plain JS numbers. Timestamps and series refs stay below 2^53, so
// numbers are exact; the arithmetic (not bitwise) paths handle values above 2^31.
const TWO32 = 4294967296;

export class ByteWriter {
  buf: Uint8Array;
  view: DataView;
  len = 0;

  constructor(capacity = 1024) {
    this.buf = new Uint8Array(capacity);
    this.view = new DataView(this.buf.buffer);
  }

  reset(): void {
    this.len = 0;
  }

  ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.len++] = b;
  }

  // 64-bit big-endian two's complement of an integer number (signed or unsigned < 2^53).
  be64(n: number): void {
    this.ensure(8);
    const hi = Math.floor(n / TWO32);
    this.view.setInt32(this.len, hi);
    this.view.setUint32(this.len + 4, n - hi * TWO32);
    this.len += 8;
  }

  // A float64 given as its bits, big-endian. There is deliberately no setFloat64 path: values
  // may be NaNs with a payload (stale markers), which a JS number loses on Bun.
  f64Words(hi: number, lo: number): void {
    this.ensure(8);
    this.view.setUint32(this.len, hi);
    this.view.setUint32(this.len + 4, lo);
    this.len += 8;
  }

  uvarint(n: number): void {
    this.ensure(10);
    const b = this.buf;
    let i = this.len;
    if (n < 0x80000000) {
      while (n >= 0x80) {
        b[i++] = (n & 0x7f) | 0x80;
        n >>>= 7;
      }
    } else {
      while (n >= 0x80) {
        b[i++] = (n % 128) | 0x80;
        n = Math.floor(n / 128);
      }
    }
    b[i++] = n;
    this.len = i;
  }

  varint(n: number): void {
    this.uvarint(n >= 0 ? n * 2 : -n * 2 - 1);
  }

  bytes(src: Uint8Array): void {
    this.ensure(src.length);
    this.buf.set(src, this.len);
    this.len += src.length;
  }

  // uvarint length + UTF-8 bytes.
  str(s: string): void {
    this.ensure(10 + s.length * 3);
    const lenAt = this.len;
    // Reserve one byte for the length (most label strings are < 128 bytes); shift if not.
    const r = textEncoder.encodeInto(s, this.buf.subarray(lenAt + 1));
    const n = r.written!;
    if (n < 0x80) {
      this.buf[lenAt] = n;
      this.len = lenAt + 1 + n;
      return;
    }
    const tmp = this.buf.slice(lenAt + 1, lenAt + 1 + n);
    this.len = lenAt;
    this.uvarint(n);
    this.bytes(tmp);
  }

  finish(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }
}

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder("utf-8", { fatal: true });

export class DecodeError extends Error {}

export class ByteReader {
  readonly buf: Uint8Array;
  readonly view: DataView;
  pos: number;
  readonly end: number;
  wordHi = 0; // set by f64Words()
  wordLo = 0;

  constructor(buf: Uint8Array, pos = 0, end = buf.length) {
    this.buf = buf;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.pos = pos;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  need(n: number): void {
    if (this.pos + n > this.end) throw new DecodeError(`unexpected end of record at byte ${this.pos}`);
  }

  byte(): number {
    this.need(1);
    return this.buf[this.pos++];
  }

  be64(): number {
    this.need(8);
    const v = this.view.getInt32(this.pos) * TWO32 + this.view.getUint32(this.pos + 4);
    this.pos += 8;
    return v;
  }

  be64u(): number {
    this.need(8);
    const v = this.view.getUint32(this.pos) * TWO32 + this.view.getUint32(this.pos + 4);
    this.pos += 8;
    return v;
  }

  // The counterpart of ByteWriter.f64Words: a big-endian float64's bits into wordHi/wordLo.
  f64Words(): void {
    this.need(8);
    this.wordHi = this.view.getUint32(this.pos);
    this.wordLo = this.view.getUint32(this.pos + 4);
    this.pos += 8;
  }

  uvarint(): number {
    const b = this.buf;
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new DecodeError(`truncated varint at byte ${this.pos}`);
      const c = b[this.pos++];
      result += (c & 0x7f) * mul;
      if (c < 0x80) return result;
      mul *= 128;
    }
    throw new DecodeError("varint overflows 64 bits");
  }

  varint(): number {
    const z = this.uvarint();
    return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  }

  str(): string {
    const n = this.uvarint();
    this.need(n);
    const s = textDecoder.decode(this.buf.subarray(this.pos, this.pos + n));
    this.pos += n;
    return s;
  }
}
