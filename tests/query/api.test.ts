// HTTP API behaviour of the querier over in-memory StoreAPI endpoints: form POSTs, stats,
// the auxiliary endpoints, Thanos request parameters, limits (timeout, max samples), partial
// responses and cancellation of the fan-out when the client goes away.
import { test } from "node:test";
import assert from "node:assert/strict";
import { create } from "@bufbuild/protobuf";
import { AggrChunkSchema, ChunkSchema, Chunk_Encoding, type AggrChunk } from "../../src/gen/thanos/store/types_pb.ts";
import type { SeriesRequest } from "../../src/gen/thanos/store/rpc_pb.ts";
import { xorEncode } from "../../src/kernels/index.ts";
import { MemoryStore, type MemoryStoreOptions } from "../../src/store/memory/index.ts";
import { ProxyStore } from "../../src/store/proxy/index.ts";
import { Querier } from "../../src/query/index.ts";
import { apiV1 } from "../../src/api/v1.ts";
import { fromRecord } from "../../src/labels/index.ts";
import type { EngineOptions } from "../../src/promql/api.ts";
import { listenHttp } from "../../src/runtime/index.ts";
import { StoreError } from "../../src/store/errors.ts";

function rawChunks(ts: number[], vs: number[], per = 120): AggrChunk[] {
  const out: AggrChunk[] = [];
  for (let i = 0; i < ts.length; i += per) {
    const t = ts.slice(i, i + per);
    out.push(
      create(AggrChunkSchema, {
        minTime: BigInt(t[0]),
        maxTime: BigInt(t[t.length - 1]),
        raw: create(ChunkSchema, { type: Chunk_Encoding.XOR, data: xorEncode(t, vs.slice(i, i + per)) }),
      }),
    );
  }
  return out;
}

// A gauge and a counter every 15s for 2h.
const TS: number[] = [];
const GAUGE: number[] = [];
const COUNTER: number[] = [];
for (let t = 0; t < 7_200_000; t += 15_000) {
  TS.push(t);
  GAUGE.push(Math.round(50 + 40 * Math.sin(t / 400_000) + ((t / 15_000) % 7)));
  COUNTER.push(t / 1000 + (t >= 3_600_000 ? -3000 : 0)); // one reset at 1h
}

class RecordingStore extends MemoryStore {
  requests: SeriesRequest[] = [];
  constructor(opts: MemoryStoreOptions) {
    super(opts);
  }
  override series(req: SeriesRequest, opts?: Parameters<MemoryStore["series"]>[1]) {
    this.requests.push(req);
    return super.series(req, opts);
  }
}

function setup(opts: { engine?: Partial<EngineOptions>; beforeSend?: MemoryStoreOptions["beforeSend"]; failing?: boolean } = {}) {
  const store = new RecordingStore({
    series: [
      { labels: fromRecord({ __name__: "g", job: "a" }), chunks: rawChunks(TS, GAUGE) },
      { labels: fromRecord({ __name__: "c_total", job: "a" }), chunks: rawChunks(TS, COUNTER) },
    ],
    externalLabels: fromRecord({ replica: "r1" }),
    beforeSend: opts.beforeSend,
  });
  const clients = [Object.assign(store, { name: "mem0" })];
  if (opts.failing) {
    const bad = new MemoryStore({
      series: [{ labels: fromRecord({ __name__: "g", job: "b" }), chunks: rawChunks(TS, GAUGE) }],
      beforeSend: () => {
        throw new StoreError("Unavailable", "store b is down");
      },
    });
    clients.push(Object.assign(bad, { name: "mem1" }) as unknown as (typeof clients)[0]);
  }
  const endpoints = clients.map((client) => ({ client, info: null }));
  const proxy = new ProxyStore({ endpoints: () => endpoints });
  const querier = new Querier({
    store: proxy,
    replicaLabels: ["replica"],
    defaultPartialResponse: true,
    autoDownsampling: false,
    engine: opts.engine ?? {},
    flags: { "query.timeout": "2m" },
    stores: async () => ({ store: [{ name: "mem0" }] }),
  });
  return { app: apiV1(querier), store };
}

type App = ReturnType<typeof setup>["app"];

async function get(app: App, path: string) {
  const r = await app.request(path);
  return { status: r.status, body: await r.json() };
}

async function post(app: App, path: string, form: Record<string, string | string[]>) {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(form)) for (const x of [v].flat()) body.append(k, x);
  const r = await app.request(path, { method: "POST", body: body.toString(), headers: { "content-type": "application/x-www-form-urlencoded" } });
  return { status: r.status, body: await r.json() };
}

