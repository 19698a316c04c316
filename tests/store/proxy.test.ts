import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { create } from "@bufbuild/protobuf";
import { LabelNamesRequestSchema, LabelValuesRequestSchema, type SeriesRequest } from "../../src/gen/thanos/store/rpc_pb.ts";
import { PartialResponseStrategy, type AggrChunk, type Series } from "../../src/gen/thanos/store/types_pb.ts";
import { fromRecord } from "../../src/labels/index.ts";
import { StoreError, unavailable } from "../../src/store/errors.ts";
import { createStoreClient, serveStoreGrpc, type GrpcServer, type GrpcStoreClient } from "../../src/store/grpc/index.ts";
import { MemoryStore, type MemorySeries } from "../../src/store/memory/index.ts";
import { EndpointSet, ProxyStore, type ProxyEndpoint } from "../../src/store/proxy/index.ts";
import type { StoreClient, StoreServer } from "../../src/store/types.ts";
import { collect, eq, labelsOf, re, series, seriesReq, xorChunk } from "./fixtures.ts";

const asClient = (name: string, s: StoreServer): StoreClient => ({
  name,
  info: (o) => s.info(o),
  series: (r, o) => s.series(r, o),
  labelNames: (r, o) => s.labelNames(r, o),
  labelValues: (r, o) => s.labelValues(r, o),
});

// Two replicas of the same data (identical chunks, one with precomputed hashes) plus a third
// store with other series and one overlapping series holding a different chunk.
const c0 = xorChunk(0, 120);
const c1 = xorChunk(1_800_000, 120);
const c0hashed = xorChunk(0, 120, 15000, undefined, true);
const cOther = xorChunk(3_600_000, 30);
const storeA = new MemoryStore({
  externalLabels: fromRecord({ cluster: "eu" }),
  series: [series({ __name__: "up", job: "api" }, [c0, c1]), series({ __name__: "up", job: "db" }, [xorChunk(0, 5)])],
});
const storeB = new MemoryStore({
  externalLabels: fromRecord({ cluster: "eu" }),
  series: [series({ __name__: "up", job: "api" }, [c0hashed]), series({ __name__: "up", job: "web" }, [xorChunk(0, 7)])],
});
const storeC = new MemoryStore({
  externalLabels: fromRecord({ cluster: "eu" }),
  series: [series({ __name__: "up", job: "api" }, [cOther]), series({ __name__: "a_first" }, [xorChunk(0, 2)])],
});

let servers: GrpcServer[] = [];
let clients: GrpcStoreClient[] = [];
let endpoints: EndpointSet;

before(async () => {
  servers = await Promise.all([storeA, storeB].map((store) => serveStoreGrpc({ address: "127.0.0.1:0", store })));
  clients = servers.map((s, i) => createStoreClient({ address: `127.0.0.1:${s.port}`, name: `store-${"ab"[i]}`, compression: i === 1 ? "snappy" : "none" }));
  endpoints = new EndpointSet([...clients, asClient("store-c", storeC)]);
  await endpoints.refresh();
});
after(async () => {
  for (const c of clients) await c.close();
  for (const s of servers) await s.close();
});

const chunksOf = (s: Series): AggrChunk[] => s.chunks;
const onlySeries = (rs: Awaited<ReturnType<typeof collect>>) => rs.filter((r) => r.result.case === "series").map((r) => r.result.value as Series);

test("merges 3 stores: sorted, identical series joined, duplicate chunks dropped by hash", async () => {
  assert.ok(endpoints.endpoints().every((e) => e.info?.store), "infos fetched over gRPC");
  const proxy = new ProxyStore({ endpoints: () => endpoints.endpoints() });
  const got = await collect(proxy.series(seriesReq({ matchers: [re("__name__", "up|a_first")] })));
  assert.deepEqual(got.map(labelsOf), [
    "__name__=a_first,cluster=eu",
    "__name__=up,cluster=eu,job=api",
    "__name__=up,cluster=eu,job=db",
    "__name__=up,cluster=eu,job=web",
  ]);
  const api = onlySeries(got)[1];
  // c0 from A (hash 0, computed) and c0hashed from B (hash sent) are the same chunk -> kept once.
  assert.deepEqual(chunksOf(api).map((c) => Number(c.minTime)), [0, 1_800_000, 3_600_000]);
  assert.deepEqual(chunksOf(api)[0].raw!.data, c0.raw!.data);
  assert.deepEqual(chunksOf(api)[2].raw!.data, cOther.raw!.data);
});

