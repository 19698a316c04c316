import assert from "node:assert/strict";
import { test } from "node:test";
import { spawnSync } from "node:child_process";
import { Registry, newComponentRegistry, observabilityApp, Readiness } from "../../src/observability/index.ts";

function sampleRegistry(): Registry {
  const r = newComponentRegistry();
  const c = r.counter({ name: "thanos_bucket_store_series_fetched_total", help: "Series fetched.", labelNames: ["tenant"] });
  c.inc(3, { tenant: "a" });
  c.labels({ tenant: 'we"ird\\\n' }).inc();
  r.gauge({ name: "thanos_bucket_store_blocks_loaded", help: "Number of currently loaded blocks." }).set(7);
  r.gauge({ name: "aeon_build_info", help: "Build info.\nSecond line.", labelNames: ["version"] }).set(1, { version: "0.1.0" });
  const h = r.histogram({ name: "thanos_objstore_bucket_operation_duration_seconds", help: "Op latency.", labelNames: ["operation"], buckets: [0.1, 1, 10] });
  for (const v of [0.05, 0.5, 0.5, 5, 50]) h.observe(v, { operation: "get" });
  return r;
}

test("text exposition: counters, gauges, histograms with cumulative buckets", () => {
  const text = sampleRegistry().metricsText();
  assert.match(text, /^# HELP thanos_bucket_store_series_fetched_total Series fetched\.$/m);
  assert.match(text, /^# TYPE thanos_bucket_store_series_fetched_total counter$/m);
  assert.match(text, /^thanos_bucket_store_series_fetched_total\{tenant="a"\} 3$/m);
  assert.match(text, /^thanos_bucket_store_series_fetched_total\{tenant="we\\"ird\\\\\\n"\} 1$/m);
  assert.match(text, /^# HELP aeon_build_info Build info\.\\nSecond line\.$/m);
  assert.match(text, /^thanos_bucket_store_blocks_loaded 7$/m);
  const hist = text.split("\n").filter((l) => l.startsWith("thanos_objstore_bucket_operation_duration_seconds"));
  assert.deepEqual(hist, [
    'thanos_objstore_bucket_operation_duration_seconds_bucket{operation="get",le="0.1"} 1',
    'thanos_objstore_bucket_operation_duration_seconds_bucket{operation="get",le="1"} 3',
    'thanos_objstore_bucket_operation_duration_seconds_bucket{operation="get",le="10"} 4',
    'thanos_objstore_bucket_operation_duration_seconds_bucket{operation="get",le="+Inf"} 5',
    'thanos_objstore_bucket_operation_duration_seconds_sum{operation="get"} 56.05',
    'thanos_objstore_bucket_operation_duration_seconds_count{operation="get"} 5',
  ]);
  assert.match(text, /^process_start_time_seconds \d+$/m);
  assert.match(text, /^process_resident_memory_bytes \d+$/m);
  assert.match(text, /^process_cpu_seconds_total [\d.e-]+$/m);
});

test("registry rejects bad names and conflicting types, reuses same-type metrics", () => {
  const r = new Registry();
  assert.throws(() => r.counter({ name: "bad-name", help: "" }));
  assert.throws(() => r.histogram({ name: "h", help: "", labelNames: ["le"] }));
  const a = r.counter({ name: "x_total", help: "" });
  assert.equal(r.counter({ name: "x_total", help: "" }), a);
  assert.throws(() => r.gauge({ name: "x_total", help: "" }));
  assert.throws(() => a.inc(-1));
});

test("promtool (Prometheus's own parser and linter) accepts our /metrics output", (t) => {
  const which = spawnSync("promtool", ["--version"]);
  if (which.error) return t.skip("promtool not installed");
  const r = spawnSync("promtool", ["check", "metrics"], { input: sampleRegistry().metricsText(), encoding: "utf8" });
  // Exit 0: parsed, no lint problems (non-zero with text on lint problems or parse errors).
  assert.equal(r.status, 0, r.stdout + r.stderr);
});

test("/metrics, /-/healthy and /-/ready (503 until ready)", async () => {
  const readiness = new Readiness("waiting for first bucket sync");
  let healthy = true;
  const app = observabilityApp({ registry: sampleRegistry(), readiness, healthy: () => healthy });
  const m = await app.request("/metrics");
  assert.equal(m.status, 200);
  assert.equal(m.headers.get("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  assert.match(await m.text(), /thanos_bucket_store_blocks_loaded 7/);
  assert.equal((await app.request("/-/healthy")).status, 200);
  const notReady = await app.request("/-/ready");
  assert.equal(notReady.status, 503);
  assert.match(await notReady.text(), /waiting for first bucket sync/);
  readiness.markReady();
  assert.equal((await app.request("/-/ready")).status, 200);
  healthy = false;
  assert.equal((await app.request("/-/healthy")).status, 503);
});