test("form POST answers like GET for query, query_range, series and labels", async () => {
  const { app } = setup();
  const pairs: [string, Record<string, string | string[]>][] = [
    ["/query", { query: "g", time: "600" }],
    ["/query_range", { query: "rate(c_total[5m])", start: "600", end: "5400", step: "60" }],
    ["/series", { "match[]": ["g", "c_total"] }],
    ["/labels", { "match[]": "g" }],
  ];
  for (const [path, form] of pairs) {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(form)) for (const x of [v].flat()) qs.append(k, x);
    const g = await get(app, `${path}?${qs}`);
    const p = await post(app, path, form);
    assert.equal(g.status, 200, JSON.stringify(g.body));
    assert.deepEqual(p, g, path);
    assert.ok(JSON.stringify(g.body.data).length > 10, `${path} returned data`);
  }
  const s = await get(app, "/series?match[]=g&match[]=c_total");
  assert.deepEqual(s.body.data, [{ __name__: "c_total", job: "a" }, { __name__: "g", job: "a" }]);
});

test("stats=all adds Prometheus's stats object", async () => {
  const { app } = setup();
  for (const path of ["/query?query=sum(g)&time=3600&stats=all", "/query_range?query=g&start=0&end=600&step=60&stats=all"]) {
    const r = await get(app, path);
    const st = r.body.data.stats;
    assert.deepEqual(Object.keys(st.timings).sort(), ["evalTotalTime", "execQueueTime", "execTotalTime", "innerEvalTime", "queryPreparationTime", "resultSortTime"]);
    assert.ok(st.samples.totalQueryableSamples > 0, JSON.stringify(st));
    assert.ok(st.samples.peakSamples > 0);
  }
  const plain = await get(app, "/query?query=g&time=600");
  assert.equal(plain.body.data.stats, undefined);
});

test("auxiliary endpoints: exemplars, metadata, format/parse query, status, stores", async () => {
  const { app } = setup();
  assert.deepEqual((await get(app, "/query_exemplars?query=g&start=0&end=600")).body, { status: "success", data: [] });
  const ex = await get(app, "/query_exemplars?query=g(");
  assert.deepEqual([ex.status, ex.body.errorType, ex.body.error], [400, "bad_data", "1:3: parse error: unclosed left parenthesis"]);
  assert.equal((await get(app, "/query_exemplars")).body.error, "1:1: parse error: no expression found in input");
  assert.deepEqual((await get(app, "/metadata")).body, { status: "success", data: {} });
  assert.deepEqual((await get(app, "/metadata?limit=abc")).body, { status: "error", errorType: "bad_data", error: "limit must be a number" });
  assert.deepEqual((await get(app, "/format_query?query=sum(g)by(job)")).body, { status: "success", data: "sum by (job) (g)" });
  assert.equal((await get(app, "/format_query?query=sum(")).status, 400);
  const pq = await get(app, "/parse_query?query=sum(g)");
  assert.equal(pq.body.data.type, "aggregation");
  const bi = await get(app, "/status/buildinfo");
  assert.deepEqual(Object.keys(bi.body.data).sort(), ["branch", "buildDate", "buildUser", "goVersion", "revision", "version"]);
  assert.deepEqual((await get(app, "/status/flags")).body.data, { "query.timeout": "2m" });
  const rt = await get(app, "/status/runtimeinfo");
  assert.equal(typeof rt.body.data.startTime, "string");
  assert.deepEqual((await get(app, "/stores")).body.data, { store: [{ name: "mem0" }] });
  assert.equal((await get(app, "/no_such_endpoint")).status, 404);
});

// Prometheus 3 accepts any UTF-8 label name (2.42 also rejects e.g. "foo-bar"); names that are
// not UTF-8 or badly escaped are invalid in both.
test("label values: invalid names are 400, UTF-8 escaped names are unescaped", async () => {
  const { app } = setup();
  for (const name of ["%FF", "U__a_zz_", "U__a_110000_"]) {
    const r = await get(app, `/label/${name}/values`);
    assert.equal(r.status, 400, name);
    assert.equal(r.body.errorType, "bad_data");
    assert.match(r.body.error, /^invalid label name: /);
  }
  assert.deepEqual((await get(app, "/label/job/values")).body.data, ["a"]);
  assert.deepEqual((await get(app, "/label/U__job/values")).body.data, ["a"]);
  assert.deepEqual((await get(app, "/label/replica/values")).body.data, []);
  assert.deepEqual((await get(app, "/label/replica/values?dedup=false")).body.data, ["r1"]);
});