const failing = (err: () => Error): StoreClient => {
  const s = new MemoryStore({ series: [series({ __name__: "up", job: "zzz" }, [xorChunk(0, 3)])] });
  return {
    name: "broken",
    info: () => s.info(),
    series: async function* (req: SeriesRequest) {
      yield* s.series(req);
      throw err();
    },
    labelNames: () => Promise.reject(err()),
    labelValues: () => Promise.reject(err()),
  };
};

test("partial response: WARN turns a failing endpoint into a warning, ABORT fails the call", async () => {
  const eps = (): ProxyEndpoint[] => [...endpoints.endpoints(), { client: failing(() => unavailable("bucket unreachable")), info: null }];
  const proxy = new ProxyStore({ endpoints: eps });
  const warn = await collect(proxy.series(seriesReq({ matchers: [eq("__name__", "up")] })));
  const warnings = warn.filter((r) => r.result.case === "warning").map((r) => r.result.value as string);
  assert.deepEqual(warnings, ["broken: bucket unreachable"]);
  assert.deepEqual(onlySeries(warn).map((s) => s.labels.find((l) => l.name === "job")?.value), ["api", "db", "web", "zzz"]);

  await assert.rejects(
    collect(proxy.series(seriesReq({ matchers: [eq("__name__", "up")], partialResponseStrategy: PartialResponseStrategy.ABORT }))),
    (e: StoreError) => e.code === "Unavailable" && /broken: bucket unreachable/.test(e.message),
  );

  const names = await proxy.labelNames(create(LabelNamesRequestSchema, {}));
  assert.deepEqual(names.names, ["__name__", "cluster", "job"]);
  assert.deepEqual(names.warnings, ["broken: bucket unreachable"]);
  await assert.rejects(proxy.labelValues(create(LabelValuesRequestSchema, { label: "job", partialResponseStrategy: PartialResponseStrategy.ABORT })), {
    code: "Unavailable",
  });
});

test("endpoint timeout: a slow endpoint becomes a warning under WARN", async () => {
  const slow = new MemoryStore({
    series: [series({ __name__: "up", job: "slow" }, [xorChunk(0, 3)])],
    beforeSend: (signal) =>
      new Promise<void>((resolve, reject) => {
        const t = setTimeout(resolve, 30_000);
        signal?.addEventListener("abort", () => (clearTimeout(t), reject(signal.reason)));
      }),
  });
  const srv = await serveStoreGrpc({ address: "127.0.0.1:0", store: slow });
  const slowClient = createStoreClient({ address: `127.0.0.1:${srv.port}`, name: "slow" });
  try {
    const proxy = new ProxyStore({ endpoints: () => [...endpoints.endpoints(), { client: slowClient, info: null }], endpointTimeoutMs: 3000 });
    const got = await collect(proxy.series(seriesReq({ matchers: [eq("__name__", "up")] })));
    const w = got.filter((r) => r.result.case === "warning").map((r) => r.result.value as string);
    assert.equal(w.length, 1);
    assert.match(w[0], /^slow: /);
    assert.equal(onlySeries(got).length, 3);
  } finally {
    await slowClient.close();
    await srv.close();
  }
});

test("endpoints are filtered by Info time range and external labels", async () => {
  const calls: string[] = [];
  const spy = (name: string, store: MemoryStore): StoreClient => {
    const c = asClient(name, store);
    return { ...c, series: (r, o) => (calls.push(name), c.series(r, o)) };
  };
  const us = new MemoryStore({ externalLabels: fromRecord({ cluster: "us" }), series: [series({ __name__: "up" }, [xorChunk(0, 3)])] });
  const old = new MemoryStore({ externalLabels: fromRecord({ cluster: "eu" }), series: [series({ __name__: "up", job: "old" }, [xorChunk(0, 3)])] });
  const set = new EndpointSet([spy("us", us), spy("old", old), spy("a", storeA)]);
  await set.refresh();
  const proxy = new ProxyStore({ endpoints: () => set.endpoints() });
  await collect(proxy.series(seriesReq({ minTime: 1_000_000n, matchers: [eq("cluster", "eu"), eq("__name__", "up")] })));
  assert.deepEqual(calls, ["a"]);
  const info = await proxy.info();
  assert.deepEqual(info.labelSets.map((s) => s.labels.map((l) => `${l.name}=${l.value}`).join()), ["cluster=eu", "cluster=us"]);
  assert.equal(info.store?.minTime, 0n);
});

