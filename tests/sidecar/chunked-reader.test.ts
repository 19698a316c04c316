// The streamed remote-read frame reader: frames split anywhere across body pieces decode the
// same; CRC mismatches, truncated bodies and absurd lengths are errors, not garbage.
import assert from "node:assert/strict";
import { test } from "node:test";
import { create, toBinary } from "@bufbuild/protobuf";
import fc from "fast-check";
import { ChunkedReadResponseSchema } from "../../src/gen/prometheus/remote_pb.ts";
import { Chunk_Encoding, ChunkedSeriesSchema, ChunkSchema, LabelSchema } from "../../src/gen/prometheus/types_pb.ts";
import { ChunkedReadError, encodeChunkedFrame, readChunkedFrames } from "../../src/sidecar/index.ts";

function frame(i: number, dataLen: number): Uint8Array {
  const msg = create(ChunkedReadResponseSchema, {
    queryIndex: 0n,
    chunkedSeries: [
      create(ChunkedSeriesSchema, {
        labels: [create(LabelSchema, { name: "__name__", value: `m${i}` })],
        chunks: [create(ChunkSchema, { minTimeMs: BigInt(i), maxTimeMs: BigInt(i + 10), type: Chunk_Encoding.XOR, data: new Uint8Array(dataLen).map((_, k) => (k * 7 + i) & 0xff) })],
      }),
    ],
  });
  return encodeChunkedFrame(toBinary(ChunkedReadResponseSchema, msg));
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

async function* pieces(body: Uint8Array, cuts: number[]): AsyncIterable<Uint8Array> {
  let prev = 0;
  for (const c of [...new Set(cuts)].filter((c) => c > 0 && c < body.length).sort((a, b) => a - b)) {
    yield body.slice(prev, c);
    prev = c;
  }
  yield body.slice(prev);
}

async function readAll(body: AsyncIterable<Uint8Array>, limit?: number) {
  const out = [];
  for await (const f of readChunkedFrames(body, limit)) out.push(f);
  return out;
}

test("frames decode identically however the body is split", async () => {
  // Sizes straddle the 1- and 2-byte uvarint length boundary and the 64 KiB initial buffer.
  const frames = [frame(0, 10), frame(1, 200), frame(2, 70_000), frame(3, 0)];
  const body = concat(frames);
  await fc.assert(
    fc.asyncProperty(fc.array(fc.integer({ min: 0, max: body.length }), { maxLength: 20 }), async (cuts) => {
      const got = await readAll(pieces(body, cuts));
      assert.equal(got.length, 4);
      got.forEach((f, i) => {
        assert.equal(f.chunkedSeries[0].labels[0].value, `m${i}`);
        assert.equal(f.chunkedSeries[0].chunks[0].data.length, [10, 200, 70_000, 0][i]);
        assert.equal(f.chunkedSeries[0].chunks[0].minTimeMs, BigInt(i));
      });
    }),
    { numRuns: 50 },
  );
  // Byte by byte too.
  const tiny = concat([frame(5, 3), frame(6, 300)]);
  assert.equal((await readAll(pieces(tiny, [...tiny.keys()]))).length, 2);
});

test("chunk data survives later frames (no aliasing of the reassembly buffer)", async () => {
  const got = await readAll(pieces(concat([frame(1, 50), frame(2, 50)]), [3, 40, 70]));
  assert.deepEqual([...got[0].chunkedSeries[0].chunks[0].data.slice(0, 3)], [1, 8, 15]);
});

test("a flipped bit fails the CRC check", async () => {
  const f = frame(1, 100);
  f[f.length - 5] ^= 0x10;
  await assert.rejects(readAll(pieces(f, [])), (e: Error) => e instanceof ChunkedReadError && /CRC32-C mismatch/.test(e.message));
});

test("a body ending inside a frame is an error", async () => {
  const f = frame(1, 100);
  await assert.rejects(readAll(pieces(concat([frame(0, 5), f.slice(0, 50)]), [])), (e: Error) => e instanceof ChunkedReadError && /ended inside frame 1/.test(e.message));
});

test("a length prefix beyond the limit is refused before buffering", async () => {
  await assert.rejects(readAll(pieces(frame(1, 2000), []), 1000), (e: Error) => e instanceof ChunkedReadError && /exceeds the limit/.test(e.message));
});

test("an empty body is zero frames", async () => {
  assert.deepEqual(await readAll(pieces(new Uint8Array(0), [])), []);
});
