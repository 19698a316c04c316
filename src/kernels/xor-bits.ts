// MSB-first bit stream reader and writer for the reference XOR codec. Plain TypeScript, 32-bit
// pieces only (no BigInt): 64-bit quantities travel as (hi, lo) uint32 pairs.
import { XOR_ERR_TRUNCATED, XorError } from "./xor-errors.ts";

export class BitReader {
  pos = 0; // bit position from the start of `buf`
  constructor(readonly buf: Uint8Array, startByte: number) {
    this.pos = startByte * 8;
  }

  bitsLeft(): number {
    return this.buf.length * 8 - this.pos;
  }

  readBit(): number {
    const p = this.pos;
    if (p >= this.buf.length * 8) throw new XorError(XOR_ERR_TRUNCATED);
    this.pos = p + 1;
    return (this.buf[p >>> 3] >>> (7 - (p & 7))) & 1;
  }

  // Reads n <= 32 bits as an unsigned number.
  readBits(n: number): number {
    if (n === 0) return 0;
    if (this.pos + n > this.buf.length * 8) throw new XorError(XOR_ERR_TRUNCATED);
    let out = 0;
    let need = n;
    while (need > 0) {
      const p = this.pos;
      const avail = 8 - (p & 7);
      const take = avail < need ? avail : need;
      const byte = this.buf[p >>> 3];
      const piece = (byte >>> (avail - take)) & ((1 << take) - 1);
      out = out * (1 << take) + piece; // multiply, not shift: keeps 32-bit results unsigned
      this.pos = p + take;
      need -= take;
    }
    return out;
  }

  // Byte-aligned read (varints of the first two samples are always aligned).
  readByte(): number {
    return this.readBits(8);
  }
}

// Mirrors Go's bstream byte for byte, including its one quirk: writeByte always appends the
// next (empty) byte, so a stream whose last write was a whole-byte write ending on a byte
// boundary carries one extra zero byte. Prometheus's chunk bytes include it, so we must too.
export class BitWriter {
  buf: Uint8Array;
  bitLen = 0;
  private lastWasByte = false;

  constructor(initialBytes = 128) {
    this.buf = new Uint8Array(initialBytes);
  }

  private ensure(bits: number): void {
    const needBytes = (this.bitLen + bits + 7) >>> 3;
    if (needBytes <= this.buf.length) return;
    const next = new Uint8Array(Math.max(needBytes, this.buf.length * 2));
    next.set(this.buf);
    this.buf = next;
  }

  writeBit(bit: number): void {
    this.ensure(9);
    if (bit) this.buf[this.bitLen >>> 3] |= 0x80 >>> (this.bitLen & 7);
    this.bitLen++;
    this.lastWasByte = false;
  }

  // Writes the low n <= 32 bits of `value`, most significant first. Like Go's writeBits, the
  // last primitive write is a whole byte iff n is a multiple of 8.
  writeBits(value: number, n: number): void {
    if (n === 0) return;
    this.lastWasByte = (n & 7) === 0;
    this.ensure(n + 8);
    let left = n;
    while (left > 0) {
      const p = this.bitLen;
      const room = 8 - (p & 7);
      const take = room < left ? room : left;
      const piece = (value >>> (left - take)) & ((1 << take) - 1);
      this.buf[p >>> 3] |= piece << (room - take);
      this.bitLen = p + take;
      left -= take;
    }
  }

  // Writes a 64-bit (hi, lo) pair's low n bits (n <= 64).
  writeBits64(hi: number, lo: number, n: number): void {
    if (n > 32) {
      this.writeBits(hi, n - 32);
      this.writeBits(lo, 32);
      this.lastWasByte = (n & 7) === 0;
    } else {
      this.writeBits(lo, n);
    }
  }

  resetLastWrite(): void {
    this.lastWasByte = false;
  }

  byteLength(): number {
    const extra = (this.bitLen & 7) === 0 && this.lastWasByte ? 1 : 0;
    return ((this.bitLen + 7) >>> 3) + extra;
  }
}
