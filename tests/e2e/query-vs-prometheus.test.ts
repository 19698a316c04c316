// End to end against real Prometheus (Debian 2.42): blocks made by promtool from generated
// OpenMetrics → a filesystem bucket → `aeon store` → `aeon query`, compared with a Prometheus
// started on the same blocks, over range and instant queries; and `promtool query` output
// pointed at both. Times are off the 15s sample grid so 2.x and 3.x window edges agree.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cp, mkdir, mkdtemp, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generate } from "./openmetrics-gen.ts";
import { freePort } from "../helpers/net.ts";
import { startAeon, startPrometheus, type Proc, type PrometheusProc } from "../helpers/processes.ts";
import { uploadBlock } from "../../src/blockstore/index.ts";
import { FilesystemBucket } from "../../src/objstore/index.ts";

const HOUR = 3_600_000;
let prom: PrometheusProc;
let store: Proc;
let query: Proc;
let stacked: Proc; // a second querier whose only endpoint is the first querier's StoreAPI
let aeonUrl: string;
let stackedUrl: string;
let t0: number; // first sample

before(async () => {
  const dir = await mkdtemp(join(tmpdir(), "aeon-e2e-q-"));
  t0 = Math.floor((Date.now() - 9 * HOUR) / HOUR) * HOUR;
  const gen = generate({ startMs: t0, endMs: t0 + 6 * HOUR, stepMs: 15_000, instances: 3 });
  await writeFile(join(dir, "data.om"), gen.text);
  execFileSync("promtool", ["tsdb", "create-blocks-from", "openmetrics", join(dir, "data.om"), join(dir, "blocks")], { stdio: "pipe" });
  const blocks = (await readdir(join(dir, "blocks"))).filter((b) => /^[0-9A-Z]{26}$/.test(b));
  assert.ok(blocks.length >= 3);

  // Prometheus reads the same blocks from its own data dir.
  const promDir = join(dir, "prom");
  await mkdir(join(promDir, "data"), { recursive: true });
  for (const b of blocks) await cp(join(dir, "blocks", b), join(promDir, "data", b), { recursive: true });
  prom = await startPrometheus("global:\n  scrape_interval: 1h\nscrape_configs: []\n", ["--storage.tsdb.retention.time=30d"], promDir);

  const bucketDir = join(dir, "bucket");
  const bucket = new FilesystemBucket({ directory: bucketDir });
  for (const b of blocks) await uploadBlock(bucket, join(dir, "blocks", b), {});
  const objstore = `type: FILESYSTEM\nconfig:\n  directory: ${bucketDir}\n`;

  const [sg, sh, qg, qh] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  store = await startAeon(
    ["store", `--objstore.config=${objstore}`, `--data-dir=${join(dir, "store")}`, `--grpc-address=127.0.0.1:${sg}`, `--http-address=127.0.0.1:${sh}`],
    `http://127.0.0.1:${sh}/-/ready`,
  );
  query = await startAeon(
    ["query", `--endpoint=127.0.0.1:${sg}`, `--grpc-address=127.0.0.1:${qg}`, `--http-address=127.0.0.1:${qh}`],
    `http://127.0.0.1:${qh}/-/ready`,
  );
  aeonUrl = `http://127.0.0.1:${qh}`;
  const [q2g, q2h] = await Promise.all([freePort(), freePort()]);
  stacked = await startAeon(
    ["query", `--endpoint=127.0.0.1:${qg}`, `--grpc-address=127.0.0.1:${q2g}`, `--http-address=127.0.0.1:${q2h}`],
    `http://127.0.0.1:${q2h}/-/ready`,
  );
  stackedUrl = `http://127.0.0.1:${q2h}`;
});

after(async () => {
  await Promise.all([stacked?.stop(), query?.stop(), store?.stop(), prom?.stop()]);
});

interface ApiSeries {
  metric: Record<string, string>;
  value?: [number, string];
  values?: [number, string][];
}

async function api(base: string, path: string): Promise<{ resultType: string; result: unknown }> {
  let r: Response;
  try {
    r = await fetch(base + path);
  } catch (e) {
    // Show what our processes said: a dropped connection usually means one of them died.
    throw new Error(`${base}${path}: ${(e as Error).message}\n--- query ---\n${query.output()}\n--- store ---\n${store.output()}`);
  }
  const body = await r.json();
  assert.equal(body.status, "success", `${base}${path}: ${JSON.stringify(body)}`);
  return body.data;
}

const key = (m: Record<string, string>) => JSON.stringify(Object.entries(m).sort());

function close(a: string, b: string): boolean {
  if (a === b) return true;
  const x = Number(a);
  const y = Number(b);
  if (Number.isNaN(x) && Number.isNaN(y)) return true;
  return Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(x), Math.abs(y));
}