test("without_replica_labels: stripped and re-sorted for endpoints that do not support it", async () => {
  // Replica r1 and r2 of the same series; this endpoint ignores without_replica_labels.
  const data: MemorySeries[] = [
    series({ __name__: "up", replica: "r1", zone: "a" }, [c0]),
    series({ __name__: "up", replica: "r2", zone: "a" }, [c1]),
    series({ __name__: "up", replica: "r1", zone: "b" }, [c0]),
  ];
  const inner = new MemoryStore({ series: data });
  const legacy: StoreClient = {
    ...asClient("legacy", inner),
    info: async () => {
      const i = await inner.info();
      i.store!.supportsWithoutReplicaLabels = false;
      return i;
    },
    series: (r, o) => inner.series({ ...r, withoutReplicaLabels: [] }, o),
  };
  const set = new EndpointSet([legacy]);
  await set.refresh();
  const proxy = new ProxyStore({ endpoints: () => set.endpoints() });
  const got = onlySeries(await collect(proxy.series(seriesReq({ withoutReplicaLabels: ["replica"] }))));
  assert.deepEqual(got.map((s) => s.labels.map((l) => `${l.name}=${l.value}`).join()), ["__name__=up,zone=a", "__name__=up,zone=b"]);
  assert.deepEqual(got[0].chunks.map((c) => Number(c.minTime)), [0, 1_800_000]);
});

test("proxy served over gRPC (querier stacking) and label APIs", async () => {
  const proxy = new ProxyStore({ endpoints: () => endpoints.endpoints() });
  const srv = await serveStoreGrpc({ address: "127.0.0.1:0", store: proxy });
  const c = createStoreClient({ address: `127.0.0.1:${srv.port}` });
  try {
    const info = await c.info();
    assert.equal(info.ComponentType, "query");
    const got = await collect(c.series(seriesReq({ matchers: [eq("job", "api")] })));
    assert.deepEqual(got.map(labelsOf), ["__name__=up,cluster=eu,job=api"]);
    const values = await c.labelValues(create(LabelValuesRequestSchema, { label: "job" }));
    assert.deepEqual(values.values, ["api", "db", "web"]);
    const limited = await c.labelValues(create(LabelValuesRequestSchema, { label: "job", limit: 2n }));
    assert.deepEqual(limited.values, ["api", "db"]);
  } finally {
    await c.close();
    await srv.close();
  }
});

test("cancellation: a consumer that stops early and a caller's deadline both cancel the fan-out", async () => {
  const aborted = new Set<AbortSignal>();
  const sent = new WeakMap<AbortSignal, number>();
  const gated = new MemoryStore({
    series: ["x1", "x2", "x3"].map((job) => series({ __name__: "up", job }, [xorChunk(0, 3)])),
    // The third series is only sent after a long wait, so the call is in flight when we stop.
    // (The proxy can pass x1 on once it has seen x2: it must look one series ahead per stream,
    // because a store may split one series over several frames.)
    beforeSend: async (signal) => {
      if (!signal) return;
      const n = sent.get(signal) ?? 0;
      sent.set(signal, n + 1);
      if (n < 2) return;
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(resolve, 30_000);
        signal.addEventListener("abort", () => (clearTimeout(t), aborted.add(signal), reject(signal.reason)), { once: true });
      });
    },
  });
  const srv = await serveStoreGrpc({ address: "127.0.0.1:0", store: gated });
  const gatedClient = createStoreClient({ address: `127.0.0.1:${srv.port}`, name: "gated" });
  // proxy (in a gRPC server) -> gated store (in another gRPC server): two hops.
  const proxy = new ProxyStore({ endpoints: () => [{ client: gatedClient, info: null }] });
  const proxySrv = await serveStoreGrpc({ address: "127.0.0.1:0", store: proxy });
  const c = createStoreClient({ address: `127.0.0.1:${proxySrv.port}` });
  try {
    // 1. Early stop: take the first series, then leave the loop.
    for await (const r of c.series(seriesReq())) {
      assert.equal(labelsOf(r), "__name__=up,job=x1");
      break;
    }
    for (let i = 0; i < 200 && aborted.size < 1; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(aborted.size, 1, "the far store saw the cancel through the proxy");
    // 2. Deadline: the caller's 400 ms budget travels as grpc-timeout through both hops.
    await assert.rejects(collect(c.series(seriesReq({ partialResponseStrategy: PartialResponseStrategy.ABORT }), { timeoutMs: 400 })), {
      code: "DeadlineExceeded",
    });
    for (let i = 0; i < 200 && aborted.size < 2; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(aborted.size, 2, "the far store saw the deadline");
  } finally {
    await c.close();
    await gatedClient.close();
    await proxySrv.close();
    await srv.close();
  }
});
