// Merging metadata and exemplars from several endpoints: the pure merges, the fan-out proxies
// (endpoint selection by Info, external-label matchers, partial response) and the Querier/API
// on top (limit, limit_per_metric, replica dedup, JSON shapes).
import assert from "node:assert/strict";
import { test } from "node:test";
import { create } from "@bufbuild/protobuf";
import { apiV1 } from "../../src/api/v1.ts";
import {
  ExemplarDataSchema,
  ExemplarSchema,
  ExemplarsRequestSchema,
  ExemplarsResponseSchema,
  type ExemplarData,
  type ExemplarsRequest,
  type ExemplarsResponse,
} from "../../src/gen/thanos/exemplars/rpc_pb.ts";
import { ExemplarsInfoSchema, InfoResponseSchema, MetricMetadataInfoSchema, StoreInfoSchema, type InfoResponse } from "../../src/gen/thanos/info/rpc_pb.ts";
import {
  MetaSchema,
  MetricMetadataEntrySchema,
  MetricMetadataRequestSchema,
  MetricMetadataResponseSchema,
  MetricMetadataSchema,
  type MetricMetadataRequest,
  type MetricMetadataResponse,
} from "../../src/gen/thanos/metadata/rpc_pb.ts";
import { LabelSchema, LabelSetSchema, PartialResponseStrategy, ZLabelSetSchema } from "../../src/gen/thanos/store/types_pb.ts";
import { fromRecord } from "../../src/labels/index.ts";
import { endpointQuery, ExemplarsProxy, MetadataMerger, MetadataProxy, mergeExemplarData, Querier } from "../../src/query/index.ts";
import { parseQuery } from "../../src/api/promql-bridge.ts";
import { extractSelectors } from "../../src/promql/selectors.ts";
import { StoreError } from "../../src/store/errors.ts";
import type { ProxyEndpoint } from "../../src/store/proxy/index.ts";
import { MemoryStore } from "../../src/store/memory/index.ts";

const labelSet = (rec: Record<string, string>) => create(LabelSetSchema, { labels: fromRecord(rec).map((l) => create(LabelSchema, l)) });
const ex = (trace: string, value: number, ts: number) => create(ExemplarSchema, { labels: labelSet({ trace_id: trace }), value, ts: BigInt(ts) });
const exData = (series: Record<string, string>, exemplars: ReturnType<typeof ex>[]) => create(ExemplarDataSchema, { seriesLabels: labelSet(series), exemplars });
const meta = (type: string, help: string, unit = "") => create(MetaSchema, { type, help, unit });
const md = (rec: Record<string, ReturnType<typeof meta>[]>) =>
  create(MetricMetadataSchema, { metadata: Object.fromEntries(Object.entries(rec).map(([k, metas]) => [k, create(MetricMetadataEntrySchema, { metas })])) });
const rec = (ls: readonly { name: string; value: string }[]) => Object.fromEntries(ls.map((l) => [l.name, l.value]));
const traces = (d: ExemplarData) => d.exemplars.map((e) => `${e.labels!.labels[0].value}@${e.ts}`);

test("MetadataMerger: unique entries per metric, limit on names, limit per metric", () => {
  const a = md({ up: [meta("gauge", "Up.")], http_requests: [meta("counter", "Requests.")] });
  const b = md({ up: [meta("gauge", "Up."), meta("gauge", "Other help.")], build_info: [meta("gauge", "Build.")] });
  const all = new MetadataMerger(-1);
  all.add(a);
  all.add(b);
  assert.deepEqual([...all.result().keys()], ["build_info", "http_requests", "up"]);
  assert.deepEqual(all.result().get("up"), [
    { type: "gauge", help: "Up.", unit: "" },
    { type: "gauge", help: "Other help.", unit: "" },
  ]);
  // limit: first come (names of one answer in sorted order), later answers only extend those.
  const two = new MetadataMerger(2);
  two.add(a);
  two.add(b);
  assert.deepEqual([...two.result().keys()], ["http_requests", "up"]);
  assert.equal(two.result().get("up")!.length, 2);
  const perMetric = new MetadataMerger(-1, 1);
  perMetric.add(a);
  perMetric.add(b);
  assert.deepEqual(perMetric.result().get("up"), [{ type: "gauge", help: "Up.", unit: "" }]);
  const none = new MetadataMerger(0);
  none.add(a);
  assert.equal(none.result().size, 0);
});