function assertSameResult(q: string, got: { resultType: string; result: unknown }, want: { resultType: string; result: unknown }) {
  assert.equal(got.resultType, want.resultType, q);
  if (want.resultType === "scalar") {
    const [gt, gv] = got.result as [number, string];
    const [wt, wv] = want.result as [number, string];
    assert.equal(gt, wt, q);
    assert.ok(close(gv, wv), `${q}: ${gv} != ${wv}`);
    return;
  }
  const g = new Map((got.result as ApiSeries[]).map((s) => [key(s.metric), s]));
  const w = new Map((want.result as ApiSeries[]).map((s) => [key(s.metric), s]));
  assert.deepEqual([...g.keys()].sort(), [...w.keys()].sort(), `${q}: series differ`);
  for (const [k, ws] of w) {
    const gs = g.get(k)!;
    const gp = gs.values ?? [gs.value!];
    const wp = ws.values ?? [ws.value!];
    assert.equal(gp.length, wp.length, `${q} ${k}: point count`);
    for (let i = 0; i < wp.length; i++) {
      assert.equal(gp[i][0], wp[i][0], `${q} ${k}: timestamp #${i}`);
      assert.ok(close(gp[i][1], wp[i][1]), `${q} ${k} @${wp[i][0]}: aeon ${gp[i][1]} vs prometheus ${wp[i][1]}`);
    }
  }
}

const QUERIES = [
  "http_requests_total",
  "rate(http_requests_total[5m])",
  "sum by (job, code) (rate(http_requests_total[5m]))",
  "increase(http_requests_total[1h])",
  "resets(http_requests_total[2h])",
  "irate(http_requests_total[2m])",
  "histogram_quantile(0.9, sum by (le) (rate(request_duration_seconds_bucket[5m])))",
  "histogram_quantile(0.5, rate(request_duration_seconds_bucket[10m]))",
  "sum(rate(request_duration_seconds_sum[5m])) / sum(rate(request_duration_seconds_count[5m]))",
  "http_requests_total * on (instance) group_left temperature_celsius",
  "max_over_time(temperature_celsius[30m:1m])",
  "avg_over_time(temperature_celsius[10m] offset 1h)",
  "quantile_over_time(0.9, temperature_celsius[20m])",
  "deriv(temperature_celsius[15m])",
  "changes(temperature_celsius[10m])",
  "topk(2, temperature_celsius)",
  "stddev by (job) (temperature_celsius)",
  "count by (job) (http_requests_total)",
  "label_replace(temperature_celsius, \"host\", \"$1\", \"instance\", \"(.*):.*\")",
  "absent(nonexistent_metric)",
  "temperature_celsius > 60",
  "scalar(sum(temperature_celsius))",
];

test("instant queries agree with Prometheus", async () => {
  const at = (t0 + 3 * HOUR + 7_321) / 1000;
  for (const q of QUERIES) {
    const path = `/api/v1/query?query=${encodeURIComponent(q)}&time=${at}`;
    assertSameResult(q, await api(aeonUrl, path), await api(prom.url, path));
  }
  const pinned = `temperature_celsius @ ${(t0 + 2 * HOUR + 5_500) / 1000}`;
  const path = `/api/v1/query?query=${encodeURIComponent(pinned)}&time=${at}`;
  assertSameResult(pinned, await api(aeonUrl, path), await api(prom.url, path));
});

test("range queries agree with Prometheus", async () => {
  const start = (t0 + HOUR + 7_321) / 1000;
  const end = (t0 + 5 * HOUR + 7_321) / 1000;
  for (const q of QUERIES) {
    const path = `/api/v1/query_range?query=${encodeURIComponent(q)}&start=${start}&end=${end}&step=60`;
    assertSameResult(q, await api(aeonUrl, path), await api(prom.url, path));
  }
});

test("stacked queriers (query -> query -> store) answer like one querier", async () => {
  const at = (t0 + 3 * HOUR + 7_321) / 1000;
  const start = (t0 + HOUR + 7_321) / 1000;
  const end = (t0 + 5 * HOUR + 7_321) / 1000;
  for (const q of QUERIES) {
    for (const path of [
      `/api/v1/query?query=${encodeURIComponent(q)}&time=${at}`,
      `/api/v1/query_range?query=${encodeURIComponent(q)}&start=${start}&end=${end}&step=60`,
    ]) {
      assert.deepEqual(await api(stackedUrl, path), await api(aeonUrl, path), path);
    }
  }
  for (const path of ["/api/v1/series?match[]=temperature_celsius", "/api/v1/labels", "/api/v1/label/instance/values"]) {
    assert.deepEqual(await api(stackedUrl, path), await api(aeonUrl, path), path);
  }
});

// Text must match byte for byte, so these avoid avg/sum over several floats: Prometheus 3.x
// (our semantics) sums with Kahan compensation, 2.42 does not, and the last digit can differ
// (the numeric comparisons above allow for that).
test("promtool query prints the same for aeon and Prometheus", () => {
  const at = String((t0 + 4 * HOUR + 3_000) / 1000);
  const run = (args: string[]) => execFileSync("promtool", ["query", ...args], { encoding: "utf8" });
  const cases: ((u: string) => string[])[] = [
    (u) => ["instant", `--time=${at}`, u, "rate(http_requests_total[5m])"],
    (u) => ["range", `--start=${(t0 + HOUR + 1_000) / 1000}`, `--end=${(t0 + 2 * HOUR + 1_000) / 1000}`, "--step=5m", u, "max by (job) (temperature_celsius)"],
    (u) => ["series", "--match=temperature_celsius", `--start=${(t0 + HOUR) / 1000}`, `--end=${(t0 + 2 * HOUR) / 1000}`, u],
    (u) => ["labels", `--start=${(t0 + HOUR) / 1000}`, `--end=${(t0 + 2 * HOUR) / 1000}`, u, "instance"],
  ];
  for (const c of cases) {
    const want = run(c(prom.url));
    assert.ok(want.length > 0);
    assert.equal(run(c(aeonUrl)), want, c("URL").join(" "));
  }
});
