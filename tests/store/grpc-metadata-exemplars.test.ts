// thanos.Metadata and thanos.Exemplars over gRPC: served next to the StoreAPI and advertised in
// Info only when given, streamed with in-band warnings, errors as gRPC codes; a querier-side
// fan-out over gRPC endpoints served over gRPC again (stacked queriers); and the sidecar's
// implementations against a scripted Prometheus (external labels on exemplar series, Go floats).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createServer, type Server } from "node:http";
import { create } from "@bufbuild/protobuf";
import {
  ExemplarDataSchema,
  ExemplarSchema,
  ExemplarsRequestSchema,
  ExemplarsResponseSchema,
  type ExemplarsRequest,
  type ExemplarsResponse,
} from "../../src/gen/thanos/exemplars/rpc_pb.ts";
import {
  MetaSchema,
  MetricMetadataEntrySchema,
  MetricMetadataRequestSchema,
  MetricMetadataResponseSchema,
  MetricMetadataSchema,
  type MetricMetadataRequest,
  type MetricMetadataResponse,
} from "../../src/gen/thanos/metadata/rpc_pb.ts";
import { LabelSchema, LabelSetSchema, PartialResponseStrategy } from "../../src/gen/thanos/store/types_pb.ts";
import { fromRecord } from "../../src/labels/index.ts";
import { ExemplarsProxy, MetadataProxy } from "../../src/query/index.ts";
import { PromMetadata, PrometheusClient, PrometheusExemplars, PrometheusMetadata } from "../../src/sidecar/index.ts";
import { nopLogger } from "../../src/observability/index.ts";
import { StoreError } from "../../src/store/errors.ts";
import { createStoreClient, serveStoreGrpc, type GrpcServer, type GrpcStoreClient } from "../../src/store/grpc/index.ts";
import { EndpointSet } from "../../src/store/proxy/index.ts";
import { sampleStore } from "./fixtures.ts";

const labelSet = (rec: Record<string, string>) => create(LabelSetSchema, { labels: fromRecord(rec).map((l) => create(LabelSchema, l)) });

const metadataServer = {
  async *metricMetadata(req: MetricMetadataRequest): AsyncIterable<MetricMetadataResponse> {
    if (req.metric === "bad") throw new StoreError("InvalidArgument", "no such thing");
    yield create(MetricMetadataResponseSchema, { result: { case: "warning", value: "careful" } });
    const metas = [create(MetaSchema, { type: "counter", help: `limit ${req.limit}`, unit: "seconds" })];
    yield create(MetricMetadataResponseSchema, {
      result: { case: "metadata", value: create(MetricMetadataSchema, { metadata: { [req.metric || "all"]: create(MetricMetadataEntrySchema, { metas }) } }) },
    });
  },
};

const exemplarsServer = {
  async *exemplars(req: ExemplarsRequest): AsyncIterable<ExemplarsResponse> {
    const data = create(ExemplarDataSchema, {
      // sampleStore's external label is cluster="eu".
      seriesLabels: labelSet({ __name__: "up", cluster: "eu", query: req.query }),
      exemplars: [create(ExemplarSchema, { labels: labelSet({ trace_id: "t" }), value: -Infinity, ts: req.end })],
    });
    yield create(ExemplarsResponseSchema, { result: { case: "data", value: data } });
  },
};

let full: GrpcServer;
let bare: GrpcServer;
let stacked: GrpcServer;
const clients: GrpcStoreClient[] = [];
const client = (port: number) => {
  const c = createStoreClient({ address: `127.0.0.1:${port}` });
  clients.push(c);
  return c;
};

before(async () => {
  full = await serveStoreGrpc({ address: "127.0.0.1:0", store: sampleStore(), metadata: metadataServer, exemplars: exemplarsServer });
  bare = await serveStoreGrpc({ address: "127.0.0.1:0", store: sampleStore() });
  // A querier over both, itself served over gRPC.
  const endpoints = new EndpointSet([client(full.port), client(bare.port)]);
  await endpoints.refresh();
  const eps = () => endpoints.endpoints();
  stacked = await serveStoreGrpc({
    address: "127.0.0.1:0",
    store: sampleStore(),
    metadata: new MetadataProxy({ endpoints: eps }),
    exemplars: new ExemplarsProxy({ endpoints: eps }),
  });
});
after(async () => {
  for (const c of clients) await c.close();
  await full.close();
  await bare.close();
  await stacked.close();
});

async function drain<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

test("Info advertises metric_metadata and exemplars only when served", async () => {
  const withApis = await client(full.port).info();
  assert.ok(withApis.metricMetadata);
  assert.equal(withApis.exemplars?.minTime, -(2n ** 63n));
  assert.equal(withApis.exemplars?.maxTime, 2n ** 63n - 1n);
  assert.equal(withApis.ComponentType, "store");
  const without = await client(bare.port).info();
  assert.equal(without.metricMetadata, undefined);
  assert.equal(without.exemplars, undefined);
});

