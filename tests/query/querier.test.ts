// The querier over in-memory StoreAPI endpoints, through the HTTP API: replica dedup (no gap,
// no doubled samples, no rate spike at the switch), dedup=false, label APIs, error shapes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { create } from "@bufbuild/protobuf";
import { AggrChunkSchema, ChunkSchema, Chunk_Encoding, type AggrChunk } from "../../src/gen/thanos/store/types_pb.ts";
import { xorEncode } from "../../src/kernels/index.ts";
import { MemoryStore } from "../../src/store/memory/index.ts";
import { ProxyStore } from "../../src/store/proxy/index.ts";
import { Querier } from "../../src/query/index.ts";
import { apiV1 } from "../../src/api/v1.ts";
import { fromRecord } from "../../src/labels/index.ts";

function chunksOf(ts: number[], vs: number[], per = 120): AggrChunk[] {
  const out: AggrChunk[] = [];
  for (let i = 0; i < ts.length; i += per) {
    const t = ts.slice(i, i + per);
    const v = vs.slice(i, i + per);
    out.push(
      create(AggrChunkSchema, {
        minTime: BigInt(t[0]),
        maxTime: BigInt(t[t.length - 1]),
        raw: create(ChunkSchema, { type: Chunk_Encoding.XOR, data: xorEncode(t, v) }),
      }),
    );
  }
  return out;
}

// A counter scraped every 15s for 1h by two HA replicas; replica "b" misses 10 minutes and its
// counter is offset (it started later), the case that produces fake resets without care.
function replicaSeries(offset: number, gap: [number, number] | null) {
  const ts: number[] = [];
  const vs: number[] = [];
  for (let t = 0; t <= 3_600_000; t += 15_000) {
    if (gap && t >= gap[0] && t < gap[1]) continue;
    ts.push(t + (offset ? 3 : 0)); // replicas scrape at slightly different times
    vs.push(t / 1000 - offset);
  }
  return ts.length ? chunksOf(ts, vs) : [];
}

function setup() {
  const storeA = new MemoryStore({
    series: [{ labels: fromRecord({ __name__: "req_total", job: "api" }), chunks: replicaSeries(0, [1_200_000, 1_800_000]) }],
    externalLabels: fromRecord({ replica: "a" }),
  });
  const storeB = new MemoryStore({
    series: [{ labels: fromRecord({ __name__: "req_total", job: "api" }), chunks: replicaSeries(100, null) }],
    externalLabels: fromRecord({ replica: "b" }),
  });
  const endpoints = [storeA, storeB].map((s, i) => ({ client: Object.assign(s, { name: `mem${i}` }), info: null }));
  const proxy = new ProxyStore({ endpoints: () => endpoints });
  const querier = new Querier({ store: proxy, replicaLabels: ["replica"], defaultPartialResponse: true, autoDownsampling: false, engine: {} });
  return apiV1(querier);
}

async function get(app: ReturnType<typeof setup>, path: string) {
  const r = await app.request(path);
  return { status: r.status, body: await r.json() };
}

test("deduplicated range query has no gap and no doubled samples", async () => {
  const app = setup();
  const r = await get(app, "/query_range?query=req_total&start=60&end=3600&step=15");
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.data.result.length, 1);
  const s = r.body.data.result[0];
  assert.deepEqual(s.metric, { __name__: "req_total", job: "api" });
  // One point per step, none missing across replica a's 10-minute gap.
  assert.equal(s.values.length, (3600 - 60) / 15 + 1);
});

test("rate() over deduplicated replicas shows no spike at the switch", async () => {
  const app = setup();
  const r = await get(app, "/query_range?query=rate(req_total[1m])&start=120&end=3600&step=30");
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const vals = r.body.data.result[0].values.map((p: [number, string]) => Number(p[1]));
  assert.ok(vals.length > 100);
  // Without counter-aware dedup, replica b's counter (100 lower) would look like a reset and
  // rate() would jump by ~100/60 per second. Thanos's adjustment lifts b to a's last value,
  // losing the increase across the switch gap (a dip in one window); ours lines b up at the
  // last emitted time (src/kernels/dedup-ref.ts switchOffset), so rate() stays ~1/s throughout.
  for (const v of vals) assert.ok(v > 0.99 && v < 1.01, `rate ${v} should stay ~1/s`);
});

test("dedup=false returns each replica with its replica label", async () => {
  const app = setup();
  const r = await get(app, "/query?query=req_total&time=600&dedup=false");
  assert.equal(r.status, 200);
  const replicas = r.body.data.result.map((x: { metric: Record<string, string> }) => x.metric.replica).sort();
  assert.deepEqual(replicas, ["a", "b"]);
});

test("series and label APIs drop replica labels when deduplicating", async () => {
  const app = setup();
  const s = await get(app, "/series?match[]=req_total");
  assert.deepEqual(s.body.data, [{ __name__: "req_total", job: "api" }]);
  const l = await get(app, "/labels");
  assert.deepEqual(l.body.data, ["__name__", "job"]);
  const v = await get(app, "/label/job/values");
  assert.deepEqual(v.body.data, ["api"]);
});

test("bad requests get Prometheus's status codes and error types", async () => {
  const app = setup();
  const cases: [string, number, string, RegExp][] = [
    ["/query?query=sum(", 400, "bad_data", /^invalid parameter "query": /],
    ["/query?query=nosuchfn(x)", 400, "bad_data", /unknown function with name "nosuchfn"/],
    ["/query?query=up&time=abc", 400, "bad_data", /invalid parameter "time": Invalid time value for 'time': cannot parse "abc" to a valid timestamp/],
    ["/query_range?query=up&start=10&end=5&step=1", 400, "bad_data", /end timestamp must not be before start time/],
    ["/query_range?query=up&start=0&end=100000&step=1", 400, "bad_data", /exceeded maximum resolution of 11,000 points/],
    ["/query_range?query=up&start=0&end=10&step=0", 400, "bad_data", /zero or negative query resolution step/],
    ["/query_range?query=up&start=0&end=10&step=-1", 400, "bad_data", /zero or negative query resolution step/],
    ["/query_range?query=up&start=0&end=10&step=xyz", 400, "bad_data", /invalid parameter "step"/],
    ["/series", 400, "bad_data", /no match\[\] parameter provided/],
    ["/query?query=rate(req_total)", 400, "bad_data", /expected type range vector/],
  ];
  for (const [path, status, type, msg] of cases) {
    const r = await get(app, path);
    assert.equal(r.status, status, `${path}: ${JSON.stringify(r.body)}`);
    assert.equal(r.body.status, "error");
    assert.equal(r.body.errorType, type, path);
    assert.match(r.body.error, msg, path);
  }
});
