import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import * as http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { create } from "@bufbuild/protobuf";
import { LabelNamesRequestSchema, LabelValuesRequestSchema } from "../../src/gen/thanos/store/rpc_pb.ts";
import { xorDecode } from "../../src/kernels/xor-ref.ts";
import { Registry } from "../../src/observability/index.ts";
import { StoreError, resourceExhausted, unavailable } from "../../src/store/errors.ts";
import { createStoreClient, grpcHandlerOptions, registerStoreServices, serveStoreGrpc, type GrpcServer } from "../../src/store/grpc/index.ts";
import { MemoryStore } from "../../src/store/memory/index.ts";
import type { StoreServer } from "../../src/store/types.ts";
import { collect, eq, labelsOf, re, sampleStore, series, seriesReq, xorChunk } from "./fixtures.ts";

let server: GrpcServer;
const registry = new Registry();
const store = sampleStore();

before(async () => {
  server = await serveStoreGrpc({ address: "127.0.0.1:0", store, registry });
});
after(async () => {
  await server.close();
});

const addr = () => `127.0.0.1:${server.port}`;

test("Info over thanos.info.Info", async () => {
  const c = createStoreClient({ address: addr() });
  try {
    const info = await c.info();
    assert.equal(info.ComponentType, "store");
    assert.deepEqual(info.labelSets[0].labels.map((l) => [l.name, l.value]), [["cluster", "eu"]]);
    assert.equal(info.store?.minTime, 0n);
    assert.equal(info.store?.maxTime, BigInt(1_800_000 + 119 * 15000));
    assert.equal(info.store?.supportsWithoutReplicaLabels, true);
  } finally {
    await c.close();
  }
});

for (const seriesTransport of ["fast", "connect"] as const) {
  test(`Series round trip (${seriesTransport} client): sorted series, external labels, exact chunk bytes`, async () => {
    const c = createStoreClient({ address: addr(), seriesTransport });
    try {
      const got = await collect(c.series(seriesReq({ matchers: [eq("__name__", "up")] })));
      assert.deepEqual(got.map(labelsOf), [
        "__name__=up,cluster=eu,instance=a:9090,job=api",
        "__name__=up,cluster=eu,instance=b:9090,job=api",
        "__name__=up,cluster=eu,instance=c:9090,job=db",
      ]);
      const first = got[0].result.value as { chunks: { raw?: { data: Uint8Array } }[] };
      assert.equal(first.chunks.length, 2);
      assert.deepEqual(first.chunks[0].raw!.data, xorChunk(0, 120).raw!.data);
      const dec = xorDecode(first.chunks[1].raw!.data);
      assert.equal(dec.ts.length, 120);
      assert.equal(dec.ts[0], 1_800_000);
      assert.equal(dec.vs[119], 119 * 1.5);
      await assert.rejects(collect(c.series(seriesReq({ matchers: [re("job", "(")] }))), { code: "InvalidArgument" });
      const batched = await collect(c.series(seriesReq({ responseBatchSize: 3n })));
      assert.deepEqual(batched.map(labelsOf), (await collect(c.series(seriesReq()))).map(labelsOf));
    } finally {
      await c.close();
    }
  });
}

test("Series: regex matcher, skip_chunks, time range, without_replica_labels, batching", async () => {
  const c = createStoreClient({ address: addr() });
  try {
    const skip = await collect(c.series(seriesReq({ matchers: [re("job", "a.*")], skipChunks: true })));
    assert.equal(skip.length, 3);
    for (const r of skip) assert.equal((r.result.value as { chunks: unknown[] }).chunks.length, 0);
    const late = await collect(c.series(seriesReq({ minTime: 1_900_000n, matchers: [eq("job", "api")] })));
    assert.deepEqual(late.map(labelsOf), ["__name__=up,cluster=eu,instance=a:9090,job=api"]);
    const noInstance = await collect(c.series(seriesReq({ matchers: [eq("__name__", "up")], withoutReplicaLabels: ["instance"] })));
    assert.deepEqual(noInstance.map(labelsOf), ["__name__=up,cluster=eu,job=api", "__name__=up,cluster=eu,job=api", "__name__=up,cluster=eu,job=db"]);
    const batched = await collect(c.series(seriesReq({ responseBatchSize: 3n })));
    assert.equal(batched.length, 4);
    assert.ok(batched.every((r) => r.result.case === "series"));
  } finally {
    await c.close();
  }
});

test("LabelNames and LabelValues", async () => {
  const c = createStoreClient({ address: addr() });
  try {
    const names = await c.labelNames(create(LabelNamesRequestSchema, {}));
    assert.deepEqual(names.names, ["__name__", "cluster", "code", "instance", "job"]);
    const values = await c.labelValues(create(LabelValuesRequestSchema, { label: "job", matchers: [eq("__name__", "up")] }));
    assert.deepEqual(values.values, ["api", "db"]);
  } finally {
    await c.close();
  }
});

