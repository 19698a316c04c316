// Metric metadata and exemplars through `aeon query` -> two `aeon sidecar`s -> two real
// Prometheus replicas (Debian's 2.42, --enable-feature=exemplar-storage) scraping a small
// OpenMetrics server of this test (HELP/TYPE/UNIT, exemplars on a counter and histogram buckets).
// /api/v1/metadata and /api/v1/query_exemplars through aeon must equal what Prometheus's own API
// answers, with the sidecars' external labels on exemplar series and replicas deduplicated
// (replica-label dedup keeps replica r1's exemplars) or not (dedup=false).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createServer, type Server } from "node:http";
import { after, before, describe, test } from "node:test";
import { createStoreClient } from "../../src/store/grpc/index.ts";
import { freePort, waitFor } from "../helpers/net.ts";
import { startAeon, startPrometheus, type PrometheusProc, type Proc } from "../helpers/processes.ts";

const hasPrometheus = (() => {
  try {
    execFileSync("prometheus", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

type LabelMap = Record<string, string>;
interface ExemplarJson {
  labels: LabelMap;
  value: string;
  timestamp: number;
}
interface ExemplarSeriesJson {
  seriesLabels: LabelMap;
  exemplars: ExemplarJson[];
}
type MetadataJson = Record<string, { type: string; help: string; unit: string }[]>;

// Until its 6th request the counter (and the exemplar on path="/a") changes every scrape, then
// everything freezes, so the exemplar storage stops growing (identical exemplars are dropped).
// The "/b" exemplar has no timestamp: each Prometheus stamps it with its own scrape time.
function openMetricsServer(): Promise<{ server: Server; port: number }> {
  let n = 0;
  const base = Math.floor(Date.now() / 1000) - 60;
  const server = createServer((_req, res) => {
    n = Math.min(n + 1, 6);
    const body = [
      "# HELP aeon_test_requests Requests handled.",
      "# TYPE aeon_test_requests counter",
      `aeon_test_requests_total{path="/a"} ${n} # {trace_id="a${n}"} ${n}.5 ${base + n}.25`,
      `aeon_test_requests_total{path="/b"} 7 # {trace_id="b"} 1`,
      "# HELP aeon_test_latency_seconds Request latency.",
      "# TYPE aeon_test_latency_seconds histogram",
      "# UNIT aeon_test_latency_seconds seconds",
      `aeon_test_latency_seconds_bucket{le="0.1"} 1 # {trace_id="h1"} 0.05 ${base}.5`,
      `aeon_test_latency_seconds_bucket{le="+Inf"} 2 # {trace_id="h2",span_id="s"} 0.5 ${base + 1}`,
      "aeon_test_latency_seconds_count 2",
      "aeon_test_latency_seconds_sum 0.55",
      "# HELP aeon_test_temperature_celsius Temperature in the test room.",
      "# TYPE aeon_test_temperature_celsius gauge",
      "# UNIT aeon_test_temperature_celsius celsius",
      "aeon_test_temperature_celsius 21.5",
      "# EOF",
      "",
    ].join("\n");
    res.writeHead(200, { "Content-Type": "application/openmetrics-text; version=1.0.0; charset=utf-8" });
    res.end(body);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ server, port: (server.address() as { port: number }).port })));
}

const config = (target: number, replica: string) => `
global:
  scrape_interval: 1s
  evaluation_interval: 1s
  external_labels:
    cluster: test
    replica: ${replica}
scrape_configs:
  - job_name: om
    static_configs: [{ targets: ["127.0.0.1:${target}"] }]
`;

async function api<T>(base: string, path: string, params: Record<string, string> = {}): Promise<{ status: number; body: { status: string; data: T; warnings?: string[]; error?: string } | null }> {
  const r = await fetch(`${base}${path}?${new URLSearchParams(params)}`);
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : null };
}

async function data<T>(base: string, path: string, params: Record<string, string> = {}): Promise<T> {
  const r = await api<T>(base, path, params);
  assert.equal(r.body?.status, "success", `${base}${path} ${JSON.stringify(params)}: ${r.body?.error}`);
  assert.equal(r.body?.warnings, undefined, `no warnings from ${path}`);
  return r.body!.data;
}

// Prometheus's answer with external labels set on the series (as the sidecar does), `drop`
// removed (replica labels under dedup), in series order.
function withExternal(series: ExemplarSeriesJson[], ext: LabelMap, drop: string[] = []): ExemplarSeriesJson[] {
  return series.map((s) => {
    const labels: LabelMap = { ...s.seriesLabels, ...ext };
    for (const d of drop) delete labels[d];
    return { seriesLabels: labels, exemplars: s.exemplars };
  });
}

const seriesKey = (s: ExemplarSeriesJson) => JSON.stringify(Object.entries(s.seriesLabels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
const bySeries = (xs: ExemplarSeriesJson[]) => [...xs].sort((a, b) => (seriesKey(a) < seriesKey(b) ? -1 : seriesKey(a) > seriesKey(b) ? 1 : 0));

// Metadata entries per metric are a set (Prometheus builds them from a Go map).
function metadataSets(m: MetadataJson): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(m)) out[k] = v.map((e) => JSON.stringify([e.type, e.help, e.unit])).sort();
  return out;
}

describe("metadata and exemplars through aeon query over sidecars", { skip: !hasPrometheus && "prometheus not installed" }, () => {
  let om: { server: Server; port: number };
  const proms: PrometheusProc[] = [];
  const procs: Proc[] = [];
  const sidecarGrpc: number[] = [];
  let query: string;
  let end: string; // a time before which nothing changes any more

  before(async () => {
    om = await openMetricsServer();
    for (const replica of ["r1", "r2"]) {
      proms.push(await startPrometheus(config(om.port, replica), ["--enable-feature=exemplar-storage"]));
    }
    for (const prom of proms) {
      const grpc = await freePort();
      const http = await freePort();
      sidecarGrpc.push(grpc);
      procs.push(
        await startAeon(
          ["sidecar", `--prometheus.url=${prom.url}`, `--tsdb.path=${prom.dataDir}/data`, `--grpc-address=127.0.0.1:${grpc}`, `--http-address=127.0.0.1:${http}`],
          `http://127.0.0.1:${http}/-/ready`,
          60_000,
        ),
      );
    }
    const http = await freePort();
    query = `http://127.0.0.1:${http}`;
    procs.push(
      await startAeon(
        ["query", ...sidecarGrpc.map((p) => `--endpoint=127.0.0.1:${p}`), "--query.replica-label=replica", `--http-address=127.0.0.1:${http}`, `--grpc-address=127.0.0.1:${await freePort()}`],
        `${query}/-/ready`,
        60_000,
      ),
    );
    // Both replicas have seen the frozen state (exemplar a6) and all metadata.
    for (const prom of proms) {
      await waitFor(`${prom.url} exemplar a6`, async () => {
        const d = await data<ExemplarSeriesJson[]>(prom.url, "/api/v1/query_exemplars", { query: "aeon_test_requests_total" });
        return d.some((s) => s.exemplars.some((e) => e.labels.trace_id === "a6"));
      }, 30_000, 250);
      await waitFor(`${prom.url} metadata`, async () => Object.keys(await data<MetadataJson>(prom.url, "/api/v1/metadata")).length >= 3, 30_000, 250);
    }
    // Exemplars stamped at scrape time keep coming if Prometheus does not drop repeats; an end a
    // little in the past makes every answer below about the same, finished, data.
    end = ((Date.now() - 2000) / 1000).toFixed(3);
  });

  after(async () => {
    for (const p of procs.reverse()) await p.stop();
    for (const p of proms) await p.stop();
    await new Promise((r) => om?.server.close(r));
  });

  test("sidecars advertise metric metadata and exemplars in Info", async () => {
    const client = createStoreClient({ address: `127.0.0.1:${sidecarGrpc[0]}` });
    try {
      const info = await client.info();
      assert.ok(info.metricMetadata, "metric_metadata advertised");
      assert.ok(info.exemplars, "exemplars advertised");
      assert.ok(info.store, "still a StoreAPI");
    } finally {
      await client.close();
    }
  });

  test("/api/v1/metadata equals Prometheus's, with limit, limit_per_metric and metric", async () => {
    const prom = proms[0].url;
    const all = await data<MetadataJson>(prom, "/api/v1/metadata");
    assert.deepEqual(Object.keys(all).sort(), ["aeon_test_latency_seconds", "aeon_test_requests", "aeon_test_temperature_celsius"]);
    assert.deepEqual(all.aeon_test_latency_seconds, [{ type: "histogram", help: "Request latency.", unit: "seconds" }]);
    assert.deepEqual(metadataSets(await data<MetadataJson>(query, "/api/v1/metadata")), metadataSets(all));
    for (const metric of ["aeon_test_requests", "aeon_test_temperature_celsius", "nope"]) {
      assert.deepEqual(metadataSets(await data(query, "/api/v1/metadata", { metric })), metadataSets(await data(prom, "/api/v1/metadata", { metric })), metric);
    }
    assert.deepEqual(await data(query, "/api/v1/metadata", { limit: "0" }), await data(prom, "/api/v1/metadata", { limit: "0" }));
    assert.deepEqual(metadataSets(await data(query, "/api/v1/metadata", { limit: "-1" })), metadataSets(all));
    assert.deepEqual(metadataSets(await data(query, "/api/v1/metadata", { limit_per_metric: "1" })), metadataSets(all));
    // Which names a limit keeps is unspecified (Prometheus: map order); count and content agree.
    const two = await data<MetadataJson>(query, "/api/v1/metadata", { limit: "2" });
    assert.equal(Object.keys(two).length, Object.keys(await data<MetadataJson>(prom, "/api/v1/metadata", { limit: "2" })).length);
    for (const [k, v] of Object.entries(metadataSets(two))) assert.deepEqual(v, metadataSets(all)[k]);
    assert.deepEqual((await api(query, "/api/v1/metadata", { limit: "x" })).body, (await api(prom, "/api/v1/metadata", { limit: "x" })).body);
  });

  test("/api/v1/query_exemplars equals Prometheus's plus external labels, replicas deduplicated", async () => {
    const p1 = proms[0].url;
    for (const q of ["aeon_test_requests_total", "rate(aeon_test_latency_seconds_bucket[1m])", 'aeon_test_requests_total{path="/a"} or aeon_test_latency_seconds_bucket{le="+Inf"}', '{job="om"}']) {
      const params = { query: q, start: "0", end };
      const fromProm = await data<ExemplarSeriesJson[]>(p1, "/api/v1/query_exemplars", params);
      assert.ok(fromProm.length > 0, `${q}: Prometheus has exemplars`);
      const got = await data<ExemplarSeriesJson[]>(query, "/api/v1/query_exemplars", params);
      assert.deepEqual(got, bySeries(withExternal(fromProm, { cluster: "test" }, ["replica"])), q);
    }
  });

  test("/api/v1/query_exemplars without dedup has both replicas; external-label matchers are decided by the querier", async () => {
    const [p1, p2] = proms.map((p) => p.url);
    const params = { query: "aeon_test_requests_total", start: "0", end };
    const r1 = withExternal(await data<ExemplarSeriesJson[]>(p1, "/api/v1/query_exemplars", params), { cluster: "test", replica: "r1" });
    const r2 = withExternal(await data<ExemplarSeriesJson[]>(p2, "/api/v1/query_exemplars", params), { cluster: "test", replica: "r2" });
    assert.deepEqual(await data(query, "/api/v1/query_exemplars", { ...params, dedup: "false" }), bySeries([...r1, ...r2]));
    // The "/b" exemplar carries each replica's own scrape time: the replicas really differ.
    assert.notDeepEqual(r1.find((s) => s.seriesLabels.path === "/b")?.exemplars, r2.find((s) => s.seriesLabels.path === "/b")?.exemplars);

    const only = (q: string, dedup = "false") => data<ExemplarSeriesJson[]>(query, "/api/v1/query_exemplars", { query: q, start: "0", end, dedup });
    assert.deepEqual(await only('aeon_test_requests_total{replica="r2"}'), bySeries(r2));
    assert.deepEqual(await only('aeon_test_requests_total{cluster=~"te.*"}'), bySeries([...r1, ...r2]));
    assert.deepEqual(await only('aeon_test_requests_total{cluster="elsewhere"}'), []);
    // A set made only of external-label matchers selects every series there.
    const everything = await only('{replica="r1"}');
    assert.deepEqual(everything, bySeries(withExternal(await data<ExemplarSeriesJson[]>(p1, "/api/v1/query_exemplars", { query: '{job=~".+"}', start: "0", end }), { cluster: "test", replica: "r1" })));
  });

  test("/api/v1/query_exemplars edge cases answer as Prometheus does", async () => {
    const prom = proms[0].url;
    const cases: Record<string, string>[] = [
      { query: "1+1" },
      { query: "nope_total" },
      { query: "aeon_test_requests_total", start: "10", end: "5" },
      { query: "aeon_test_requests_total(" },
      { query: "aeon_test_requests_total", start: "0", end: "1" },
    ];
    for (const params of cases) {
      const a = await api(query, "/api/v1/query_exemplars", params);
      const b = await api(prom, "/api/v1/query_exemplars", params);
      assert.equal(a.status, b.status, JSON.stringify(params));
      assert.deepEqual(a.body, b.body, JSON.stringify(params));
    }
  });
});
