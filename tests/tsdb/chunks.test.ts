import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { xorDecode, xorEncode } from "../../src/kernels/index.ts";
import { MemoryByteSource } from "../../src/tsdb/bytesource/index.ts";
import { AggrChunkError, decodeAggrChunk, decodeAggrChunkRaw, encodeAggrChunk } from "../../src/tsdb/chunkenc/index.ts";
import { ChunkSegmentReader, ChunkSegmentWriter, refOffset, refSegment } from "../../src/tsdb/chunks/index.ts";
import { CorruptionError } from "../../src/tsdb/errors.ts";

async function writeChunks(dir: string, payloads: Uint8Array[], segmentSize?: number) {
  const w = new ChunkSegmentWriter(join(dir, "chunks"), segmentSize);
  const refs: number[] = [];
  for (const [i, p] of payloads.entries()) refs.push(await w.write(i % 3 === 0 ? 1 : 0xff, p));
  await w.close();
  const names = (await readdir(join(dir, "chunks"))).sort();
  const files = await Promise.all(names.map(async (n) => new Uint8Array(await readFile(join(dir, "chunks", n)))));
  return { refs, names, files };
}

test("segment files: header, layout, refs, CRC, segment cutting", async () => {
  const dir = await mkdtemp(join(tmpdir(), "aeon-chunks-"));
  try {
    const payloads = Array.from({ length: 50 }, (_, i) => new Uint8Array(100 + i).fill(i));
    const { refs, names, files } = await writeChunks(dir, payloads, 2000);
    assert.ok(names.length > 1, "small segment size cuts several files");
    assert.equal(names[0], "000001");
    for (const f of files) assert.equal(Buffer.from(f.subarray(0, 8)).toString("hex"), "85bd40dd01000000");
    assert.equal(refs[0], 8, "first chunk right after the 8-byte header of segment index 0");
    for (const f of files) assert.ok(f.length <= 2000);
    const r = await ChunkSegmentReader.open(files.map((f, i) => new MemoryByteSource(f, names[i])), "BLOCK");
    for (const [i, ref] of refs.entries()) {
      const c = await r.chunk(ref);
      assert.equal(c.encoding, i % 3 === 0 ? 1 : 0xff);
      assert.deepEqual(c.data, payloads[i]);
    }
    const many = await r.chunks([...refs].reverse());
    assert.deepEqual(many.map((c) => c.data), [...payloads].reverse());
    // Byte layout of the first chunk: uvarint(100)=0x64, encoding 1, data, CRC32-C(enc+data).
    assert.equal(files[0][8], 100);
    assert.equal(files[0][9], 1);

    // A flipped data byte is a checksum error naming block, file and offset.
    const bad = files.map((f) => f.slice());
    bad[refSegment(refs[3])][refOffset(refs[3]) + 10] ^= 0xff;
    const rb = await ChunkSegmentReader.open(bad.map((f) => new MemoryByteSource(f)), "BLOCK");
    await assert.rejects(rb.chunk(refs[3]), (e: unknown) => {
      assert.ok(e instanceof CorruptionError);
      assert.match(e.message, /^block BLOCK: chunks\/\d{6}: chunk at offset \d+: checksum mismatch/);
      return true;
    });
    await assert.rejects(rb.chunks(refs), CorruptionError);
    // Refs into a missing segment or past the end of a file.
    await assert.rejects(r.chunk(refs[0] + 99 * 2 ** 32), /points to segment 100/);
    await assert.rejects(r.chunk(files[0].length + 5), /outside the file/);
    // Truncated segment: the chunk's length runs past the end.
    const trunc = files.map((f, i) => (i === 0 ? f.subarray(0, f.length - 3) : f));
    const rt = await ChunkSegmentReader.open(trunc.map((f) => new MemoryByteSource(f)), "BLOCK");
    const lastInFirst = refs.filter((x) => refSegment(x) === 0).pop()!;
    await assert.rejects(rt.chunk(lastInFirst), /runs past the end of the file/);
    // Bad magic.
    const magic = files.map((f) => f.slice());
    magic[0][0] = 0;
    await assert.rejects(ChunkSegmentReader.open(magic.map((f) => new MemoryByteSource(f)), "BLOCK"), /invalid magic/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("aggr chunk codec: layout, round trip, absent aggregates, damage", () => {
  const count = xorEncode([1000, 301000], [5, 5]);
  const sum = xorEncode([1000, 301000], [12.5, 13.25]);
  const counter = xorEncode([1000, 301000, 301000], [1, 9, 10]);
  const enc = encodeAggrChunk({ count, sum, counter });
  // count: uvarint(len) | 0x01 | bytes ; sum likewise; min, max absent (single 0 byte each).
  assert.equal(enc[0], count.length);
  assert.equal(enc[1], 1);
  let p = 2 + count.length;
  assert.equal(enc[p], sum.length);
  p += 2 + sum.length;
  assert.equal(enc[p], 0);
  assert.equal(enc[p + 1], 0);
  assert.equal(enc[p + 2], counter.length);
  assert.equal(enc.length, p + 4 + counter.length);
  const dec = decodeAggrChunk(enc);
  assert.deepEqual(Object.keys(dec).sort(), ["count", "counter", "sum"]);
  assert.deepEqual(xorDecode(dec.sum!).vs, Float64Array.of(12.5, 13.25));
  assert.deepEqual(xorDecode(dec.counter!).ts, Float64Array.of(1000, 301000, 301000));
  assert.equal(dec.min, undefined);
  assert.deepEqual(decodeAggrChunkRaw(enc).count, { encoding: 1, data: count });
  assert.deepEqual(encodeAggrChunk({}), Uint8Array.of(0, 0, 0, 0, 0));
  assert.throws(() => decodeAggrChunk(enc.subarray(0, enc.length - 1)), AggrChunkError);
  assert.throws(() => decodeAggrChunk(Uint8Array.of(0, 0, 0, 0, 0, 7)), /trailing/);
  assert.throws(() => decodeAggrChunk(encodeAggrChunk({ min: { encoding: 3, data: Uint8Array.of(1, 2) } })), /want XOR/);
});