test("errors map to gRPC codes", async () => {
  const c = createStoreClient({ address: addr() });
  try {
    await assert.rejects(collect(c.series(seriesReq({ matchers: [re("job", "(")] }))), (e: StoreError) => {
      assert.equal(e.code, "InvalidArgument");
      assert.match(e.message, /invalid regular expression/);
      return true;
    });
    await assert.rejects(collect(c.series(seriesReq({ minTime: 10n, maxTime: 1n }))), { code: "InvalidArgument" });
    await assert.rejects(c.labelValues(create(LabelValuesRequestSchema, {})), { code: "InvalidArgument" });
  } finally {
    await c.close();
  }
  const failing = (err: Error): StoreServer => {
    const s = sampleStore();
    return {
      info: () => s.info(),
      series: async function* () {
        throw err;
      },
      labelNames: () => Promise.reject(err),
      labelValues: () => Promise.reject(err),
    };
  };
  for (const [err, code] of [
    [resourceExhausted("too many series"), "ResourceExhausted"],
    [unavailable("bucket down"), "Unavailable"],
    [new Error("boom"), "Internal"],
  ] as const) {
    const srv = await serveStoreGrpc({ address: "127.0.0.1:0", store: failing(err) });
    const fc = createStoreClient({ address: `127.0.0.1:${srv.port}` });
    try {
      await assert.rejects(collect(fc.series(seriesReq())), (e: StoreError) => e.code === code && e.message.includes(err.message));
      await assert.rejects(fc.labelNames(create(LabelNamesRequestSchema, {})), { code });
    } finally {
      await fc.close();
      await srv.close();
    }
  }
  const text = registry.metricsText();
  assert.match(text, /grpc_server_handled_total\{grpc_code="InvalidArgument",grpc_method="Series",grpc_service="thanos.Store",grpc_type="server_stream"\} [1-9]\d*/);
  assert.match(text, /grpc_server_handled_total\{grpc_code="OK",grpc_method="Info",grpc_service="thanos.info.Info",grpc_type="unary"\} \d+/);
});

