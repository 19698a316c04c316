import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { create, toBinary } from "@bufbuild/protobuf";
import { SeriesResponseSchema } from "../../src/gen/thanos/store/rpc_pb.ts";
import { AggrChunkSchema, ChunkSchema, LabelSchema, SeriesSchema } from "../../src/gen/thanos/store/types_pb.ts";
import { encodeSeriesResponse } from "../../src/store/grpc/series-encode.ts";

const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
const chunk = fc.record({
  type: fc.integer({ min: 0, max: 2 }),
  data: fc.uint8Array({ maxLength: 300 }),
  hash: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
});
const maybeChunk = fc.option(chunk.map((c) => create(ChunkSchema, c)), { nil: undefined });
const aggr = fc
  .record({ minTime: fc.oneof(int64, fc.constant(0n)), maxTime: int64, raw: maybeChunk, count: maybeChunk, sum: maybeChunk, min: maybeChunk, max: maybeChunk, counter: maybeChunk })
  .map((a) => create(AggrChunkSchema, a));
const label = fc.record({ name: fc.string({ maxLength: 20, unit: "grapheme" }), value: fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: "binary", maxLength: 30 })) }).map((l) => create(LabelSchema, l));

test("property: hand-written Series encoder produces exactly toBinary's bytes", () => {
  fc.assert(
    fc.property(fc.array(label, { maxLength: 8 }), fc.array(aggr, { maxLength: 4 }), (labels, chunks) => {
      const r = create(SeriesResponseSchema, { result: { case: "series", value: create(SeriesSchema, { labels, chunks }) } });
      assert.deepEqual(encodeSeriesResponse(r), toBinary(SeriesResponseSchema, r));
    }),
    { numRuns: 500 },
  );
});

test("other responses fall back to toBinary", () => {
  const w = create(SeriesResponseSchema, { result: { case: "warning", value: "partial" } });
  assert.deepEqual(encodeSeriesResponse(w), toBinary(SeriesResponseSchema, w));
  const empty = create(SeriesResponseSchema, { result: { case: "series", value: create(SeriesSchema, {}) } });
  assert.deepEqual([...encodeSeriesResponse(empty)], [0x0a, 0x00]);
});

test("property: hand-written Series decoder equals fromBinary (and round-trips the encoder)", async () => {
  const { decodeSeriesResponse } = await import("../../src/store/grpc/series-decode.ts");
  const { equals, fromBinary } = await import("@bufbuild/protobuf");
  fc.assert(
    fc.property(fc.array(label, { maxLength: 8 }), fc.array(aggr, { maxLength: 4 }), (labels, chunks) => {
      const r = create(SeriesResponseSchema, { result: { case: "series", value: create(SeriesSchema, { labels, chunks }) } });
      const bytes = encodeSeriesResponse(r);
      const got = decodeSeriesResponse(bytes);
      assert.ok(equals(SeriesResponseSchema, got, fromBinary(SeriesResponseSchema, bytes)));
      assert.ok(equals(SeriesResponseSchema, got, r));
    }),
    { numRuns: 500 },
  );
  // Unknown fields and other cases fall back to fromBinary.
  const warning = toBinary(SeriesResponseSchema, create(SeriesResponseSchema, { result: { case: "warning", value: "w" } }));
  assert.equal(decodeSeriesResponse(warning).result.value, "w");
  // Series with an unknown field 15 (varint 1): kept by the fromBinary fallback.
  const unknown = decodeSeriesResponse(new Uint8Array([0x0a, 0x02, 0x78, 0x01]));
  assert.equal(unknown.result.case, "series");
  assert.equal((unknown.result.value as { $unknown?: unknown[] }).$unknown?.length, 1);
});

test("64-bit varint boundaries (hashes, times) and the reserved header room round-trip exactly", async () => {
  const { decodeSeriesResponse } = await import("../../src/store/grpc/series-decode.ts");
  const { equals } = await import("@bufbuild/protobuf");
  const edges = [0n, 1n, 127n, 128n, 2n ** 28n - 1n, 2n ** 28n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 49n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 56n - 1n, 2n ** 56n, 2n ** 63n - 1n, 2n ** 63n, 2n ** 64n - 1n];
  const times = [-(2n ** 63n), -1n, 0n, 1_700_000_000_000n, 2n ** 53n, 2n ** 63n - 1n];
  for (const hash of edges) {
    for (const t of times) {
      const r = create(SeriesResponseSchema, {
        result: { case: "series", value: create(SeriesSchema, { chunks: [create(AggrChunkSchema, { minTime: t, maxTime: t === -(2n ** 63n) ? 2n ** 63n - 1n : -t, raw: create(ChunkSchema, { type: 1, data: new Uint8Array([1, 2]), hash }) })] }) },
      });
      const want = toBinary(SeriesResponseSchema, r);
      assert.deepEqual(encodeSeriesResponse(r), want, `hash ${hash} time ${t}`);
      const framed = encodeSeriesResponse(r, 5);
      assert.deepEqual(framed.subarray(5), want);
      assert.ok(equals(SeriesResponseSchema, decodeSeriesResponse(want), r), `decode hash ${hash} time ${t}`);
    }
  }
});
