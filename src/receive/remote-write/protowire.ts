// A minimal protobuf wire-format reader for the remote-write hot path: reads straight out of
// the decompressed body (no intermediate message objects), skips unknown fields, and throws
// ProtoError on anything malformed. Wire types: 0 varint, 1 fixed64, 2 length-delimited,
// 5 fixed32; groups (3, 4) are rejected as remote write never uses them.
import { FNV_OFFSET, FNV_PRIME } from "../../tsdb/head/hash.ts";

export class ProtoError extends Error {}

const TWO32 = 4294967296;
const utf8 = new TextDecoder("utf-8", { fatal: true });

export class ProtoReader {
  readonly buf: Uint8Array;
  readonly view: DataView;
  pos: number;
  end: number;
  wordHi = 0; // set by fixed64Words()
  wordLo = 0;

  constructor(buf: Uint8Array, pos = 0, end = buf.length) {
    this.buf = buf;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.pos = pos;
    this.end = end;
  }

  // Field tag: (field number << 3) | wire type. Field numbers fit in 29 bits.
  tag(): number {
    const t = this.uint32();
    if (t >>> 3 === 0) throw new ProtoError(`invalid field number 0 at byte ${this.pos}`);
    return t;
  }

  // Varint that must fit in 32 bits (tags, lengths, uint32 fields); longer encodings of a
  // 32-bit value (up to 10 bytes, as negative int32 are sent) keep the low 32 bits.
  uint32(): number {
    const b = this.buf;
    let p = this.pos;
    const end = this.end;
    let result = 0;
    for (let shift = 0; shift < 70; shift += 7) {
      if (p >= end) throw new ProtoError("truncated varint");
      const c = b[p++];
      if (shift < 32) result |= (c & 0x7f) << shift;
      if (c < 0x80) {
        this.pos = p;
        return result >>> 0;
      }
    }
    throw new ProtoError("varint longer than 10 bytes");
  }

  // int64 varint as a JS number; NaN when |value| >= 2^53 (not exact as a number).
  int64(): number {
    const b = this.buf;
    let p = this.pos;
    const end = this.end;
    let lo = 0;
    let hi = 0;
    let i = 0;
    for (;;) {
      if (p >= end) throw new ProtoError("truncated varint");
      const c = b[p++];
      if (i < 4) lo |= (c & 0x7f) << (i * 7);
      else if (i === 4) {
        lo |= (c & 0x0f) << 28;
        hi |= (c & 0x7f) >> 4;
      } else if (i < 10) hi |= (c & 0x7f) << (i * 7 - 32);
      else throw new ProtoError("varint longer than 10 bytes");
      i++;
      if (c < 0x80) break;
    }
    this.pos = p;
    lo >>>= 0;
    if (hi === 0) return lo;
    const v = (hi | 0) * TWO32 + lo;
    return v > -9007199254740992 && v < 9007199254740992 ? v : NaN;
  }

  // A fixed64 field (a double's bits) as two uint32 words in wordHi/wordLo. Doubles that may be
  // stale markers are read this way: a JS number would lose the NaN payload on Bun.
  fixed64Words(): void {
    if (this.pos + 8 > this.end) throw new ProtoError("truncated fixed64");
    this.wordLo = this.view.getUint32(this.pos, true);
    this.wordHi = this.view.getUint32(this.pos + 4, true);
    this.pos += 8;
  }

  // A double as a JS number: NaN payloads are lost on Bun, so sample values use fixed64Words.
  double(): number {
    if (this.pos + 8 > this.end) throw new ProtoError("truncated fixed64");
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  // Start and end of a length-delimited field's payload; advances past it.
  bytesRange(): number {
    const n = this.uint32();
    const start = this.pos;
    if (n > this.end - start) throw new ProtoError(`length ${n} at byte ${start} runs past the end of its message`);
    this.pos = start + n;
    return start;
  }

  // Narrows the reader to the payload of a length-delimited field (a nested message) without
  // allocating a sub-reader; returns the outer end to hand back to leave().
  enter(): number {
    const n = this.uint32();
    if (n > this.end - this.pos) throw new ProtoError(`length ${n} at byte ${this.pos} runs past the end of its message`);
    const outer = this.end;
    this.end = this.pos + n;
    return outer;
  }

  leave(outer: number): void {
    this.pos = this.end;
    this.end = outer;
  }

  string(): string {
    const start = this.bytesRange();
    return decodeString(this.buf, start, this.pos);
  }

  skip(wireType: number): void {
    switch (wireType) {
      case 0:
        this.uint32();
        return;
      case 1:
        if (this.pos + 8 > this.end) throw new ProtoError("truncated fixed64");
        this.pos += 8;
        return;
      case 2:
        this.bytesRange();
        return;
      case 5:
        if (this.pos + 4 > this.end) throw new ProtoError("truncated fixed32");
        this.pos += 4;
        return;
      default:
        throw new ProtoError(`unsupported wire type ${wireType} at byte ${this.pos}`);
    }
  }

  expect(wireType: number, got: number, field: string): void {
    if (wireType !== got) throw new ProtoError(`field ${field} has wire type ${got}, want ${wireType}`);
  }
}

export class Utf8Error extends ProtoError {}

// Label names and values repeat across series and across requests (the same series arrive
// every scrape), so short strings go through a direct-mapped intern cache keyed by an FNV-1a
// hash of their bytes: in steady state decoding a label allocates nothing. A hit compares the
// bytes, so a collision only costs a miss. Misses build short ASCII strings directly (faster
// than TextDecoder for a handful of bytes); anything else goes through the strict decoder so
// invalid UTF-8 is rejected.
const CACHE_SIZE = 1 << 14;
const CACHE_MAX_LEN = 96;
const cacheHash = new Int32Array(CACHE_SIZE);
const cacheBytes: Array<Uint8Array | undefined> = new Array(CACHE_SIZE);
const cacheStr: string[] = new Array(CACHE_SIZE).fill("");

// FNV-1a hash of the bytes of the string decodeString() returned last: the head's series
// hash is built from these (src/tsdb/head/hash.ts), so no label is hashed twice.
export let lastStringHash = FNV_OFFSET;

export function decodeString(b: Uint8Array, start: number, end: number): string {
  const n = end - start;
  let h = FNV_OFFSET;
  for (let i = start; i < end; i++) h = Math.imul(h ^ b[i], FNV_PRIME);
  lastStringHash = h;
  if (n === 0) return "";
  if (n > CACHE_MAX_LEN) return decodeUtf8(b, start, end);
  const slot = h & (CACHE_SIZE - 1);
  const cb = cacheBytes[slot];
  if (cb !== undefined && cacheHash[slot] === h && cb.length === n) {
    let same = true;
    for (let i = 0; i < n; i++) {
      if (cb[i] !== b[start + i]) {
        same = false;
        break;
      }
    }
    if (same) return cacheStr[slot];
  }
  let s = "";
  if (n <= 32) {
    for (let i = start; i < end; i++) {
      const c = b[i];
      if (c >= 0x80) {
        s = decodeUtf8(b, start, end);
        break;
      }
      s += String.fromCharCode(c);
    }
  } else s = decodeUtf8(b, start, end);
  cacheHash[slot] = h;
  cacheBytes[slot] = b.slice(start, end);
  cacheStr[slot] = s;
  return s;
}

function decodeUtf8(b: Uint8Array, start: number, end: number): string {
  try {
    return utf8.decode(b.subarray(start, end));
  } catch {
    throw new Utf8Error(`invalid UTF-8 in string at byte ${start}`);
  }
}
