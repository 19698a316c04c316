// The querier over downsampled data (AggrChunks with count/sum/min/max/counter sub-chunks made
// by the downsampling kernel, as the compactor writes them): the aggregate is chosen from the
// wrapping function (thanos-facts §5) and gives the same answers as raw data where the maths
// says it must; the lookback delta is raised to the resolution read.
import { test } from "node:test";
import assert from "node:assert/strict";
import { create } from "@bufbuild/protobuf";
import { AggrChunkSchema, ChunkSchema, Chunk_Encoding, type AggrChunk, type Chunk } from "../../src/gen/thanos/store/types_pb.ts";
import { Aggr, type SeriesRequest } from "../../src/gen/thanos/store/rpc_pb.ts";
import { AGGREGATES, downsampleRaw, encodeXorChunk, RES_1H, RES_5M } from "../../src/kernels/index.ts";
import { MemoryStore } from "../../src/store/memory/index.ts";
import { ProxyStore } from "../../src/store/proxy/index.ts";
import { Querier } from "../../src/query/index.ts";
import { apiV1 } from "../../src/api/v1.ts";
import { fromRecord } from "../../src/labels/index.ts";

const HOUR = 3_600_000;
const TS: number[] = [];
const GAUGE: number[] = [];
const COUNTER: number[] = [];
for (let t = 0; t < 4 * HOUR; t += 15_000) {
  TS.push(t);
  GAUGE.push(Math.round(100 + 60 * Math.sin(t / 700_000) + ((t / 15_000) % 11)));
  COUNTER.push(Math.round(t / 100) + ((t / 15_000) % 3)); // ~10/s, uneven steps
}

function rawChunks(ts: number[], vs: number[]): AggrChunk[] {
  const out: AggrChunk[] = [];
  for (let i = 0; i < ts.length; i += 120) {
    const t = ts.slice(i, i + 120);
    out.push(create(AggrChunkSchema, { minTime: BigInt(t[0]), maxTime: BigInt(t[t.length - 1]), raw: xor(t, vs.slice(i, i + 120)) }));
  }
  return out;
}

const xor = (t: ArrayLike<number>, v: ArrayLike<number>): Chunk => create(ChunkSchema, { type: Chunk_Encoding.XOR, data: encodeXorChunk(t, v) });

// One AggrChunk per kernel output chunk, each aggregate its own XOR sub-chunk.
function downsampledChunks(ts: number[], vs: number[], resolution: number): AggrChunk[] {
  const ds = downsampleRaw(Float64Array.from(ts), Float64Array.from(vs), resolution);
  const out: AggrChunk[] = [];
  for (let c = 0; c < ds.chunks; c++) {
    const parts: Partial<Record<(typeof AGGREGATES)[number], Chunk>> = {};
    for (const name of AGGREGATES) {
      const a = ds[name];
      const lo = c === 0 ? 0 : a.chunkEnds[c - 1];
      const hi = a.chunkEnds[c];
      if (hi > lo) parts[name] = xor(a.ts.subarray(lo, hi), a.vs.subarray(lo, hi));
    }
    const lo = c === 0 ? 0 : ds.count.chunkEnds[c - 1];
    const hi = ds.count.chunkEnds[c];
    out.push(create(AggrChunkSchema, { minTime: BigInt(ds.count.ts[lo]), maxTime: BigInt(ds.count.ts[hi - 1]), ...parts }));
  }
  return out;
}

class RecordingStore extends MemoryStore {
  requests: SeriesRequest[] = [];
  override series(req: SeriesRequest, opts?: Parameters<MemoryStore["series"]>[1]) {
    this.requests.push(req);
    return super.series(req, opts);
  }
}

function api(kind: "raw" | "5m" | "1h") {
  const make = (ts: number[], vs: number[]) => (kind === "raw" ? rawChunks(ts, vs) : downsampledChunks(ts, vs, kind === "5m" ? RES_5M : RES_1H));
  const store = new RecordingStore({
    series: [
      { labels: fromRecord({ __name__: "g" }), chunks: make(TS, GAUGE) },
      { labels: fromRecord({ __name__: "c_total" }), chunks: make(TS, COUNTER) },
    ],
  });
  const endpoints = [{ client: Object.assign(store, { name: kind }), info: null }];
  const proxy = new ProxyStore({ endpoints: () => endpoints });
  const querier = new Querier({ store: proxy, replicaLabels: [], defaultPartialResponse: false, autoDownsampling: false, engine: {} });
  return { app: apiV1(querier), store };
}

