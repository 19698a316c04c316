import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import {
  STREAM_IDENTIFIER,
  maskedCrc32c,
  snappyBlockDecode,
  snappyBlockEncode,
  snappyFramedDecode,
  snappyFramedEncode,
  SnappyError,
} from "../../src/codec/snappy/index.ts";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

test("framed stream starts with the snappy stream identifier", () => {
  const out = snappyFramedEncode(new TextEncoder().encode("hello"));
  assert.equal(hex(out.subarray(0, 10)), "ff060000734e61507059");
  assert.deepEqual(STREAM_IDENTIFIER, out.subarray(0, 10));
});

test("known framed vector: uncompressed chunk with masked CRC-32C", () => {
  // "a" does not compress, so it is stored as chunk type 01: len 5 = 4 CRC bytes + 1 data byte.
  // CRC-32C("a") = 0xc1d04330; masked = rotr15 + 0xa282ead8.
  const out = snappyFramedEncode(new Uint8Array([0x61]));
  const crc = 0xc1d04330;
  const masked = ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;
  assert.equal(maskedCrc32c(new Uint8Array([0x61])), masked);
  const want = Buffer.alloc(9);
  want.set([0x01, 0x05, 0x00, 0x00]);
  want.writeUInt32LE(masked, 4);
  want[8] = 0x61;
  assert.equal(hex(out.subarray(10)), want.toString("hex"));
});

test("decodes a hand-built stream with padding, skippable and compressed chunks", () => {
  const data = new TextEncoder().encode("abcabcabcabcabcabcabcabcabcabcabcabc");
  const block = snappyBlockEncode(data);
  const crc = maskedCrc32c(data);
  const chunk = (type: number, body: number[] | Uint8Array) => [type, body.length & 0xff, (body.length >> 8) & 0xff, body.length >> 16, ...body];
  const crcBytes = [crc & 0xff, (crc >>> 8) & 0xff, (crc >>> 16) & 0xff, crc >>> 24];
  const stream = new Uint8Array([
    ...STREAM_IDENTIFIER,
    ...chunk(0xfe, [0, 0, 0]),
    ...chunk(0x00, [...crcBytes, ...block]),
    ...chunk(0x99, [1, 2]),
    ...STREAM_IDENTIFIER,
  ]);
  assert.deepEqual(snappyFramedDecode(stream), data);
  assert.ok(block.length < data.length, "the block really is compressed");
});

test("rejects corrupt streams", () => {
  const good = snappyFramedEncode(new TextEncoder().encode("x".repeat(1000)));
  const badCrc = good.slice();
  badCrc[14] ^= 1;
  assert.throws(() => snappyFramedDecode(badCrc), SnappyError);
  assert.throws(() => snappyFramedDecode(good.subarray(10)), /missing stream identifier/);
  assert.throws(() => snappyFramedDecode(good.subarray(0, good.length - 1)), /truncated/);
  const reserved = new Uint8Array([...STREAM_IDENTIFIER, 0x02, 0, 0, 0]);
  assert.throws(() => snappyFramedDecode(reserved), /reserved/);
  assert.throws(() => snappyFramedDecode(good, 999), /exceeds limit/);
});

test("large input spans several 64 KiB chunks", () => {
  const data = new Uint8Array(300_000);
  for (let i = 0; i < data.length; i++) data[i] = (i * 7) % 251;
  const enc = snappyFramedEncode(data);
  let chunks = 0;
  for (let i = 10; i < enc.length; ) {
    chunks++;
    i += 4 + (enc[i + 1] | (enc[i + 2] << 8) | (enc[i + 3] << 16));
  }
  assert.equal(chunks, Math.ceil(300_000 / 65536));
  assert.deepEqual(snappyFramedDecode(enc), data);
});

test("block: known vector and limit", () => {
  // uvarint(5) then a literal of 5 bytes: tag (5-1)<<2 = 0x10.
  assert.deepEqual(snappyBlockDecode(new Uint8Array([0x05, 0x10, 0x68, 0x65, 0x6c, 0x6c, 0x6f])), new TextEncoder().encode("hello"));
  assert.throws(() => snappyBlockDecode(snappyBlockEncode(new Uint8Array(100)), 10), /exceeds limit/);
});

test("property: framed and block round trip", () => {
  const bytes = fc.oneof(
    fc.uint8Array({ maxLength: 2000 }),
    // Repetitive input, so the compressed chunk type is exercised.
    fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 16 }), fc.integer({ min: 1, max: 9000 })).map(([p, n]) => {
      const out = new Uint8Array(p.length * n);
      for (let i = 0; i < n; i++) out.set(p, i * p.length);
      return out;
    }),
  );
  fc.assert(
    fc.property(bytes, (b) => {
      assert.deepEqual(snappyFramedDecode(snappyFramedEncode(b)), b);
      assert.deepEqual(snappyBlockDecode(snappyBlockEncode(b)), b);
    }),
    { numRuns: 200 },
  );
});