test("MetricMetadata and Exemplars stream over gRPC; errors keep their code; absent service is Unimplemented", async () => {
  const c = client(full.port);
  const md = await drain(c.metricMetadata(create(MetricMetadataRequestSchema, { metric: "x", limit: 7 })));
  assert.deepEqual(md.map((r) => r.result.case), ["warning", "metadata"]);
  const entry = (md[1].result.value as { metadata: Record<string, { metas: { help: string; unit: string }[] }> }).metadata.x;
  assert.deepEqual([entry.metas[0].help, entry.metas[0].unit], ["limit 7", "seconds"]);
  await assert.rejects(drain(c.metricMetadata(create(MetricMetadataRequestSchema, { metric: "bad" }))), (e: StoreError) => e.code === "InvalidArgument" && /no such thing/.test(e.message));

  const ex = await drain(c.exemplars(create(ExemplarsRequestSchema, { query: "up", start: 1n, end: 2000n })));
  assert.equal(ex.length, 1);
  const d = ex[0].result.value as { exemplars: { value: number; ts: bigint }[] };
  assert.equal(d.exemplars[0].value, -Infinity);
  assert.equal(d.exemplars[0].ts, 2000n);

  await assert.rejects(drain(client(bare.port).exemplars(create(ExemplarsRequestSchema, { query: "up" }))), (e: StoreError) => e.code === "Unimplemented");
});

test("a querier's fan-out served over gRPC: only advertising endpoints, external-label matchers stripped", async () => {
  const c = client(stacked.port);
  const info = await c.info();
  assert.ok(info.metricMetadata && info.exemplars);
  const md = await drain(c.metricMetadata(create(MetricMetadataRequestSchema, { limit: -1, partialResponseStrategy: PartialResponseStrategy.ABORT })));
  assert.deepEqual(md.map((r) => r.result.case), ["warning", "metadata"]);
  const ex = await drain(c.exemplars(create(ExemplarsRequestSchema, { query: 'rate(up{cluster="eu"}[1m])', start: 0n, end: 5n })));
  assert.equal(ex.length, 1);
  const labels = Object.fromEntries((ex[0].result.value as { seriesLabels: { labels: { name: string; value: string }[] } }).seriesLabels.labels.map((l) => [l.name, l.value]));
  // The endpoint got the selector without the cluster matcher its external labels satisfy.
  assert.equal(labels.query, '{__name__="up"}');
  assert.deepEqual(await drain(c.exemplars(create(ExemplarsRequestSchema, { query: 'up{cluster="us"}', start: 0n, end: 5n }))), []);
  await assert.rejects(drain(c.exemplars(create(ExemplarsRequestSchema, { query: "up(" }))), (e: StoreError) => e.code === "InvalidArgument");
});

// The sidecar side against a scripted Prometheus.
let prom: Server;
let promUrl: string;
const asked: string[] = [];
before(async () => {
  prom = createServer((req, res) => {
    let body = "";
    req.on("data", (b) => (body += b));
    req.on("end", () => {
      asked.push(`${req.method} ${req.url} ${body}`);
      const send = (data: unknown) => {
        res.writeHead(200, { "Content-Type": "application/json" });
        res.end(JSON.stringify({ status: "success", data }));
      };
      if (req.url === "/api/v1/status/config") return send({ yaml: "global:\n  external_labels:\n    cluster: test\n    job: ext\n" });
      if (req.url?.startsWith("/api/v1/metadata")) return send({ up: [{ type: "gauge", help: "Up.", unit: "" }] });
      if (req.url === "/api/v1/query_exemplars") {
        return send([
          {
            seriesLabels: { __name__: "x_total", job: "stored", instance: "i" },
            exemplars: [
              { labels: { trace_id: "a" }, value: "+Inf", timestamp: 1700000000.123 },
              { labels: { trace_id: "b" }, value: "1e-07", timestamp: 1700000001 },
            ],
          },
        ]);
      }
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((r) => prom.listen(0, "127.0.0.1", r));
  promUrl = `http://127.0.0.1:${(prom.address() as { port: number }).port}`;
});
after(async () => {
  await new Promise((r) => prom.close(r));
});

test("sidecar: exemplars get external labels (overriding stored ones), metadata passes limit through", async () => {
  const pc = new PrometheusClient(promUrl);
  const meta = new PromMetadata({ prom: pc, tsdbPath: "/nonexistent", logger: nopLogger });
  await meta.loadExternalLabels();
  const ex = await drain(new PrometheusExemplars(pc, meta).exemplars(create(ExemplarsRequestSchema, { query: "x_total", start: 1000n, end: 2n ** 63n - 1n })));
  assert.match(asked.at(-1)!, /^POST \/api\/v1\/query_exemplars query=x_total&start=1\.000$/);
  const d = ex[0].result.value as { seriesLabels: { labels: { name: string; value: string }[] }; exemplars: { value: number; ts: bigint }[] };
  assert.deepEqual(d.seriesLabels.labels.map((l) => `${l.name}=${l.value}`), ["__name__=x_total", "cluster=test", "instance=i", "job=ext"]);
  assert.deepEqual(d.exemplars.map((e) => [e.value, e.ts]), [[Infinity, 1700000000123n], [1e-7, 1700000001000n]]);

  const md = await drain(new PrometheusMetadata(pc).metricMetadata(create(MetricMetadataRequestSchema, { metric: "up", limit: 3 })));
  assert.match(asked.at(-1)!, /^GET \/api\/v1\/metadata\?metric=up&limit=3 $/);
  assert.deepEqual(Object.keys((md[0].result.value as { metadata: object }).metadata), ["up"]);
  const n = asked.length;
  assert.deepEqual(await drain(new PrometheusMetadata(pc).metricMetadata(create(MetricMetadataRequestSchema, { limit: 0 }))), []);
  assert.equal(asked.length, n, "limit 0 asks Prometheus nothing");
});
