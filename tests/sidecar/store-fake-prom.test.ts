// PrometheusStore against a scripted Prometheus (node:http) to pin down what a real one rarely
// shows: the exact remote-read request (snappy body, headers, external-label matchers removed,
// STREAMED_XOR_CHUNKS), chunk bytes passed through untouched with their xxhash, re-sorting when
// external labels reorder series, a stored label overridden by an external one, limit, and
// errors for bad frames and non-streamed answers.
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { after, before, test } from "node:test";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { snappyBlockDecode, xxhash64 } from "../../src/codec/index.ts";
import { ChunkedReadResponseSchema, ReadRequest_ResponseType, ReadRequestSchema, type ReadRequest } from "../../src/gen/prometheus/remote_pb.ts";
import { Chunk_Encoding as PromEnc, ChunkedSeriesSchema, ChunkSchema as PromChunkSchema, LabelSchema as PromLabelSchema } from "../../src/gen/prometheus/types_pb.ts";
import { SeriesRequestSchema, type SeriesResponse } from "../../src/gen/thanos/store/rpc_pb.ts";
import { Matcher, formatLabels } from "../../src/labels/index.ts";
import { nopLogger } from "../../src/observability/index.ts";
import { StoreError, matchersToProto } from "../../src/store/index.ts";
import { encodeChunkedFrame, PromMetadata, PrometheusClient, PrometheusStore, REMOTE_READ_STREAMED_CONTENT_TYPE } from "../../src/sidecar/index.ts";

const CONFIG_YAML = "global:\n  scrape_interval: 15s\n  external_labels:\n    replica: r1\n    cluster: test\n";
const chunkData = (seed: number) => new Uint8Array(40).map((_, i) => (i * 31 + seed) & 0xff);

// Stored series in TSDB order as Prometheus streams them; labels as Prometheus sends them
// (external labels appended, a stored label of the same name winning).
const SERIES: [Record<string, string>, number][] = [
  [{ __name__: "up", instance: "a", cluster: "test", replica: "r1" }, 1],
  [{ __name__: "up", instance: "a", job: "j", cluster: "test", replica: "r1" }, 2], // sorts before the first once replica is added
  [{ __name__: "up", instance: "b", cluster: "stored", replica: "r1" }, 3], // stored cluster label, overridden
];

let server: Server;
let base: string;
let lastRead: { headers: IncomingMessage["headers"]; req: ReadRequest } | undefined;
let mode: "ok" | "badcrc" | "samples" = "ok";

before(async () => {
  server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on("data", (b: Buffer) => parts.push(b));
    req.on("end", () => {
      if (req.url === "/api/v1/status/config") {
        res.setHeader("Content-Type", "application/json");
        res.end(JSON.stringify({ status: "success", data: { yaml: CONFIG_YAML } }));
        return;
      }
      if (req.url === "/api/v1/read") {
        lastRead = { headers: req.headers, req: fromBinary(ReadRequestSchema, snappyBlockDecode(new Uint8Array(Buffer.concat(parts)))) };
        if (mode === "samples") {
          res.setHeader("Content-Type", "application/x-protobuf");
          res.end();
          return;
        }
        res.setHeader("Content-Type", REMOTE_READ_STREAMED_CONTENT_TYPE);
        // One series per frame, written in separate pieces as Prometheus flushes them.
        for (const [labels, seed] of SERIES) {
          const msg = create(ChunkedReadResponseSchema, {
            chunkedSeries: [
              create(ChunkedSeriesSchema, {
                labels: Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, value]) => create(PromLabelSchema, { name, value })),
                chunks: [create(PromChunkSchema, { minTimeMs: 1000n, maxTimeMs: 2000n, type: PromEnc.XOR, data: chunkData(seed) })],
              }),
            ],
          });
          const frame = encodeChunkedFrame(toBinary(ChunkedReadResponseSchema, msg));
          if (mode === "badcrc") frame[frame.length - 1] ^= 1;
          res.write(frame.subarray(0, 5));
          res.write(frame.subarray(5));
        }
        res.end();
        return;
      }
      res.statusCode = 404;
      res.end("not found");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const addr = server.address() as { port: number };
  base = `http://127.0.0.1:${addr.port}`;
});
after(() => new Promise<void>((r) => server.close(() => r())));

