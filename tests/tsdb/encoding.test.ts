import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import {
  crc32c,
  crc32cUpdate,
  Decbuf,
  DecodeError,
  Encbuf,
  putUvarint,
  putVarint,
  readUvarint,
  readVarint,
  uvarintSize,
} from "../../src/tsdb/encoding/index.ts";

const enc = new TextEncoder();

test("crc32c: published CRC-32C check values", () => {
  assert.equal(crc32c(enc.encode("123456789")), 0xe3069283);
  assert.equal(crc32c(new Uint8Array(32)), 0x8a9136aa);
  assert.equal(crc32c(new Uint8Array(32).fill(0xff)), 0x62a8ab43);
  assert.equal(crc32c(new Uint8Array(0)), 0);
});

// Bit-at-a-time CRC-32C as an independent oracle for the slicing-by-8 tables.
function crcBitwise(d: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of d) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  }
  return ~c >>> 0;
}

test("crc32c: slicing-by-8 equals bitwise, and incremental equals one-shot", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(300), (d, cut) => {
      const k = Math.min(cut, d.length);
      assert.equal(crc32c(d), crcBitwise(d));
      assert.equal(crc32cUpdate(crc32cUpdate(0, d, 0, k), d, k, d.length), crc32c(d));
    }),
  );
});

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
function varintBytes(v: number): string {
  const b = new Uint8Array(10);
  return hex(b.subarray(0, putVarint(b, 0, v)));
}

test("varints: bytes equal Go's encoding/binary", () => {
  const u = new Uint8Array(10);
  assert.equal(hex(u.subarray(0, putUvarint(u, 0, 300))), "ac02");
  assert.equal(hex(u.subarray(0, putUvarint(u, 0, 0))), "00");
  assert.equal(hex(u.subarray(0, putUvarint(u, 0, 2 ** 53 - 1))), "ffffffffffffff0f");
  assert.equal(varintBytes(0), "00");
  assert.equal(varintBytes(-1), "01");
  assert.equal(varintBytes(1), "02");
  assert.equal(varintBytes(-64), "7f");
  assert.equal(varintBytes(64), "8001");
  // math.MinInt64 / math.MaxInt64 (tombstones use them for open ranges).
  assert.equal(varintBytes(-(2 ** 63)), "ffffffffffffffffff01");
  assert.equal(varintBytes(2 ** 63), "feffffffffffffffff01");
  assert.equal(readVarint(Buffer.from("ffffffffffffffffff01", "hex"), 0).value, -(2 ** 63));
  assert.equal(readVarint(Buffer.from("feffffffffffffffff01", "hex"), 0).value, 2 ** 63);
});

test("varints: round trip over the exact integer range", () => {
  fc.assert(
    fc.property(fc.maxSafeInteger(), (v) => {
      const b = new Uint8Array(10);
      const n = putVarint(b, 0, v);
      assert.deepEqual(readVarint(b, 0), { value: v, next: n });
      if (v >= 0) {
        const m = putUvarint(b, 0, v);
        assert.equal(m, uvarintSize(v));
        assert.deepEqual(readUvarint(b, 0), { value: v, next: m });
      }
    }),
  );
});

test("varints: truncated and overlong input is a DecodeError", () => {
  assert.throws(() => readUvarint(Uint8Array.of(0x80, 0x80), 0), DecodeError);
  assert.throws(() => readVarint(Uint8Array.of(0xff), 0), DecodeError);
  assert.throws(() => readUvarint(new Uint8Array(11).fill(0xff), 0), DecodeError);
  assert.throws(() => readUvarint(Buffer.from("ffffffffffffffffff02", "hex"), 0), DecodeError);
});

test("Encbuf/Decbuf round trip with strings and big-endian ints", () => {
  const e = new Encbuf(4);
  e.putBE32(0xdeadbeef);
  e.putBE64(2 ** 40 + 7);
  e.putUvarintStr("héllo ✓");
  e.putVarint(-12345);
  e.putByte(9);
  const d = new Decbuf(e.get());
  assert.equal(d.be32(), 0xdeadbeef);
  assert.equal(d.be64(), 2 ** 40 + 7);
  assert.equal(d.uvarintStr(), "héllo ✓");
  assert.equal(d.varint(), -12345);
  assert.equal(d.byte(), 9);
  assert.equal(d.remaining, 0);
  assert.throws(() => d.byte(), DecodeError);
  assert.throws(() => new Decbuf(Uint8Array.of(2, 0xc3, 0x28)).uvarintStr(), /UTF-8/);
});