test("Thanos parameters: dedup, replicaLabels[], max_source_resolution, partial_response errors", async () => {
  const { app, store } = setup();
  const withReplica = await get(app, "/query?query=g&time=600&replicaLabels[]=job");
  assert.deepEqual(withReplica.body.data.result[0].metric, { __name__: "g", replica: "r1" });
  const cases: [string, string][] = [
    ["/query?query=g&dedup=maybe", `'dedup' parameter: strconv.ParseBool: parsing "maybe": invalid syntax`],
    ["/query?query=g&partial_response=x", `'partial_response' parameter: strconv.ParseBool: parsing "x": invalid syntax`],
    ["/query?query=g&max_source_resolution=abc", `'max_source_resolution' parameter: cannot parse "abc" to a valid duration`],
    ["/query?query=g&max_source_resolution=-300", "negative 'max_source_resolution' is not accepted. Try a positive integer"],
  ];
  for (const [path, msg] of cases) {
    const r = await get(app, path);
    assert.deepEqual([r.status, r.body.errorType, r.body.error], [400, "bad_data", msg], path);
  }
  // auto = step/5; explicit durations pass through; instant queries read raw by default.
  store.requests.length = 0;
  await get(app, "/query_range?query=g&start=0&end=7200&step=1500&max_source_resolution=auto");
  await get(app, "/query_range?query=g&start=0&end=7200&step=60&max_source_resolution=1h");
  await get(app, "/query?query=g&time=600&max_source_resolution=auto");
  assert.deepEqual(store.requests.map((r) => Number(r.maxResolutionWindow)), [300_000, 3_600_000, 0]);
});

test("partial_response: a failing endpoint is a warning, or an execution error when disabled", async () => {
  const { app } = setup({ failing: true });
  const ok = await get(app, "/query?query=g&time=600");
  assert.equal(ok.status, 200);
  assert.equal(ok.body.data.result.length, 1);
  assert.ok(ok.body.warnings?.some((w: string) => w.includes("store b is down")), JSON.stringify(ok.body));
  const bad = await get(app, "/query?query=g&time=600&partial_response=false");
  assert.equal(bad.status, 422, JSON.stringify(bad.body));
  assert.equal(bad.body.errorType, "execution");
  assert.match(bad.body.error, /store b is down/);
});

test("--query.max-samples fails with 422 execution and the querier keeps serving", async () => {
  const { app } = setup({ engine: { maxSamples: 100 } });
  const r = await get(app, "/query_range?query=g&start=0&end=7200&step=15");
  assert.deepEqual([r.status, r.body.errorType, r.body.error], [422, "execution", "query processing would load too many samples into memory in query execution"]);
  assert.equal((await get(app, "/query?query=g&time=600")).status, 200);
});

test("--query.timeout and the timeout parameter abort a slow fan-out with 503 timeout", async (t) => {
  let slow = true;
  const seen: AbortSignal[] = [];
  const waitForAbort = (signal: AbortSignal | undefined) =>
    new Promise<void>((resolve) => {
      if (!slow) return resolve();
      if (signal) seen.push(signal);
      signal?.addEventListener("abort", () => resolve(), { once: true });
    });
  // AbortSignal.timeout's timer does not keep Node alive (a server does, in production).
  const keepAlive = setInterval(() => {}, 1000);
  t.after(() => clearInterval(keepAlive));
  const { app } = setup({ engine: { timeout: 150 }, beforeSend: waitForAbort });
  const r = await get(app, "/query?query=g&time=600");
  assert.deepEqual([r.status, r.body.errorType, r.body.error], [503, "timeout", "query timed out in query execution"]);
  assert.ok(seen.length > 0 && seen.every((s) => s.aborted), "the store saw its signal fire");
  const { app: app2 } = setup({ beforeSend: waitForAbort });
  const r2 = await get(app2, "/query_range?query=g&start=0&end=600&step=60&timeout=100ms");
  assert.deepEqual([r2.status, r2.body.errorType], [503, "timeout"]);
  slow = false;
  assert.equal((await get(app, "/query?query=g&time=600")).status, 200, "still serving");
});

test("a client that goes away aborts the fan-out", async () => {
  let entered!: () => void;
  const inStore = new Promise<void>((r) => (entered = r));
  let fired!: () => void;
  const storeAborted = new Promise<void>((r) => (fired = r));
  let storeSignal: AbortSignal | undefined;
  const { app } = setup({
    beforeSend: (signal) =>
      new Promise<void>((res) => {
        storeSignal = signal;
        signal?.addEventListener("abort", () => {
          res();
          fired();
        });
        entered();
      }),
  });
  const srv = await listenHttp("127.0.0.1:0", (req) => app.fetch(req));
  try {
    const client = new AbortController();
    const req = fetch(`http://127.0.0.1:${srv.port}/query?query=g&time=600`, { signal: client.signal, headers: { connection: "close" } }).catch((e) => e);
    await inStore;
    client.abort();
    assert.equal(((await req) as Error).name, "AbortError");
    await storeAborted; // hangs (test timeout) if the abort never reaches the store
    assert.equal(storeSignal?.aborted, true);
  } finally {
    await srv.close();
  }
});