async function instant(app: ReturnType<typeof api>["app"], q: string, t: number, extra = ""): Promise<number | null> {
  const r = await app.request(`/query?query=${encodeURIComponent(q)}&time=${t / 1000}${extra}`);
  const body = await r.json();
  assert.equal(body.status, "success", `${q}: ${JSON.stringify(body)}`);
  return body.data.result.length ? Number(body.data.result[0].value[1]) : null;
}

// Evaluate at the last millisecond of a 5m/1h window so a [1h] range holds whole windows: the
// raw samples in (T-1h, T] are exactly those the windows inside it aggregate.
const T = 2 * HOUR - 1;

test("min/max/sum/avg_over_time read the matching aggregate and equal raw results", async () => {
  const raw = api("raw");
  const ds = api("5m");
  const want: [string, Aggr[]][] = [
    ["min_over_time(g[1h])", [Aggr.MIN]],
    ["max_over_time(g[1h])", [Aggr.MAX]],
    ["sum_over_time(g[1h])", [Aggr.SUM]],
    ["avg_over_time(g[1h])", [Aggr.COUNT, Aggr.SUM]],
  ];
  for (const [q, aggrs] of want) {
    ds.store.requests.length = 0;
    const a = await instant(ds.app, q, T, "&max_source_resolution=5m");
    const b = await instant(raw.app, q, T);
    assert.ok(b !== null && a !== null, q);
    assert.ok(Math.abs(a - b) < 1e-9 * Math.abs(b), `${q}: downsampled ${a} vs raw ${b}`);
    assert.deepEqual(ds.store.requests[0].aggregates, aggrs, q);
    assert.equal(Number(ds.store.requests[0].maxResolutionWindow), RES_5M);
  }
  // count_over_time reads the COUNT aggregate (one sample per window, as in Thanos).
  ds.store.requests.length = 0;
  assert.equal(await instant(ds.app, "count_over_time(g[1h])", T, "&max_source_resolution=5m"), 12);
  assert.deepEqual(ds.store.requests[0].aggregates, [Aggr.COUNT]);
});

test("a plain selector reads sum/count: the window average", async () => {
  const ds = api("5m");
  const inWindow = TS.map((t, i) => [t, GAUGE[i]]).filter(([t]) => t >= T + 1 - RES_5M && t <= T);
  const avg = inWindow.reduce((s, [, v]) => s + v, 0) / inWindow.length;
  const got = await instant(ds.app, "g", T, "&max_source_resolution=5m");
  assert.ok(got !== null && Math.abs(got - avg) < 1e-9 * avg, `${got} vs ${avg}`);
});

test("rate/increase read the counter aggregate and agree with raw data", async () => {
  const raw = api("raw");
  const ds = api("5m");
  for (const q of ["rate(c_total[1h])", "increase(c_total[30m])"]) {
    ds.store.requests.length = 0;
    const t = 3 * HOUR - 1;
    const a = await instant(ds.app, q, t, "&max_source_resolution=5m");
    const b = await instant(raw.app, q, t);
    assert.ok(a !== null && b !== null);
    // Downsampled counters keep window-end totals, so extrapolation differs slightly.
    assert.ok(Math.abs(a - b) / b < 0.02, `${q}: downsampled ${a} vs raw ${b}`);
    assert.deepEqual(ds.store.requests[0].aggregates, [Aggr.COUNTER]);
  }
});

test("the lookback delta is raised to the resolution read", async () => {
  const ds = api("1h");
  // 40 minutes after the last 1h window ended: beyond the 5m default lookback, within 1h.
  const t = 4 * HOUR - 1 + 40 * 60_000;
  assert.notEqual(await instant(ds.app, "g", t, "&max_source_resolution=1h"), null);
  assert.equal(await instant(ds.app, "g", t), null); // raw read: 5m lookback finds nothing
  assert.notEqual(await instant(ds.app, "g", t, "&max_source_resolution=1h&lookback_delta=1m"), null);
});