test("mergeExemplarData: sorted series, replica dedup keeps the first replica, identical series unioned", () => {
  const r1 = exData({ __name__: "x", cluster: "c", replica: "r1" }, [ex("b", 2, 2000), ex("a", 1, 1000)]);
  const r2 = exData({ __name__: "x", cluster: "c", replica: "r2" }, [ex("a", 1, 1000), ex("z", 9, 1500)]);
  const other = exData({ __name__: "a_first", cluster: "c", replica: "r2" }, [ex("o", 1, 5)]);
  // Without replica labels: three series, sorted; exemplars by time.
  const plain = mergeExemplarData([r2, r1, other]);
  assert.deepEqual(plain.map((d) => rec(d.seriesLabels!.labels)), [
    { __name__: "a_first", cluster: "c", replica: "r2" },
    { __name__: "x", cluster: "c", replica: "r1" },
    { __name__: "x", cluster: "c", replica: "r2" },
  ]);
  assert.deepEqual(traces(plain[1]), ["a@1000", "b@2000"]);
  // With "replica" as replica label: x collapses and keeps r1's exemplars (r1 < r2), whatever the order.
  for (const input of [[r1, r2, other], [r2, other, r1]]) {
    const dedup = mergeExemplarData(input, new Set(["replica"]));
    assert.deepEqual(dedup.map((d) => rec(d.seriesLabels!.labels)), [{ __name__: "a_first", cluster: "c" }, { __name__: "x", cluster: "c" }]);
    assert.deepEqual(traces(dedup[1]), ["a@1000", "b@2000"]);
  }
  // The same series from two endpoints: union without duplicates.
  const again = exData({ __name__: "x", cluster: "c", replica: "r1" }, [ex("a", 1, 1000), ex("c", 3, 3000)]);
  assert.deepEqual(traces(mergeExemplarData([r1, again])[0]), ["a@1000", "b@2000", "c@3000"]);
});

test("endpointQuery: external-label matchers decided per endpoint", () => {
  const sets = (q: string) => extractSelectors(parseQuery(q));
  const ext = [fromRecord({ cluster: "eu", replica: "a" })];
  assert.equal(endpointQuery(sets('rate(x_total{cluster="eu",job="api"}[5m])'), ext), '{job="api",__name__="x_total"}');
  assert.equal(endpointQuery(sets('x_total{cluster="us"}'), ext), undefined);
  assert.equal(endpointQuery(sets('x_total{cluster="us"} or y{cluster=~"e.*"}'), ext), '{__name__="y"}');
  // Only external-label matchers left: every series there.
  assert.equal(endpointQuery(sets('{cluster="eu"}'), ext), '{__name__=~".+"}');
  // No external labels: sets as they are; several sets joined.
  assert.equal(endpointQuery(sets('a{cluster="eu"} + b'), []), '{cluster="eu",__name__="a"} or {__name__="b"}');
  assert.equal(endpointQuery(sets("1 + 1"), ext), undefined);
});

// An in-process endpoint serving metadata/exemplars, recording what it was asked.
interface FakeOpts {
  name: string;
  labels?: Record<string, string>;
  metadata?: ReturnType<typeof md>;
  exemplars?: (req: ExemplarsRequest) => ExemplarData[];
  fail?: string;
  advertise?: boolean;
}