async function newStore(): Promise<PrometheusStore> {
  const prom = new PrometheusClient(base);
  const metadata = new PromMetadata({ prom, logger: nopLogger });
  await metadata.loadExternalLabels();
  return new PrometheusStore({ prom, metadata });
}

async function collect(it: AsyncIterable<SeriesResponse>): Promise<SeriesResponse[]> {
  const out: SeriesResponse[] = [];
  for await (const r of it) out.push(r);
  return out;
}

const req = (extra: Record<string, unknown> = {}) =>
  create(SeriesRequestSchema, {
    minTime: 1000n,
    maxTime: 5000n,
    matchers: matchersToProto([new Matcher("=", "__name__", "up"), new Matcher("=~", "cluster", "te.*"), new Matcher("!=", "instance", "z")]),
    ...extra,
  });

test("remote read request: snappy ReadRequest, streamed chunks, no external-label matchers", async () => {
  mode = "ok";
  const store = await newStore();
  await collect(store.series(req()));
  assert.ok(lastRead);
  assert.equal(lastRead.headers["content-encoding"], "snappy");
  assert.equal(lastRead.headers["x-prometheus-remote-read-version"], "0.1.0");
  assert.deepEqual(lastRead.req.acceptedResponseTypes, [ReadRequest_ResponseType.STREAMED_XOR_CHUNKS]);
  const q = lastRead.req.queries[0];
  assert.equal(q.startTimestampMs, 1000n);
  assert.equal(q.endTimestampMs, 5000n);
  assert.deepEqual(q.matchers.map((m) => [m.type, m.name, m.value]), [[0, "__name__", "up"], [1, "instance", "z"]]);
});

test("series: sorted after adding external labels, stored label overridden, chunks untouched", async () => {
  mode = "ok";
  const store = await newStore();
  const out = (await collect(store.series(req()))).map((r) => r.result.value as { labels: { name: string; value: string }[]; chunks: { minTime: bigint; maxTime: bigint; raw?: { type: number; data: Uint8Array; hash: bigint } }[] });
  assert.deepEqual(out.map((s) => formatLabels(s.labels)), [
    '{__name__="up", cluster="test", instance="a", job="j", replica="r1"}',
    '{__name__="up", cluster="test", instance="a", replica="r1"}',
    '{__name__="up", cluster="test", instance="b", replica="r1"}',
  ]);
  const seeds = [2, 1, 3];
  out.forEach((s, i) => {
    assert.equal(s.chunks.length, 1);
    assert.equal(s.chunks[0].raw?.type, 0, "prompb XOR=1 becomes storepb XOR=0");
    assert.deepEqual(s.chunks[0].raw?.data, chunkData(seeds[i]));
    assert.equal(s.chunks[0].raw?.hash, xxhash64(chunkData(seeds[i])));
    assert.equal(s.chunks[0].minTime, 1000n);
  });
  const stripped = (await collect(store.series(req({ withoutReplicaLabels: ["replica"], limit: 2n })))).map((r) => formatLabels((r.result.value as { labels: { name: string; value: string }[] }).labels));
  assert.deepEqual(stripped, ['{__name__="up", cluster="test", instance="a"}', '{__name__="up", cluster="test", instance="a", job="j"}']);
});

test("a corrupt frame and a non-streamed answer are errors", async () => {
  const store = await newStore();
  mode = "badcrc";
  await assert.rejects(collect(store.series(req())), (e: Error) => e instanceof StoreError && e.code === "Internal" && /CRC32-C mismatch/.test(e.message));
  mode = "samples";
  await assert.rejects(collect(store.series(req())), (e: Error) => e instanceof StoreError && e.code === "Unimplemented");
  mode = "ok";
});