test("deadline exceeded and cancellation reach the store implementation", async () => {
  // Distinct server-side call signals that fired.
  const seen = new Set<AbortSignal>();
  const slow = sampleStore({
    beforeSend: (signal) =>
      new Promise<void>((resolve, reject) => {
        const t = setTimeout(resolve, 150);
        signal?.addEventListener("abort", () => {
          clearTimeout(t);
          seen.add(signal);
          reject(signal.reason);
        });
      }),
  });
  const srv = await serveStoreGrpc({ address: "127.0.0.1:0", store: slow });
  const c = createStoreClient({ address: `127.0.0.1:${srv.port}` });
  try {
    await assert.rejects(collect(c.series(seriesReq(), { timeoutMs: 200 })), { code: "DeadlineExceeded" });
    const ac = new AbortController();
    const it = c.series(seriesReq(), { signal: ac.signal })[Symbol.asyncIterator]();
    assert.equal((await it.next()).done, false);
    ac.abort();
    await assert.rejects(it.next(), { code: "Canceled" });
    for (let i = 0; i < 100 && seen.size < 2; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(seen.size, 2, "both calls were aborted on the server side");
  } finally {
    await c.close();
    await srv.close();
  }
});

test("snappy compression both ways and messages above gRPC's 4 MiB default", async () => {
  const big = new Uint8Array(6 * 1024 * 1024);
  for (let i = 0; i < big.length; i++) big[i] = i % 7 === 0 ? i & 0xff : 0;
  const chunk = xorChunk(0, 3);
  chunk.raw!.data = big;
  const bigStore = new MemoryStore({ series: [series({ __name__: "big" }, [chunk])] });
  const encodings: string[] = [];
  const handler = connectNodeAdapter({ ...grpcHandlerOptions, routes: (r) => registerStoreServices(r, { store: bigStore }) });
  const h2 = http2.createServer((req, res) => {
    encodings.push(`${req.headers["grpc-encoding"] ?? "identity"}/${req.headers["grpc-accept-encoding"]}`);
    handler(req, res);
  });
  await new Promise<void>((r) => h2.listen(0, "127.0.0.1", r));
  const c = createStoreClient({ address: `127.0.0.1:${(h2.address() as AddressInfo).port}`, compression: "snappy" });
  try {
    // A request big enough to be compressed (compressMinBytes is 1 KiB).
    const many = Array.from({ length: 200 }, (_, i) => re("__name__", `big|other_${i}`));
    const got = await collect(c.series(seriesReq({ matchers: many })));
    assert.equal(got.length, 1);
    assert.deepEqual((got[0].result.value as { chunks: { raw: { data: Uint8Array } }[] }).chunks[0].raw.data, big);
    assert.match(encodings[0], /^snappy\/.*snappy/);
  } finally {
    await c.close();
    h2.close();
  }
});

test("legacy servers: Info falls back to thanos.Store/Info when thanos.info.Info is unimplemented", async () => {
  const { Store, InfoResponseSchema: LegacyInfo, StoreType } = await import("../../src/gen/thanos/store/rpc_pb.ts");
  const { LabelSetSchema, LabelSchema } = await import("../../src/gen/thanos/store/types_pb.ts");
  const { listenGrpc } = await import("../../src/store/grpc/index.ts");
  const srv = await listenGrpc("127.0.0.1:0", (r) =>
    r.service(Store, {
      info: () =>
        create(LegacyInfo, {
          minTime: -5n,
          maxTime: 9223372036854775807n,
          storeType: StoreType.SIDECAR,
          labelSets: [create(LabelSetSchema, { labels: [create(LabelSchema, { name: "replica", value: "a" })] })],
        }),
    }),
  );
  const c = createStoreClient({ address: `127.0.0.1:${srv.port}` });
  try {
    const info = await c.info();
    assert.equal(info.ComponentType, "sidecar");
    assert.equal(info.store?.minTime, -5n);
    assert.equal(info.store?.maxTime, 9223372036854775807n, "MaxInt64 survives exactly (int64 fields are bigint)");
    assert.deepEqual(info.labelSets[0].labels.map((l) => `${l.name}=${l.value}`), ["replica=a"]);
  } finally {
    await c.close();
    await srv.close();
  }
});

test("WriteableStore/RemoteWrite round trip (receive replication path), snappy-compressed", async () => {
  const { WriteRequestSchema } = await import("../../src/gen/thanos/store/rpc_pb.ts");
  const { TimeSeriesSchema, SampleSchema } = await import("../../src/gen/thanos/store/prompb_copy_pb.ts");
  const { LabelSchema } = await import("../../src/gen/thanos/store/types_pb.ts");
  const got: { tenant: string; samples: number; replica: bigint }[] = [];
  const srv = await serveStoreGrpc({
    address: "127.0.0.1:0",
    store,
    writeable: {
      async remoteWrite(req) {
        if (req.tenant === "bad") throw new StoreError("InvalidArgument", "out of order sample");
        got.push({ tenant: req.tenant, replica: req.replica, samples: req.timeseries.reduce((n, t) => n + t.samples.length, 0) });
      },
    },
  });
  const c = createStoreClient({ address: `127.0.0.1:${srv.port}`, compression: "snappy" });
  try {
    const ts = Array.from({ length: 100 }, (_, i) =>
      create(TimeSeriesSchema, {
        labels: [create(LabelSchema, { name: "__name__", value: `metric_${i}` })],
        samples: [create(SampleSchema, { value: i, timestamp: 1000n }), create(SampleSchema, { value: i + 1, timestamp: 2000n })],
      }),
    );
    await c.remoteWrite(create(WriteRequestSchema, { tenant: "t1", replica: 2n, timeseries: ts }));
    assert.deepEqual(got, [{ tenant: "t1", replica: 2n, samples: 200 }]);
    await assert.rejects(c.remoteWrite(create(WriteRequestSchema, { tenant: "bad" })), { code: "InvalidArgument" });
  } finally {
    await c.close();
    await srv.close();
  }
});

test("buildInfo: a receive-style Info with per-tenant TSDB infos survives the wire", async () => {
  const { buildInfo, MAX_TIME } = await import("../../src/store/info.ts");
  const { fromRecord } = await import("../../src/labels/index.ts");
  const info = buildInfo({
    componentType: "receive",
    labelSets: [fromRecord({ replica: "r0", tenant_id: "a" }), fromRecord({ replica: "r0", tenant_id: "b" })],
    minTime: 1000,
    maxTime: MAX_TIME,
    supportsWithoutReplicaLabels: true,
    tsdbInfos: [{ labels: fromRecord({ tenant_id: "a" }), minTime: 1000, maxTime: 5000n }],
  });
  const s = sampleStore();
  const srv = await serveStoreGrpc({
    address: "127.0.0.1:0",
    store: { info: async () => info, series: (r, o) => s.series(r, o), labelNames: (r) => s.labelNames(r), labelValues: (r) => s.labelValues(r) },
  });
  const c = createStoreClient({ address: `127.0.0.1:${srv.port}` });
  try {
    const got = await c.info();
    assert.equal(got.ComponentType, "receive");
    assert.equal(got.labelSets.length, 2);
    assert.equal(got.store?.maxTime, MAX_TIME);
    assert.equal(got.store?.tsdbInfos[0].maxTime, 5000n);
    assert.equal(got.store?.supportsWithoutReplicaLabels, true);
  } finally {
    await c.close();
    await srv.close();
  }
});