function fakeEndpoint(o: FakeOpts): ProxyEndpoint & { asked: string[] } {
  const asked: string[] = [];
  const info: InfoResponse = create(InfoResponseSchema, {
    labelSets: o.labels ? [create(ZLabelSetSchema, { labels: fromRecord(o.labels).map((l) => create(LabelSchema, l)) })] : [],
    store: create(StoreInfoSchema, {}),
    metricMetadata: o.advertise === false ? undefined : create(MetricMetadataInfoSchema, {}),
    exemplars: o.advertise === false ? undefined : create(ExemplarsInfoSchema, {}),
  });
  const client = {
    name: o.name,
    info: async () => info,
    series: async function* () {},
    labelNames: async () => ({}) as never,
    labelValues: async () => ({}) as never,
    async *metricMetadata(req: MetricMetadataRequest): AsyncIterable<MetricMetadataResponse> {
      asked.push(`metadata ${req.metric} ${req.limit}`);
      if (o.fail) throw new StoreError("Unavailable", o.fail);
      if (o.metadata) yield create(MetricMetadataResponseSchema, { result: { case: "metadata", value: o.metadata } });
    },
    async *exemplars(req: ExemplarsRequest): AsyncIterable<ExemplarsResponse> {
      asked.push(req.query);
      yield create(ExemplarsResponseSchema, { result: { case: "warning", value: `${o.name} says hi` } });
      if (o.fail) throw new StoreError("Unavailable", o.fail);
      for (const d of o.exemplars?.(req) ?? []) yield create(ExemplarsResponseSchema, { result: { case: "data", value: d } });
    },
  };
  return { client, info, asked };
}

async function drain<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

test("MetadataProxy: only advertising endpoints, merged answer, WARN vs ABORT", async () => {
  const a = fakeEndpoint({ name: "a", metadata: md({ up: [meta("gauge", "Up.")] }) });
  const b = fakeEndpoint({ name: "b", metadata: md({ up: [meta("gauge", "Up.")], go_info: [meta("gauge", "Go.")] }) });
  const silent = fakeEndpoint({ name: "silent", metadata: md({ secret: [meta("gauge", "No.")] }), advertise: false });
  const broken = fakeEndpoint({ name: "broken", fail: "connection refused" });
  const proxy = new MetadataProxy({ endpoints: () => [a, b, silent, broken] });
  const req = create(MetricMetadataRequestSchema, { metric: "", limit: -1, partialResponseStrategy: PartialResponseStrategy.WARN });
  const out = await drain(proxy.metricMetadata(req));
  assert.deepEqual(out.filter((r) => r.result.case === "warning").map((r) => r.result.value), ["broken: connection refused"]);
  const merged = out.find((r) => r.result.case === "metadata")!.result.value as ReturnType<typeof md>;
  assert.deepEqual(Object.keys(merged.metadata).sort(), ["go_info", "up"]);
  assert.equal(merged.metadata.up.metas.length, 1);
  assert.deepEqual(silent.asked, []);
  assert.deepEqual(a.asked, ["metadata  -1"]);
  await assert.rejects(drain(proxy.metricMetadata(create(MetricMetadataRequestSchema, { limit: -1, partialResponseStrategy: PartialResponseStrategy.ABORT }))), /broken: connection refused/);
});

test("ExemplarsProxy + Querier + HTTP API: per-endpoint queries, replica dedup, warnings, JSON", async () => {
  const series = (replica: string) => (req: ExemplarsRequest) =>
    req.query.includes("http_requests_total")
      ? [exData({ __name__: "http_requests_total", job: "api", cluster: "eu", replica }, replica === "a" ? [ex("t1", 1.5, 1000_500)] : [ex("t2", 2, 1001_000)])]
      : [];
  const a = fakeEndpoint({ name: "a", labels: { cluster: "eu", replica: "a" }, exemplars: series("a") });
  const b = fakeEndpoint({ name: "b", labels: { cluster: "eu", replica: "b" }, exemplars: series("b") });
  const us = fakeEndpoint({ name: "us", labels: { cluster: "us", replica: "a" }, exemplars: () => [exData({ __name__: "nope" }, [])] });
  const broken = fakeEndpoint({ name: "broken", labels: { cluster: "eu", replica: "c" }, fail: "boom" });
  const proxy = new ExemplarsProxy({ endpoints: () => [a, b, us, broken] });
  const querier = new Querier({
    store: new MemoryStore({ series: [], externalLabels: [] }),
    replicaLabels: ["replica"],
    defaultPartialResponse: true,
    autoDownsampling: false,
    engine: {},
    exemplars: proxy,
    metadata: new MetadataProxy({ endpoints: () => [a, b] }),
  });
  const app = apiV1(querier);
  const get = async (q: string) => {
    const r = await app.request(`/query_exemplars?${q}`);
    return { status: r.status, body: await r.json() };
  };
  const r = await get(`query=${encodeURIComponent('sum(rate(http_requests_total{cluster="eu"}[5m]))')}&start=0&end=2000`);
  assert.equal(r.status, 200);
  assert.deepEqual(a.asked, ['{__name__="http_requests_total"}']);
  assert.deepEqual(us.asked, [], "an endpoint whose external labels contradict the query is not asked");
  assert.deepEqual(r.body.data, [
    { seriesLabels: { __name__: "http_requests_total", cluster: "eu", job: "api" }, exemplars: [{ labels: { trace_id: "t1" }, value: "1.5", timestamp: 1000.5 }] },
  ]);
  assert.deepEqual(r.body.warnings.sort(), ["a says hi", "b says hi", "broken says hi", "broken: boom"]);
  // dedup=false: both replicas, sorted by series labels; "us" is asked this time.
  const nodedup = await get(`query=http_requests_total&dedup=false`);
  const names = nodedup.body.data.map((d: { seriesLabels: Record<string, string> }) => `${d.seriesLabels.__name__}/${d.seriesLabels.replica}`);
  assert.deepEqual(names, ["http_requests_total/a", "http_requests_total/b", "nope/undefined"]);
  // partial_response=false: the broken endpoint fails the request as Thanos's internal error.
  const abort = await get(`query=http_requests_total&partial_response=false`);
  assert.equal(abort.status, 500);
  assert.match(abort.body.error, /^retrieving exemplars: broken: boom/);

  const m = await (await app.request("/metadata")).json();
  assert.deepEqual(m, { status: "success", data: {} });
  const bad = await (await app.request("/metadata?limit_per_metric=x")).json();
  assert.deepEqual(bad, { status: "error", errorType: "bad_data", error: "limit_per_metric must be a number" });
});

test("Querier.metadata: limit and limit_per_metric over several endpoints; JSON keys sorted", async () => {
  const a = fakeEndpoint({ name: "a", metadata: md({ b_metric: [meta("counter", "B.")], a_metric: [meta("gauge", "A.")] }) });
  const b = fakeEndpoint({ name: "b", metadata: md({ a_metric: [meta("gauge", "A."), meta("gauge", "A again.", "bytes")], c_metric: [meta("gauge", "C.")] }) });
  const querier = new Querier({
    store: new MemoryStore({ series: [], externalLabels: [] }),
    replicaLabels: [],
    defaultPartialResponse: true,
    autoDownsampling: false,
    engine: {},
    metadata: new MetadataProxy({ endpoints: () => [a, b] }),
  });
  const app = apiV1(querier);
  const get = async (q: string) => (await (await app.request(`/metadata?${q}`)).json()).data;
  const all = await get("");
  assert.deepEqual(Object.keys(all), ["a_metric", "b_metric", "c_metric"]);
  assert.deepEqual(all.a_metric, [
    { type: "gauge", help: "A.", unit: "" },
    { type: "gauge", help: "A again.", unit: "bytes" },
  ]);
  assert.deepEqual(Object.keys(await get("limit=2")), ["a_metric", "b_metric"]);
  assert.deepEqual(await get("limit=0"), {});
  assert.deepEqual((await get("limit_per_metric=1")).a_metric, [{ type: "gauge", help: "A.", unit: "" }]);
  await get("metric=a_metric");
  assert.deepEqual(a.asked.at(-1), "metadata a_metric -1");
});
